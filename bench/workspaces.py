#!/usr/bin/env python3
"""Workspaces benchmark: fanout up vs the naive way, and fanout's checkout vs git's.

Builds a sample repository (source files, a node_modules-like tree, a lockfile, a SQLite
database), then times side by side:

  naive  per issue: git worktree add + cp -r node_modules + cp of the database file
  fanout fanout up (worktree, ports, node_modules reuse, sqlite database branch)
  checkout alone: git worktree add, fanout's parallel checkout, libgit2's own checkout

Usage: bench/workspaces.py [--fanout build/bin/fanout] [--runs 3] [--src 3000] [--deps 20000]
Prints a table with medians and ratios. Needs git and the fanout binary (plugins found
next to it in the build tree). Uses a temp dir under /tmp, removed at the end.
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time


def sh(cmd, cwd, env=None):
    result = subprocess.run(cmd, cwd=cwd, shell=isinstance(cmd, str), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {cmd}\n{result.stdout}")
    return result.stdout


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def build_repo(root, n_src, n_deps, db_mb):
    os.makedirs(root)
    sh("git init -q -b main && git config user.email b@b && git config user.name bench", root)
    for i in range(n_src):
        d = os.path.join(root, "src", f"mod{i % 60}", f"sub{i % 7}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"file{i}.ts"), "w") as f:
            f.write(f"// file {i}\n" + ("export const value = %d;\n" % i) * (20 + i % 80))
    with open(os.path.join(root, "package-lock.json"), "w") as f:
        f.write('{"lockfileVersion": 3, "packages": {}}\n')
    with open(os.path.join(root, ".gitignore"), "w") as f:
        f.write("node_modules/\ndata/\n.fanout/\n")
    for i in range(n_deps):
        d = os.path.join(root, "node_modules", f"pkg{i // 10}", "lib" if i % 3 else "")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"index{i}.js"), "w") as f:
            f.write("module.exports = %d;\n" % i * (1 + i % 40))
    os.makedirs(os.path.join(root, "node_modules", ".bin"), exist_ok=True)
    os.symlink("../pkg0/lib/index1.js", os.path.join(root, "node_modules", ".bin", "tool"))
    os.makedirs(os.path.join(root, "data"))
    db = sqlite3.connect(os.path.join(root, "data", "app.db"))
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)")
    chunk = os.urandom(1024)
    db.executemany("INSERT INTO t (payload) VALUES (?)", [(chunk,)] * (db_mb * 1000))
    db.commit()
    db.close()
    os.makedirs(os.path.join(root, ".fanout", "issues"))
    for i in range(1, 11):
        with open(os.path.join(root, ".fanout", "issues", f"{i}.md"), "w") as f:
            f.write(f"---\ntitle: Benchmark issue number {i}\n---\nBody.\n")
    sh("git add -A && git commit -q -m sample && git gc -q", root)


def write_config(root, with_db):
    with open(os.path.join(root, "fanout.toml"), "w") as f:
        f.write("[run]\nparallel = 10\n\n[workspace]\nreuse = [\"node_modules\"]\n"
                "key_files = [\"package-lock.json\"]\n")
        if with_db:
            f.write("\n[database]\nbrancher = \"sqlite\"\npath = \"data/app.db\"\n")


def naive(root, n):
    for i in range(n):
        wt = os.path.join(root, ".naive", str(i))
        sh(["git", "worktree", "add", "-q", "-b", f"naive-{i}", wt], root)
        sh(["cp", "-r", os.path.join(root, "node_modules"), os.path.join(wt, "node_modules")], root)
        os.makedirs(os.path.join(wt, "data"))
        shutil.copyfile(os.path.join(root, "data", "app.db"), os.path.join(wt, "data", "app.db"))


def naive_clean(root):
    shutil.rmtree(os.path.join(root, ".naive"), ignore_errors=True)
    sh("git worktree prune && (git branch --list 'naive-*' | xargs -r git branch -q -D)", root)


def fanout_up(fanout, root, n, env=None):
    sh([fanout, "-q", "up"] + [str(i) for i in range(1, n + 1)], root, env)


def fanout_clean(fanout, root):
    sh([fanout, "-q", "clean", "--all", "--force"], root)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fanout", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin", "fanout"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", type=int, default=3000)
    parser.add_argument("--deps", type=int, default=20000)
    parser.add_argument("--db-mb", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the sample repo")
    args = parser.parse_args()
    fanout = os.path.abspath(args.fanout)
    plugin_dir = os.path.join(os.path.dirname(fanout), "..", "lib", "fanout", "plugins")
    with_db = os.path.isdir(plugin_dir) and any(
        name.startswith(("fanout-sqlite.", "sqlite.", "libsqlite.")) for name in os.listdir(plugin_dir))

    tmp = tempfile.mkdtemp(prefix="fanout-bench-")
    root = os.path.join(tmp, "repo")
    print(f"sample repo: {args.src} source files, {args.deps} dependency files, {args.db_mb} MB sqlite db in {root}")
    build_repo(root, args.src, args.deps, args.db_mb)
    write_config(root, with_db)
    if not with_db:
        print("note: no sqlite brancher plugin found next to fanout: fanout runs without a database branch")

    rows = []

    def measure(label, run, clean):
        times = []
        for _ in range(args.runs):
            times.append(timed(run))
            clean()
        rows.append((label, statistics.median(times), times))
        print(f"  {label:48s} median {statistics.median(times):7.3f}s  runs {' '.join('%.3f' % t for t in times)}")

    measure("naive x1 (worktree add + cp -r + db copy)", lambda: naive(root, 1), lambda: naive_clean(root))
    measure("naive x10", lambda: naive(root, 10), lambda: naive_clean(root))
    measure("fanout up x1", lambda: fanout_up(fanout, root, 1), lambda: fanout_clean(fanout, root))
    measure("fanout up x10", lambda: fanout_up(fanout, root, 10), lambda: fanout_clean(fanout, root))

    # Checkout alone: no reuse, no database.
    with open(os.path.join(root, "fanout.toml"), "w") as f:
        f.write("[run]\nparallel = 1\n")
    measure("git worktree add (checkout alone)",
            lambda: sh(["git", "worktree", "add", "-q", "-b", "naive-0", os.path.join(root, ".naive", "0")], root),
            lambda: naive_clean(root))
    measure("fanout up, parallel checkout (no deps, no db)", lambda: fanout_up(fanout, root, 1),
            lambda: fanout_clean(fanout, root))
    stock = dict(os.environ, FANOUT_CHECKOUT="libgit2")
    measure("fanout up, libgit2 stock checkout", lambda: fanout_up(fanout, root, 1, stock),
            lambda: fanout_clean(fanout, root))

    t = {label: median for label, median, _ in rows}
    print()
    print(f"| measurement | median (s) |")
    print(f"| --- | ---: |")
    for label, median, _ in rows:
        print(f"| {label} | {median:.3f} |")
    print()
    print(f"| ratio | value | target |")
    print(f"| --- | ---: | --- |")
    print(f"| naive x10 / fanout up x10 | {t['naive x10'] / t['fanout up x10']:.2f}x | >= 5x |")
    print(f"| naive x1 / fanout up x1 | {t['naive x1 (worktree add + cp -r + db copy)'] / t['fanout up x1']:.2f}x | |")
    gw = t['git worktree add (checkout alone)']
    print(f"| fanout checkout / git worktree add | {t['fanout up, parallel checkout (no deps, no db)'] / gw:.2f} | <= 1.0 |")
    print(f"| libgit2 stock checkout / git worktree add | {t['fanout up, libgit2 stock checkout'] / gw:.2f} | |")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
