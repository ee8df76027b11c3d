// Vocabulary from a Hugging Face tokenizer.json (neox-gguf-tokenizer.md §4.2). Anything that
// would make HF tokenize differently from §4.3 is refused as unsupported rather than ignored.
#include <simdjson.h>

#include <filesystem>

#include "engine/error.hpp"
#include "engine/tokenizer/vocabulary.hpp"

namespace pe::tokenizer {

namespace {

namespace dom = simdjson::dom;

// Ids beyond this are certainly not a GPT-NeoX-like vocabulary and would only allocate.
constexpr int64_t max_token_id = 1 << 24;

struct JsonFile {
    std::string name;

    [[noreturn]] void bad(const std::string& field, const std::string& message) const {
        throw_bad_input(name, field, message);
    }
    [[noreturn]] void unsupported(const std::string& field, const std::string& message) const {
        throw_unsupported(name, field, message);
    }

    dom::element member(dom::element obj, const char* key, const std::string& path) const {
        dom::element v;
        if (obj.at_key(key).get(v)) bad(path + "." + key, "missing");
        return v;
    }
    std::string_view string(dom::element v, const std::string& path) const {
        std::string_view s;
        if (v.get(s)) bad(path, "expected a string");
        return s;
    }
    bool boolean(dom::element v, const std::string& path) const {
        bool b;
        if (v.get(b)) bad(path, "expected true or false");
        return b;
    }
    int32_t id(dom::element v, const std::string& path) const {
        int64_t i;
        if (v.get(i)) bad(path, "expected an integer id");
        if (i < 0 || i >= max_token_id) bad(path, "id " + std::to_string(i) + " out of range");
        return int32_t(i);
    }
    // Optional member that must be absent, null or equal to `ok` (a bool) for our semantics.
    void require_bool(dom::element obj, const char* key, bool ok, const std::string& path) const {
        dom::element v;
        if (obj.at_key(key).get(v) || v.is_null()) return;
        if (boolean(v, path + "." + key) != ok)
            unsupported(path + "." + key, std::string("only ") + (ok ? "true" : "false") + " is supported");
    }
    void require_empty(dom::element obj, const char* key, const std::string& path) const {
        dom::element v;
        if (obj.at_key(key).get(v) || v.is_null()) return;
        if (!string(v, path + "." + key).empty()) unsupported(path + "." + key, "only null is supported");
    }
    void require_type(dom::element obj, const std::string& path, std::string_view type) const {
        dom::element v;
        if (obj.at_key("type").get(v) || v.is_null() || string(v, path + ".type") != type)
            unsupported(path, "only {\"type\": \"" + std::string(type) + "\"} is supported");
    }
};

void check_pipeline(const JsonFile& f, dom::element root) {
    // NFC normalizer (§4.2); a missing or different normalizer would change ids.
    dom::element norm = f.member(root, "normalizer", "");
    if (norm.is_null()) f.unsupported("normalizer", "null; only {\"type\": \"NFC\"} is supported");
    f.require_type(norm, "normalizer", "NFC");

    dom::element pre = f.member(root, "pre_tokenizer", "");
    if (pre.is_null()) f.unsupported("pre_tokenizer", "null; only ByteLevel is supported");
    f.require_type(pre, "pre_tokenizer", "ByteLevel");
    f.require_bool(pre, "add_prefix_space", false, "pre_tokenizer");
    f.require_bool(pre, "use_regex", true, "pre_tokenizer");

    dom::element dec = f.member(root, "decoder", "");
    if (dec.is_null()) f.unsupported("decoder", "null; only ByteLevel is supported");
    f.require_type(dec, "decoder", "ByteLevel");

    dom::element model = f.member(root, "model", "");
    dom::element type;
    if (!model.at_key("type").get(type) && f.string(type, "model.type") != "BPE")
        f.unsupported("model.type", "only BPE is supported");
    dom::element dropout;
    if (!model.at_key("dropout").get(dropout) && !dropout.is_null())
        f.unsupported("model.dropout", "BPE dropout is random; only null is supported");
    f.require_empty(model, "continuing_subword_prefix", "model");
    f.require_empty(model, "end_of_word_suffix", "model");
    f.require_bool(model, "byte_fallback", false, "model");
    f.require_bool(model, "ignore_merges", false, "model");
}

void read_model(const JsonFile& f, dom::element root, Vocabulary& v) {
    dom::element model = f.member(root, "model", "");
    dom::object vocab;
    if (f.member(model, "vocab", "model").get(vocab)) f.bad("model.vocab", "expected an object");
    v.bpe_ids.reserve(vocab.size());
    for (auto [key, value] : vocab) {
        std::string path = "model.vocab[\"" + std::string(key) + "\"]";
        if (!v.bpe_ids.emplace(std::string(key), f.id(value, path)).second) f.bad(path, "duplicate token");
    }

    dom::array merges;
    if (f.member(model, "merges", "model").get(merges)) f.bad("model.merges", "expected an array");
    v.merges.reserve(merges.size());
    size_t i = 0;
    for (dom::element m : merges) {
        std::string path = "model.merges[" + std::to_string(i++) + "]";
        dom::array pair;
        if (!m.get(pair)) {  // newer format: ["a", "b"]
            if (pair.size() != 2) f.bad(path, "expected two strings");
            v.merges.emplace_back(f.string(pair.at(0).value(), path), f.string(pair.at(1).value(), path));
            continue;
        }
        std::string_view s = f.string(m, path);  // classic format: "a b"
        size_t space = s.find(' ');
        if (space == std::string_view::npos || s.find(' ', space + 1) != std::string_view::npos)
            f.bad(path, "expected \"left right\"");
        v.merges.emplace_back(s.substr(0, space), s.substr(space + 1));
    }
}

void read_added_tokens(const JsonFile& f, dom::element root, Vocabulary& v) {
    dom::element added_el;
    if (root.at_key("added_tokens").get(added_el) || added_el.is_null()) return;
    dom::array added;
    if (added_el.get(added)) f.bad("added_tokens", "expected an array");
    size_t i = 0;
    for (dom::element t : added) {
        std::string path = "added_tokens[" + std::to_string(i++) + "]";
        AddedToken a;
        a.id = f.id(f.member(t, "id", path), path + ".id");
        a.content = f.string(f.member(t, "content", path), path + ".content");
        if (a.content.empty()) f.bad(path + ".content", "empty");
        a.special = f.boolean(f.member(t, "special", path), path + ".special");
        // HF's default: special tokens are matched raw, other added tokens after normalisation.
        dom::element norm;
        a.normalized = (t.at_key("normalized").get(norm) || norm.is_null())
                           ? !a.special : f.boolean(norm, path + ".normalized");
        f.require_bool(t, "lstrip", false, path);
        f.require_bool(t, "rstrip", false, path);
        f.require_bool(t, "single_word", false, path);
        v.added.push_back(std::move(a));
    }
}

}  // namespace

Vocabulary vocabulary_from_json(const std::string& path) {
    JsonFile f{std::filesystem::path(path).filename().string()};
    dom::parser parser;
    dom::element root;
    simdjson::padded_string json;
    if (auto err = simdjson::padded_string::load(path).get(json))
        throw_io(path, std::string("cannot read tokenizer file: ") + simdjson::error_message(err));
    if (auto err = parser.parse(json).get(root)) f.bad("", std::string("not valid JSON: ") + simdjson::error_message(err));
    if (!root.is_object()) f.bad("", "expected a JSON object");

    Vocabulary v;
    v.source = f.name;
    v.merges_field = "model.merges";
    check_pipeline(f, root);
    read_model(f, root, v);
    read_added_tokens(f, root, v);

    int32_t n = 0;
    for (const auto& [text, id] : v.bpe_ids) n = std::max(n, id + 1);
    for (const auto& a : v.added) n = std::max(n, a.id + 1);
    v.tokens.assign(size_t(n), "");
    v.has_token.assign(size_t(n), false);
    for (const auto& [text, id] : v.bpe_ids) v.tokens[size_t(id)] = text, v.has_token[size_t(id)] = true;
    // HF looks an id up among the added tokens first (they decode to their raw content).
    for (const auto& a : v.added) v.tokens[size_t(a.id)] = a.content, v.has_token[size_t(a.id)] = true;
    return v;
}

}  // namespace pe::tokenizer
