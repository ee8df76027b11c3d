// model_gguf (eval_model.hpp). Hugging Face folders go through the converter's cache
// (cli/model_source, issue #2) once it lands; until then only .gguf files are accepted.
#include "cli/eval_model.hpp"

#include "engine/error.hpp"

namespace pe::cli {

std::filesystem::path model_gguf(const std::filesystem::path& local, bool) {
    if (local.extension() == ".gguf") return local;
    throw_unsupported(local.string(), "--model", "Hugging Face folders need the converter (issue #2); pass a .gguf");
}

}  // namespace pe::cli
