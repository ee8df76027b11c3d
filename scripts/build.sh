#!/usr/bin/env bash
# Configures and builds pythia-eval into build/ (Release-with-debug-info, Ninja).
set -euo pipefail
cd "$(dirname "$0")/.."
werror=OFF; [ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -G Ninja -DPE_WERROR=$werror "$@" >/dev/null
cmake --build build -j"$(nproc)"
