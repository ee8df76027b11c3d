// The sweep tests' world, built once per test process: two small synthetic models at three steps
// each (tests/sweep/make_checkpoints.py, from the tiny-neox fixture), served by the loopback hub as
// EleutherAI/pythia-14m and EleutherAI/pythia-14m-deduped, and the six separate `eval` results the
// sweeps must reproduce.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/common/cli_run.hpp"
#include "tests/hub/hub_server.hpp"

namespace pe::test {

struct SweepWorld {
    std::filesystem::path root;
    std::unique_ptr<HubServer> hub;
    std::vector<long> steps = {0, 1000, 2000};
    std::vector<std::string> repos = {"EleutherAI/pythia-14m", "EleutherAI/pythia-14m-deduped"};
    std::filesystem::path evals;  // the six separate eval runs' results folder

    // HF_ENDPOINT = the loopback hub; HF_HOME and XDG_CACHE_HOME (the GGUF cache) private to `name`.
    Env env(const std::string& name) const;
    std::filesystem::path cache(const std::string& name) const { return root / "caches" / name; }
    // eval's and sweep's measurement options: CPU, two tasks, a few documents, the shared data.
    std::vector<std::string> measure_args(const std::string& limit = "4",
                                          const std::string& tasks = "lambada_openai,piqa") const;
    // `sweep --models 14m,14m-deduped --steps 0,1000,2000 --output OUT` + measure_args.
    std::vector<std::string> sweep_args(const std::filesystem::path& out) const;
    // The result files of the grid, relative to a results folder (named with their limit).
    std::vector<std::filesystem::path> grid_files(const std::string& limit = "4") const;
};

SweepWorld& sweep_world();  // built at first use; the test skips without ../shared

// A result file as text without what legitimately differs between two runs of the same
// measurement: provenance's times, command line and the model folder's path (each run has its own
// cache). Everything else (results, versions, config, model identity, settings, data) must match.
std::string comparable(const std::filesystem::path& result_file);

// eval's checkpoint for a result file and task list ("<file>.lambada_openai+piqa.checkpoint").
std::filesystem::path checkpoint_of(const std::filesystem::path& result_file, const std::string& tasks);

// The weight files (LFS blobs) and converted GGUFs left in a cache.
std::vector<std::filesystem::path> leftover_weights(const std::filesystem::path& cache);

}  // namespace pe::test
