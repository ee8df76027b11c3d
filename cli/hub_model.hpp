// `--model` for eval when it names a Hugging Face repo: "EleutherAI/pythia-70m-deduped" with
// --step N (revision stepN) or --revision R (default main = step143000), fetched into the hub cache.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "results/layout.hpp"

namespace pe::cli {

// The model arguments as the user gave them (cli/model_identity resolves what they name).
struct ModelRef {
    std::string arg;                  // --model as typed
    bool is_hub = false;              // a repo id (not an existing path)
    std::string repo_id;              // hub only
    std::string revision;             // hub only: "step3000", "main", a commit...
    std::optional<uint64_t> step;     // hub: --step, "stepN", main = 143000; local: --step as given
    std::optional<std::string> name;  // --name ORG/MODEL (local folder or GGUF only)
};

// Throws pe::Error (bad_input) for an argument that is no file, folder or repo id, for --revision
// or --name given with a repo id where they do not apply, and for a --step that is not a number
// in [0, 2^63).
ModelRef parse_model_ref(const std::string& arg, const std::optional<std::string>& step,
                         const std::optional<std::string>& revision, const std::optional<std::string>& name = {});

// Downloads (or, offline, finds) the checkpoint's files; returns the snapshot folder.
std::filesystem::path fetch_hub_model(const ModelRef& ref, bool quiet);

using results::pythia_name;  // Pythia names live with the file layout
using results::PythiaName;

}  // namespace pe::cli
