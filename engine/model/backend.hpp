// The one interface above the CPU and Vulkan backends (style.md §4). The evaluator sees only this.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pe::model {

class Model;

// How logits become log-probs (lm-eval-tasks.md §4-§5).
//   fp32: lp = (x_t - max) - log S over all Vp logits, S = sum exp(x - max) in fp32 as lm-eval's CPU
//         log_softmax adds it (backend::TorchLanes, issue #15); is_argmax: x_t > x_i for i < t and
//         x_t >= x_i for i > t (argmax with ties to the first index).
//   fp16: as the published fp16 runs: logits rounded to fp16 first (x16), lse = logsumexp(x16) in
//         fp32, lp = fp16_round(x16_t - lse); is_argmax over the fp16 log-probs, first index on ties.
enum class LogitPrecision { fp32, fp16 };

// One sequence to score. `input` is fed at positions 0..T-1 (T <= n_ctx); the last
// targets.size() positions are scored: position T - targets.size() + i predicts targets[i].
struct ScoreRequest {
    std::vector<int32_t> input;
    std::vector<int32_t> targets;
};

struct Batch {
    std::vector<ScoreRequest> requests;
    LogitPrecision precision = LogitPrecision::fp32;
};

struct ScoredToken {
    float logprob;
    bool is_argmax;
};

// For `forward --json`: every position of one sequence.
struct ProbeRequest {
    std::vector<int32_t> ids;
    std::vector<int32_t> probe_ids;
};

struct PositionProbe {
    double logsumexp;                    // over all Vp logits
    int32_t argmax;                      // first index on ties
    float max;
    std::vector<float> probe;            // logits of probe_ids, in that order
    std::optional<int32_t> next_id;      // ids[pos + 1], none at the last position
    std::optional<double> next_logprob;  // logit[next_id] - logsumexp
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;         // "cpu", "vulkan"
    virtual std::string device_name() const = 0;  // for bench and result configs
    // For the result's provenance: the driver ("llvmpipe Mesa 22.3.6") and the optional device
    // features the kernels use ("subgroups"); empty for the CPU backend.
    virtual std::string driver() const { return {}; }
    virtual std::vector<std::string> features() const { return {}; }
    // One vector per request, targets.size() entries each, in request order.
    virtual std::vector<std::vector<ScoredToken>> score(const Batch& batch) = 0;
    virtual std::vector<PositionProbe> probe(const ProbeRequest& req) = 0;
};

// n_threads 0: all hardware threads.
std::unique_ptr<Backend> make_cpu_backend(const Model& model, int n_threads = 0);

}  // namespace pe::model
