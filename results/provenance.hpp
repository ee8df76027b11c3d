// provenance: the one top-level key our result files add to the published ones (issue #13,
// CONTRACT.md): which tool, model, settings, data and machine produced the numbers, and when.
// It also decides whether two files are the same measurement (then their tasks may merge).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "results/json.hpp"
#include "results/model_identity.hpp"

namespace pe::results {

// What the numbers depend on besides the model and data, and where they were computed.
struct RunSettings {
    std::string precision = "fp16";  // "fp16" (the published runs) or "fp32"
    std::optional<size_t> limit;     // first N shuffled documents per task
    int num_fewshot = 0;
    std::string backend, device, driver;  // how: not part of "the same measurement"
    std::vector<std::string> features;    // optional device features the kernels used
};

// One task's run. Tasks merged into a file from several runs each keep how they were computed.
struct TaskStats {
    size_t documents = 0, requests = 0;  // scored documents, distinct requests
    double wall_seconds = 0;
    std::string started_utc, backend, device;
};

struct Provenance {
    std::string tool_version;  // pythia-eval's
    std::string git_commit;    // of the build, "unknown" outside a git checkout
    ModelIdentity model;
    RunSettings settings;
    std::vector<std::pair<std::string, std::string>> data;    // data file (task/file) -> sha256
    std::vector<std::pair<std::string, TaskStats>> tasks;     // in the results' order
    std::string started_utc;   // ISO 8601, "2026-12-03T08:00:00Z"
    double wall_seconds = 0;
    std::vector<std::string> command_line;
};

Json provenance_json(const Provenance& p);
// Reads a provenance object written by provenance_json; absent fields stay empty.
Provenance provenance_from_json(const Json& p);

// The fields in which `a` and `b` are not the same measurement (CONTRACT.md): model weights,
// config and tokenizer, precision, limit, num_fewshot and the hashes of data files both used.
// Empty means the same measurement; the names are as a user reads them ("precision", "weights_sha256").
std::vector<std::string> measurement_differences(const Provenance& a, const Provenance& b);

// "2026-12-03T08:00:00Z" for now.
std::string utc_now_iso8601();

}  // namespace pe::results
