// "The same measurement" across runs (issue #13, CONTRACT.md): a result file is never overwritten
// by another measurement, and runs of the same measurement merge their tasks into one file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "results/json.hpp"
#include "results/provenance.hpp"

namespace pe::results {

// Why `existing` (a parsed result file) may not take tasks measured as `mine`: the differing
// fields (measurement_differences), or "provenance (none in the file)" for a file we did not write
// (a published file, or one from before provenance). Empty: same measurement, merge.
std::vector<std::string> merge_conflicts(const Json& existing, const Provenance& mine);

// `existing` with `fresh`'s tasks merged in: a task in both is replaced in place by fresh's
// (results, versions and provenance.tasks), new tasks are appended; every other key and value of
// `existing` is kept as it was, except config.device and provenance's run fields, which become
// fresh's. Both are result documents (results, versions, config[, provenance]).
Json merge_documents(const Json& existing, const Json& fresh);

// Whether `file` exists and holds every task of `tasks` for the measurement `mine` (the sweep skips
// such a cell).
bool holds_measurement(const std::filesystem::path& file, const Provenance& mine, const std::vector<std::string>& tasks);

// The tasks in a result document's "results", in file order.
std::vector<std::string> result_tasks(const Json& document);

}  // namespace pe::results
