// Builds the GGUF vocabulary the way llama.cpp's converter does (get_vocab_base): ids missing from
// the tokenizer become "[PAD{i}]" UNUSED; added tokens are CONTROL when special or "<|...|>"-shaped,
// else USER_DEFINED, and keep their raw text; every other vocab entry is NORMAL.
#include "engine/convert/hf_tokenizer.hpp"

#include <simdjson.h>

#include "engine/convert/input_file.hpp"
#include "engine/convert/json_input.hpp"
#include "engine/error.hpp"
#include "engine/gguf/writer.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::convert {

namespace {

bool looks_special(std::string_view s) { return s.size() >= 4 && s.starts_with("<|") && s.ends_with("|>"); }

// Pair-form merges may hold real spaces inside a part; llama.cpp's gguf-py writes those as U+0120
// ("Ġ") so that the joined "left right" string still splits at its single ASCII space.
std::string merge_part(std::string_view part) {
    std::string out;
    for (char c : part) out += c == ' ' ? std::string("\xc4\xa0") : std::string(1, c);
    return out;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

}  // namespace

GgufVocab parse_hf_tokenizer(std::string_view json, uint32_t n_vocab, const std::string& file) {
    const ReadingInput reading(file);
    const JsonInput input(json, file);
    const simdjson::dom::element doc = input.root;
    std::string_view model_type;
    if (doc["model"]["type"].get_string().get(model_type) != simdjson::SUCCESS || model_type != "BPE")
        throw_unsupported(file, "model.type", "expected \"BPE\" (GPT-NeoX byte-level BPE)");

    GgufVocab v;
    v.tokens.resize(n_vocab);
    v.types.assign(n_vocab, 0);
    auto place = [&](uint64_t id, std::string text, TokenType type, const std::string& field) {
        if (id >= n_vocab)
            throw_bad_input(file, field, "token id " + std::to_string(id) + " is not below config.json vocab_size " +
                                             std::to_string(n_vocab));
        v.tokens[id] = std::move(text);
        v.types[id] = int32_t(type);
    };

    simdjson::dom::object vocab;
    if (doc["model"]["vocab"].get_object().get(vocab) != simdjson::SUCCESS)
        throw_bad_input(file, "model.vocab", "missing or not an object");
    for (auto kv : vocab) {
        uint64_t id = 0;
        if (kv.value.get_uint64().get(id) != simdjson::SUCCESS)
            throw_bad_input(file, "model.vocab", "id of '" + std::string(kv.key) + "' is not a non-negative integer");
        if (id < n_vocab && v.types[id] != 0)
            throw_bad_input(file, "model.vocab", "id " + std::to_string(id) + " is used twice");
        place(id, std::string(kv.key), TokenType::normal, "model.vocab");
    }

    simdjson::dom::array added;
    if (doc["added_tokens"].get_array().get(added) == simdjson::SUCCESS) {
        for (auto t : added) {
            uint64_t id = 0;
            std::string_view content;
            bool special = false;
            if (t["id"].get_uint64().get(id) != simdjson::SUCCESS || t["content"].get_string().get(content) != simdjson::SUCCESS)
                throw_bad_input(file, "added_tokens", "entry without an integer id and a string content");
            if (t["special"].get_bool().get(special) != simdjson::SUCCESS) special = false;
            const bool control = special || looks_special(content);
            std::string text(content);
            if (!control) text = replace_all(std::move(text), "\xe2\x96\x81", " ");  // "▁" pre-normalised, as llama.cpp does
            place(id, std::move(text), control ? TokenType::control : TokenType::user_defined, "added_tokens");
        }
    }

    for (uint32_t i = 0; i < n_vocab; ++i)
        if (v.types[i] == 0) {
            v.tokens[i] = "[PAD" + std::to_string(i) + "]";
            v.types[i] = int32_t(TokenType::unused);
        }

    simdjson::dom::array merges;
    if (doc["model"]["merges"].get_array().get(merges) != simdjson::SUCCESS)
        throw_bad_input(file, "model.merges", "missing or not an array");
    v.merges.reserve(merges.size());
    for (auto m : merges) {
        std::string_view s;
        simdjson::dom::array pair;
        if (m.get_string().get(s) == simdjson::SUCCESS) {
            v.merges.emplace_back(s);  // older files: "left right" already
        } else if (m.get_array().get(pair) == simdjson::SUCCESS && pair.size() == 2 &&
                   pair.at(0).is_string() && pair.at(1).is_string()) {
            v.merges.push_back(merge_part(pair.at(0).get_string().value_unsafe()) + " " +
                               merge_part(pair.at(1).get_string().value_unsafe()));
        } else {
            throw_bad_input(file, "model.merges[" + std::to_string(v.merges.size()) + "]",
                            "expected \"left right\" or [left, right]");
        }
    }
    return v;
}

GgufVocab read_hf_tokenizer(const std::string& path, uint32_t n_vocab) {
    return parse_hf_tokenizer(read_text_file(path), n_vocab, path);
}

void add_tokenizer_keys(gguf::Writer& w, const GgufVocab& vocab, uint32_t bos_token_id, uint32_t eos_token_id) {
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "olmo");  // spec §4.5: the hash of this tokenizer maps to "olmo"
    w.add_string_array("tokenizer.ggml.tokens", vocab.tokens);
    w.add_i32_array("tokenizer.ggml.token_type", vocab.types);
    w.add_string_array("tokenizer.ggml.merges", vocab.merges);
    w.add_u32("tokenizer.ggml.bos_token_id", bos_token_id);
    w.add_u32("tokenizer.ggml.eos_token_id", eos_token_id);
    w.add_u32("tokenizer.ggml.unknown_token_id", eos_token_id);  // Pythia's unk_token is <|endoftext|>
}

}  // namespace pe::convert
