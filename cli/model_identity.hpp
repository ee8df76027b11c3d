// Resolves a --model argument's identity once (issue #13): where it came from, its name and step,
// and the sha256 of its weights, config and tokenizer. The result (results::ModelIdentity) names
// the result file, fills provenance.model, keys the converted-GGUF cache and the resume checkpoint.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "cli/hub_model.hpp"
#include "results/model_identity.hpp"

namespace pe::cli {

// `local` is what will be read: the hub snapshot folder for a repo id, else ref.arg. The name and
// step come from, in order: --name/--step (ref.name, ref.step); the hub repo id and revision; a hub cache path
// (models--ORG--NAME/snapshots/<sha>: the repo id, and the ref pointing at <sha>); the source keys
// `convert --name --step` writes into a GGUF; config.json's _name_or_path when it is a repo id;
// last, the path itself (".../pythia-160m/step3000" -> pythia-160m at step 3000; name_from "path").
// Weight files in a hub cache are taken at their blob name (the sha256 verified on download);
// everything else is hashed. Throws pe::Error for an unreadable file or a malformed --name.
results::ModelIdentity resolve_identity(const ModelRef& ref, const std::filesystem::path& local);

// "step3000" -> 3000; nullopt for anything else (and for steps that do not fit in int64).
std::optional<uint64_t> step_of_revision(const std::string& revision);

}  // namespace pe::cli
