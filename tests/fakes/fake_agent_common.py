"""Shared by the fake `claude` and `codex`: argv logging, scripted edits and commits, failure modes.

Environment read by both fakes:
  FAKE_AGENT_LOG          append one JSON line per invocation: {"cli", "argv", "cwd", "env", "stdin"}
  FAKE_AGENT_SCRIPT       JSON file: {"files": {"path": "content"}, "delete": ["path"],
                          "commit": "message", "text": "final answer", "structured_output": {...}}
  FAKE_AGENT_MODE         success (default) | is_error | max_turns | max_budget | during_execution |
                          truncated | garbage | flood | hang | hang_spawn | crash | auth | auth_text |
                          rate_limit | overloaded | turn_failed | transient_error |
                          missing_key (codex: no OPENAI_API_KEY) | sandbox_leftovers (codex: empty
                          .git/.codex/.agents in the cwd and $TMPDIR, then a crash)
  FAKE_AGENT_FLOOD_LINES  garbage lines printed in "flood" mode (default 1000)
  FAKE_AGENT_PIDFILE      "hang_spawn" writes the pid of the grandchild it starts here
"""
import json
import os
import signal
import subprocess
import sys
import time
import uuid


def mode():
    return os.environ.get("FAKE_AGENT_MODE", "success")


_stdin = None


def stdin_text():
    """All of stdin ("" when it is a terminal); read once, at the first call."""
    global _stdin
    if _stdin is None:
        _stdin = "" if sys.stdin.isatty() else sys.stdin.read()
    return _stdin


def log_invocation(cli):
    path = os.environ.get("FAKE_AGENT_LOG")
    if not path:
        return
    entry = {"cli": cli, "argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ), "stdin": stdin_text()}
    with open(path, "a") as f:
        f.write(json.dumps(entry) + "\n")


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def emit_raw(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def new_id():
    return str(uuid.uuid4())


def load_script():
    path = os.environ.get("FAKE_AGENT_SCRIPT")
    if not path:
        return {}
    with open(path) as f:
        return json.load(f)


def git(*args):
    """Runs git in the cwd; returns (exit code, combined output)."""
    proc = subprocess.run(["git", "-c", "user.name=Fake Agent", "-c", "user.email=fake-agent@example.invalid",
                           *args], capture_output=True, text=True)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def write_files(script):
    """Writes and deletes the scripted files; returns [(path, kind)]."""
    changes = []
    for path, content in script.get("files", {}).items():
        kind = "update" if os.path.exists(path) else "add"
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        with open(path, "w") as f:
            f.write(content)
        changes.append((path, kind))
    for path in script.get("delete", []):
        if os.path.exists(path):
            os.remove(path)
            changes.append((path, "delete"))
    return changes


def commit(script):
    """Commits everything when the script asks; returns (command, exit code, output) or None."""
    message = script.get("commit")
    if not message:
        return None
    code, out = git("add", "-A")
    if code == 0:
        code, out = git("commit", "-q", "-m", message)
    return ("git add -A && git commit -m " + json.dumps(message), code, out)


def flood_lines():
    return int(os.environ.get("FAKE_AGENT_FLOOD_LINES", "1000"))


def hang(spawn_grandchild=False):
    if spawn_grandchild:
        child = subprocess.Popen(["sleep", "1000"])
        pidfile = os.environ.get("FAKE_AGENT_PIDFILE")
        if pidfile:
            with open(pidfile, "w") as f:
                f.write(str(child.pid))
    while True:
        time.sleep(60)


def crash():
    sys.stdout.flush()
    signal.signal(signal.SIGSEGV, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(5)
    sys.exit(139)


class ArgError(Exception):
    """An argument error: message for stderr and the exit code the real CLI uses."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def parse_args(argv, options, unknown_message):
    """Parses like commander/clap: options maps a flag to 0 (boolean), 1 (one value) or
    "*" (variadic: values until the next flag). "--flag=value" works for long flags; "--"
    ends the options. Returns (dict flag -> value or list, positionals)."""
    values, positionals = {}, []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            positionals.extend(argv[i + 1:])
            break
        if arg.startswith("-") and arg != "-":
            name, inline = arg, None
            if arg.startswith("--") and "=" in arg:
                name, inline = arg.split("=", 1)
            if name not in options:
                raise ArgError(unknown_message(name), 1)
            arity = options[name]
            if arity == 0:
                values[name] = True
            elif arity == 1:
                if inline is None:
                    i += 1
                    if i >= len(argv):
                        raise ArgError("error: option '%s' argument missing" % name, 1)
                    inline = argv[i]
                values.setdefault(name + "[]", []).append(inline)
                values[name] = inline
            else:
                items = [] if inline is None else [inline]
                while i + 1 < len(argv) and not argv[i + 1].startswith("-"):
                    i += 1
                    items.append(argv[i])
                values.setdefault(name, []).extend(items)
        else:
            positionals.append(arg)
        i += 1
    return values, positionals
