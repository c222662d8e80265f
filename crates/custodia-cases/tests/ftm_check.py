#!/usr/bin/env python3
"""Checks FollowTheMoney entities (JSON lines on stdin) against the `followthemoney` model.

Each entity must name a schema of the model that is not abstract, use only properties of that
schema, and keep every value when the model cleans it (a date that is no date, or a SHA-256 in
a SHA-1 field, is dropped by the model, so a dropped value is an error here). Properties that
refer to other entities must name an entity of the stream whose schema fits the property's
range. Prints one line per problem and exits 1 if there is any; prints a count otherwise.

Usage: custodia case export REF --format ftm | python3 ftm_check.py
"""

import json
import sys

from followthemoney import model


def main() -> int:
    problems = []
    entities = {}
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not JSON: {error}")
            continue
        schema = model.get(data.get("schema"))
        if schema is None:
            problems.append(f"line {number}: unknown schema {data.get('schema')!r}")
            continue
        if schema.abstract:
            problems.append(f"line {number}: schema {schema.name} is abstract")
        if not data.get("id"):
            problems.append(f"line {number}: entity without id")
        for name in data.get("properties", {}):
            if name not in schema.properties:
                problems.append(f"line {number}: {schema.name} has no property {name!r}")
        proxy = model.get_proxy(data, cleaned=False)
        for name, values in data.get("properties", {}).items():
            kept = proxy.get(name, quiet=True)
            if len(kept) != len(values):
                problems.append(
                    f"line {number}: {schema.name}.{name}: the model dropped "
                    f"{sorted(set(values) - set(kept))!r}"
                )
        if data.get("id") in entities:
            problems.append(f"line {number}: duplicate id {data['id']}")
        entities[data.get("id")] = (number, proxy)

    for number, proxy in entities.values():
        for prop, value in proxy.itervalues():
            if prop.type.name != "entity":
                continue
            target = entities.get(value)
            if target is None:
                problems.append(f"line {number}: {prop.qname} refers to {value}, not in the stream")
            elif not target[1].schema.is_a(prop.range):
                problems.append(
                    f"line {number}: {prop.qname} refers to a {target[1].schema.name}, "
                    f"not a {prop.range.name}"
                )

    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{len(entities)} entities valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
