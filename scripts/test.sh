#!/usr/bin/env bash
# Set-up + build + all tests. This is README command (2) and what .ci/run executes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh
# HF's Rust tokenizer (npm tokenizers, pinned by package-lock.json) for tests/tokenizer's oracle tests.
(cd tests/tokenizer/oracle && npm ci --no-audit --no-fund --loglevel=error) || [ "${CI:-}" != "true" ]
# Bounded fuzzing of the GGUF, safetensors, pickle and config/tokenizer JSON parsers (clang, ASan +
# UBSan; FUZZ_SECONDS for the GGUF reader, a third of it for each other, 2 min in all): any crash fails
# the run (issue #2). Before ctest, so that ctest's summary is the run's closing line.
./scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
(cd build && ctest --output-on-failure --parallel 2)
# The reference data (fixtures, lm-eval outputs, published results, the task data) is not in the
# repository: without it every test that checks against it is skipped, and ctest counts a skipped
# test as passed. Say so last, where it is read (under CI=true those tests fail instead).
shared=${PYTHIA_EVAL_SHARED:-$(cd .. && pwd)/shared}
if [ ! -d "$shared" ]; then
  echo "warning: $shared not found: the tests against lm-eval's outputs, the fixtures and the published" >&2
  echo "         results were skipped, not passed; set PYTHIA_EVAL_SHARED to the shared folder and rerun" >&2
fi
