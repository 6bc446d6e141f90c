#!/usr/bin/env python3
"""Stands in for `claude` in the end-to-end tests: picks a script for the fake claude by the
stage and issue named in the prompt, then becomes the fake claude (tests/fakes/claude).

The test's prompt overrides start with "STAGE=<PLAN|BUILD|FIX|REVIEW> ISSUE=<key>"; the
prompt arrives on stdin (or in argv for a slash command) and is handed on unchanged.
Scripts live in $E2E_SCRIPTS: "<STAGE>-<key>.json" wins over "<STAGE>.json"; "{issue}" in
a script is replaced by the key; "mode" sets FAKE_AGENT_MODE; "once": true uses the script
only for the first matching call; "gate": <path> waits until that file exists. Every call is logged to $E2E_SCRIPTS/calls.log as
"<STAGE> <key> <pid>" so the test can count calls and kill what a crash left behind."""
import json
import os
import re
import sys
import tempfile

argv = sys.argv[1:]
env = dict(os.environ)
scripts = env.get("E2E_SCRIPTS", "")
stdin = b"" if sys.stdin.isatty() else sys.stdin.buffer.read()
# The fake claude reads the same stdin: keep it in a file that becomes its stdin.
with tempfile.TemporaryFile() as kept:
    kept.write(stdin)
    kept.seek(0)
    os.dup2(kept.fileno(), 0)
match = re.search(r"STAGE=(\w+) ISSUE=(\S+)", "\n".join(argv) + "\n" + stdin.decode("utf-8", "replace"))
if match and scripts:
    stage, issue = match.group(1), match.group(2)
    with open(os.path.join(scripts, "calls.log"), "a") as log:
        log.write("%s %s %d\n" % (stage, issue, os.getpid()))
    for name in ("%s-%s.json" % (stage, issue), "%s.json" % stage):
        path = os.path.join(scripts, name)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            script = json.loads(f.read().replace("{issue}", issue))
        if script.get("once"):
            if os.path.exists(path + ".used"):
                continue
            open(path + ".used", "w").close()
        if script.get("gate"):  # waits (up to 60 s) until the test creates this file
            import time
            for _ in range(1200):
                if os.path.exists(script["gate"]):
                    break
                time.sleep(0.05)
        env["FAKE_AGENT_MODE"] = script.get("mode", "success")
        chosen = os.path.join(scripts, "chosen-%s-%s-%d.json" % (stage, issue, os.getpid()))
        with open(chosen, "w") as f:
            json.dump(script, f)
        env["FAKE_AGENT_SCRIPT"] = chosen
        break
fake = env["E2E_FAKE_CLAUDE"]
os.execve(fake, [fake] + argv, env)
