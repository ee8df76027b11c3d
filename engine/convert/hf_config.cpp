// config.json parsing. Both the transformers v4 names (rotary_pct, rotary_emb_base) and the v5 ones
// (partial_rotary_factor, rope_theta, possibly inside rope_parameters) are accepted.
#include "engine/convert/hf_config.hpp"

#include <simdjson.h>

#include <optional>
#include <set>

#include "engine/convert/input_file.hpp"
#include "engine/convert/json_input.hpp"
#include "engine/error.hpp"
#include "engine/out_of_memory.hpp"

namespace pe::convert {

namespace {

struct Fields {
    simdjson::dom::object top;
    const std::string& file;

    std::optional<simdjson::dom::element> find(std::string_view key) const {
        simdjson::dom::element e;
        if (top[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
        return e;
    }
    uint32_t positive_u32(std::string_view key) const {
        auto e = find(key);
        if (!e) throw_bad_input(file, std::string(key), "missing");
        uint64_t v = 0;
        if (e->get_uint64().get(v) != simdjson::SUCCESS || v == 0 || v > UINT32_MAX)
            throw_bad_input(file, std::string(key), "expected a positive integer below 2^32");
        return uint32_t(v);
    }
    std::optional<uint32_t> optional_u32(std::string_view key) const {
        auto e = find(key);
        if (!e) return std::nullopt;
        uint64_t v = 0;
        if (e->get_uint64().get(v) != simdjson::SUCCESS || v > UINT32_MAX)
            throw_bad_input(file, std::string(key), "expected a non-negative integer below 2^32");
        return uint32_t(v);
    }
    std::optional<double> number(std::string_view key) const {
        auto e = find(key);
        if (!e) return std::nullopt;
        double v = 0;
        if (e->get_double().get(v) != simdjson::SUCCESS) {
            int64_t i = 0;
            if (e->get_int64().get(i) != simdjson::SUCCESS) throw_bad_input(file, std::string(key), "expected a number");
            v = double(i);
        }
        return v;
    }
    std::optional<bool> boolean(std::string_view key) const {
        auto e = find(key);
        if (!e) return std::nullopt;
        bool v = false;
        if (e->get_bool().get(v) != simdjson::SUCCESS) throw_bad_input(file, std::string(key), "expected true or false");
        return v;
    }
};

// A key given twice: Python's json (and so transformers) keeps the last value, a JSON reader that
// takes the first would build a different model. Neither guess is safe: the file is refused.
void refuse_duplicate_keys(simdjson::dom::object obj, const std::string& file, const std::string& prefix) {
    std::set<std::string_view> seen;
    for (auto field : obj)
        if (!seen.insert(field.key).second)
            throw_bad_input(file, prefix + std::string(field.key),
                            "key appears more than once (transformers would take the last value; refusing to "
                            "guess which one was meant)");
}

// First of several spellings of one field, also looked up inside v5's "rope_parameters".
double first_number(const Fields& f, std::initializer_list<std::string_view> keys, const std::string& what) {
    for (std::string_view k : keys)
        if (auto v = f.number(k)) return *v;
    simdjson::dom::object rope;
    if (f.top["rope_parameters"].get_object().get(rope) == simdjson::SUCCESS) {
        const Fields inner{rope, f.file};
        for (std::string_view k : keys)
            if (auto v = inner.number(k)) return *v;
    }
    throw_bad_input(f.file, what, "missing");
}

}  // namespace

HfConfig parse_hf_config(std::string_view json, const std::string& file) {
    const ReadingInput reading(file);
    const JsonInput input(json, file);
    const simdjson::dom::element doc = input.root;
    simdjson::dom::object top;
    if (doc.get_object().get(top) != simdjson::SUCCESS) throw_bad_input(file, "", "not a JSON object");
    refuse_duplicate_keys(top, file, "");
    simdjson::dom::object rope;
    if (top["rope_parameters"].get_object().get(rope) == simdjson::SUCCESS)
        refuse_duplicate_keys(rope, file, "rope_parameters.");
    const Fields f{top, file};

    simdjson::dom::array archs;
    bool neox = false;
    if (top["architectures"].get_array().get(archs) == simdjson::SUCCESS)
        for (auto a : archs) neox = neox || (a.is_string() && std::string_view(a.get_string().value_unsafe()) == "GPTNeoXForCausalLM");
    if (!neox) throw_unsupported(file, "architectures", "expected [\"GPTNeoXForCausalLM\"] (only GPT-NeoX/Pythia checkpoints convert)");

    HfConfig c;
    c.n_embd = f.positive_u32("hidden_size");
    c.n_layer = f.positive_u32("num_hidden_layers");
    c.n_head = f.positive_u32("num_attention_heads");
    c.n_ff = f.positive_u32("intermediate_size");
    c.n_vocab = f.positive_u32("vocab_size");
    c.n_ctx = f.positive_u32("max_position_embeddings");
    if (c.n_embd % c.n_head != 0)
        throw_bad_input(file, "num_attention_heads",
                        std::to_string(c.n_head) + " does not divide hidden_size " + std::to_string(c.n_embd));
    c.rotary_pct = first_number(f, {"rotary_pct", "partial_rotary_factor"}, "rotary_pct");
    if (!(c.rotary_pct > 0 && c.rotary_pct <= 1)) throw_bad_input(file, "rotary_pct", "expected a value in (0, 1]");
    if (c.n_rot() % 2 != 0) throw_bad_input(file, "rotary_pct", "gives an odd number of rotary dims " + std::to_string(c.n_rot()));
    c.rope_base = first_number(f, {"rotary_emb_base", "rope_theta"}, "rotary_emb_base");
    if (!(c.rope_base > 0)) throw_bad_input(file, "rotary_emb_base", "expected a positive number");
    auto eps = f.number("layer_norm_eps");
    if (!eps) throw_bad_input(file, "layer_norm_eps", "missing");
    if (!(*eps > 0 && *eps < 1)) throw_bad_input(file, "layer_norm_eps", "expected a value in (0, 1)");
    c.norm_eps = *eps;
    c.parallel_residual = f.boolean("use_parallel_residual").value_or(true);  // HF's default
    if (f.boolean("tie_word_embeddings").value_or(false))
        throw_unsupported(file, "tie_word_embeddings", "true, but gptneox GGUFs carry a separate output.weight");
    if (auto e = f.find("hidden_act")) {
        std::string_view act;
        if (e->get_string().get(act) != simdjson::SUCCESS || act != "gelu")
            throw_unsupported(file, "hidden_act", "only \"gelu\" (exact erf GELU) is supported");
    }
    c.bos_token_id = f.optional_u32("bos_token_id").value_or(0);
    c.eos_token_id = f.optional_u32("eos_token_id").value_or(0);
    for (std::string_view key : {"torch_dtype", "dtype"}) {
        std::string_view s;
        if (top[key].get_string().get(s) == simdjson::SUCCESS) {
            c.torch_dtype = std::string(s);
            break;
        }
    }
    return c;
}

HfConfig read_hf_config(const std::string& path) { return parse_hf_config(read_text_file(path), path); }

model::HParams HfConfig::hparams() const {
    model::HParams hp;
    hp.n_vocab = n_vocab;
    hp.n_ctx = n_ctx;
    hp.n_embd = n_embd;
    hp.n_layer = n_layer;
    hp.n_head = n_head;
    hp.n_rot = n_rot();
    hp.n_ff = n_ff;
    hp.norm_eps = float(norm_eps);
    hp.rope_base = float(rope_base);
    hp.parallel_residual = parallel_residual;
    return hp;
}

}  // namespace pe::convert
