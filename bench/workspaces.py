#!/usr/bin/env python3
"""Workspaces benchmark: fanout up vs the naive way, and fanout up's worktree vs git worktree add.

Builds a sample repository (source files, npm dependencies vendored as tarballs with their
installed node_modules, a lockfile, a SQLite database), then times side by side:

  naive, fresh install  per issue: git worktree add + npm ci (offline, from the vendored
                        tarballs) + copy of the database file
  naive, plain copy     per issue: git worktree add + cp -r node_modules + copy of the database
  fanout up             worktree, port lease, node_modules reuse, sqlite database branch
  checkout alone        git worktree add (default, and with -c checkout.workers=0), fanout up
                        with no dependencies and no database

With --attributes the source files are a mix like a real repository's (text, CRLF text,
binary images) under a .gitattributes (`* text=auto`, `*.png binary`, `*.txt eol=crlf`),
with a committed lockfile: the repository shape where checkouts differ most (filters,
binary detection). `--checkout-only --attributes --src 40000` is the 40k-file row of
docs/performance.md.

Without npm on PATH the dependencies are a generated node_modules tree and the fresh-install
row is skipped.

Every timed step makes new worktrees under new names and nothing is deleted until the end:
on a journal-less ext4 (this machine's) creating files right after deleting many is several
times slower (the inode allocator skips recently deleted inodes one by one), which would
make whichever row follows a clean-up look slow. The page cache is flushed (sync) before
each timed step, and rows are interleaved run by run.

Usage: bench/workspaces.py [--fanout build/bin/fanout] [--runs 3] [--src 3000] [--deps 20000]
                           [--db-mb 20] [--no-npm] [--keep] [--checkout-only] [--attributes]
Prints a table with medians and ratios (a ratio of two rows is the median of their run-by-run
ratios: rows run in turn, so each pair saw the same machine). Needs git and the fanout binary (plugins found next
to it in the build tree). Works in a temp dir under /tmp, removed at the end. No network.
"""
import argparse
import io
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import tarfile
import tempfile
import time

FILES_PER_PACKAGE = 100
NPM_FLAGS = ["--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]


def sh(cmd, cwd, env=None):
    result = subprocess.run(cmd, cwd=cwd, shell=isinstance(cmd, str), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {cmd}\n{result.stdout}")
    return result.stdout


def npm_env():
    return dict(os.environ, npm_config_update_notifier="false", npm_config_fund="false")


def module_text(i):
    return ("module.exports = %d;\n" % i) * (1 + i % 40)


def write_npm_packages(root, n_deps):
    """Vendored tarballs (committed) + package.json; npm install makes node_modules and the lock."""
    vendor = os.path.join(root, "vendor", "npm")
    os.makedirs(vendor)
    deps = {}
    for p in range(max(1, n_deps // FILES_PER_PACKAGE)):
        name = f"pkg{p}"
        with tarfile.open(os.path.join(vendor, f"{name}-1.0.0.tgz"), "w:gz") as tar:
            def add(path, data):
                info = tarfile.TarInfo("package/" + path)
                info.size = len(data)
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))
            manifest = {"name": name, "version": "1.0.0", "main": "index0.js"}
            if p == 0:
                manifest["bin"] = {"tool": "index0.js"}
            add("package.json", json.dumps(manifest).encode())
            for i in range(FILES_PER_PACKAGE - 1):
                add(f"{'lib/' if i % 3 else ''}index{i}.js", module_text(i).encode())
        deps[name] = f"file:vendor/npm/{name}-1.0.0.tgz"
    with open(os.path.join(root, "package.json"), "w") as f:
        json.dump({"name": "bench-app", "version": "1.0.0", "private": True, "dependencies": deps}, f, indent=1)
    sh(["npm", "install"] + NPM_FLAGS, root, npm_env())


def write_generated_node_modules(root, n_deps):
    with open(os.path.join(root, "package-lock.json"), "w") as f:
        f.write('{"lockfileVersion": 3, "packages": {}}\n')
    for i in range(n_deps):
        d = os.path.join(root, "node_modules", f"pkg{i // 10}", "lib" if i % 3 else "")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"index{i}.js"), "w") as f:
            f.write(module_text(i))
    os.makedirs(os.path.join(root, "node_modules", ".bin"), exist_ok=True)
    os.symlink("../pkg0/lib/index1.js", os.path.join(root, "node_modules", ".bin", "tool"))


ATTRIBUTES = "* text=auto\n*.png binary\n*.txt eol=crlf\n"


def write_sources(root, n_src, attributes):
    """n_src files in ~420 folders: TypeScript only, or with --attributes a mix of 80% .ts,
    10% .txt (CRLF in the worktree), 8% .png (1-16 KiB of random bytes), 2% .md, under a
    .gitattributes, plus a committed ~2 MB package-lock.json."""
    rng = random.Random(7)
    for i in range(n_src):
        d = os.path.join(root, "src", f"mod{i % 60}", f"sub{i % 7}")
        os.makedirs(d, exist_ok=True)
        kind = i % 50 if attributes else 0
        if kind < 40:
            with open(os.path.join(d, f"file{i}.ts"), "w") as f:
                f.write(f"// file {i}\n" + ("export const value = %d;\n" % i) * (20 + i % 80))
        elif kind < 45:
            with open(os.path.join(d, f"notes{i}.txt"), "w") as f:
                f.write(("note %d: some words of text\n" % i) * (5 + i % 30))
        elif kind < 49:
            with open(os.path.join(d, f"image{i}.png"), "wb") as f:
                f.write(b"\x89PNG\r\n\x1a\n" + rng.randbytes(1024 * (1 + i % 16)))
        else:
            with open(os.path.join(d, f"doc{i}.md"), "w") as f:
                f.write(f"# Document {i}\n\n" + "Some prose for the document.\n" * (10 + i % 20))
    if attributes:
        with open(os.path.join(root, ".gitattributes"), "w") as f:
            f.write(ATTRIBUTES)
        lock = {"name": "bench-app", "lockfileVersion": 3, "packages": {
            f"node_modules/pkg{p}": {"version": f"1.{p % 10}.0", "resolved": f"https://registry.example/pkg{p}.tgz",
                                     "integrity": "sha512-" + rng.randbytes(48).hex()} for p in range(8000)}}
        with open(os.path.join(root, "package-lock.json"), "w") as f:
            json.dump(lock, f, indent=2)


def build_repo(root, n_src, n_deps, db_mb, use_npm, n_issues, attributes):
    os.makedirs(root)
    sh("git init -q -b main && git config user.email b@b && git config user.name bench && git config gc.auto 0", root)
    write_sources(root, n_src, attributes)
    with open(os.path.join(root, ".gitignore"), "w") as f:
        f.write("node_modules/\ndata/\n.fanout/\n.naive/\n")
    if use_npm:
        write_npm_packages(root, n_deps)
    elif n_deps or not attributes:
        write_generated_node_modules(root, n_deps)
    os.makedirs(os.path.join(root, "data"))
    db = sqlite3.connect(os.path.join(root, "data", "app.db"))
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)")
    chunk = os.urandom(1024)
    db.executemany("INSERT INTO t (payload) VALUES (?)", [(chunk,)] * (db_mb * 1000))
    db.commit()
    db.close()
    os.makedirs(os.path.join(root, ".fanout", "issues"))
    for i in range(1, n_issues + 1):
        with open(os.path.join(root, ".fanout", "issues", f"{i}.md"), "w") as f:
            f.write(f"---\ntitle: Benchmark issue number {i}\n---\nBody.\n")
    sh("git add -A && git commit -q -m sample && git gc -q", root)


def write_config(root, with_deps, with_db):
    with open(os.path.join(root, "fanout.toml"), "w") as f:
        f.write("[run]\nparallel = 10\n\n[ports]\nspan = 20000\n")  # room for every run's leases
        if with_deps:
            f.write("\n[workspace]\nreuse = [\"node_modules\"]\nkey_files = [\"package-lock.json\"]\n")
        if with_db:
            f.write("\n[database]\nbrancher = \"sqlite\"\npath = \"data/app.db\"\n")


class Names:
    """Fresh worktree names and issue numbers for every timed step (nothing is reused)."""

    def __init__(self):
        self.worktrees = 0
        self.issues = 0

    def worktree(self):
        self.worktrees += 1
        return f"w{self.worktrees}"

    def issue_keys(self, n):
        keys = [str(self.issues + i) for i in range(1, n + 1)]
        self.issues += n
        return keys


def naive(root, names, n, install):
    for _ in range(n):
        name = names.worktree()
        wt = os.path.join(root, ".naive", name)
        sh(["git", "worktree", "add", "-q", "-b", f"naive-{name}", wt], root)
        if install == "npm":
            sh(["npm", "ci"] + NPM_FLAGS, wt, npm_env())
        else:
            sh(["cp", "-r", os.path.join(root, "node_modules"), os.path.join(wt, "node_modules")], root)
        os.makedirs(os.path.join(wt, "data"))
        shutil.copyfile(os.path.join(root, "data", "app.db"), os.path.join(wt, "data", "app.db"))


def git_worktree_add(root, names, config=()):
    name = names.worktree()
    options = [word for setting in config for word in ("-c", setting)]
    sh(["git"] + options + ["worktree", "add", "-q", "-b", f"naive-{name}", os.path.join(root, ".naive", name)], root)


def fanout_up(fanout, root, keys, env=None):
    sh([fanout, "-q", "up"] + keys, root, env)


GIT_ADD = "git worktree add (checkout alone)"
GIT_ADD_WORKERS = "git -c checkout.workers=0 worktree add (parallel)"
FANOUT_UP_CHECKOUT = "fanout up, checkout only (no deps, no db)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fanout", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin", "fanout"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", type=int, default=3000)
    parser.add_argument("--deps", type=int, default=20000, help="dependency files (npm: 100 per package)")
    parser.add_argument("--db-mb", type=int, default=20)
    parser.add_argument("--no-npm", action="store_true", help="generate node_modules instead of installing it")
    parser.add_argument("--keep", action="store_true", help="keep the sample repo")
    parser.add_argument("--checkout-only", action="store_true",
                        help="only the checkout rows (no dependencies, no database): a quick, quiet comparison")
    parser.add_argument("--attributes", action="store_true",
                        help="source files with a .gitattributes, CRLF text, binary images and a lockfile")
    args = parser.parse_args()
    fanout = os.path.abspath(args.fanout)
    plugin_dir = os.path.join(os.path.dirname(fanout), "..", "lib", "fanout", "plugins")
    with_db = os.path.isdir(plugin_dir) and any(
        name.startswith(("fanout-sqlite.", "sqlite.", "libsqlite.")) for name in os.listdir(plugin_dir))
    use_npm = not args.no_npm and not args.checkout_only and shutil.which("npm") is not None
    if args.checkout_only:
        args.deps, args.db_mb = 0, 1

    tmp = tempfile.mkdtemp(prefix="fanout-bench-")
    root = os.path.join(tmp, "repo")
    names = Names()
    deps_kind = "npm packages installed from vendored tarballs" if use_npm else "a generated node_modules"
    print(f"sample repo: {args.src} source files{' with a .gitattributes' if args.attributes else ''}, "
          f"~{args.deps} dependency files ({deps_kind}), {args.db_mb} MB sqlite db in {root}")
    build_repo(root, args.src, args.deps, args.db_mb, use_npm, n_issues=args.runs * 13, attributes=args.attributes)
    n_dep_files = sum(len(files) for _, _, files in os.walk(os.path.join(root, "node_modules")))
    n_tracked = len(sh(["git", "ls-files"], root).splitlines())
    print(f"  {n_tracked} tracked files, {n_dep_files} files in node_modules")
    if not with_db:
        print("note: no sqlite brancher plugin found next to fanout: fanout runs without a database branch")
    if not use_npm:
        print("note: npm not found (or --no-npm): the fresh-install rows are skipped")

    # (label, function, config: (with_deps, with_db) or None for rows that do not run fanout)
    rows = []
    if use_npm:
        rows += [("naive x1, fresh install (worktree add + npm ci + db copy)", lambda: naive(root, names, 1, "npm"), None),
                 ("naive x10, fresh install", lambda: naive(root, names, 10, "npm"), None)]
    if not args.checkout_only:
        rows += [
            ("naive x1, plain copy (worktree add + cp -r + db copy)", lambda: naive(root, names, 1, "cp"), None),
            ("naive x10, plain copy", lambda: naive(root, names, 10, "cp"), None),
            ("fanout up x1 (node_modules reuse + sqlite branch)", lambda: fanout_up(fanout, root, names.issue_keys(1)),
             (True, with_db)),
            ("fanout up x10", lambda: fanout_up(fanout, root, names.issue_keys(10)), (True, with_db)),
        ]
    rows += [
        (GIT_ADD, lambda: git_worktree_add(root, names), None),
        (GIT_ADD_WORKERS, lambda: git_worktree_add(root, names, ["checkout.workers=0"]), None),
        (FANOUT_UP_CHECKOUT, lambda: fanout_up(fanout, root, names.issue_keys(1)), (False, False)),
    ]
    times = {label: [] for label, _, _ in rows}
    try:
        for run in range(args.runs):
            for label, fn, config in rows:
                if config is not None:
                    write_config(root, *config)
                os.sync()
                start = time.perf_counter()
                fn()
                times[label].append(time.perf_counter() - start)
                print(f"  run {run + 1}: {label:58s} {times[label][-1]:8.3f}s", flush=True)
        print_tables(rows, times, use_npm, args.checkout_only)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            print(f"removing {tmp} (a few minutes for this many files)", flush=True)
            shutil.rmtree(tmp, ignore_errors=True)


def paired_ratio(times, a, b):
    """Median of the run-by-run ratios a/b (rows run in turn, so a pair saw the same machine)."""
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def print_tables(rows, times, use_npm, checkout_only):
    t = {label: statistics.median(v) for label, v in times.items()}
    print()
    print("| measurement | median (s) | runs (s) |")
    print("| --- | ---: | --- |")
    for label, _, _ in rows:
        print(f"| {label} | {t[label]:.2f} | {' '.join('%.2f' % x for x in times[label])} |")
    print()
    print("| ratio (median of run-by-run ratios) | value | target |")
    print("| --- | ---: | --- |")
    if not checkout_only:
        up10 = "fanout up x10"
        if use_npm:
            print(f"| naive x10 (fresh install) / fanout up x10 | {paired_ratio(times, 'naive x10, fresh install', up10):.1f}x | >= 5x |")
        print(f"| naive x10 (plain copy) / fanout up x10 | {paired_ratio(times, 'naive x10, plain copy', up10):.1f}x | |")
    print(f"| fanout up / git worktree add | {paired_ratio(times, FANOUT_UP_CHECKOUT, GIT_ADD):.2f} | <= 1.1 |")
    print(f"| fanout up / git -c checkout.workers=0 worktree add | "
          f"{paired_ratio(times, FANOUT_UP_CHECKOUT, GIT_ADD_WORKERS):.2f} | |", flush=True)

if __name__ == "__main__":
    main()
