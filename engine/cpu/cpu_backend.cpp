// The CPU Backend (style.md §4): the reference forward pass, then the unembedding of only the
// positions a request scores (lm-eval-tasks.md §4) or, for probe(), of every position.
#include <algorithm>
#include <string>
#include <thread>

#include "engine/cpu/forward.hpp"
#include "engine/cpu/ops.hpp"
#include "engine/cpu/parallel.hpp"
#include "engine/error.hpp"
#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"

namespace pe::model {
namespace {

// Positions unembedded at once: bounds the logits buffer to rows_per_chunk × Vp floats
// (12.9 MB for Pythia's 50304) however long the sequence.
constexpr int64_t rows_per_chunk = 64;

// f32 copies of f16/bf16/quantized matrices up to this size (Pythia-410m in f16 needs 1.6 GB):
// dequantizing once instead of on every call makes short requests several times faster.
constexpr uint64_t max_unpacked_bytes = 2ull << 30;

class CpuBackend final : public Backend {
public:
    CpuBackend(const Model& model, int n_threads)
        : model_(model), n_threads_(cpu::resolve_threads(n_threads)),
          weights_(cpu::Weights::unpacked(model, max_unpacked_bytes, n_threads_)) {}

    std::string name() const override { return "cpu"; }
    std::string device_name() const override {
        return "CPU (" + std::to_string(n_threads_) + " thread" + (n_threads_ == 1 ? "" : "s") + ")";
    }

    std::vector<std::vector<ScoredToken>> score(const Batch& batch) override {
        std::vector<std::vector<ScoredToken>> out;
        out.reserve(batch.requests.size());
        for (size_t i = 0; i < batch.requests.size(); ++i) {
            const ScoreRequest& req = batch.requests[i];
            const std::string what = "score request " + std::to_string(i);
            check_sequence(req.input, what + " input");
            check_ids(req.targets, what + " targets");
            if (req.targets.size() > req.input.size())
                throw_bad_input(model_.path(), what,
                                std::to_string(req.targets.size()) + " targets for " +
                                    std::to_string(req.input.size()) + " input positions");
            out.push_back(score_one(req, batch.precision));
        }
        return out;
    }

    std::vector<PositionProbe> probe(const ProbeRequest& req) override {
        check_sequence(req.ids, "probe ids");
        for (int32_t id : req.probe_ids)
            if (id < 0 || uint32_t(id) >= model_.hparams().n_vocab)
                throw_bad_input(model_.path(), "probe id", out_of_vocab(id));
        const int64_t T = int64_t(req.ids.size()), C = model_.hparams().n_embd;
        const int64_t Vp = model_.hparams().n_vocab;
        const std::vector<float> hidden = cpu::forward_hidden(weights_, req.ids, n_threads_);
        std::vector<PositionProbe> out(static_cast<size_t>(T));
        std::vector<float> logits(size_t(std::min(T, rows_per_chunk) * Vp));
        for (int64_t t0 = 0; t0 < T; t0 += rows_per_chunk) {
            const int64_t rows = std::min(rows_per_chunk, T - t0);
            cpu::unembed(weights_, hidden.data() + t0 * C, rows, logits.data(), n_threads_);
            for (int64_t k = 0; k < rows; ++k) {
                const int64_t t = t0 + k;
                const float* row = logits.data() + k * Vp;
                const cpu::UnembedResult u = cpu::unembed_logprob(row, Vp, -1, LogitPrecision::fp32);
                PositionProbe& p = out[size_t(t)];
                p.logsumexp = u.logsumexp;
                p.argmax = u.argmax;
                p.max = u.max;
                for (int32_t id : req.probe_ids) p.probe.push_back(row[id]);
                if (t + 1 < T) {
                    p.next_id = req.ids[size_t(t + 1)];
                    p.next_logprob = double(row[*p.next_id]) - u.logsumexp;
                }
            }
        }
        return out;
    }

private:
    std::vector<ScoredToken> score_one(const ScoreRequest& req, LogitPrecision precision) {
        const int64_t T = int64_t(req.input.size()), C = model_.hparams().n_embd;
        const int64_t Vp = model_.hparams().n_vocab, n_scored = int64_t(req.targets.size());
        std::vector<ScoredToken> out;
        out.reserve(size_t(n_scored));
        if (n_scored == 0) return out;
        const std::vector<float> hidden = cpu::forward_hidden(weights_, req.input, n_threads_);
        std::vector<float> logits(size_t(std::min(n_scored, rows_per_chunk) * Vp));
        const int64_t first = T - n_scored;  // position first + i predicts targets[i]
        for (int64_t i0 = 0; i0 < n_scored; i0 += rows_per_chunk) {
            const int64_t rows = std::min(rows_per_chunk, n_scored - i0);
            cpu::unembed(weights_, hidden.data() + (first + i0) * C, rows, logits.data(), n_threads_);
            for (int64_t k = 0; k < rows; ++k) {
                const cpu::UnembedResult u = cpu::unembed_logprob(
                    logits.data() + k * Vp, Vp, req.targets[size_t(i0 + k)], precision);
                out.push_back({u.logprob, u.is_argmax});
            }
        }
        return out;
    }

    // A sequence fed to the model: 1..n_ctx positions of valid ids.
    void check_sequence(const std::vector<int32_t>& ids, const std::string& what) const {
        if (ids.empty()) throw_bad_input(model_.path(), what, "empty sequence");
        if (ids.size() > model_.hparams().n_ctx)
            throw_bad_input(model_.path(), what,
                            std::to_string(ids.size()) + " positions, more than the context length " +
                                std::to_string(model_.hparams().n_ctx));
        check_ids(ids, what);
    }

    void check_ids(const std::vector<int32_t>& ids, const std::string& what) const {
        const HParams& hp = model_.hparams();
        for (size_t i = 0; i < ids.size(); ++i)
            if (ids[i] < 0 || uint32_t(ids[i]) >= hp.n_vocab)
                throw_bad_input(model_.path(), what + "[" + std::to_string(i) + "]", out_of_vocab(ids[i]));
    }

    std::string out_of_vocab(int32_t id) const {
        return "token id " + std::to_string(id) + " is outside the vocabulary [0, " +
               std::to_string(model_.hparams().n_vocab) + ")";
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
