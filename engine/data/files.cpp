// The pinned data files (files.hpp). ARC-Easy's test file is the Hugging Face `datasets` export that
// PROVENANCE.md documents (AllenAI's original jsonl has no surviving copy), with AllenAI's answer key.
#include "engine/data/files.hpp"

#include "engine/error.hpp"

namespace pe::data {

const std::vector<DataFile>& pinned_files() {
    static const std::vector<DataFile> files = {
        {"lambada_openai/lambada_test.jsonl", "4aa8d02cd17c719165fc8a7887fddd641f43fcafa4b1c806ca8abc31fabdb226"},
        {"piqa/valid.jsonl", "93503cc97c679e459b065c3d13e848282e44b2a25213985bed3e5d458abef72d"},
        {"piqa/valid-labels.lst", "b4192dc3a2a0363d9d60ccf79800cbbe2f32ebb17726efdde6970e0b8131bceb"},
        {"winogrande/dev.jsonl", "1aeac79cf46a3dcbe59a71ca7e5372a1490cde2b4ae2387dc56f00378104d2e8"},
        {"winogrande/dev-labels.lst", "5ae1e30f52a50b880515685dcfae7d57649cce256d375947cdd02f687de7e6ba"},
        {"arc_easy/ARC-Easy-test.jsonl", "c9757629cb775832c3c67b4aa1425e3eda01708a2b02fa229b0c3ed1bcb70fe1"},
        {"arc_easy/question-answers.jsonl", "a4e5d41b44014c62a7c336123c63df1f1ac84f524643227e34878ac387542967"},
        {"sciq/test.json", "7340983c427dc2ffd3dccf1adb758b6cdc9455bd22bf3db0ddf6ffcae0452006"},
        {"sciq/license.txt", "6f2f301537b1f94b025af00467a9c3412bc249a40b4075a6d31b1c21ad7359e3"},
        {"sciq/readme.txt", "67c00d15da00e2ba4045930f81b051bbfab38c956dad0bb3d0c697a47efb69ec"},
    };
    return files;
}

const DataFile& pinned_file(std::string_view path) {
    for (const DataFile& f : pinned_files())
        if (f.path == path) return f;
    throw Error(ErrorKind::internal, std::string(path), "", "not a pinned data file (engine/data/files.cpp)");
}

}  // namespace pe::data
