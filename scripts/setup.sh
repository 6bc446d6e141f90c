#!/usr/bin/env bash
# Installs everything fanout needs to build and test, from Debian packages only.
# Idempotent and quick when all is installed already (no apt-get call at all then).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libboost-dev libboost-filesystem-dev libgit2-dev libtomlplusplus-dev libspdlog-dev
  nlohmann-json3-dev catch2 libcli11-dev libcurl4-openssl-dev libsqlite3-dev sqlite3
  libcpp-httplib-dev
  libssl-dev         # SHA-1 (libcrypto) for the git index fanout writes after a checkout
  libpq-dev          # the postgres brancher plugin talks to the server through libpq
  postgresql         # real server for the postgres brancher's tests (started by the tests)
  python3            # the fake agent CLIs and fake servers' helpers in tests/
  chromium           # the dashboard's browser tests (headless, driven over a pipe)
)

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
