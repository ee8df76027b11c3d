// The fp32 GPT-NeoX reference forward pass (neox-gguf-tokenizer.md §1.2-§1.6), read top to bottom:
// embed, then per layer x = x + attn(ln1(x)) + mlp(ln2(x)), then the final layernorm, over the rows
// of a packed batch (backend/plan.hpp) as the Vulkan backend runs them.
// engine/vulkan/forward.cpp calls the same ops in the same order.
#include "engine/cpu/forward.hpp"

#include <algorithm>

#include "engine/cpu/ops.hpp"
#include "engine/cpu/parallel.hpp"
#include "engine/model/quant.hpp"

namespace pe::cpu {
namespace {

const float* f32(const model::Weight& w) { return reinterpret_cast<const float*>(w.data.data()); }

}  // namespace

std::vector<float> forward_hidden(const Weights& weights, std::span<const int32_t> ids,
                                  int n_threads) {
    const model::ScoreRequest one{std::vector<int32_t>(ids.begin(), ids.end()), {}};
    return forward_hidden(weights, backend::pack(std::span(&one, 1), attention_block_rows), n_threads);
}

std::vector<float> forward_hidden(const Weights& weights, const backend::PackedBatch& pb, int n_threads) {
    const model::HParams& hp = weights.hparams;
    const std::span<const int32_t> ids = pb.ids;
    const int64_t T = int64_t(ids.size()), C = hp.n_embd, F = hp.n_ff;
    const int64_t H = hp.n_head, D = hp.head_dim(), R = hp.n_rot;

    std::vector<float> x(size_t(T * C));             // residual stream (T, C)
    std::vector<float> ln(size_t(T * C));            // layernorm output (T, C)
    std::vector<float> qkv(size_t(T * 3 * C));       // (T, 3C), [Q | K | V]
    std::vector<float> att(size_t(T * C));           // attention heads, concatenated (T, C)
    std::vector<float> attn_out(size_t(T * C));      // after attention.dense (T, C)
    std::vector<float> up(size_t(T * F));            // (T, F)
    std::vector<float> mlp_out(size_t(T * C));       // (T, C)
    const int64_t n = T * C;

    embed(weights.token_embd, ids, x.data());
    for (const model::LayerWeights& l : weights.layers) {
        // Attention branch on ln1(x).
        layernorm(x.data(), f32(l.attn_norm_w), f32(l.attn_norm_b), ln.data(), T, C, hp.norm_eps, n_threads);
        matmul(ln.data(), l.qkv_w, f32(l.qkv_b), qkv.data(), T, n_threads);
        qkv_rotary_at(qkv.data(), pb.pos.data(), T, H, D, R, hp.rope_base, n_threads);
        attention_blocks(qkv.data(), att.data(), pb.blocks, H, D, n_threads);
        matmul(att.data(), l.attn_out_w, f32(l.attn_out_b), attn_out.data(), T, n_threads);

        // MLP branch on ln2(x) (parallel residual), or on ln2(x + attn) in the sequential form.
        if (!hp.parallel_residual) add(attn_out.data(), x.data(), x.data(), n);
        layernorm(x.data(), f32(l.ffn_norm_w), f32(l.ffn_norm_b), ln.data(), T, C, hp.norm_eps, n_threads);
        matmul(ln.data(), l.ffn_up_w, f32(l.ffn_up_b), up.data(), T, n_threads);
        gelu_erf(up.data(), up.data(), T * F, n_threads);
        matmul(up.data(), l.ffn_down_w, f32(l.ffn_down_b), mlp_out.data(), T, n_threads);

        // x = mlp + attn + x, summed in that order as HF's GPTNeoXLayer does (§1.2).
        if (hp.parallel_residual) add(mlp_out.data(), attn_out.data(), mlp_out.data(), n);
        add(mlp_out.data(), x.data(), x.data(), n);
    }
    layernorm(x.data(), f32(weights.output_norm_w), f32(weights.output_norm_b), x.data(), T, C,
              hp.norm_eps, n_threads);
    return x;
}

std::vector<float> forward_hidden(const model::Model& model, std::span<const int32_t> ids,
                                  int n_threads) {
    return forward_hidden(Weights::view(model), ids, n_threads);
}

void unembed(const Weights& weights, const float* hidden, int64_t n_rows, float* logits,
             int n_threads) {
    matmul(hidden, weights.output, nullptr, logits, n_rows, n_threads);
}

void unembed_slots(const Weights& weights, const float* hidden, std::span<backend::SlotLogprob> slots,
                   int n_threads) {
    // A tile of logits is rows_per_tile x vocab_per_tile floats (1 MiB): written by the product, read
    // once by the reductions while it is still in L2.
    constexpr int64_t vocab_per_tile = 2048, rows_per_tile = 128;
    const model::Weight& w = weights.output;
    const int64_t Vp = int64_t(w.rows()), C = int64_t(w.cols()), n_rows = int64_t(slots.size());
    const uint64_t row_bytes = model::row_bytes(w.type, w.cols());
    std::vector<float> logits(size_t(std::min(rows_per_tile, n_rows) * vocab_per_tile));
    for (int64_t v0 = 0; v0 < Vp; v0 += vocab_per_tile) {
        const int64_t nv = std::min(vocab_per_tile, Vp - v0);
        model::Weight tile = w;  // rows v0 .. v0 + nv of output.weight
        tile.ne = {w.cols(), uint64_t(nv)};
        tile.data = w.data.subspan(uint64_t(v0) * row_bytes, uint64_t(nv) * row_bytes);
        for (int64_t r0 = 0; r0 < n_rows; r0 += rows_per_tile) {
            const int64_t nr = std::min(rows_per_tile, n_rows - r0);
            matmul(hidden + r0 * C, tile, nullptr, logits.data(), nr, n_threads);
            parallel_for(nr, n_threads, 1, [&](int64_t a, int64_t b, int) {
                for (int64_t r = a; r < b; ++r) slots[size_t(r0 + r)].add_tile(logits.data() + r * nv, v0, nv);
            });
        }
    }
}

}  // namespace pe::cpu
