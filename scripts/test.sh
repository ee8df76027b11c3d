#!/usr/bin/env bash
# Set-up + build + all tests. This is README command (2) and what .ci/run executes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
(cd build && ctest --output-on-failure)
# Bounded GGUF reader fuzzing (clang, ASan + UBSan): any crash fails the run (issue #2).
./scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
