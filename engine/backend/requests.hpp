// Request validation both backends run before any work (style.md §4: one clear line naming the
// request and the rule). Written once here so the CPU and Vulkan backends cannot drift apart.
#pragma once

#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"

namespace pe::backend {

// Every request: input 1..n_ctx ids in [0, n_vocab), targets in [0, n_vocab), no more targets than
// input positions. Throws bad_input naming "score request i ..." and the model file.
void check_score_batch(const model::Model& model, const model::Batch& batch);

// ids 1..n_ctx in [0, n_vocab), probe ids in [0, n_vocab).
void check_probe_request(const model::Model& model, const model::ProbeRequest& req);

}  // namespace pe::backend
