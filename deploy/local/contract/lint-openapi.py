#!/usr/bin/env python3
"""What makes an OpenAPI document of ours usable as a contract, checked before fuzzing it
(deploy/local/contract-fuzz.sh): every path template parameter declared; every schema
property typed (a `type`, or a `$ref`/`allOf`/`oneOf`/`anyOf`; a bare `object` must say
what it holds; an array must type its items); every 4xx/5xx answer carries a body schema.

    lint-openapi.py NAME=URL_OR_FILE...      exit 1 and one line per problem if any
"""
import json
import re
import sys
import urllib.request

METHODS = ("get", "put", "post", "delete", "patch", "options", "head")
COMPOSED = ("$ref", "allOf", "oneOf", "anyOf")


def load(source):
    if source.startswith("http://") or source.startswith("https://"):
        with urllib.request.urlopen(source, timeout=10) as response:
            return json.load(response)
    with open(source, encoding="utf-8") as file:
        return json.load(file)


def untyped(schema):
    """Why a property schema does not say what is sent, or None when it does."""
    if any(key in schema for key in COMPOSED):
        return None
    kind = schema.get("type")
    if kind is None:
        return "has no type"
    if kind == "object" and "properties" not in schema and "additionalProperties" not in schema:
        return "is a bare object (declare its type, or properties/additionalProperties)"
    if kind == "array":
        items = schema.get("items")
        if not isinstance(items, dict):
            return "is an array without items"
        return untyped(items) and f"has items that {untyped(items)}"
    return None


def schema_problems(name, schemas):
    for model, schema in schemas.items():
        for prop, spec in (schema.get("properties") or {}).items():
            why = untyped(spec)
            if why:
                yield f"{name}: schema {model}.{prop} {why}"


def operation_problems(name, paths):
    for path, item in paths.items():
        template = re.findall(r"\{([^}]+)\}", path)
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            where = f"{name}: {method.upper()} {path}"
            declared = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "path"}
            for parameter in template:
                if parameter not in declared:
                    yield f"{where} does not declare its path parameter {parameter}"
            for status, response in (operation.get("responses") or {}).items():
                if status[0] in "45" and "content" not in response and "$ref" not in response:
                    yield f"{where} answers {status} without a body schema"


def main(arguments):
    problems = []
    for argument in arguments:
        name, _, source = argument.partition("=")
        document = load(source)
        problems += schema_problems(name, (document.get("components") or {}).get("schemas") or {})
        problems += operation_problems(name, document.get("paths") or {})
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
