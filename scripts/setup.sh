#!/usr/bin/env bash
# Installs everything fanout needs to build and test, from Debian packages only.
# Idempotent and quick when all is installed already (no apt-get call at all then).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost-dev libboost-filesystem-dev libgit2-dev libtomlplusplus-dev libspdlog-dev
  nlohmann-json3-dev catch2 libcli11-dev libcurl4-openssl-dev libsqlite3-dev sqlite3
  libcpp-httplib-dev
  libpq-dev          # the postgres brancher plugin talks to the server through libpq
  libyaml-cpp-dev    # the kubernetes runner reads kubeconfig files
  openssl            # tests make a throwaway certificate authority for their HTTPS servers
  postgresql         # real server for the postgres brancher's tests (started by the tests)
  python3            # the fake agent CLIs and fake servers' helpers in tests/
  git-lfs            # the git compatibility suite checks LFS files against git's own checkout
  chromium           # the dashboard's browser tests (headless, driven over a pipe)
)

# npm installs the agent CLIs below; a Node.js from elsewhere (nodesource, nvm) is fine too.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The real agent CLIs the tests run (pinned in scripts/agent-clis.txt), from npm into the
# project-local, git-ignored .agent-clis/ (never a global install). Skipped when every
# pinned version is there already.
root=$(cd "$(dirname "$0")/.." && pwd)
prefix="$root/.agent-clis"
specs=() stale=0
while read -r spec; do
  [[ -z "$spec" || "$spec" == \#* ]] && continue
  specs+=("$spec")
  name=${spec%@*} version=${spec##*@}
  installed=$(node -p "require('$prefix/node_modules/$name/package.json').version" 2>/dev/null || true)
  [ "$installed" = "$version" ] || stale=1
done <"$root/scripts/agent-clis.txt"
if ((stale)); then
  # All of them at once: npm removes what its package.json in the prefix does not list.
  echo "setup: installing ${specs[*]} into .agent-clis/"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --save-exact --loglevel=error "${specs[@]}"
fi
