#!/usr/bin/env bash
# CPU backend speed, measured as ratios in one run (the build machine is shared, so absolute numbers
# move with the load; `uptime` is printed for the record):
#   our CPU backend vs our Vulkan backend (`pythia-eval bench`, pp512 = 4 x 512 tokens, one scored
#   position each, and pp512-all), on random-weight Pythia-shaped GGUFs (70m, 160m; F32, F16),
#   and, when LLAMA_BENCH names a llama.cpp `llama-bench` binary, llama.cpp's CPU pp512 on the same
#   GGUFs (llama.cpp is a measurement peer only).
# Usage: scripts/bench_cpu.sh [BUILD_DIR] [OUT_DIR]     (LLAMA_BENCH=path/to/llama-bench optional)
set -euo pipefail
build=${1:-build}
out=${2:-$(mktemp -d)}
pe="$build/pythia-eval"
threads=$(nproc)
uptime
for shape in 70m 160m; do
  for dtype in f32 f16; do
    gguf="$out/$shape-$dtype.gguf"
    [ -f "$gguf" ] || "$pe" synth --shape "$shape" --dtype "$dtype" "$gguf" >/dev/null
    echo "== $shape $dtype"
    "$pe" bench --model "$gguf" --backends vulkan,cpu --threads "$threads"
    if [ -n "${LLAMA_BENCH:-}" ]; then
      "$LLAMA_BENCH" -m "$gguf" -p 512 -n 0 -t "$threads" -r 2   # its table: pp512 tokens/s
    fi
  done
done
uptime
