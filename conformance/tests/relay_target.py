#!/usr/bin/env python3
"""A target that relays every request to `hsmbackup serve` and rewrites its
answers as another implementation might (target_test.cc).

Usage: relay_target.py MODE HSMBACKUP
  upperhex  writes the hex fields of every observed state (ouid, fingerprint,
            smk_id) in upper case, which PROTOCOL.md allows.
"""
import json
import subprocess
import sys

HEX_KEYS = ("ouid", "fingerprint", "smk_id")


def upper_hex(node):
    if isinstance(node, list):
        for item in node:
            upper_hex(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in HEX_KEYS and isinstance(value, str):
                node[key] = value.upper()
            else:
                upper_hex(value)


def main():
    mode, tool = sys.argv[1], sys.argv[2]
    serve = subprocess.Popen([tool, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, bufsize=1)
    for line in sys.stdin:
        serve.stdin.write(line)
        serve.stdin.flush()
        answer = serve.stdout.readline()
        if not answer:
            break
        response = json.loads(answer)
        if mode == "upperhex" and isinstance(response.get("state"), dict):
            upper_hex(response["state"])
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()
    serve.stdin.close()
    serve.wait()


main()
