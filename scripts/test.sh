#!/usr/bin/env bash
# The one command that sets up, builds and runs every test. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
cd "$BUILD_DIR"
ctest -j2 --output-on-failure --timeout 300
