// Test doubles built from lm-eval's own samples files (../shared/fixtures/*-expected): an encoder
// that answers lm-eval's token ids for each context/continuation string, and an "oracle" backend
// that answers each request's (ll, is_greedy) as lm-eval computed it. With them the whole
// task -> evaluator -> metrics -> JSON path runs without a model or tokenizer.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/model/backend.hpp"
#include "tasks/evaluator.hpp"

namespace pe::test {

struct SampleLine {
    std::string context, continuation;
    std::vector<int32_t> ctx_ids, cont_ids;
    double ll = 0.0;
    bool is_greedy = false;
};

std::vector<SampleLine> read_samples(const std::filesystem::path& path);

// Encoder over the strings the samples hold; any other string fails the test (our request
// strings must be exactly lm-eval's).
tasks::Encoder samples_encoder(const std::vector<SampleLine>& samples);

// An evaluation of `task_names` over ../shared/data that keeps every request's sample, as the tests
// that compare per request need.
tasks::EvalOptions shared_data_options(const std::vector<std::string>& task_names, std::optional<size_t> limit,
                                       model::LogitPrecision precision);

// Answers a ScoreRequest by its token sequence: the whole ll on the last target token and 0 on
// the others (exact in fp32 and fp16 sums), is_argmax false on the last token when not greedy.
class OracleBackend final : public model::Backend {
public:
    explicit OracleBackend(const std::vector<SampleLine>& samples, size_t max_length = 2048);
    std::string name() const override { return "oracle"; }
    std::string device_name() const override { return "oracle"; }
    std::vector<std::vector<model::ScoredToken>> score(const model::Batch& batch) override;
    std::vector<model::PositionProbe> probe(const model::ProbeRequest&) override { return {}; }

    size_t n_scored = 0, n_batches = 0;
    size_t fail_after_batches = size_t(-1);  // throws on that batch, to simulate an interrupted run

private:
    std::map<std::vector<int32_t>, tasks::RequestResult> answers_;  // key: seq + [n_targets]
};

}  // namespace pe::test
