// Shared inputs for tests/tokenizer: the tokenizer from ../shared, the 334 test vectors and the
// lm-eval requests (context, continuation and HF's ids) of the tiny-neox samples files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/tokenizer/tokenizer.hpp"

namespace pe::test {

std::string tokenizer_json_path();                  // shared/tokenizer/20B_tokenizer.json
const tokenizer::Tokenizer& json_tokenizer();       // built once from it

struct TokenVector {
    std::string source;  // "ggml:12", "llamacpp:3", "edge:40"
    std::string text;
    std::vector<int32_t> ids;
};
std::vector<TokenVector> load_token_vectors();  // the 334 cases of shared/tokenizer (§4.7)

struct SampleRequest {
    std::string context, continuation;
    std::vector<int32_t> ctx_ids, cont_ids;
};
// Every request of fixtures/tiny-neox-expected/<name> (lm-eval's own record of HF's ids).
std::vector<SampleRequest> load_sample_requests(const std::string& name);
// The distinct context and continuation strings of the full runs, in first-seen order.
std::vector<std::string> task_strings();

// ~7.4k fixed-seed strings that stress §4.3: random mixes of tricky fragments (space runs, Unicode
// spaces, NFC pairs, contractions, special-token look-alikes, many scripts), random code points
// from every plane, and runs of 0..60 spaces in several settings.
std::vector<std::string> generated_strings();

// tokenizer.ggml.* arrays as llama.cpp's converter writes them (§4.5), read straight from
// tokenizer.json: padded_vocab entries, "[PAD{i}]" UNUSED fill, added tokens raw.
struct GgufTokenizerKeys {
    std::vector<std::string> tokens, merges;
    std::vector<int32_t> types;
};
GgufTokenizerKeys gguf_keys_from_tokenizer_json(size_t padded_vocab);
// Writes them (plus general.architecture) to scratch_dir(name)/tok.gguf and returns its path.
std::string write_tokenizer_gguf(const std::string& name, const GgufTokenizerKeys& keys, const std::string& model = "gpt2");

// "" when equal, else a diff-like line: first differing index and both values, both lengths.
std::string ids_diff(const std::vector<int32_t>& got, const std::vector<int32_t>& want);
std::string json_quote(const std::string& s);  // s as a JSON string literal (ASCII-safe)

}  // namespace pe::test
