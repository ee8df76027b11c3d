#!/usr/bin/env bash
# Configures and builds pythia-eval into build/ (Release-with-debug-info, Ninja): every target (the
# tests too), or only those named in PE_BUILD_TARGETS (run.sh builds just the program).
set -euo pipefail
cd "$(dirname "$0")/.."
werror=OFF; [ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -G Ninja -DPE_WERROR=$werror "$@" >/dev/null
# shellcheck disable=SC2086 # a space-separated list of targets
cmake --build build -j"$(nproc)" ${PE_BUILD_TARGETS:+--target $PE_BUILD_TARGETS}
