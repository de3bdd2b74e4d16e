#!/usr/bin/env python3
"""A fake target for the pipelining tests (pipeline_test.cc, processes_test.cc).

Usage: pipeline_target.py MODE [CAPABILITY ...] [--serve=HSMBACKUP]
  hold   answers an `execute` only after it has read the request that follows
         it: a runner that waits for each answer before sending the next
         request never gets one (the target hangs, as a test wants).
  lines  reads line by line and answers at once (a well-behaved target).
  chunk  treats each read() of stdin as one request (a target that assumes
         the runner waits): two requests that arrive together get one answer,
         and a line that arrives in two reads is taken for two requests.
  first  keeps what it reads until a newline, but answers only the first
         whole line of each read() and drops the others.
  split  answers every line of each read(), but takes what follows the last
         newline of a read for a whole line (it breaks a line in two reads).
The execute line "refuse" is refused (ok false); other lines end CKR_OK.
With --serve, each line the mode answers goes to `HSMBACKUP serve` and its
answer comes back, so only the reading is broken; `hello` then lists what
serve lists, `pipeline` only when given, never `fork`.
"""
import json
import os
import subprocess
import sys


def answer(request):
    if not isinstance(request, dict):
        return {"id": None, "ok": False,
                "error": {"code": "CKR_ARGUMENTS_BAD", "message": "not a JSON object"}}
    op = request.get("op")
    rid = request.get("id")
    if op == "hello":
        return {"id": rid, "ok": True, "protocol": "hsmbackup-target/1",
                "implementation": "pipeline test target", "capabilities": capabilities}
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


def send(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def handle(line):
    """The answer to one request line, as one line of text."""
    request = parse(line)
    if isinstance(request, dict) and request.get("op") == "execute":
        seen.append(request.get("line", ""))
    if serve is None:
        return json.dumps(answer(request))
    try:
        serve.stdin.write(line + "\n")
        serve.stdin.flush()
    except BrokenPipeError:
        sys.exit(0)  # serve has exited after a bye; so does its stand-in
    response = serve.stdout.readline().rstrip("\n")
    if not response:
        sys.exit(0)
    reply = parse(response)
    if isinstance(reply, dict) and isinstance(reply.get("capabilities"), list):
        # It answers each line with one line: it cannot relay a fork.
        reply["capabilities"] = [c for c in reply["capabilities"]
                                 if c not in ("pipeline", "fork") or c in capabilities]
        return json.dumps(reply)
    return response


def reads():
    while True:
        data = os.read(0, 1 << 16)
        if not data:
            return
        yield data.decode()


seen = [""]
mode = sys.argv[1]
capabilities = [a for a in sys.argv[2:] if not a.startswith("--serve=")]
serve = None
for a in sys.argv[2:]:
    if a.startswith("--serve="):
        serve = subprocess.Popen([a[len("--serve="):], "serve"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
if mode == "chunk":
    for data in reads():
        send(handle(data.split("\n")[0]))
elif mode == "first":
    pending = ""
    for data in reads():
        lines = (pending + data).split("\n")
        pending = lines.pop()
        if lines:
            send(handle(lines[0]))
elif mode == "split":
    for data in reads():
        for line in data.split("\n"):
            if line:
                send(handle(line))
else:
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        request = parse(line)
        if mode == "hold" and isinstance(request, dict) and request.get("op") == "execute":
            following = sys.stdin.readline()
            send(handle(line.rstrip("\n")))
            if following:
                send(handle(following.rstrip("\n")))
            continue
        send(handle(line.rstrip("\n")))
        if isinstance(request, dict) and request.get("op") == "bye":
            break
if serve is not None:
    serve.stdin.close()
    serve.wait()
