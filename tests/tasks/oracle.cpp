// Samples-file encoder and oracle backend (see oracle.hpp).
#include "tests/tasks/oracle.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <simdjson.h>
#include <sstream>

#include "engine/error.hpp"
#include "tests/common/shared.hpp"

namespace pe::test {

static std::vector<int32_t> ids(simdjson::dom::element v, const char* key) {
    simdjson::dom::array arr;
    BOOST_TEST_REQUIRE(v[key].get(arr) == simdjson::SUCCESS);
    std::vector<int32_t> out;
    for (auto id : arr) {
        int64_t x = 0;
        BOOST_TEST_REQUIRE(id.get(x) == simdjson::SUCCESS);
        out.push_back(int32_t(x));
    }
    return out;
}

std::vector<SampleLine> read_samples(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_TEST_REQUIRE(bool(in), "cannot open " << path);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::vector<SampleLine> out;
    tasks::for_each_json_line(path.string(), ss.str(), [&](size_t, simdjson::dom::element v) {
        SampleLine s;
        s.context = std::string(v["context"].get_string().value());
        s.continuation = std::string(v["continuation"].get_string().value());
        s.ctx_ids = ids(v, "ctx_ids");
        s.cont_ids = ids(v, "cont_ids");
        s.ll = v["ll"].get_double().value();
        s.is_greedy = v["is_greedy"].get_bool().value();
        out.push_back(std::move(s));
    });
    return out;
}

tasks::Encoder samples_encoder(const std::vector<SampleLine>& samples) {
    auto table = std::make_shared<std::unordered_map<std::string, std::vector<int32_t>>>();
    for (const auto& s : samples) {
        (*table)[s.context] = s.ctx_ids;
        (*table)[s.continuation] = s.cont_ids;
    }
    return [table](std::string_view text) {
        const auto it = table->find(std::string(text));
        if (it == table->end())
            throw Error(ErrorKind::internal, "samples encoder", "", "string not in lm-eval's samples: '" + std::string(text) + "'");
        return it->second;
    };
}

OracleBackend::OracleBackend(const std::vector<SampleLine>& samples, size_t max_length) {
    for (const auto& s : samples) {
        std::vector<int32_t> seq = s.ctx_ids;  // independent of the evaluator: lm-eval's [-(max_length+1):]
        seq.insert(seq.end(), s.cont_ids.begin(), s.cont_ids.end());
        if (seq.size() > max_length + 1) seq.erase(seq.begin(), seq.end() - ptrdiff_t(max_length + 1));
        seq.push_back(int32_t(s.cont_ids.size()));
        answers_[seq] = {s.ll, s.is_greedy};
    }
}

std::vector<std::vector<model::ScoredToken>> OracleBackend::score(const model::Batch& batch) {
    if (n_batches == fail_after_batches) throw Error(ErrorKind::device, "oracle", "", "simulated interruption");
    n_batches++;
    std::vector<std::vector<model::ScoredToken>> out;
    for (const auto& r : batch.requests) {
        std::vector<int32_t> key = r.input;
        key.push_back(r.targets.back());
        key.push_back(int32_t(r.targets.size()));
        const auto it = answers_.find(key);
        if (it == answers_.end()) throw Error(ErrorKind::internal, "oracle", "", "request not in lm-eval's samples");
        std::vector<model::ScoredToken> tokens(r.targets.size(), {0.0f, true});
        tokens.back() = {float(it->second.ll), it->second.is_greedy};
        out.push_back(std::move(tokens));
        n_scored++;
    }
    return out;
}

tasks::EvalOptions shared_data_options(const std::vector<std::string>& task_names, std::optional<size_t> limit,
                                       model::LogitPrecision precision) {
    tasks::EvalOptions opt;
    opt.tasks = task_names;
    opt.limit = limit;
    opt.precision = precision;
    opt.data_dir = shared_path("data");
    opt.keep_samples = true;
    return opt;
}

}  // namespace pe::test
