// The GGUF to evaluate: a .gguf as given, or a Hugging Face folder converted once (cached, reused).
#pragma once

#include <filesystem>

namespace pe::cli {

std::filesystem::path model_gguf(const std::filesystem::path& local, bool quiet);

}  // namespace pe::cli
