// Repo-id model arguments (hub_model.hpp): the hub client does the work (engine/hub), this file
// maps the eval flags onto a revision and reports download progress on stderr.
#include "cli/hub_model.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <regex>

#include "engine/error.hpp"
#include "engine/hub/client.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

ModelRef parse_model_ref(const std::string& arg, std::optional<long> step, std::optional<std::string> revision) {
    ModelRef ref;
    ref.arg = arg;
    std::error_code ec;
    if (fs::exists(arg, ec)) {
        if (step || revision)
            throw_bad_input(arg, step ? "--step" : "--revision",
                            "applies to a Hugging Face repo id, not to a local file or folder");
        return ref;
    }
    if (!hub::is_repo_id(arg))
        throw_bad_input(arg, "--model",
                        "no such file or folder, and not a Hugging Face repo id like EleutherAI/pythia-70m-deduped");
    if (step && revision) throw_bad_input(arg, "--step", "give --step or --revision, not both");
    if (step && *step < 0) throw_bad_input(arg, "--step", "must be >= 0");
    ref.is_hub = true;
    ref.repo_id = arg;
    ref.revision = step ? "step" + std::to_string(*step) : revision.value_or("main");
    hub::check_revision(ref.revision, "--revision");  // it becomes a cache path and a file name
    static const std::regex step_re("step([0-9]+)");
    std::smatch m;
    long n = 0;
    const std::string digits = std::regex_match(ref.revision, m, step_re) ? m[1].str() : "";
    if (!digits.empty() && std::from_chars(digits.data(), digits.data() + digits.size(), n).ec == std::errc{})
        ref.step = n;
    else if (ref.revision == "main" && pythia_name(arg)) ref.step = 143000;  // Pythia's main is the last checkpoint
    return ref;
}

fs::path fetch_hub_model(const ModelRef& ref, bool quiet) {
    hub::HubSettings settings = hub::HubSettings::from_env();
    hub::FetchOptions options;
    const bool tty = isatty(STDERR_FILENO) != 0;
    auto last = std::chrono::steady_clock::now();
    std::string current;
    if (!quiet) {
        options.progress = [&](const std::string& file, uint64_t done, uint64_t total) {
            auto now = std::chrono::steady_clock::now();
            bool new_file = file != current;
            if (!new_file && now - last < std::chrono::milliseconds(tty ? 200 : 5000) && done != total) return;
            if (new_file && !current.empty() && tty) std::fprintf(stderr, "\n");
            current = file;
            last = now;
            std::fprintf(stderr, tty ? "\rdownloading %s: %.1f / %.1f MB" : "downloading %s: %.1f / %.1f MB\n",
                         file.c_str(), done / 1e6, total / 1e6);
        };
    }
    hub::Snapshot snap = hub::fetch_checkpoint(settings, ref.repo_id, ref.revision, options);
    if (!quiet) {
        if (!current.empty() && tty) std::fprintf(stderr, "\n");
        std::fprintf(stderr, "%s @ %s = commit %s: %s\n", ref.repo_id.c_str(), ref.revision.c_str(),
                     snap.commit.c_str(),
                     snap.downloaded.empty() ? "all files already in the cache"
                                             : (std::to_string(snap.downloaded.size()) + " file(s) downloaded").c_str());
    }
    return snap.dir;
}

std::optional<PythiaName> pythia_name(const std::string& repo_or_name) {
    std::string name = repo_or_name.substr(repo_or_name.rfind('/') + 1);
    static const std::regex re("pythia-(?:v1\\.1-)?([0-9.]+[mb])(-deduped)?");
    std::smatch m;
    if (!std::regex_match(name, m, re)) return std::nullopt;
    return PythiaName{m[1], m[2].matched};
}

}  // namespace pe::cli
