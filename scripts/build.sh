#!/usr/bin/env bash
# Configures and builds fanout (host, SDK, plugins and, unless FANOUT_BUILD_TESTS=OFF, the
# tests) into build/ (or $BUILD_DIR) as $BUILD_TYPE (default RelWithDebInfo) with -j2.
# Re-running is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
mkdir -p "$BUILD_DIR"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DFANOUT_BUILD_TESTS="${FANOUT_BUILD_TESTS:-ON}" > "$BUILD_DIR/configure.log" 2>&1 \
  || { cat "$BUILD_DIR/configure.log"; exit 1; }
cmake --build "$BUILD_DIR" -j2
