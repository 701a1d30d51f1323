#!/usr/bin/env python3
"""Counts public declarations without a DocC comment (`///` or `/** */` just above them,
attributes such as `@inlinable` in between allowed), per module.

Usage: scripts/doc-coverage.py [--list] [--fail-on-undocumented] [MODULE ...]   (default: every
folder in Sources/ except the CLI). `--list` prints each undocumented declaration as path:line.
`--fail-on-undocumented` lists them too and exits 1 when there is any (the documentation test in
Tests/NEVRReadmeTests runs it so).
Only declarations spelled `public`/`open` are counted (also inside extensions; not the
extensions themselves, nor protocol requirements, which carry no keyword). An enum's cases
are not `public`-spelled and so are not counted.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DECL = re.compile(
    r"^\s*(?:@[\w.()\", :]+\s+)*(?:public|open)\s+(?!import\b)(?:(?:final|static|class|override|mutating|nonmutating|"
    r"indirect|convenience|required|nonisolated|lazy|private\(set\)|fileprivate\(set\)|internal\(set\))\s+)*"
    r"(struct|class|enum|protocol|actor|typealias|func|init|var|let|subscript|case|extension)\b")


# A line holding only attributes, e.g. `@inlinable`, `@available(*, deprecated, message: "x")`.
ATTRIBUTES_ONLY = re.compile(r"^\s*(?:@[\w.]+(?:\([^()]*\))?\s*)+$")


def undocumented(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    found, total = [], 0
    for i, line in enumerate(lines):
        m = DECL.match(line)
        if not m or m.group(1) == "extension":
            continue
        total += 1
        j = i - 1
        while j >= 0 and ATTRIBUTES_ONLY.match(lines[j]):
            j -= 1  # attributes on their own line (not `@usableFromInline var x`: that is a declaration)
        prev = lines[j].strip() if j >= 0 else ""
        if not (prev.startswith("///") or prev.endswith("*/")):
            found.append((i + 1, line.strip()))
    return total, found


def main(argv):
    fail = "--fail-on-undocumented" in argv
    show = "--list" in argv or fail
    modules = [a for a in argv if not a.startswith("--")]
    src = os.path.join(ROOT, "Sources")
    if not modules:
        modules = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)) and d != "nevr")
    grand_total = grand_missing = 0
    for module in modules:
        total = missing = 0
        for base, _, files in sorted(os.walk(os.path.join(src, module))):
            for name in sorted(files):
                if not name.endswith(".swift"):
                    continue
                path = os.path.join(base, name)
                t, f = undocumented(path)
                total += t
                missing += len(f)
                if show:
                    for line, text in f:
                        print(f"{os.path.relpath(path, ROOT)}:{line}: {text}")
        if total:
            print(f"{module}: {total} public declarations, {missing} undocumented ({100 * missing / total:.0f}%)")
        grand_total += total
        grand_missing += missing
    if grand_total:
        print(f"all: {grand_total} public declarations, {grand_missing} undocumented ({100 * grand_missing / grand_total:.0f}%)")
    if fail and grand_missing:
        print(f"{grand_missing} public declarations lack a DocC comment (`///` on the line above, "
              "attributes in between allowed): document them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
