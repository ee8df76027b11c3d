// user_cache_dir / pythia_cache_dir (cache_dir.hpp).
#include "engine/io/cache_dir.hpp"

#include <cstdlib>

#include "engine/error.hpp"

namespace pe::io {

std::optional<std::filesystem::path> user_cache_dir() {
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x);
    if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".cache";
    return std::nullopt;
}

std::optional<std::filesystem::path> pythia_cache_dir(const std::string& sub) {
    auto dir = user_cache_dir();
    if (!dir) return std::nullopt;
    *dir /= "pythia-eval";
    if (!sub.empty()) *dir /= sub;
    return dir;
}

std::filesystem::path require_pythia_cache_dir(const std::string& sub, const std::string& what) {
    if (auto dir = pythia_cache_dir(sub)) return *dir;
    throw_io("", "neither XDG_CACHE_HOME nor HOME is set: cannot place " + what);
}

}  // namespace pe::io
