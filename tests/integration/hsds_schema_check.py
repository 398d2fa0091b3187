#!/usr/bin/python3
"""Checks an HSDS 3.0 data package against Open Referral's own table schemas, independently of
selvhjelp's code: Debian's python3-jsonschema validates every CSV row as a JSON object against the
official schema of its table (required fields, formats uuid/email/uri, enums), and the package's
datapackage.json must give each column the type, format and required constraint the official
schema gives it (its datapackage_type where it has one, as the spec's own datapackage.json does).

usage: hsds_schema_check.py PACKAGE_DIR SCHEMA_DIR
Prints one line per problem as "file:line: column: what" and exits 1 if there is any; prints a
summary and exits 0 otherwise.
"""
import csv
import json
import os
import sys

import jsonschema


def official_field(prop, required):
    field = {"type": prop.get("datapackage_type", prop["type"]), "required": required}
    if "format" in prop:
        field["format"] = prop["format"]
    return field


def cast(value, prop):
    """A CSV cell as the JSON value the official schema expects; empty cells are left out."""
    if prop["type"] == "number":
        try:
            return float(value)
        except ValueError:
            return value  # the schema then reports it
    return value


def main(package_dir, schema_dir):
    problems = []
    with open(os.path.join(package_dir, "datapackage.json"), encoding="utf-8") as f:
        package = json.load(f)
    if package.get("profile") != "tabular-data-package":
        problems.append("datapackage.json: profile: expected tabular-data-package")
    checker = jsonschema.FormatChecker()
    rows_checked = 0
    for resource in package["resources"]:
        name = resource["name"]
        schema_file = os.path.join(schema_dir, name + ".json")
        if not os.path.exists(schema_file):
            problems.append(f"datapackage.json: resources.{name}: not an HSDS 3.0 table")
            continue
        with open(schema_file, encoding="utf-8") as f:
            official = json.load(f)
        if resource["path"] != official["path"]:
            problems.append(f"datapackage.json: resources.{name}.path: {resource['path']}, the spec has {official['path']}")
        required = set(official.get("required", [])) | set(official.get("tabular_required", []))
        props = official["properties"]
        for field in resource["schema"]["fields"]:
            column = field["name"]
            if column not in props:
                problems.append(f"datapackage.json: {name}.{column}: not a field of the spec's {name}")
                continue
            want = official_field(props[column], column in required)
            got = {"type": field.get("type"), "required": field.get("constraints", {}).get("required", False)}
            if "format" in field:
                got["format"] = field["format"]
            if got != want:
                problems.append(f"datapackage.json: {name}.{column}: {got}, the spec has {want}")
        columns = [field["name"] for field in resource["schema"]["fields"]]
        for column in sorted(required - set(columns)):
            problems.append(f"datapackage.json: {name}.{column}: required by the spec but not in the table")
        validator = jsonschema.Draft7Validator(official, format_checker=checker)
        path = os.path.join(package_dir, resource["path"])
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            if header != columns:
                problems.append(f"{resource['path']}:1: header {header} is not the fields {columns}")
            for row in reader:
                line = reader.line_num
                obj = {c: cast(v, props.get(c, {"type": "string"})) for c, v in zip(header, row) if v != ""}
                for error in validator.iter_errors(obj):
                    where = ".".join(str(p) for p in error.path) or "(row)"
                    problems.append(f"{resource['path']}:{line}: {where}: {error.message}")
                rows_checked += 1
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"{len(package['resources'])} tables, {rows_checked} rows valid against the HSDS 3.0 schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
