// The GGUF to evaluate: a .gguf as given, or a Hugging Face folder (local, or a hub snapshot)
// converted once through cli/model_source's cache and reused on later runs.
#pragma once

#include <filesystem>

#include "cli/hub_model.hpp"

namespace pe::cli {

std::filesystem::path model_gguf(const std::filesystem::path& local, const ModelRef& ref, bool quiet);

}  // namespace pe::cli
