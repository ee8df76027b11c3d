// convert_hf_checkpoint: validate config, tensors and tokenizer first, then stream one tensor at a
// time into the GGUF writer (neox-gguf-tokenizer.md §2.1-2.3, §4.5). Memory: one source tensor plus
// its converted copy.
#include "engine/convert/convert.hpp"

#include <bit>
#include <cstring>
#include <filesystem>
#include <set>

#include "engine/convert/checkpoint.hpp"
#include "engine/convert/hf_config.hpp"
#include "engine/convert/hf_tokenizer.hpp"
#include "engine/convert/tensor_plan.hpp"
#include "engine/error.hpp"
#include "engine/gguf/writer.hpp"
#include "engine/model/gptneox_names.hpp"
#include "engine/model/quant.hpp"

namespace pe::convert {

static_assert(std::endian::native == std::endian::little, "checkpoints and GGUF files are little-endian");

namespace fs = std::filesystem;
namespace names = pe::model::names;
using gguf::TensorType;

namespace {

constexpr const char* quantization_version_key = "general.quantization_version";
constexpr uint32_t ggml_quant_version = 2;

std::optional<TensorType> gguf_type_of(SourceDType d) {
    switch (d) {
        case SourceDType::f32: return TensorType::f32;
        case SourceDType::f16: return TensorType::f16;
        case SourceDType::bf16: return TensorType::bf16;
        default: return std::nullopt;
    }
}

// llama.cpp's llama_ftype for a file whose 2-D weights are `t`.
uint32_t file_type_of(TensorType t) {
    switch (t) {
        case TensorType::f32: return 0;   // ALL_F32
        case TensorType::f16: return 1;   // MOSTLY_F16
        case TensorType::q8_0: return 7;  // MOSTLY_Q8_0
        case TensorType::bf16: return 32; // MOSTLY_BF16
        default: throw Error(ErrorKind::internal, "", "general.file_type", "no file type for this tensor type");
    }
}

std::string shape_string(const std::vector<uint64_t>& s) {
    std::string out = "(";
    for (size_t k = 0; k < s.size(); ++k) out += (k ? ", " : "") + std::to_string(s[k]);
    return out + ")";
}

struct Job {
    PlannedTensor plan;
    const SourceTensor* src = nullptr;
    TensorType in{}, out{};
};

// The tensor's GGUF bytes: rows decoded to f32 and re-encoded unless the type is unchanged, the
// fused QKV's rows (or bias elements) taken in [Q; K; V] order.
std::vector<std::byte> convert_tensor(const Checkpoint& ckpt, const Job& j, const HfConfig& c) {
    std::vector<std::byte> src = ckpt.read(*j.src);
    if (j.in == j.out && !j.plan.qkv_reorder) return src;
    const uint64_t numel = j.src->numel();
    const uint64_t row_len = j.plan.is_matrix ? j.plan.hf_shape[1] : j.plan.qkv_reorder ? 1 : numel;
    const uint64_t rows = numel / row_len;
    const uint64_t in_row_bytes = model::row_bytes(j.in, row_len);
    const uint64_t out_row_bytes = model::row_bytes(j.out, row_len);
    std::vector<std::byte> out(rows * out_row_bytes);
    std::vector<float> scratch(j.in == j.out ? 0 : row_len);
    for (uint64_t r = 0; r < rows; ++r) {
        const uint64_t sr = j.plan.qkv_reorder ? qkv_source_row(r, c.n_embd, c.head_dim()) : r;
        const std::byte* s = src.data() + sr * in_row_bytes;
        std::byte* d = out.data() + r * out_row_bytes;
        if (j.in == j.out) {
            std::memcpy(d, s, out_row_bytes);
        } else {
            model::dequantize_row(j.in, s, scratch.data(), row_len);
            model::quantize_row(j.out, scratch.data(), d, row_len);
        }
    }
    return out;
}

std::string model_name(const std::string& hf_dir, const ConvertOptions& o) {
    if (!o.model_id.empty()) return o.model_id.substr(o.model_id.find_last_of('/') + 1);
    fs::path p = fs::path(hf_dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.filename().string();
}

// Every planned tensor found with the right shape and a float dtype; nothing else in the checkpoint.
std::vector<Job> match_tensors(const Checkpoint& ckpt, const HfConfig& c, const ConvertOptions& o) {
    const std::string& where = ckpt.files().front();
    std::vector<Job> jobs;
    std::set<std::string> used;
    for (PlannedTensor& p : plan_tensors(c)) {
        const SourceTensor* s = ckpt.find(p.hf_name);
        if (!s)
            throw_bad_input(where, "tensor '" + p.hf_name + "'", "missing (needed for " + p.gguf_name + ")");
        if (s->shape != p.hf_shape)
            throw_bad_input(s->file, "tensor '" + p.hf_name + "' shape",
                            shape_string(s->shape) + ", expected " + shape_string(p.hf_shape) +
                                " from config.json (hidden_size " + std::to_string(c.n_embd) + ", intermediate_size " +
                                std::to_string(c.n_ff) + ", vocab_size " + std::to_string(c.n_vocab) + ")");
        const auto in = gguf_type_of(s->dtype);
        if (!in)
            throw_unsupported(s->file, "tensor '" + p.hf_name + "' dtype",
                              std::string(dtype_name(s->dtype)) + "; only F32, F16 and BF16 weights convert");
        TensorType out = TensorType::f32;  // norms and biases (spec §2.2)
        if (p.is_matrix) {
            out = o.dtype.value_or(*in);
            // llama.cpp's converter falls back to F16 for rows that are not whole Q8_0 blocks.
            if (out == TensorType::q8_0 && p.hf_shape[1] % gguf::type_traits(out).block_elems != 0) out = TensorType::f16;
        }
        used.insert(p.hf_name);
        jobs.push_back({std::move(p), s, *in, out});
    }
    for (const auto& [name, t] : ckpt.tensors())
        if (!used.count(name) && !is_ignored_buffer(name))
            throw_unsupported(t.file, "tensor '" + name + "'", "not part of a GPTNeoXForCausalLM checkpoint");
    return jobs;
}

void add_metadata(gguf::Writer& w, const HfConfig& c, const GgufVocab& vocab, TensorType weight_type,
                  const std::string& name, const ConvertOptions& o) {
    w.add_string(names::architecture_key, names::architecture);
    w.add_string(names::name_key, name);
    if (!o.model_id.empty()) {
        w.add_string(source_repo_key, o.model_id);
        w.add_string(source_url_key, "https://huggingface.co/" + o.model_id +
                                         (o.revision.empty() ? "" : "/tree/" + o.revision));
    }
    if (!o.revision.empty()) w.add_string(source_revision_key, o.revision);
    // GPTNeoXModel.set_gguf_parameters (spec §2.1), in its order.
    w.add_u32(names::context_length, c.n_ctx);
    w.add_u32(names::embedding_length, c.n_embd);
    w.add_u32(names::block_count, c.n_layer);
    w.add_u32(names::feed_forward_length, c.n_ff);
    w.add_u32(names::rope_dimension_count, c.n_rot());
    w.add_u32(names::head_count, c.n_head);
    w.add_bool(names::use_parallel_residual, c.parallel_residual);
    w.add_f32(names::layer_norm_epsilon, float(c.norm_eps));
    // llama.cpp writes no freq_base for gptneox and assumes 10000; record any other base.
    if (c.rope_base != 10000.0) w.add_f32(names::rope_freq_base, float(c.rope_base));
    w.add_u32(names::file_type_key, file_type_of(weight_type));
    if (weight_type == TensorType::q8_0) w.add_u32(quantization_version_key, ggml_quant_version);
    add_tokenizer_keys(w, vocab, c.bos_token_id, c.eos_token_id);
}

}  // namespace

void convert_hf_checkpoint(const std::string& hf_dir, const std::string& out_path, const ConvertOptions& o) {
    if (!fs::is_directory(hf_dir)) throw_io(hf_dir, "not a folder");
    if (o.dtype && *o.dtype != TensorType::f32 && *o.dtype != TensorType::f16 && *o.dtype != TensorType::bf16 &&
        *o.dtype != TensorType::q8_0)
        throw_unsupported(out_path, "dtype", "convert writes f32, f16, bf16 or q8_0");
    const fs::path dir(hf_dir);
    const HfConfig cfg = read_hf_config((dir / "config.json").string());
    const Checkpoint ckpt = Checkpoint::open(hf_dir);
    const std::vector<Job> jobs = match_tensors(ckpt, cfg, o);
    const GgufVocab vocab = read_hf_tokenizer((dir / "tokenizer.json").string(), cfg.n_vocab);

    gguf::Writer w(out_path);
    add_metadata(w, cfg, vocab, jobs.front().out, model_name(hf_dir, o), o);
    for (const Job& j : jobs) w.declare_tensor(j.plan.gguf_name, j.out, j.plan.gguf_ne());
    for (const Job& j : jobs) w.write_tensor_data(j.plan.gguf_name, convert_tensor(ckpt, j, cfg));
    w.commit();
}

}  // namespace pe::convert
