#!/usr/bin/env python3
"""Checks a running `nevr archive serve` against docs/archive-openapi.yaml.

For every path and method in the file: the request with no query answers 200 with a body of
the documented schema; every query parameter is tried with values its schema allows (enum
values, bounds, booleans, the example) and must answer 200 with the documented schema, and
with values it forbids (below the minimum, above the maximum, 10^12, not a number, empty,
outside the enum) and must answer 400 with the documented Error body; an unknown parameter
answers 400; a documented 404 is checked with an unknown id. An undocumented route answers
404 with the Error body. Independent of the server's code: it reads only the YAML file and
HTTP answers.

usage: openapi_check.py BASE_URL SPEC.yaml --match-id ID --player-id ID
Prints one line per failed check and a summary; exit status 0 only when every check passed.
"""
import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

import yaml


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = spec
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def validate(spec, schema, value, where="$"):
    """A minimal JSON-schema check of what the file uses; returns a list of problems."""
    schema = resolve(spec, schema)
    problems = []
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null where not nullable"]
    if "allOf" in schema:
        for part in schema["allOf"]:
            problems += validate(spec, part, value, where)
        return problems
    if "oneOf" in schema:
        matching = [p for p in schema["oneOf"] if not validate(spec, p, value, where)]
        return [] if len(matching) == 1 else [f"{where}: matches {len(matching)} of oneOf, not exactly 1"]
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if kind and not checks[kind](value):
        return [f"{where}: {type(value).__name__} where {kind} is documented"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if kind == "object":
        for name in schema.get("required", []):
            if name not in value:
                problems.append(f"{where}: required {name!r} missing")
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                problems += validate(spec, sub, value[name], f"{where}.{name}")
    if kind == "array":
        for i, item in enumerate(value):
            problems += validate(spec, schema.get("items", {}), item, f"{where}[{i}]")
    return problems


class Checker:
    def __init__(self, base, spec, ids):
        self.base = base.rstrip("/")
        self.spec = spec
        self.ids = ids
        self.passed = 0
        self.failed = []

    def request(self, path, query=None, method="GET"):
        url = self.base + path + ("?" + query if query else "")
        req = urllib.request.Request(url, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def fail(self, what, why):
        self.failed.append(f"{what}: {why}")

    def expect(self, what, path, query, operation, status):
        code, headers, body = self.request(path, query)
        if code != status:
            return self.fail(what, f"status {code}, expected {status}; body {body[:200]!r}")
        response = resolve(self.spec, operation["responses"].get(str(status)))
        if response is None:
            return self.fail(what, f"status {status} is not documented for this route")
        content = response.get("content", {})
        ctype = headers.get("Content-Type", "").split(";")[0].strip()
        if ctype not in content:
            return self.fail(what, f"Content-Type {ctype!r}, documented: {list(content)}")
        if ctype == "application/json":
            try:
                value = json.loads(body)
            except ValueError as e:
                return self.fail(what, f"body is not JSON ({e}): {body[:200]!r}")
            problems = validate(self.spec, content[ctype]["schema"], value)
            if problems:
                return self.fail(what, "; ".join(problems[:5]))
        elif not body:
            return self.fail(what, "empty download")
        self.passed += 1

    def path_for(self, template, operation, unknown=False):
        path = template
        for p in operation.get("parameters", []):
            p = resolve(self.spec, p)
            if p["in"] == "path":
                value = "no-such-id" if unknown else self.ids[template.split("/")[1]]
                path = path.replace("{" + p["name"] + "}", urllib.parse.quote(value, safe=""))
        return path

    def good_values(self, param):
        schema = resolve(self.spec, param["schema"])
        if param["name"] == "player":
            return [self.ids["players"]]
        values = []
        if "example" in param:
            values.append(str(param["example"]))
        if "enum" in schema:
            values += [str(v) for v in schema["enum"]]
        if schema.get("type") == "boolean":
            values += ["true", "false"]
        if schema.get("type") == "integer":
            values += [str(schema.get("minimum", 1)), str(schema.get("default", schema.get("minimum", 1)))]
            if schema.get("maximum", 0) <= 100_000:
                values.append(str(schema["maximum"]))
        if not values and schema.get("type") == "string":
            values.append("x")
        return values

    def bad_values(self, param):
        schema = resolve(self.spec, param["schema"])
        values = [""]
        if schema.get("type") == "integer":
            values += [str(schema["minimum"] - 1), str(schema["maximum"] + 1), "-1", str(10**12), "abc", "1.5", "99999999999999999999999"]
        if "enum" in schema:
            values.append("bogus")
        if schema.get("type") == "boolean":
            values.append("maybe")
        if "pattern" in schema:
            values.append("NOT-A-NAME")
        return values

    def run(self):
        paths = self.spec["paths"]
        for template, item in paths.items():
            for method, operation in item.items():
                if method != "get":
                    self.fail(f"{method.upper()} {template}", "the checker only knows GET routes")
                    continue
                name = f"GET {template}"
                path = self.path_for(template, operation)
                self.expect(f"{name} (no query)", path, None, operation, 200)
                for param in operation.get("parameters", []):
                    param = resolve(self.spec, param)
                    if param["in"] != "query":
                        continue
                    for value in self.good_values(param):
                        q = urllib.parse.urlencode({param["name"]: value})
                        self.expect(f"{name}?{q}", path, q, operation, 200)
                    for value in self.bad_values(param):
                        q = urllib.parse.urlencode({param["name"]: value})
                        self.expect(f"{name}?{q} (bad)", path, q, operation, 400)
                self.expect(f"{name}?bogus=1 (unknown parameter)", path, "bogus=1", operation, 400)
                if "404" in operation["responses"]:
                    self.expect(f"{name} (unknown id)", self.path_for(template, operation, unknown=True), None, operation, 404)
        error_schema = self.spec["components"]["schemas"]["Error"]
        for method, path in [("GET", "/no/such/route"), ("POST", "/matches"), ("DELETE", "/summary")]:
            code, _, body = self.request(path, method=method)
            try:
                problems = validate(self.spec, error_schema, json.loads(body))
            except ValueError:
                problems = ["not JSON"]
            if code not in (404, 405) or problems:
                self.fail(f"{method} {path}", f"status {code}, body {body[:120]!r}")
            else:
                self.passed += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("spec")
    parser.add_argument("--match-id", required=True)
    parser.add_argument("--player-id", required=True)
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = yaml.safe_load(f)
    checker = Checker(args.base, spec, {"matches": args.match_id, "players": args.player_id})
    checker.run()
    for line in checker.failed:
        print("FAIL", line)
    routes = sum(len(item) for item in spec["paths"].values())
    print(f"openapi_check: {routes} routes, {checker.passed} checks passed, {len(checker.failed)} failed")
    sys.exit(1 if checker.failed else 0)


if __name__ == "__main__":
    main()
