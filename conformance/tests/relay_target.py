#!/usr/bin/env python3
"""A target that relays every request to `hsmbackup serve` and rewrites its
answers as another implementation might (target_test.cc).

Usage: relay_target.py MODE HSMBACKUP
  upperhex    writes the hex fields of every observed state (ouid, fingerprint,
              smk_id) in upper case, which PROTOCOL.md allows.
  noise-once  writes one log line on stdout, "LOG <the line>", before the answer
              to its first execute: out of step. Once per run: it creates the
              file RELAY_ONCE names, and is quiet when that file exists.
  hang-list   never answers a 'partition archive list' line.
  pass        relays as it is.
With RELAY_PIDS set, appends its own pid and the server's to that file, and
"hung" when it starts to hang.
"""
import json
import os
import subprocess
import sys
import time

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
    if os.environ.get("RELAY_PIDS"):
        with open(os.environ["RELAY_PIDS"], "a") as pids:
            pids.write("%d\n%d\n" % (os.getpid(), serve.pid))
    noisy = mode == "noise-once" and not os.path.exists(os.environ["RELAY_ONCE"])
    for line in sys.stdin:
        request = json.loads(line)
        executed = request.get("line", "") if request.get("op") == "execute" else None
        if mode == "hang-list" and executed is not None and \
                executed.startswith("partition archive list"):
            if os.environ.get("RELAY_PIDS"):
                with open(os.environ["RELAY_PIDS"], "a") as pids:
                    pids.write("hung\n")
            while True:
                time.sleep(3600)
        serve.stdin.write(line)
        serve.stdin.flush()
        answer = serve.stdout.readline()
        if not answer:
            break
        response = json.loads(answer)
        if mode == "upperhex" and isinstance(response.get("state"), dict):
            upper_hex(response["state"])
        if noisy and executed is not None:
            noisy = False
            open(os.environ["RELAY_ONCE"], "w").close()
            sys.stdout.write("LOG " + executed + "\n")
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()
    serve.stdin.close()
    serve.wait()


main()
