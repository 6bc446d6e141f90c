#!/usr/bin/env bash
# The one command that sets up, builds and runs every test. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Tests build unoptimised in their own tree: it compiles about twice as fast, and no test is timed.
export BUILD_DIR=${BUILD_DIR:-build-tests} BUILD_TYPE=${BUILD_TYPE:-Debug}
scripts/build.sh
cd "$BUILD_DIR"
ctest -j2 --output-on-failure --timeout 300
