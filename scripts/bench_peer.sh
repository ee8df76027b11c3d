#!/usr/bin/env bash
# llama.cpp as the measurement peer (issue #15), measured in one run as ratios, since the build
# machine is shared and absolute numbers move with its load (`uptime` is printed before and after):
#  1. pp512 tokens/s of llama.cpp's CPU backend (llama-bench), our CPU backend and our Vulkan
#     backend on random-weight Pythia-shaped GGUFs (70m, 160m; F32, F16), each through one
#     `bench --peer`; ROUNDS rounds alternate over the models, and the best round of each
#     (model, system) is kept.
#  2. unless EVAL=0: the full five-task eval (no --limit) of the 70m F16 model on the default backend
#     (auto), with wall and CPU time, effective lm-eval tokens/s (lm-eval feeds 1,328,736 tokens
#     for the five tasks) and the issue's target as a ratio: our wall time against the time
#     llama.cpp would take, 1,328,736 / its pp512 rate on the same GGUF measured just before and
#     just after the eval (the better of the two); the target is at most 1/1.4 of that. The same in
#     CPU time, which a loaded machine distorts less.
# Usage: LLAMA_BENCH=path/to/llama-bench scripts/bench_peer.sh [BUILD_DIR] [OUT_DIR]
#   ROUNDS (default 2; 0 skips step 1), EVAL (default 1), THREADS (default nproc), PYTHIA_EVAL_SHARED (default
#   ../shared beside the repository: the tokenizer llama.cpp needs in the GGUF, and the eval data).
# llama.cpp is an outside program here, never built or linked by this project.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
out=${2:-$(mktemp -d)}
pe="$build/pythia-eval"
shared=${PYTHIA_EVAL_SHARED:-$repo/../shared}
rounds=${ROUNDS:-2}
threads=${THREADS:-$(nproc)}
lm_eval_tokens=1328736
: "${LLAMA_BENCH:?set LLAMA_BENCH to the llama-bench binary of a llama.cpp build}"
command -v jq >/dev/null || { echo "bench_peer.sh: needs jq (scripts/setup.sh)" >&2; exit 1; }
mkdir -p "$out"
echo "# $(date -u +%FT%TZ), $threads threads, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"

models=()
for shape in 70m 160m; do
  for dtype in f32 f16; do
    gguf="$out/$shape-$dtype.gguf"
    [ -f "$gguf" ] || "$pe" synth --shape "$shape" --dtype "$dtype" --tokenizer "$shared/tokenizer/20B_tokenizer.json" "$gguf" >/dev/null
    models+=("$shape-$dtype")
  done
done

# 1. pp512, one JSON line per (round, model); ROUNDS=0 skips it
runs="$out/pp512.jsonl"
if [ "$rounds" -gt 0 ]; then
: >"$runs"
for round in $(seq "$rounds"); do
  for m in "${models[@]}"; do
    echo "# round $round, $m, load $(cut -d' ' -f1 /proc/loadavg)" >&2
    "$pe" bench --model "$out/$m.gguf" --backends vulkan,cpu --threads "$threads" --peer "$LLAMA_BENCH" --json |
      jq -c --arg m "$m" --argjson round "$round" '{model: $m, round: $round, runs: .runs}' >>"$runs"
  done
done
echo
echo "pp512 tokens/s, best of $rounds alternated rounds ($threads threads)"
printf '%-10s %12s %12s %12s %10s %10s\n' model llama.cpp "our cpu" "our vulkan" cpu/peer vulkan/peer
for m in "${models[@]}"; do
  jq -rs --arg m "$m" '
    [.[] | select(.model == $m) | .runs[] | select(.shape == "pp512")] as $r
    | def best(b): [$r[] | select(.backend == b) | .tokens_per_s] | max;
    [best("llama.cpp"), best("cpu"), best("vulkan")] as [$p, $c, $v]
    | "\($m) \($p) \($c) \($v) \($c / $p) \($v / $p)"' "$runs" |
    while read -r name p c v rc rv; do
      printf '%-10s %12.1f %12.1f %12.1f %9.2fx %9.2fx\n' "$name" "$p" "$c" "$v" "$rc" "$rv"
    done
done
llama_device=$(jq -r 'select(.round == 1) | .runs[] | select(.backend == "llama.cpp") | .device' "$runs" | head -1)
echo "peer: $llama_device"
fi

[ "${EVAL:-1}" = 0 ] && exit 0

# 2. the full five-task eval of the 70m F16 model, bracketed by llama.cpp's pp512 on the same GGUF
gguf="$out/70m-f16.gguf"
# prints "tokens/s tokens-per-CPU-second": llama.cpp's OpenMP threads spin, so on a loaded machine its
# wall rate collapses far more than ours; CPU time (its warm-up and 5 runs of 512 tokens, and the
# model load) is the fairer comparison there.
peer_pp512() {
  /usr/bin/time -f '%U %S' -o "$out/peer.time" "$LLAMA_BENCH" -m "$gguf" -p 512 -n 0 -t "$threads" -r 5 -o json \
    2>/dev/null >"$out/peer.json"
  echo "$(jq '.[0].avg_ts' "$out/peer.json") $(awk '{ print 6 * 512 / ($1 + $2) }' "$out/peer.time")"
}
read -r before before_cpu_rate < <(peer_pp512)
echo "# eval start, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
start=$(date +%s.%N)
/usr/bin/time -f '%e %U %S' -o "$out/eval.time" "$pe" eval --model "$gguf" --data-dir "$shared/data" \
  --output "$out/eval.json" --overwrite 2>"$out/eval.log" >"$out/eval.out" || {
  echo "eval failed:" >&2; tail -5 "$out/eval.log" >&2; exit 1; }
wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
echo "# eval end, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
read -r after after_cpu_rate < <(peer_pp512)
read -r _ user sys <"$out/eval.time"
backend_line=$(grep -m1 -i "backend" "$out/eval.log" "$out/eval.out" | head -1 || true)
awk -v wall="$wall" -v cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" -v before="$before" \
    -v after="$after" -v tokens="$lm_eval_tokens" -v bcr="$before_cpu_rate" -v acr="$after_cpu_rate" 'BEGIN {
  peer = before > after ? before : after
  llama_s = tokens / peer
  printf "\nfull five-task eval, 70m F16, default backend\n"
  printf "  wall %.1f s (%.2f min), CPU %.1f s\n", wall, wall / 60, cpu
  printf "  effective lm-eval tokens/s: %.0f (%d tokens / wall)\n", tokens / wall, tokens
  printf "  llama.cpp pp512 on the same GGUF: %.1f before, %.1f after -> %.1f s for %d tokens\n", before, after, llama_s, tokens
  printf "  ours / llama.cpp time: %.2f (target <= %.2f = 1/1.4): %s\n", wall / llama_s, 1 / 1.4,
         wall / llama_s <= 1 / 1.4 ? "met" : "not met"
  cpu_rate = bcr > acr ? bcr : acr
  printf "  in CPU time: ours %.0f lm-eval tokens per CPU-second, llama.cpp pp512 %.0f -> ratio %.2f (target >= 1.4)\n",
         tokens / cpu, cpu_rate, tokens / cpu / cpu_rate
}'
echo "  $backend_line"
uptime
