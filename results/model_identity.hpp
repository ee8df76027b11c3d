// The one identity of a model argument (issue #13), resolved once by cli/model_identity and handed
// to everything that must tell models apart: the result file name (results/layout), the
// provenance in the result JSON (results/provenance), the converted-GGUF cache and the resume
// checkpoint. Content hashes, not paths, say whether two runs used the same model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/json.hpp"

namespace pe::results {

struct WeightFile {
    std::string file;    // name inside the model folder (or the .gguf file name)
    std::string sha256;  // of the file's bytes
};

struct ModelIdentity {
    std::string source;     // "hub" (repo id given), "folder" (Hugging Face folder) or "gguf"
    std::string path;       // the folder or .gguf read (for hub: the snapshot folder)
    std::string name;       // ORG/MODEL when known, else derived from the path (name_from "path")
    std::string name_from;  // "--name", "hub", "hub-cache", "gguf-metadata", "config" or "path"
    std::optional<uint64_t> step;  // training step, when known
    std::string repo_id, revision, commit;  // hub origin; empty when unknown
    std::vector<WeightFile> weights;
    std::string weights_sha256;    // sha256 over the weight files' names and hashes (weights_digest)
    std::string config_sha256;     // config.json of a folder; empty for a GGUF (its hash covers it)
    std::string tokenizer_sha256;  // tokenizer.json of a folder; empty for a GGUF

    // Everything the numbers depend on, as one sha256: weights, config and tokenizer. Keys the
    // converted-GGUF cache and the resume checkpoint.
    std::string content_key() const;
};

// sha256 of "<sha256>  <file>\n" per weight file, in the given order (shards in index order).
std::string weights_digest(const std::vector<WeightFile>& weights);

// provenance.model as CONTRACT.md lays it out; unknown strings and step are null.
Json identity_json(const ModelIdentity& id);
// The reverse, for reading a file written earlier; absent keys stay empty.
ModelIdentity identity_from_json(const Json& model);

}  // namespace pe::results
