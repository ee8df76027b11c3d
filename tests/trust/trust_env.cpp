// trust_env (trust_env.hpp).
#include "tests/trust/trust_env.hpp"

#include <algorithm>

#include "tests/common/shared.hpp"

namespace fs = std::filesystem;

namespace pe::test {

Env trust_env() {
    const fs::path cache = binary_dir() / "test-scratch" / "trust-cache";
    return {{"XDG_CACHE_HOME", cache.string()}, {"HF_HOME", (cache / "hf").string()}, {"HF_HUB_OFFLINE", ""}};
}

std::vector<std::string> eval_args(const std::string& model, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"eval",       "--model", model, "--backend", "cpu", "--data-dir",
                                     shared_path("data").string(), "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

void link_fixture_folder(const fs::path& dir) {
    fs::create_directories(dir);
    for (const char* f : {"config.json", "tokenizer.json", "model.safetensors"})
        fs::create_symlink(shared_path("fixtures/tiny-neox") / f, dir / f);
}

size_t n_lines(const std::string& s) { return size_t(std::count(s.begin(), s.end(), '\n')); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

fs::path only_file(const fs::path& dir, const std::string& suffix) {
    fs::path found;
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().string().ends_with(suffix)) {
            found = e.path();
            ++n;
        }
    return n == 1 ? found : fs::path();
}

const results::Json* at(const results::Json& doc, const std::vector<std::string>& keys) {
    const results::Json* v = &doc;
    for (const auto& k : keys) {
        v = v->find(k);
        if (!v) return nullptr;
    }
    return v;
}

}  // namespace pe::test
