#!/usr/bin/env python3
"""Fleet benchmark: what the fanout host itself costs while many agents stream events.

Runs `fanout run 1..N` (N issues in the local tracker, all at once) with a stand-in `claude`
that streams E stream-json events per session (plan and build), commits in the build, and
exits. Samples the fanout process's own CPU time (utime + stime of /proc/<pid>/stat: the
host alone, not its children) and its peak RSS (VmHWM) until it exits, and prints a table:
host CPU seconds and peak RSS per 10k events.

    bench/fleet.py --fanout build/bin/fanout [--agents 20] [--events 500 2000 5000]

Needs python3 and git; no network. Results and how to read them: docs/performance.md (Fleet).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

AGENT = r'''#!/usr/bin/env python3
import json, os, re, subprocess, sys, uuid
argv = sys.argv[1:]
prompt = next((a for a in argv if a.startswith("STAGE=")), "")
events = int(os.environ.get("BENCH_EVENTS", "1000"))
sid = str(uuid.uuid4())
out = sys.stdout
def emit(obj):
    out.write(json.dumps(obj) + "\n")
emit({"type": "system", "subtype": "init", "session_id": sid, "cwd": os.getcwd(), "tools": [], "model": "bench",
      "permissionMode": "default", "slash_commands": [], "uuid": str(uuid.uuid4())})
usage = {"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}
for i in range(events):
    emit({"type": "assistant", "session_id": sid, "uuid": str(uuid.uuid4()), "parent_tool_use_id": None,
          "message": {"id": "msg_%d" % i, "type": "message", "role": "assistant", "model": "bench",
                      "content": [{"type": "text", "text": "step %d of the work, with a line of ordinary length" % i}],
                      "stop_reason": None, "usage": usage}})
    if i % 64 == 0:
        out.flush()
if prompt.startswith("STAGE=BUILD"):
    key = re.search(r"ISSUE=(\S+)", prompt).group(1)
    with open("bench-%s.txt" % key, "w") as f:
        f.write("built\n")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@fanout.invalid"]
    subprocess.run(git + ["add", "-A"], check=True, capture_output=True)
    subprocess.run(git + ["commit", "-q", "-m", "bench " + key], check=True, capture_output=True)
emit({"type": "result", "subtype": "success", "is_error": False, "duration_ms": 1, "duration_api_ms": 1,
      "num_turns": 1, "result": "done", "session_id": sid, "total_cost_usd": 0.0, "usage": usage,
      "uuid": str(uuid.uuid4())})
out.flush()
'''


def sh(args, cwd=None, env=None):
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)


def make_repo(root, agents):
    repo = os.path.join(root, "repo")
    os.makedirs(os.path.join(repo, ".fanout", "issues"))
    os.makedirs(os.path.join(repo, ".fanout", "prompts"))
    for n in range(1, agents + 1):
        with open(os.path.join(repo, ".fanout", "issues", "%d.md" % n), "w") as f:
            f.write("---\ntitle: bench issue %d\nstate: open\n---\nDo thing %d.\n" % (n, n))
    prompts = {"plan": "STAGE=PLAN ISSUE={{issue.key}}\n", "build": "STAGE=BUILD ISSUE={{issue.key}}\n{{plan}}\n"}
    for name, text in prompts.items():
        with open(os.path.join(repo, ".fanout", "prompts", name + ".md"), "w") as f:
            f.write(text)
    with open(os.path.join(repo, ".gitignore"), "w") as f:
        f.write(".fanout/worktrees/\n.fanout/runs/\n.fanout/state.db*\n.env.fanout\n")
    with open(os.path.join(repo, "fanout.toml"), "w") as f:
        f.write('[tracker]\nkind = "local"\n\n[agent]\nprovider = "claude-code"\npass_env = ["BENCH_EVENTS"]\n\n'
                '[run]\nparallel = %d\nfix_rounds = 0\n' % agents)
    sh(["git", "init", "-q", "-b", "main"], cwd=repo)
    sh(["git", "-c", "user.name=bench", "-c", "user.email=b@fanout.invalid", "add", "-A"], cwd=repo)
    sh(["git", "-c", "user.name=bench", "-c", "user.email=b@fanout.invalid", "commit", "-q", "-m", "init"], cwd=repo)
    config = os.path.join(root, "config", "fanout")
    os.makedirs(config)
    with open(os.path.join(config, "config.toml"), "w") as f:
        f.write('[trust]\nrepos = ["%s"]\n' % repo)
    return repo


def proc_sample(pid):
    """(cpu seconds of the process itself, VmHWM in KiB) or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        hwm = 0
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return cpu, hwm
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def run_once(fanout, agents, events, perf=None):
    root = tempfile.mkdtemp(prefix="fanout-fleet-bench-")
    try:
        repo = make_repo(root, agents)
        bindir = os.path.join(root, "bin")
        os.makedirs(bindir)
        agent = os.path.join(bindir, "claude")
        with open(agent, "w") as f:
            f.write(AGENT)
        os.chmod(agent, 0o755)
        env = dict(os.environ, PATH=bindir + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
                   XDG_CONFIG_HOME=os.path.join(root, "config"), BENCH_EVENTS=str(events))
        keys = [str(n) for n in range(1, agents + 1)]
        start = time.monotonic()
        prefix = ["perf", "record", "-g", "-o", perf, "--"] if perf else []
        proc = subprocess.Popen(prefix + [fanout, "-C", repo, "-q", "run"] + keys, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cpu, hwm = 0.0, 0
        while proc.poll() is None:
            sample = proc_sample(proc.pid)
            if sample:  # a zombie reports no VmHWM: keep the highest figures seen
                cpu, hwm = max(cpu, sample[0]), max(hwm, sample[1])
            time.sleep(0.02)
        wall = time.monotonic() - start
        err = proc.stderr.read().decode()
        if proc.returncode != 0:
            sys.exit("fanout run failed (exit %d):\n%s" % (proc.returncode, err))
        total = agents * 2 * (events + 2)  # plan + build sessions: init + events + result
        return wall, cpu, hwm, total
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fanout", default="build/bin/fanout")
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--events", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--perf", help="profile with `perf record -g` into this file (figures are then perf's)")
    args = parser.parse_args()
    fanout = os.path.abspath(args.fanout)
    print("%d agents at once, plan + build session each; host = the fanout process alone" % args.agents)
    print("| events/session | events total | wall s | host CPU s | host CPU s / 10k events | peak RSS MiB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for events in args.events:
        wall, cpu, hwm, total = run_once(fanout, args.agents, events, args.perf)
        print("| %d | %d | %.1f | %.2f | %.3f | %.1f |" % (events, total, wall, cpu, cpu / total * 10000, hwm / 1024))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
