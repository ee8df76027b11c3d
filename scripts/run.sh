#!/usr/bin/env bash
# README command (1): set-up + build + the main job: evaluate EleutherAI/pythia-70m-deduped at step
# 143000 on the five tasks (hub download, one-time GGUF conversion, data fetch on first use), write
# results/json/pythia-70m-deduped/zero-shot/70m-deduped_step143000.json and compare it with the
# published file when ../shared/reference is present. Extra arguments go to `pythia-eval eval`
# (e.g. --backend cpu, --limit 100). Offline: HF_HUB_OFFLINE=1 with a filled cache, or
# --model path/to/checkpoint (or PYTHIA_EVAL_MODEL=path); PYTHIA_EVAL_DATA (or --data-dir) for a
# local copy of the data.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
PE_BUILD_TARGETS=pythia-eval ./scripts/build.sh  # the tests are test.sh's to build
pe=./build/pythia-eval

if [ -n "${PYTHIA_EVAL_DATA:-}" ] || [[ " $* " == *" --data-dir "* ]]; then
  :  # the caller chose the data folder
elif ! $pe data check >/dev/null 2>&1; then
  $pe data fetch
fi

# The model: --model in the arguments wins; else PYTHIA_EVAL_MODEL (a repo id, at PYTHIA_EVAL_STEP,
# or a local folder or .gguf, which has no step).
# A Pythia repo id at a step is compared with its published file when ../shared/reference is here.
model_args=()
reference=../shared/reference/pythia-results
if [[ " $* " != *" --model "* ]]; then
  model=${PYTHIA_EVAL_MODEL:-EleutherAI/pythia-70m-deduped}
  model_args=(--model "$model")
  if [ ! -e "$model" ]; then
    model_args+=(--step "${PYTHIA_EVAL_STEP:-143000}")
    [ -d "$reference" ] && model_args+=(--compare-to "$reference")
  fi
fi

$pe eval "${model_args[@]}" "$@"
