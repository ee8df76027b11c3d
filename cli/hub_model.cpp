// Repo-id model arguments (hub_model.hpp): the hub client does the work (engine/hub), this file
// maps the eval flags onto a revision and reports download progress on stderr.
#include "cli/hub_model.hpp"

#include <unistd.h>

#include <cstdint>

#include <chrono>
#include <cstdio>

#include "engine/error.hpp"
#include "cli/model_identity.hpp"
#include "cli/whole_number.hpp"
#include "engine/hub/client.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

ModelRef parse_model_ref(const std::string& arg, const std::optional<std::string>& step,
                         const std::optional<std::string>& revision, const std::optional<std::string>& name) {
    ModelRef ref;
    ref.arg = arg;
    ref.name = name;
    if (step) ref.step = parse_whole_number(*step, "--step", 0, uint64_t(INT64_MAX));
    std::error_code ec;
    if (fs::exists(arg, ec)) {
        if (revision)
            throw_bad_input(arg, "--revision", "applies to a Hugging Face repo id, not to a local file or folder");
        return ref;  // --step and --name say what the local checkpoint is
    }
    if (!hub::is_repo_id(arg))
        throw_bad_input(arg, "--model",
                        "no such file or folder, and not a Hugging Face repo id like EleutherAI/pythia-70m-deduped");
    if (name) throw_bad_input(arg, "--name", "applies to a local folder or GGUF; a repo id is its own name");
    if (step && revision) throw_bad_input(arg, "--step", "give --step or --revision, not both");
    ref.is_hub = true;
    ref.repo_id = arg;
    ref.revision = ref.step ? "step" + std::to_string(*ref.step) : revision.value_or("main");
    if (!ref.step) ref.step = step_of_revision(ref.revision);
    if (!ref.step && ref.revision == "main" && pythia_name(arg)) ref.step = 143000;  // Pythia's main is the last checkpoint
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

}  // namespace pe::cli
