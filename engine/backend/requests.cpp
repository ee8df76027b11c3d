// Request validation (requests.hpp).
#include "engine/backend/requests.hpp"

#include <string>
#include <vector>

#include "engine/error.hpp"

namespace pe::backend {
namespace {

void check_ids(const model::Model& model, const std::vector<int32_t>& ids, const std::string& what) {
    const uint32_t n_vocab = model.hparams().n_vocab;
    for (size_t i = 0; i < ids.size(); ++i)
        if (ids[i] < 0 || uint32_t(ids[i]) >= n_vocab)
            throw_bad_input(model.path(), what + "[" + std::to_string(i) + "]",
                            "token id " + std::to_string(ids[i]) + " is outside the vocabulary [0, " +
                                std::to_string(n_vocab) + ")");
}

// A sequence fed to the model: 1..n_ctx positions of valid ids.
void check_sequence(const model::Model& model, const std::vector<int32_t>& ids, const std::string& what) {
    if (ids.empty()) throw_bad_input(model.path(), what, "empty sequence");
    if (ids.size() > model.hparams().n_ctx)
        throw_bad_input(model.path(), what,
                        std::to_string(ids.size()) + " positions, more than the context length " +
                            std::to_string(model.hparams().n_ctx));
    check_ids(model, ids, what);
}

}  // namespace

void check_score_batch(const model::Model& model, const model::Batch& batch) {
    for (size_t i = 0; i < batch.requests.size(); ++i) {
        const model::ScoreRequest& req = batch.requests[i];
        const std::string what = "score request " + std::to_string(i);
        check_sequence(model, req.input, what + " input");
        check_ids(model, req.targets, what + " targets");
        if (req.targets.size() > req.input.size())
            throw_bad_input(model.path(), what,
                            std::to_string(req.targets.size()) + " targets for " +
                                std::to_string(req.input.size()) + " input positions");
    }
}

void check_probe_request(const model::Model& model, const model::ProbeRequest& req) {
    check_sequence(model, req.ids, "probe ids");
    check_ids(model, req.probe_ids, "probe id");
}

}  // namespace pe::backend
