#!/usr/bin/env python3
"""An adapter that forks (PROTOCOL.md, "fork"), in Python: how a vendor's
adapter can offer the capability, and the fake target of fork_test.cc.

Usage: fork_target.py MODE HSMBACKUP
  good     on `fork` the process os.fork()s; the copy starts its own
           `HSMBACKUP serve --no-fork` (the "device"), relays its check's
           session to it and exits after `bye`; the original, which reads
           nothing meanwhile and drops what it had read past the fork line,
           answers the fork once the copy has exited.
  leaky    every copy relays to one serve the original started: a copy finds
           the world the copy before it loaded (copies that are not fresh).
  early    the copy exits (code 3) at the first request after its hello.
  keeps    the original reads ahead (what arrives within 50 ms of the fork
           line) and keeps what it read past the fork line, and so answers the
           copy's requests again once the copy has exited.
  linger   the copy stays 30 s after answering `bye`.
The original itself relays `hello` and `load` to a serve of its own (a
`fork` after a `load` is refused, CKR_OPERATION_NOT_ALLOWED).
"""
import json
import os
import select
import subprocess
import sys
import time


class Lines:
    """Lines from stdin through a buffer this process owns, so that after a
    fork the original can drop what it read past the fork line."""

    def __init__(self):
        self.buffer = b""

    def next(self):
        while b"\n" not in self.buffer:
            chunk = os.read(0, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode()


def send(obj_or_text):
    text = obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text)
    os.write(1, (text + "\n").encode())


def start_serve(tool):
    return subprocess.Popen([tool, "serve", "--no-fork"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def relay(serve, line):
    serve.stdin.write(line + "\n")
    serve.stdin.flush()
    answer = json.loads(serve.stdout.readline())
    if isinstance(answer.get("capabilities"), list):
        answer["capabilities"].append("fork")
    return answer


def parse(line):
    try:
        request = json.loads(line)
    except ValueError:
        return {}
    return request if isinstance(request, dict) else {}


def copy(lines, mode, tool, shared):
    serve = shared or start_serve(tool)
    while (line := lines.next()) is not None:
        request = parse(line)
        op = request.get("op")
        if mode == "early" and op != "hello":
            os._exit(3)
        if op == "bye":
            send({"id": request.get("id"), "ok": True})
            if mode == "linger":
                time.sleep(30)
            break
        send(relay(serve, line))
    if serve is not shared:
        serve.stdin.close()
        serve.wait()


def main():
    mode, tool = sys.argv[1], sys.argv[2]
    lines = Lines()
    own = start_serve(tool)  # answers the original's hello and load
    shared = start_serve(tool) if mode == "leaky" else None
    loaded = False
    while (line := lines.next()) is not None:
        request = parse(line)
        op, rid = request.get("op"), request.get("id")
        if op == "fork" and not loaded:
            if mode == "keeps":
                time.sleep(0.05)
                while select.select([0], [], [], 0)[0]:
                    chunk = os.read(0, 65536)
                    if not chunk:
                        break
                    lines.buffer += chunk
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                copy(lines, mode, tool, shared)
                os._exit(0)
            if mode != "keeps":
                lines.buffer = b""  # the copy's requests
            _, status = os.waitpid(pid, 0)
            answer = {"id": rid, "ok": True}
            if os.WIFSIGNALED(status):
                answer["signal"] = os.WTERMSIG(status)
            else:
                answer["exit_code"] = os.WEXITSTATUS(status)
            send(answer)
        elif op == "fork":
            send({"id": rid, "ok": False, "error": {"code": "CKR_OPERATION_NOT_ALLOWED",
                                                    "message": "a process that loaded cannot fork"}})
        elif op == "bye":
            send({"id": rid, "ok": True})
            break
        else:
            loaded = loaded or op == "load"
            send(relay(own, line))


if __name__ == "__main__":
    main()
