#!/usr/bin/env python3
"""A fake target for the pipelining tests (target_test.cc, runner_test.cc).

Usage: pipeline_target.py MODE [CAPABILITY ...]
  hold   answers an `execute` only after it has read the request that follows
         it: a runner that waits for each answer before sending the next
         request never gets one (the target hangs, as a test wants).
  lines  reads line by line and answers at once (a well-behaved target).
  chunk  treats each read() of stdin as one request (a target that assumes
         the runner waits): two requests that arrive together get one answer.
The execute line "refuse" is refused (ok false); other lines end CKR_OK.
"""
import json
import os
import sys


def answer(request):
    if not isinstance(request, dict):
        return {"id": None, "ok": False,
                "error": {"code": "CKR_ARGUMENTS_BAD", "message": "not a JSON object"}}
    op = request.get("op")
    rid = request.get("id")
    if op == "hello":
        return {"id": rid, "ok": True, "protocol": "hsmbackup-target/1",
                "implementation": "pipeline test target", "capabilities": sys.argv[2:]}
    if op == "execute" and request.get("line") == "refuse":
        return {"id": rid, "ok": False,
                "error": {"code": "CKR_FUNCTION_FAILED", "message": "refused on purpose"}}
    if op == "execute":
        return {"id": rid, "ok": True, "result": "CKR_OK", "message": "", "prompts": 0,
                "transcript": ["Command Result : No Error"]}
    if op == "observe":
        return {"id": rid, "ok": True, "state": {"slots": [], "line_seen": seen[-1]}}
    return {"id": rid, "ok": True}


def parse(line):
    try:
        return json.loads(line)
    except ValueError:
        return None


def send(response):
    sys.stdout.write(json.dumps(response) + "\n")
    sys.stdout.flush()


seen = [""]
mode = sys.argv[1]
if mode == "chunk":
    while True:
        data = os.read(0, 1 << 16)
        if not data:
            break
        request = parse(data.decode().split("\n")[0])
        send(answer(request))
    sys.exit(0)
while True:
    line = sys.stdin.readline()
    if not line:
        break
    request = parse(line)
    if isinstance(request, dict) and request.get("op") == "execute":
        seen.append(request.get("line", ""))
        if mode == "hold":
            following = sys.stdin.readline()
            send(answer(request))
            if following:
                send(answer(parse(following)))
            continue
    send(answer(request))
    if isinstance(request, dict) and request.get("op") == "bye":
        break
