// The CPU Backend (style.md §4), scheduled as the Vulkan backend is and through the same code
// (backend/plan.hpp): requests packed into batches with each document's shared prefix computed once,
// the forward pass over the packed rows, and the unembedding and log-softmax only at the scored
// positions, fused a vocabulary tile at a time (unembed_slots). probe() unembeds every position.
#include <algorithm>
#include <string>

#include "engine/backend/logprob.hpp"
#include "engine/backend/plan.hpp"
#include "engine/backend/requests.hpp"
#include "engine/cpu/blas.hpp"
#include "engine/cpu/forward.hpp"
#include "engine/cpu/parallel.hpp"
#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"

namespace pe::model {
namespace {

// Positions unembedded at once in probe(): bounds the logits buffer to rows_per_chunk × Vp floats
// (12.9 MB for Pythia's 50304) however long the sequence.
constexpr int64_t rows_per_chunk = 64;

// Packed rows per forward pass: as many as keep the widest activation (ffn_up's T × n_ff, or qkv's
// T × 3C) within 64 MiB, from 1,024 to 8,192 rows. Each pass streams (and the BLAS repacks) every
// weight matrix and the whole unembedding once, so bigger passes cost less per row: a 300-document
// eval of a 70m model took 55 s at 1,024 rows, 48 s at 2,048, 45 s at 8,192, with the same result
// file at every size under OpenBLAS's Cooperlake kernel (its Haswell kernel's sums, and any kernel's
// for a single row, depend on the row count: a last-bit effect of the BLAS, not of the rows).
// 70m gets 8,192 rows, 410m 4,096, 1b 2,048, 6.9b and 12b 1,024.
uint64_t rows_per_pass(const HParams& hp) {
    constexpr uint64_t budget_floats = (64ull << 20) / sizeof(float);
    const uint64_t widest = std::max<uint64_t>({hp.n_ff, 3ull * hp.n_embd, 1});
    return std::clamp<uint64_t>(budget_floats / widest, 1024, 8192);
}

// f32 copies of f16/bf16/quantized matrices up to this size (Pythia-410m in f16 needs 1.6 GB):
// the products run on f32 (OpenBLAS), so the weights are converted once at load, not per call.
constexpr uint64_t max_unpacked_bytes = 2ull << 30;

class CpuBackend final : public Backend {
public:
    CpuBackend(const Model& model, int n_threads)
        : model_(model), n_threads_(cpu::resolve_threads(n_threads)),
          weights_(cpu::Weights::unpacked(model, max_unpacked_bytes, n_threads_)) {}

    std::string name() const override { return "cpu"; }
    // "CPU (2 threads, OpenBLAS Cooperlake, weights as f32 +240 MiB)": the threads, the library and
    // its kernel, and the memory the load-time conversion of the weights added.
    std::string device_name() const override {
        std::string s = "CPU (" + std::to_string(n_threads_) + " thread" + (n_threads_ == 1 ? "" : "s");
        if (const cpu::Blas* blas = cpu::Blas::get()) s += ", " + blas->describe();
        if (const uint64_t b = weights_.unpacked_bytes()) s += ", weights as f32 +" + std::to_string(b >> 20) + " MiB";
        return s + ")";
    }

    std::vector<std::vector<ScoredToken>> score(const Batch& batch) override {
        backend::check_score_batch(model_, batch);
        std::vector<std::vector<ScoredToken>> out(batch.requests.size());
        for (size_t i = 0; i < batch.requests.size(); ++i) out[i].resize(batch.requests[i].targets.size());
        const backend::ScoredRequests todo = backend::with_targets(batch);
        for (const auto& [first, last] : backend::plan_chunks(todo.requests, rows_per_pass(model_.hparams())))
            score_chunk(std::span(todo.requests).subspan(first, last - first), batch.precision,
                        std::span(todo.index).subspan(first, last - first), out);
        return out;
    }

    std::vector<PositionProbe> probe(const ProbeRequest& req) override {
        backend::check_probe_request(model_, req);
        const int64_t T = int64_t(req.ids.size()), C = model_.hparams().n_embd;
        const int64_t Vp = model_.hparams().n_vocab;
        const std::vector<float> hidden = cpu::forward_hidden(weights_, req.ids, n_threads_);
        std::vector<PositionProbe> out(static_cast<size_t>(T));
        std::vector<float> logits(size_t(std::min(T, rows_per_chunk) * Vp));
        for (int64_t t0 = 0; t0 < T; t0 += rows_per_chunk) {
            const int64_t rows = std::min(rows_per_chunk, T - t0);
            cpu::unembed(weights_, hidden.data() + t0 * C, rows, logits.data(), n_threads_);
            for (int64_t k = 0; k < rows; ++k)
                backend::fill_probe(logits.data() + k * Vp, Vp, req, t0 + k, out[size_t(t0 + k)]);
        }
        return out;
    }

private:
    void score_chunk(std::span<const ScoreRequest> reqs, LogitPrecision precision, std::span<const size_t> index,
                     std::vector<std::vector<ScoredToken>>& out) {
        const int64_t C = model_.hparams().n_embd;
        const backend::PackedBatch pb = backend::pack(reqs, cpu::attention_block_rows);
        const std::vector<float> hidden = cpu::forward_hidden(weights_, pb, n_threads_);
        const uint32_t S = pb.n_slots();
        std::vector<float> rows(size_t(S) * size_t(C));  // the scored rows, gathered
        std::vector<backend::SlotLogprob> slots;
        slots.reserve(S);
        for (uint32_t s = 0; s < S; ++s) {
            std::copy_n(hidden.data() + size_t(pb.slots[2 * s]) * size_t(C), C, rows.data() + size_t(s) * size_t(C));
            slots.emplace_back(int32_t(pb.slots[2 * s + 1]), precision);
        }
        cpu::unembed_slots(weights_, rows.data(), slots, n_threads_);
        for (uint32_t s = 0; s < S; ++s) {
            const auto& o = pb.owners[s];
            out[index[o.request]][o.index] = slots[s].result();
        }
    }

    const Model& model_;
    int n_threads_;
    cpu::Weights weights_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const Model& model, int n_threads) {
    return std::make_unique<CpuBackend>(model, n_threads);
}

}  // namespace pe::model
