#!/usr/bin/env bash
# Tokenizer bench (issue #3): encodes every distinct context and continuation of the five tasks
# (from lm-eval's samples file in ../shared) with ours and with HF's Rust tokenizer (npm, via node),
# one thread each, and prints tokens/s and the ratio. Needs ./scripts/build.sh and, for HF's side,
# `npm ci` in tests/tokenizer/oracle. usage: scripts/bench_tokenizer.sh [tokenizer.json]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${PYTHIA_EVAL_SHARED:-../shared}"
tok="${1:-$shared/tokenizer/20B_tokenizer.json}"
strings="$(mktemp --suffix=.json)"
trap 'rm -f "$strings"' EXIT
node tests/tokenizer/oracle/task_strings.js "$shared/fixtures/tiny-neox-expected/lmeval-fp32-full.samples.jsonl" > "$strings"
./build/pythia-eval tokenize --tokenizer "$tok" --json --bench < "$strings"
