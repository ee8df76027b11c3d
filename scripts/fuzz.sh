#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs the GGUF reader
# fuzzer (then the safetensors header, torch pickle and config.json/tokenizer.json fuzzers, a third as
# long each) for a bounded
# time: scripts/fuzz.sh [SECONDS] (default 60, or $FUZZ_SECONDS). Any crash, sanitizer report, leak, timeout or out-of-memory fails the script; the input is left in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-${FUZZ_SECONDS:-60}}"
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DPE_FUZZ=ON -DPE_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target gguf_reader_fuzz gguf_seed_corpus
seeds=build-fuzz/seeds/gguf_reader corpus=build-fuzz/corpus/gguf_reader
rm -rf "$seeds" && mkdir -p "$seeds" "$corpus"
./build-fuzz/fuzz/gguf_seed_corpus "$seeds"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1
./build-fuzz/fuzz/gguf_reader_fuzz -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -dict=fuzz/gguf.dict -artifact_prefix=build-fuzz/ -print_final_stats=1 \
  "$corpus" "$seeds"

# The converter's checkpoint parsers (engine/convert), a third of the time each.
cmake --build build-fuzz -j"$(nproc)" --target safetensors_header_fuzz torch_pickle_fuzz hf_json_fuzz convert_seed_corpus
rm -rf build-fuzz/seeds/convert && ./build-fuzz/fuzz/convert_seed_corpus build-fuzz/seeds/convert
# config.json and tokenizer.json seeds: the fixture's config (first byte selects the reader).
mkdir -p build-fuzz/seeds/convert/json
printf '\0{"architectures": ["GPTNeoXForCausalLM"], "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32, "vocab_size": 64, "max_position_embeddings": 64, "rotary_pct": 0.25, "rotary_emb_base": 10000, "layer_norm_eps": 1e-5}' \
  > build-fuzz/seeds/convert/json/config
printf '\1{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}, "added_tokens": [{"id": 3, "content": "<|endoftext|>", "special": true}]}' \
  > build-fuzz/seeds/convert/json/tokenizer
for pair in safetensors_header:safetensors torch_pickle:pickle hf_json:json; do
  target="${pair%%:*}" seeds="build-fuzz/seeds/convert/${pair##*:}"
  mkdir -p "build-fuzz/corpus/$target"
  ./build-fuzz/fuzz/"$target"_fuzz -max_total_time="$(( (secs + 2) / 3 ))" -timeout=10 -rss_limit_mb=2048 \
    -max_len=4096 -artifact_prefix=build-fuzz/ -print_final_stats=1 "build-fuzz/corpus/$target" "$seeds"
done
