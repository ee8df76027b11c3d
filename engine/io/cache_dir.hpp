// Where caches go, as the XDG base-directory spec says: $XDG_CACHE_HOME, else ~/.cache. The one
// lookup behind the converted-GGUF cache, the Vulkan pipeline cache, the data folder and the hub.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace pe::io {

// $XDG_CACHE_HOME, else $HOME/.cache; nullopt when neither is set (non-empty).
std::optional<std::filesystem::path> user_cache_dir();

// <user cache>/pythia-eval/<sub> (sub may be empty); nullopt when there is no user cache folder.
std::optional<std::filesystem::path> pythia_cache_dir(const std::string& sub);
// The same, or an io error saying that `what` (e.g. "the data folder (pass --data-dir)") has no place.
std::filesystem::path require_pythia_cache_dir(const std::string& sub, const std::string& what);

}  // namespace pe::io
