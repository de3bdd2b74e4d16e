#!/usr/bin/env python3
"""Validates hsmbackup-conformance reports for the runner's tests.

  validate_reports.py junit FILE        FILE parses as XML and has the JUnit shape
  validate_reports.py json FILE SCHEMA  FILE validates against SCHEMA (draft 2020-12)

Exit 0 valid, 1 invalid (the reason on stderr), 77 a dependency is missing
(the caller skips), 2 bad usage.
"""
import json
import sys
import xml.etree.ElementTree as ET


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def check_junit(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail(f"not well-formed XML: {e}")
    if root.tag != "testsuites":
        fail(f"root element is <{root.tag}>, not <testsuites>")
    cases = 0
    for suite in root:
        if suite.tag != "testsuite":
            fail(f"<testsuites> holds <{suite.tag}>")
        family = suite.get("name")
        if not family:
            fail("a <testsuite> has no name")
        testcases = suite.findall("testcase")
        if int(suite.get("tests", "-1")) != len(testcases):
            fail(f"testsuite {family}: tests={suite.get('tests')} but {len(testcases)} testcases")
        for attr, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            n = sum(1 for tc in testcases if tc.find(tag) is not None)
            if int(suite.get(attr, "-1")) != n:
                fail(f"testsuite {family}: {attr}={suite.get(attr)} but {n} <{tag}>")
        for tc in testcases:
            cases += 1
            if tc.get("classname") != family or not tc.get("name"):
                fail(f"testcase {tc.get('name')} has classname {tc.get('classname')}, not {family}")
            float(tc.get("time"))
            outcomes = [c for c in tc if c.tag in ("failure", "error", "skipped")]
            if len(outcomes) > 1:
                fail(f"testcase {tc.get('name')} has {len(outcomes)} outcomes")
            for o in outcomes:
                if not o.get("message"):
                    fail(f"testcase {tc.get('name')}: <{o.tag}> has no message")
    if int(root.get("tests", "-1")) != cases:
        fail(f"testsuites tests={root.get('tests')} but {cases} testcases")


def check_json(path, schema_path):
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        print("python3-jsonschema is not installed", file=sys.stderr)
        sys.exit(77)
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    errors = sorted(Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
    if errors:
        fail("\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:10]))


def main(argv):
    if len(argv) == 3 and argv[1] == "junit":
        check_junit(argv[2])
    elif len(argv) == 4 and argv[1] == "json":
        check_json(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
