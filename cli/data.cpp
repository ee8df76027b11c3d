// pythia-eval data fetch | check | path: the evaluation splits in a local data folder (issue #5).
// fetch downloads from the canonical URLs (engine/data/fetch.cpp), check verifies sha256s offline.
#include <cstdio>

#include "cli/commands.hpp"
#include "engine/data/fetch.hpp"
#include "engine/error.hpp"

namespace pe::cli {

namespace {

struct DataArgs {
    std::string data_dir;
    std::vector<std::string> tasks;
    bool quiet = false;
};

std::filesystem::path dir_of(const DataArgs& a) {
    return a.data_dir.empty() ? data::default_data_dir() : std::filesystem::path(a.data_dir);
}

void run_fetch(const DataArgs& a) {
    std::filesystem::path dir = dir_of(a);
    data::DataFetchOptions o;
    o.tasks = a.tasks;
    std::string last_url;
    if (!a.quiet) {
        o.progress = [&](const std::string& task, const std::string& url, uint64_t done, uint64_t total) {
            if (done == 0 && total == 0) return;
            if (url != last_url) {
                if (!last_url.empty()) std::fprintf(stderr, "\n");
                last_url = url;
            }
            if (total)
                std::fprintf(stderr, "\r%-15s %s  %.1f / %.1f MB", task.c_str(), url.c_str(), done / 1e6, total / 1e6);
            else
                std::fprintf(stderr, "\r%-15s %s  %.1f MB", task.c_str(), url.c_str(), done / 1e6);
        };
    }
    auto report = data::fetch_data(dir, data::canonical_downloads(), o);
    if (!last_url.empty()) std::fprintf(stderr, "\n");
    if (!a.quiet)
        std::fprintf(stderr, "%zu file(s) fetched, %zu already present and verified, in %s\n", report.fetched.size(),
                     report.present.size(), dir.string().c_str());
}

void run_check(const DataArgs& a) {
    std::filesystem::path dir = dir_of(a);
    size_t bad = 0;
    for (const auto& s : data::check_data(dir, data::canonical_downloads(), a.tasks)) {
        std::printf("%-15s %-36s %s\n", s.task.c_str(), s.path.c_str(), s.state.c_str());
        bad += s.state != "ok" && !s.state.starts_with("not pinned");
    }
    if (bad)
        throw Error(ErrorKind::io, dir.string(), "",
                    std::to_string(bad) + " data file(s) missing or altered; run `pythia-eval data fetch" +
                        (a.data_dir.empty() ? "" : " --data-dir " + a.data_dir) + "`");
}

}  // namespace

void add_data(CLI::App& app) {
    auto* cmd = app.add_subcommand("data", "Download and verify the evaluation datasets");
    cmd->require_subcommand(1);
    auto args = std::make_shared<DataArgs>();
    auto add_common = [&](CLI::App* sub) {
        sub->add_option("--data-dir", args->data_dir,
                        "data folder (default: $PYTHIA_EVAL_DATA or ~/.cache/pythia-eval/data)");
        sub->add_option("--tasks", args->tasks, "only these tasks (default: all five)")->delimiter(',');
    };
    auto* fetch = cmd->add_subcommand("fetch", "Download the five evaluation splits from their canonical URLs, "
                                               "verify their sha256 and lay them out as <task>/<file>");
    add_common(fetch);
    fetch->add_flag("--quiet", args->quiet, "no progress output");
    fetch->callback([args] { run_fetch(*args); });
    auto* check = cmd->add_subcommand("check", "Verify the data folder's files against their sha256 (no network)");
    add_common(check);
    check->callback([args] { run_check(*args); });
    auto* path = cmd->add_subcommand("path", "Print the default data folder");
    path->callback([] { std::printf("%s\n", data::default_data_dir().string().c_str()); });
}

}  // namespace pe::cli
