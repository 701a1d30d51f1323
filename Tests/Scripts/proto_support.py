"""Shared by the independent protobuf checks (nevrcap_check.py, tape_check.py): compiles
the project's .proto files with protoc into a temporary folder (removed when the script ends)
and imports the generated modules, plus the varint helpers both checks use. Nothing here
comes from the Swift code: it is the second implementation the tests compare against."""
import atexit
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO = os.path.join(ROOT, "proto")


def fail(tool, message):
    print(tool + ": " + message, file=sys.stderr)
    sys.exit(2)


def compile_protos(tool, files, modules):
    """Runs protoc --python_out on `files` (relative to proto/) and returns the imported
    `modules` (dotted names, e.g. "engine.v1.engine_pb2") in order."""
    out = tempfile.mkdtemp(prefix=tool + "-py-")
    atexit.register(shutil.rmtree, out, True)
    include = []
    for candidate in ("/usr/include", "/usr/local/include"):
        if os.path.exists(os.path.join(candidate, "google/protobuf/timestamp.proto")):
            include = ["-I" + candidate]
            break
    try:
        subprocess.run(["protoc", "-I" + PROTO] + include + ["--python_out=" + out] + list(files),
                       check=True, cwd=PROTO)
    except FileNotFoundError:
        fail(tool, "protoc not found (Debian: protobuf-compiler; run scripts/bootstrap.sh)")
    sys.path.insert(0, out)
    try:
        return [importlib.import_module(name) for name in modules]
    except ImportError as e:
        fail(tool, "python protobuf not importable: %s (pip install protobuf)" % e)


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(data, pos):
    """(value, next position); a varint longer than 10 bytes is an error."""
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift >= 64:
            raise ValueError("varint too long")
