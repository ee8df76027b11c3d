// Vocabulary from a GGUF's tokenizer.ggml.* keys (neox-gguf-tokenizer.md §2.1, §4.5), mapped to
// what tokenizer.json says: CONTROL -> special raw-matched added token, USER_DEFINED -> added
// token matched after NFC (HF's default for non-special ones), NORMAL -> BPE vocabulary.
#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/tokenizer/byte_level.hpp"
#include "engine/tokenizer/gguf_keys.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "engine/tokenizer/vocabulary.hpp"

namespace pe::tokenizer {

namespace {

struct GgufFile {
    const gguf::Reader& r;

    std::optional<uint64_t> offset_of(std::string_view key) const {
        for (const auto& kv : r.kvs())
            if (kv.key == key) return kv.offset_bytes;
        return std::nullopt;
    }
    [[noreturn]] void bad(std::string_view key, const std::string& field, const std::string& message) const {
        throw_bad_input(r.path(), field, message, offset_of(key));
    }
    const gguf::Array& array(std::string_view key, gguf::ValueType elem) const {
        const gguf::Array* a = r.get_array(key);
        if (!a) bad(key, std::string(key), "missing; the file has no tokenizer (convert it with its tokenizer.json)");
        if (a->elem_type != elem)
            bad(key, std::string(key), "array of " + std::string(gguf::value_type_name(a->elem_type)) + ", expected " +
                                           std::string(gguf::value_type_name(elem)));
        return *a;
    }
};

const std::string& item_string(const gguf::Array& a, size_t i) { return std::get<std::string>(a.items[i]); }

}  // namespace

Vocabulary vocabulary_from_gguf(const gguf::Reader& reader) {
    GgufFile f{reader};
    auto model = reader.get_string(gguf_keys::model);
    if (!model) f.bad(gguf_keys::model, std::string(gguf_keys::model), "missing; the file has no tokenizer");
    if (*model != "gpt2")
        throw_unsupported(reader.path(), std::string(gguf_keys::model), "'" + *model + "'; only 'gpt2' (byte-level BPE) is supported");
    // These pre-tokenizer names all mean GPT-2's regex in llama.cpp (§4.5); others split differently.
    if (auto pre = reader.get_string(gguf_keys::pre); pre && *pre != "olmo" && *pre != "mpt" && *pre != "gpt-2")
        throw_unsupported(reader.path(), std::string(gguf_keys::pre), "'" + *pre + "'; only 'olmo', 'mpt' and 'gpt-2' are supported");

    const auto& tokens = f.array(gguf_keys::tokens, gguf::ValueType::string);
    const auto& types = f.array(gguf_keys::token_type, gguf::ValueType::i32);
    const auto& merges = f.array(gguf_keys::merges, gguf::ValueType::string);
    if (types.size() != tokens.size())
        f.bad(gguf_keys::token_type, std::string(gguf_keys::token_type),
              std::to_string(types.size()) + " entries, but " + std::to_string(tokens.size()) + " tokens");

    Vocabulary v;
    v.source = reader.path();
    v.merges_field = std::string(gguf_keys::merges);
    size_t n_ids = 0;  // trailing UNUSED padding is not part of the usable vocabulary
    std::vector<std::pair<std::string, int32_t>> control;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const std::string& text = item_string(tokens, i);
        auto id = int32_t(i);
        auto type = GgufTokenType(std::get<int32_t>(types.items[i]));
        std::string field = std::string(gguf_keys::tokens) + "[" + std::to_string(i) + "]";
        if (type == GgufTokenType::unused) continue;
        if (text.empty()) f.bad(gguf_keys::tokens, field, "empty token");
        switch (type) {
            case GgufTokenType::normal:
            case GgufTokenType::unknown:
                if (!v.bpe_ids.emplace(text, id).second) f.bad(gguf_keys::tokens, field, "duplicate token '" + text + "'");
                break;
            case GgufTokenType::control:
                v.added.push_back({id, text, true, false});
                control.emplace_back(byte_level_encode(text), id);
                break;
            case GgufTokenType::user_defined:
                v.added.push_back({id, text, false, true});
                break;
            default:
                throw_unsupported(reader.path(), std::string(gguf_keys::token_type) + "[" + std::to_string(i) + "]",
                                  "token type " + std::to_string(int(type)) + " is not used by byte-level BPE");
        }
        n_ids = i + 1;
    }
    // tokenizer.json lists special tokens in the BPE vocabulary too; keep that (it never changes
    // an id: BPE only reaches a string through a merge that names it).
    for (auto& [text, id] : control) v.bpe_ids.emplace(std::move(text), id);

    v.merges.reserve(merges.size());
    for (size_t i = 0; i < merges.size(); ++i) {
        const std::string& m = item_string(merges, i);
        size_t space = m.find(' ');
        if (space == std::string::npos || m.find(' ', space + 1) != std::string::npos)
            f.bad(gguf_keys::merges, v.merges_field + "[" + std::to_string(i) + "]", "'" + m + "', expected \"left right\"");
        v.merges.emplace_back(m.substr(0, space), m.substr(space + 1));
    }

    v.tokens.assign(n_ids, "");
    v.has_token.assign(n_ids, false);
    for (size_t i = 0; i < n_ids; ++i) {
        if (GgufTokenType(std::get<int32_t>(types.items[i])) == GgufTokenType::unused) continue;
        v.tokens[i] = item_string(tokens, i);
        v.has_token[i] = true;
    }
    return v;
}

Tokenizer Tokenizer::from_gguf(const gguf::Reader& reader) { return from_vocabulary(vocabulary_from_gguf(reader)); }

}  // namespace pe::tokenizer
