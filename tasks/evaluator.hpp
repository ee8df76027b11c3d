// The evaluator: lm-eval's simple_evaluate for loglikelihood tasks (lm-eval-tasks.md §3-§5).
// Shuffles each task's documents with Random(42), keeps the first --limit, tokenizes context and
// continuation separately, truncates on the left to the window, scores each distinct token
// sequence once through a model::Backend (documents' requests adjacent, longest first), sums the
// target log-probs as the published runs did, and aggregates with tasks/metrics.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/model/backend.hpp"
#include "tasks/task.hpp"

namespace pe::tasks {

// Text -> token ids, no special tokens (pe::tokenizer::Tokenizer::encode in the real run).
using Encoder = std::function<std::vector<int32_t>(std::string_view)>;

struct TokenRequest {
    std::vector<int32_t> ctx_ids, cont_ids;
};

// Checkpoint of finished requests, keyed by their token ids, so that an interrupted run resumes
// and writes identical results. The values stored are final (ll already rounded).
class RequestStore {
public:
    virtual ~RequestStore() = default;
    virtual std::optional<RequestResult> find(const TokenRequest& request) = 0;
    virtual void put(const TokenRequest& request, const RequestResult& result) = 0;
};

struct Progress {
    size_t requests_done = 0, requests_total = 0;  // distinct requests, resumed ones counted as done
    uint64_t tokens_done = 0, tokens_total = 0;    // model input tokens
};

struct EvalOptions {
    std::vector<std::string> tasks;  // registry names; results keep this order
    std::optional<size_t> limit;     // first N shuffled documents per task
    model::LogitPrecision precision = model::LogitPrecision::fp16;  // fp16: as the published runs
    std::filesystem::path data_dir;
    bool keep_samples = false;        // fill EvalResult::samples (for --log-samples)
    size_t max_length = 2048;         // the model's window: inputs are the last max_length tokens
    int32_t eot_id = 0;               // context for an empty context string
    size_t batch_tokens = 8192;       // input tokens per backend call (one request may exceed it)
    int bootstrap_iters = 100000;
    std::function<void(const Progress&)> on_progress;  // after each batch
    RequestStore* store = nullptr;
};

// One request as lm-eval's samples files list it.
struct Sample {
    std::string task;
    size_t doc_id = 0;  // position in the shuffled order
    std::string context, continuation;
    std::vector<int32_t> ctx_ids, cont_ids;
    RequestResult result;
};

// One document as --log-samples writes it: where it sits, its requests (samples[first_sample ..
// first_sample + n_requests)), the correct one, and its metric values (the task's metric order).
struct DocumentSample {
    std::string task;
    size_t doc_id = 0;   // index in the original data file
    size_t doc_pos = 0;  // position in the shuffled order
    size_t first_sample = 0, n_requests = 0;
    std::optional<size_t> gold;
    std::vector<std::pair<std::string, double>> metrics;  // per document: acc, acc_norm; LAMBADA ppl (its ll), acc
};

struct TaskResult {
    std::string name;
    int version = 0;
    size_t n_docs = 0;
    std::vector<std::pair<std::string, double>> metrics;  // metric, metric_stderr, ... (lm-eval's order)
    size_t n_requests = 0;  // loglikelihood requests of its documents (before deduplication)
};

struct EvalResult {
    std::vector<TaskResult> tasks;
    std::vector<Sample> samples;  // task order, then document order, then request order
    std::vector<DocumentSample> documents;  // with keep_samples: one per scored document, same order
};

EvalResult evaluate(const EvalOptions& options, const Encoder& encode, model::Backend& backend);

// Sum of one request's target log-probs as lm-eval's logits.sum() produced it: fp16 runs sum the
// fp16 values in fp32 and round the sum to fp16 (§5 step 4); fp32 runs give a float32 sum.
RequestResult reduce_scored_tokens(const std::vector<model::ScoredToken>& tokens, model::LogitPrecision precision);

// The model input for a request (§4, §5 step 2): seq = (ctx + cont)[-(max_length + 1):],
// input = seq[:-1], targets = the last len(cont) tokens of seq.
model::ScoreRequest make_score_request(const TokenRequest& request, size_t max_length);

}  // namespace pe::tasks
