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
  subset      a product without pre-7.7 partitions, Backup HSM G5s, PED or USB
              backup HSMs: hello claims kind.v0, kind.v1 and model.backup_hsm_7
              (and no ped or usb), and a world holding what it lacks is refused
              at load, CKR_DATA_INVALID, as the product would.
  claims:CAPS relays as it is, but hello lists the kinds and models in CAPS
              (comma-separated, e.g. claims:kind.pre77,kind.v0,model.backup_hsm_g5)
              besides its other capabilities, so the suite skips what the
              product would lack (how conformance/vector-subsets is checked).
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


def lacks(world):
    """What of `world` the subset product has not got, or None."""
    for slot in world.get("slots", []):
        for key in ("user_partition", "backup_hsm"):
            dev = slot.get(key)
            if not isinstance(dev, dict):
                continue
            if dev.get("kind") == "pre77":
                return "a partition older than firmware 7.7.0"
            if dev.get("model") == "backup_hsm_g5":
                return "a Backup HSM G5"
            if dev.get("auth") == "ped" or dev.get("connection") == "usb":
                return "PED or USB"
            if any(p.get("origin") == "pre77" for p in dev.get("partitions", [])):
                return "a backup of a partition older than firmware 7.7.0"
    return None


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
        if mode == "subset" and request.get("op") == "load":
            missing = lacks(request.get("world", {}))
            if missing:
                sys.stdout.write(json.dumps({"id": request.get("id"), "ok": False, "error": {
                    "code": "CKR_DATA_INVALID",
                    "message": "this product has no " + missing}}) + "\n")
                sys.stdout.flush()
                continue
        serve.stdin.write(line)
        serve.stdin.flush()
        answer = serve.stdout.readline()
        if not answer:
            break
        response = json.loads(answer)
        if mode == "subset" and request.get("op") == "hello" and response.get("ok"):
            response["capabilities"] = [
                c for c in response.get("capabilities", []) if c not in ("ped", "usb")
            ] + ["kind.v0", "kind.v1", "model.backup_hsm_7"]
        if mode.startswith("claims:") and request.get("op") == "hello" and response.get("ok"):
            response["capabilities"] = [
                c for c in response.get("capabilities", [])
                if not c.startswith(("kind.", "model."))
            ] + mode[len("claims:"):].split(",")
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
