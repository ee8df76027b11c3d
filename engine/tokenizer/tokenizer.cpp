// Tokenizer: the HF encode pipeline (neox-gguf-tokenizer.md §4.3): split out raw added tokens,
// NFC, split out normalized added tokens, GPT-2 regex, byte-level BPE; and ByteLevel decoding.
#include "engine/tokenizer/tokenizer.hpp"

#include "engine/error.hpp"
#include "engine/out_of_memory.hpp"
#include "engine/tokenizer/added_tokens.hpp"
#include "engine/tokenizer/bpe.hpp"
#include "engine/tokenizer/byte_level.hpp"
#include "engine/tokenizer/pre_tokenizer.hpp"
#include "engine/tokenizer/unicode.hpp"
#include "engine/tokenizer/vocabulary.hpp"

namespace pe::tokenizer {

namespace {

std::vector<AddedToken> select_added(const std::vector<AddedToken>& all, bool normalized) {
    std::vector<AddedToken> out;
    for (const auto& a : all)
        if (a.normalized == normalized) out.push_back(a);
    return out;
}

}  // namespace

struct Tokenizer::Impl {
    explicit Impl(const Vocabulary& vocab)
        : raw_tokens(select_added(vocab.added, false)),
          normalized_tokens(select_added(vocab.added, true)),
          bpe(vocab),
          has_token(vocab.has_token) {
        // HF's ByteLevel decoder, per token: byte-level text maps back to bytes; a token with a
        // character outside the table (an added token such as "  ") stands for its own UTF-8.
        decoded.reserve(vocab.tokens.size());
        for (const auto& t : vocab.tokens) decoded.push_back(byte_level_decode(t).value_or(t));
    }

    AddedTokenSplitter raw_tokens, normalized_tokens;
    PreTokenizer pre_tokenizer;
    Bpe bpe;
    std::vector<std::string> decoded;  // bytes each id stands for
    std::vector<bool> has_token;
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_vocabulary(Vocabulary vocab) {
    return Tokenizer(std::make_unique<Impl>(vocab));
}

Tokenizer Tokenizer::from_json_file(const std::string& path) {
    const ReadingInput reading(path);
    return from_vocabulary(vocabulary_from_json(path));
}

std::vector<int32_t> Tokenizer::encode(std::string_view text) const {
    if (auto bad = find_invalid_utf8(text)) throw_bad_input("", "text", "not valid UTF-8", *bad);
    std::vector<int32_t> ids;
    ids.reserve(text.size() / 3 + 1);
    std::vector<Piece> raw_pieces, pieces;
    std::vector<std::string_view> words;
    // Step 1a: special tokens are found in the raw text, before normalisation.
    impl_->raw_tokens.split(text, raw_pieces);
    for (const Piece& raw : raw_pieces) {
        if (raw.id >= 0) {
            ids.push_back(raw.id);
            continue;
        }
        // Step 1b: NFC per piece, then the normalized added tokens (the runs of spaces).
        std::string composed;
        std::string_view normalized = raw.text;
        if (!is_ascii(raw.text)) normalized = composed = nfc(raw.text);
        pieces.clear();
        impl_->normalized_tokens.split(normalized, pieces);
        for (const Piece& piece : pieces) {
            if (piece.id >= 0) {
                ids.push_back(piece.id);
                continue;
            }
            // Steps 2-3: the regex never sees across an added token.
            words.clear();
            impl_->pre_tokenizer.split(piece.text, words);
            for (std::string_view w : words) impl_->bpe.encode_word(w, ids);
        }
    }
    return ids;
}

std::string Tokenizer::decode(std::span<const int32_t> ids) const {
    std::string bytes;
    for (size_t i = 0; i < ids.size(); ++i) {
        int32_t id = ids[i];
        if (id < 0 || size_t(id) >= impl_->decoded.size() || !impl_->has_token[size_t(id)])
            throw_bad_input("", "ids[" + std::to_string(i) + "]",
                            "id " + std::to_string(id) + " is not in the vocabulary (0.." +
                                std::to_string(vocab_size() - 1) + ")");
        bytes += impl_->decoded[size_t(id)];
    }
    return utf8_lossy(bytes);
}

size_t Tokenizer::vocab_size() const { return impl_->decoded.size(); }

}  // namespace pe::tokenizer
