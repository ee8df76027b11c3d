// Loaders for the tokenizer test inputs in ../shared (formats: neox-gguf-tokenizer.md §4.7).
#include "tests/tokenizer/fixtures.hpp"

#include <simdjson.h>

#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

#include "engine/gguf/writer.hpp"
#include "engine/tokenizer/gguf_keys.hpp"
#include "tests/common/shared.hpp"

namespace pe::test {

namespace keys = tokenizer::gguf_keys;

namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<int32_t> parse_ids(const std::string& s, char sep) {
    std::vector<int32_t> ids;
    std::istringstream in(s);
    std::string item;
    while (std::getline(in, item, sep))
        if (item.find_first_not_of(' ') != std::string::npos) ids.push_back(int32_t(std::stoi(item)));
    return ids;
}

std::vector<int32_t> json_ids(simdjson::dom::element e) {
    std::vector<int32_t> ids;
    for (auto v : e.get_array()) ids.push_back(int32_t(int64_t(v)));
    return ids;
}

std::string utf8(char32_t c) {
    std::string s;
    if (c < 0x80) s += char(c);
    else if (c < 0x800) s += char(0xC0 | (c >> 6)), s += char(0x80 | (c & 0x3F));
    else if (c < 0x10000) s += char(0xE0 | (c >> 12)), s += char(0x80 | ((c >> 6) & 0x3F)), s += char(0x80 | (c & 0x3F));
    else
        s += char(0xF0 | (c >> 18)), s += char(0x80 | ((c >> 12) & 0x3F)), s += char(0x80 | ((c >> 6) & 0x3F)),
            s += char(0x80 | (c & 0x3F));
    return s;
}

// Fragments that exercise each rule of §4.3: space runs and other Unicode spaces, NFC pairs,
// contractions in both cases, digits of other scripts, special-token look-alikes, emoji, jamo.
const std::vector<std::string> fragments = {
    "a", "Z", "word", " the", "\u00e9", "e\u0301", "\u212b", "A\u030a", " ", "  ", "   ", "    ", "\t", "\n", "\r\n",
    "\n\n", "\u00a0", "\u3000", "\u2028", "\u0085", "\v", "\f", "\u1680", "\u200b", "'s", "'S", "'ll", "'LL", "'t", "'re",
    "'ve", "'m", "'d", "'", "1", "23", "456789", "\u0663", "\u216b", "\u00bd", "\u00b2", "!", "?", "...", "\u2014",
    "\u201c", "\u201d", "\u2019", "<|endoftext|>", "<|padding|>", "<|endoftext", "|>", "<|", "\U0001F600",
    "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\u4e2d\u6587", "\ud55c\uad6d\uc5b4", "\u1100", "\u1161", "\u11a8",
    "\u0915\u094d", "\u0e44\u0e17\u0e22", "\u0301", "\u200d", "\ufeff", std::string(1, '\0'), "\x7f", "\ufb01", "\uff21",
    "$", "\u20ac", "\\", "\"", "#include <x>", "    return 0;", "http://a.b/c?d=1", "\u0645\u0631\u062d\u0628\u0627",
    "\u05e9\u05dc\u05d5\u05dd", "\u1780\u17d2\u1798", "\U00010400", "\U0001d400", "\u0130", "\u00df", "\u03a3\u03c2",
};

}  // namespace

std::vector<std::string> generated_strings() {
    std::mt19937 rng(20240527);
    std::vector<std::string> out;
    auto pick = [&](size_t n) { return size_t(rng() % n); };
    for (int i = 0; i < 4000; ++i) {
        std::string s;
        for (size_t k = 1 + pick(12); k > 0; --k) s += fragments[pick(fragments.size())];
        out.push_back(s);
    }
    for (int i = 0; i < 3000; ++i) {  // random scalar values from every plane, between ASCII
        std::string s;
        for (size_t k = 1 + pick(8); k > 0; --k) {
            char32_t c;
            do c = char32_t(rng() % 0x110000);
            while (c >= 0xD800 && c <= 0xDFFF);
            if (pick(3) == 0) c = char32_t(rng() % 0x3000);  // denser where most scripts are
            s += utf8(c);
            if (pick(3) == 0) s += fragments[pick(12)];
        }
        out.push_back(s);
    }
    for (int n = 0; n <= 60; ++n) {
        std::string sp(size_t(n), ' ');
        for (const char* t : {"x%sy", "%s", "%sx", "x%s", "\n%s\n", "x\n%sy", "\t%s\t"}) {
            std::string s = t;
            s.replace(s.find("%s"), 2, sp);
            out.push_back(s);
        }
    }
    return out;
}

std::string tokenizer_json_path() { return shared_path("tokenizer/20B_tokenizer.json").string(); }

const tokenizer::Tokenizer& json_tokenizer() {
    static const auto tok = tokenizer::Tokenizer::from_json_file(tokenizer_json_path());
    return tok;
}

std::vector<TokenVector> load_token_vectors() {
    std::vector<TokenVector> out;
    {  // ggml: "text => id,id,..." per line; the text may itself contain " => "
        std::istringstream in(read_file(shared_path("tokenizer/ggml-prompts-gpt-neox.txt")));
        std::string line;
        for (int n = 1; std::getline(in, line); ++n) {
            auto at = line.rfind(" => ");
            if (at == std::string::npos) continue;
            out.push_back({"ggml:" + std::to_string(n), line.substr(0, at), parse_ids(line.substr(at + 4), ',')});
        }
    }
    {  // llama.cpp: inputs separated by "\n__ggml_vocab_test__\n", one output line per input
        std::string inp = read_file(shared_path("tokenizer/llamacpp-vocab-tests.inp"));
        std::istringstream outs(read_file(shared_path("tokenizer/llamacpp-vocab-tests.gpt-neox-20b.out")));
        const std::string sep = "\n__ggml_vocab_test__\n";
        size_t pos = 0;
        for (int n = 1;; ++n) {
            auto at = inp.find(sep, pos);
            if (at == std::string::npos) break;
            std::string line;
            std::getline(outs, line);
            out.push_back({"llamacpp:" + std::to_string(n), inp.substr(pos, at - pos), parse_ids(line, ' ')});
            pos = at + sep.size();
        }
    }
    {  // edge cases: {"text","ids","tokens"} per line
        simdjson::dom::parser parser;
        std::istringstream in(read_file(shared_path("tokenizer/gpt-neox-edge-cases.jsonl")));
        std::string line;
        for (int n = 1; std::getline(in, line); ++n) {
            if (line.empty()) continue;
            auto doc = parser.parse(line);
            out.push_back({"edge:" + std::to_string(n), std::string(std::string_view(doc["text"])), json_ids(doc["ids"])});
        }
    }
    return out;
}

std::vector<SampleRequest> load_sample_requests(const std::string& name) {
    simdjson::dom::parser parser;
    simdjson::dom::document_stream docs;
    auto json = simdjson::padded_string::load(shared_path("fixtures/tiny-neox-expected/" + name).string());
    if (json.error()) throw std::runtime_error("cannot read " + name);
    if (parser.parse_many(json.value()).get(docs)) throw std::runtime_error("cannot parse " + name);
    std::vector<SampleRequest> out;
    for (auto doc : docs) {
        simdjson::dom::element d = doc.value();
        out.push_back({std::string(std::string_view(d["context"])), std::string(std::string_view(d["continuation"])),
                       json_ids(d["ctx_ids"]), json_ids(d["cont_ids"])});
    }
    return out;
}

std::vector<std::string> task_strings() {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    for (const auto& r : load_sample_requests("lmeval-fp32-full.samples.jsonl"))
        for (const auto* s : {&r.context, &r.continuation})
            if (seen.insert(*s).second) out.push_back(*s);
    return out;
}

GgufTokenizerKeys gguf_keys_from_tokenizer_json(size_t padded_vocab) {
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.load(tokenizer_json_path());
    std::map<int64_t, std::pair<std::string, tokenizer::GgufTokenType>> by_id;
    for (auto [text, id] : root["model"]["vocab"].get_object())
        by_id[int64_t(id)] = {std::string(text), tokenizer::GgufTokenType::normal};
    for (auto t : root["added_tokens"].get_array()) {
        bool special = bool(t["special"]);
        by_id[int64_t(t["id"])] = {std::string(std::string_view(t["content"])),
                                   special ? tokenizer::GgufTokenType::control : tokenizer::GgufTokenType::user_defined};
    }
    GgufTokenizerKeys k;
    for (size_t i = 0; i < padded_vocab; ++i) {
        auto it = by_id.find(int64_t(i));
        if (it == by_id.end()) {
            k.tokens.push_back("[PAD" + std::to_string(i) + "]");
            k.types.push_back(int32_t(tokenizer::GgufTokenType::unused));
        } else {
            k.tokens.push_back(it->second.first);
            k.types.push_back(int32_t(it->second.second));
        }
    }
    for (auto m : root["model"]["merges"].get_array()) k.merges.emplace_back(std::string_view(m));
    return k;
}

std::string write_tokenizer_gguf(const std::string& name, const GgufTokenizerKeys& k, const std::string& model) {
    auto path = (scratch_dir("tokenizer-gguf-" + name) / "tok.gguf").string();
    gguf::Writer w(path);
    w.add_string("general.architecture", "gptneox");
    w.add_string(std::string(keys::model), model);
    w.add_string(std::string(keys::pre), "olmo");
    w.add_string_array(std::string(keys::tokens), k.tokens);
    w.add_i32_array(std::string(keys::token_type), k.types);
    w.add_string_array(std::string(keys::merges), k.merges);
    w.add_u32(std::string(keys::bos_token_id), 0);
    w.add_u32(std::string(keys::eos_token_id), 0);
    w.commit();
    return path;
}

std::string ids_diff(const std::vector<int32_t>& got, const std::vector<int32_t>& want) {
    if (got == want) return "";
    size_t i = 0;
    while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
    auto at = [](const std::vector<int32_t>& v, size_t k) { return k < v.size() ? std::to_string(v[k]) : "(end)"; };
    return "first difference at index " + std::to_string(i) + ": got " + at(got, i) + ", want " + at(want, i) +
           " (lengths " + std::to_string(got.size()) + " vs " + std::to_string(want.size()) + ")";
}

std::string json_quote(const std::string& s) {
    static const char* hex = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') out += '\\', out += char(c);
        else if (c < 0x20 || c == 0x7f) out += "\\u00", out += hex[c >> 4], out += hex[c & 15];
        else out += char(c);
    }
    return out + "\"";
}

}  // namespace pe::test
