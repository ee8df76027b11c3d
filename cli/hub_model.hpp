// `--model` for eval when it names a Hugging Face repo: "EleutherAI/pythia-70m-deduped" with
// --step N (revision stepN) or --revision R (default main = step143000), fetched into the hub cache.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace pe::cli {

struct ModelRef {
    std::string arg;          // as typed
    bool is_hub = false;      // a repo id (not an existing path)
    std::string repo_id;      // hub only
    std::string revision;     // hub only: "step3000", "main", a commit...
    std::optional<long> step; // known training step: --step, "stepN", main = 143000
};

// Throws pe::Error (bad_input) for an argument that is no file, folder or repo id, and for
// --step/--revision given with a local path.
ModelRef parse_model_ref(const std::string& arg, std::optional<long> step, std::optional<std::string> revision);

// Downloads (or, offline, finds) the checkpoint's files; returns the snapshot folder.
std::filesystem::path fetch_hub_model(const ModelRef& ref, bool quiet);

// Pythia names: "pythia-70m-deduped" -> size "70m", deduped. nullopt for other names.
struct PythiaName {
    std::string size;
    bool deduped = false;
};
std::optional<PythiaName> pythia_name(const std::string& repo_or_name);

}  // namespace pe::cli
