#include "tests/common/shared.hpp"

#include <cstdlib>
#include <fstream>

namespace pe::test {

std::filesystem::path shared_dir() {
    if (const char* env = std::getenv("PYTHIA_EVAL_SHARED"); env && *env) return env;
    return std::filesystem::path(PE_SOURCE_DIR).parent_path() / "shared";
}

std::filesystem::path shared_path(const std::string& rel) { return shared_dir() / rel; }

std::filesystem::path binary_dir() { return PE_BINARY_DIR; }

std::filesystem::path scratch_dir(const std::string& name) {
    auto dir = binary_dir() / "test-scratch" / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

boost::test_tools::assertion_result NeedsShared::operator()(boost::unit_test::test_unit_id) const {
    if (std::filesystem::exists(shared_dir()) || in_ci()) return true;
    boost::test_tools::assertion_result r(false);
    r.message() << "skipped: " << shared_dir().string() << " not found (set PYTHIA_EVAL_SHARED)";
    return r;
}

Caught error_from(const std::function<void()>& f) {
    try {
        f();
    } catch (const pe::Error& e) {
        return {e.kind(), e.what()};
    }
    return {};
}

size_t count_file_lines(const std::filesystem::path& p) {
    std::ifstream in(p);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

}  // namespace pe::test
