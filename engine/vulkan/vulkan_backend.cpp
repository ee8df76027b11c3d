// The Vulkan Backend: validates requests as the CPU backend does, packs them (pack.hpp) into
// submissions of at most max_rows rows, runs forward_hidden + unembed_logprob, and reads back only
// (log-prob, is-argmax) per scored position. Out of device memory halves max_rows and retries.
#include "engine/vulkan/vulkan_backend.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "engine/cpu/ops.hpp"
#include "engine/error.hpp"
#include "engine/vulkan/forward.hpp"
#include "engine/vulkan/ops.hpp"
#include "engine/vulkan/pack.hpp"
#include "engine/vulkan/recorder.hpp"

namespace pe::model {
namespace {

using vulkan::Activations;
using vulkan::Buffer;
using vulkan::PackedBatch;
using vulkan::Recorder;

constexpr uint32_t probe_rows_per_chunk = 64;  // logits rows per readback in probe()

class VulkanBackend final : public Backend {
public:
    VulkanBackend(const Model& model, vulkan::Device& device, std::unique_ptr<vulkan::Device> owned = nullptr)
        : owned_(std::move(owned)), device_(&device), model_(model), ops_(device),
          weights_(vulkan::DeviceModel::upload(device, model)) {
        const auto& hp = model.hparams();
        const uint64_t widest = std::max<uint64_t>({uint64_t(3) * hp.n_embd, hp.n_ff, 1});
        const uint64_t limit_rows = device.limits().maxStorageBufferRange / (widest * 4);
        max_rows_ = uint32_t(std::min<uint64_t>(vulkan::default_max_rows, limit_rows));
    }

    // "vulkan" with the default features (all() that the device has), else "vulkan:<features>".
    std::string name() const override {
        const vulkan::KernelFeatures defaults = vulkan::KernelFeatures::all() & device_->info().supported();
        return device_->features() == defaults ? "vulkan" : "vulkan:" + device_->features().describe();
    }
    std::string device_name() const override { return device_->info().name; }
    std::string driver() const override { return device_->info().driver; }
    std::vector<std::string> features() const override {
        std::vector<std::string> out;
        const std::string all = device_->features().describe();  // "subgroups+storage16" or "portable"
        if (all == "portable") return out;
        for (size_t start = 0; start <= all.size();) {
            const size_t plus = std::min(all.find('+', start), all.size());
            out.push_back(all.substr(start, plus - start));
            start = plus + 1;
        }
        return out;
    }

    std::vector<std::vector<ScoredToken>> score(const Batch& batch) override {
        for (size_t i = 0; i < batch.requests.size(); ++i) check_request(batch.requests[i], i);
        std::vector<std::vector<ScoredToken>> out(batch.requests.size());
        std::vector<ScoreRequest> todo;  // requests with something to score, in order
        std::vector<size_t> todo_index;
        for (size_t i = 0; i < batch.requests.size(); ++i) {
            out[i].resize(batch.requests[i].targets.size());
            if (!batch.requests[i].targets.empty()) {
                todo.push_back(batch.requests[i]);
                todo_index.push_back(i);
            }
        }
        size_t done = 0;
        while (done < todo.size()) {
            const auto runs = vulkan::plan_chunks(std::span(todo).subspan(done), max_rows_);
            const auto [first, last] = runs.front();
            try {
                score_chunk(std::span(todo).subspan(done + first, last - first), batch.precision, out,
                            std::span(todo_index).subspan(done + first, last - first));
                done += last - first;
            } catch (const pe::Error& e) {
                if (e.kind() != ErrorKind::device_oom) throw;
                act_.reset();  // free the activations, and forget their size, before retrying smaller
                act_rows_hint_ = act_blocks_hint_ = act_slots_hint_ = 0;
                const uint32_t smallest = uint32_t(todo[done].input.size());
                if (max_rows_ <= smallest) throw;
                max_rows_ = std::max(smallest, max_rows_ / 2);
            }
        }
        return out;
    }

    std::vector<PositionProbe> probe(const ProbeRequest& req) override {
        check_ids(req.ids, "probe ids", true);
        check_ids(req.probe_ids, "probe id", false);
        const uint32_t T = uint32_t(req.ids.size());
        const uint64_t Vp = model_.hparams().n_vocab, C = model_.hparams().n_embd;
        ScoreRequest one{req.ids, {}};
        const PackedBatch pb = vulkan::pack(std::span(&one, 1), ops_.attention_block_rows(model_.hparams().head_dim()));
        Activations& a = activations(pb);
        a.upload(pb);
        Recorder rec(*device_);
        vulkan::forward_hidden(rec, ops_, model_, weights_, a, pb);
        rec.submit_and_wait();
        std::vector<PositionProbe> out(T);
        Buffer logits(*device_, uint64_t(std::min(T, probe_rows_per_chunk)) * Vp * 4);
        std::vector<float> host(size_t(std::min(T, probe_rows_per_chunk)) * Vp);
        for (uint32_t t0 = 0; t0 < T; t0 += probe_rows_per_chunk) {
            const uint32_t rows = std::min(probe_rows_per_chunk, T - t0);
            ops_.matmul(rec, vulkan::BufferRange(a.ln, uint64_t(t0) * C * 4, uint64_t(rows) * C * 4), weights_.output,
                        nullptr, logits, rows);
            rec.submit_and_wait();
            logits.download(std::as_writable_bytes(std::span(host.data(), size_t(rows) * Vp)));
            for (uint32_t k = 0; k < rows; ++k) {
                const uint32_t t = t0 + k;
                const float* row = host.data() + size_t(k) * Vp;
                const cpu::UnembedResult u = cpu::unembed_logprob(row, int64_t(Vp), -1, LogitPrecision::fp32);
                PositionProbe& p = out[t];
                p.logsumexp = u.logsumexp;
                p.argmax = u.argmax;
                p.max = u.max;
                for (int32_t id : req.probe_ids) p.probe.push_back(row[id]);
                if (t + 1 < T) {
                    p.next_id = req.ids[t + 1];
                    p.next_logprob = double(row[*p.next_id]) - u.logsumexp;
                }
            }
        }
        return out;
    }

private:
    Activations& activations(const PackedBatch& pb) {
        const uint32_t rows = pb.n_rows(), blocks = uint32_t(pb.blocks.size()), slots = pb.n_slots();
        if (!act_ || !act_->fits(rows, blocks, slots)) {
            act_.reset();
            const uint32_t r = std::max(rows, act_rows_hint_), b = std::max(blocks, act_blocks_hint_),
                           s = std::max(slots, act_slots_hint_);
            act_ = Activations::allocate(*device_, model_.hparams(), r, b, s);
            act_rows_hint_ = r;
            act_blocks_hint_ = b;
            act_slots_hint_ = s;
        }
        return *act_;
    }

    void score_chunk(std::span<const ScoreRequest> reqs, LogitPrecision precision,
                     std::vector<std::vector<ScoredToken>>& out, std::span<const size_t> index) {
        const auto& hp = model_.hparams();
        const PackedBatch pb = vulkan::pack(reqs, ops_.attention_block_rows(hp.head_dim()));
        Activations& a = activations(pb);
        a.upload(pb);
        const bool fp16 = precision == LogitPrecision::fp16;
        const uint32_t S = pb.n_slots();
        Recorder rec(*device_);
        vulkan::forward_hidden(rec, ops_, model_, weights_, a, pb);
        ops_.unembed_logprob(rec, a.ln, weights_.output, a.slot_list, S, a.partials, a.results, fp16);
        rec.submit_and_wait();
        std::vector<vulkan::SlotResult> res(S);
        a.results.download(std::as_writable_bytes(std::span(res)));
        std::vector<uint32_t> ambiguous;
        for (uint32_t s = 0; s < S; ++s) {
            const auto& o = pb.owners[s];
            out[index[o.request]][o.index] = {res[s].logprob, res[s].is_argmax != 0};
            if (res[s].ambiguous) ambiguous.push_back(s);
        }
        if (!ambiguous.empty()) settle_ambiguous(pb, a, ambiguous, precision, out, index);
    }

    // fp16 only: where rounding to fp16 ties the top log-probs, is_argmax needs the first index of the
    // tie, so these few rows are unembedded in full and decided by cpu::unembed_logprob.
    void settle_ambiguous(const PackedBatch& pb, Activations& a, const std::vector<uint32_t>& slots,
                          LogitPrecision precision, std::vector<std::vector<ScoredToken>>& out,
                          std::span<const size_t> index) {
        const uint64_t C = model_.hparams().n_embd, Vp = model_.hparams().n_vocab;
        for (size_t i0 = 0; i0 < slots.size(); i0 += probe_rows_per_chunk) {
            const uint32_t n = uint32_t(std::min<size_t>(probe_rows_per_chunk, slots.size() - i0));
            Buffer rows(*device_, n * C * 4), logits(*device_, n * Vp * 4);
            Recorder rec(*device_);
            for (uint32_t k = 0; k < n; ++k)
                rec.copy(a.ln, uint64_t(pb.slots[2 * slots[i0 + k]]) * C * 4, rows, k * C * 4, C * 4);
            rec.barrier();
            ops_.matmul(rec, rows, weights_.output, nullptr, logits, n);
            rec.submit_and_wait();
            std::vector<float> host(n * Vp);
            logits.download(std::as_writable_bytes(std::span(host)));
            for (uint32_t k = 0; k < n; ++k) {
                const uint32_t s = slots[i0 + k];
                const auto u = cpu::unembed_logprob(host.data() + k * Vp, int64_t(Vp), int32_t(pb.slots[2 * s + 1]), precision);
                const auto& o = pb.owners[s];
                out[index[o.request]][o.index].is_argmax = u.is_argmax;
            }
        }
    }

    void check_request(const ScoreRequest& req, size_t i) const {
        const std::string what = "score request " + std::to_string(i);
        check_ids(req.input, what + " input", true);
        check_ids(req.targets, what + " targets", false);
        if (req.targets.size() > req.input.size())
            throw_bad_input(model_.path(), what,
                            std::to_string(req.targets.size()) + " targets for " + std::to_string(req.input.size()) +
                                " input positions");
    }

    void check_ids(const std::vector<int32_t>& ids, const std::string& what, bool sequence) const {
        const HParams& hp = model_.hparams();
        if (sequence) {
            if (ids.empty()) throw_bad_input(model_.path(), what, "empty sequence");
            if (ids.size() > hp.n_ctx)
                throw_bad_input(model_.path(), what,
                                std::to_string(ids.size()) + " positions, more than the context length " +
                                    std::to_string(hp.n_ctx));
        }
        for (size_t i = 0; i < ids.size(); ++i)
            if (ids[i] < 0 || uint32_t(ids[i]) >= hp.n_vocab)
                throw_bad_input(model_.path(), what + "[" + std::to_string(i) + "]",
                                "token id " + std::to_string(ids[i]) + " is outside the vocabulary [0, " +
                                    std::to_string(hp.n_vocab) + ")");
    }

    std::unique_ptr<vulkan::Device> owned_;
    vulkan::Device* device_;
    const Model& model_;
    vulkan::Ops ops_;
    vulkan::DeviceModel weights_;
    std::optional<Activations> act_;
    uint32_t act_rows_hint_ = 0, act_blocks_hint_ = 0, act_slots_hint_ = 0;
    uint32_t max_rows_ = vulkan::default_max_rows;
};

}  // namespace

std::unique_ptr<Backend> make_vulkan_backend(const Model& model, vulkan::Device& device) {
    return std::make_unique<VulkanBackend>(model, device);
}

std::unique_ptr<Backend> make_vulkan_backend(const Model& model, const vulkan::DeviceOptions& options) {
    auto device = std::make_unique<vulkan::Device>(vulkan::Device::open(options));
    vulkan::Device& ref = *device;
    return std::make_unique<VulkanBackend>(model, ref, std::move(device));
}

}  // namespace pe::model
