#!/usr/bin/env bash
# The one command that sets up, builds and runs fanout's main job on a bundled sample repo:
# three issues, three workspaces, plan/build/review/fix, three reviewed pull requests.
# Offline and without credentials it uses the replay provider with bundled recordings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
FANOUT_BUILD_TESTS=${FANOUT_BUILD_TESTS:-OFF} scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
exec "$BUILD_DIR/bin/fanout" demo "$@"
