#!/usr/bin/env bash
# OpenBLAS (each x86 kernel the program could pick: engine/cpu/blas.cpp) against BLIS on the CPU
# backend's products (scripts/bench_blas.cpp), ROUNDS alternated rounds, best round of each kept,
# since the build machine is shared and one round is noise. Needs g++ and Debian's libopenblas0
# (scripts/setup.sh installs it); BLIS is measured when Debian's libblis4 is installed (apt-get
# install libblis4; the program itself never uses it).
# Usage: scripts/bench_blas.sh   (ROUNDS, default 3; THREADS, default nproc)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-3}
threads=${THREADS:-$(nproc)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g++ -O2 -std=c++20 "$repo/scripts/bench_blas.cpp" -o "$tmp/bench_blas" -ldl
blis=$(ls /usr/lib/*/libblis.so.4 /usr/lib/*/blis-*/libblis.so.4 2>/dev/null | head -1 || true)
echo "# $(date -u +%FT%TZ), $threads threads, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
systems=("openblas COOPERLAKE" "openblas SKYLAKEX" "openblas HASWELL" "openblas ZEN")
if [ -n "$blis" ]; then systems+=("blis -"); else echo "# BLIS not installed (apt-get install libblis4): OpenBLAS only"; fi
for round in $(seq "$rounds"); do
  for sys in "${systems[@]}"; do
    read -r name core <<<"$sys"
    if [ "$name" = openblas ]; then
      line=$(OPENBLAS_CORETYPE=$core "$tmp/bench_blas" libopenblas.so.0 "$threads" | tail -1)
    else
      line=$(OMP_NUM_THREADS=$threads BLIS_NUM_THREADS=$threads "$tmp/bench_blas" "$blis" "$threads" | tail -1)
    fi
    echo "$round $name $core $line"
  done
done | tee "$tmp/runs" >&2
echo
echo "best of $rounds rounds (ms for all shapes, lower is better)"
awk '{ key = $2 " " $3; ms = $6 + 0; if (!(key in best) || ms < best[key]) { best[key] = ms; rate[key] = $8 } }
     END { for (k in best) printf "  %-22s %8.1f ms  %7.1f GFLOP/s\n", k, best[k], rate[k] }' "$tmp/runs" | sort -k3 -n
