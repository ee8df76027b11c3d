// Test access to ../shared (ground truth): found through PYTHIA_EVAL_SHARED, default ../shared
// beside the repository. Absent: tests that need it are skipped, except under CI=true, where they fail.
#pragma once

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>
#include <string>

#include "engine/error.hpp"

namespace pe::test {

std::filesystem::path shared_dir();              // may not exist
std::filesystem::path shared_path(const std::string& rel);  // shared_dir() / rel
std::filesystem::path binary_dir();             // the build tree (for pythia-eval and scratch files)
std::filesystem::path scratch_dir(const std::string& name);  // fresh, empty folder under the build tree
bool in_ci();
size_t count_file_lines(const std::filesystem::path& p);  // lines of a text file (0 when absent)

// Use as a decorator: BOOST_AUTO_TEST_CASE(name, *boost::unit_test::precondition(pe::test::needs_shared))
// Skips when ../shared is absent, unless CI=true (then the test runs and fails on the missing files).
struct NeedsShared {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const;
};
inline constexpr NeedsShared needs_shared{};

// What `f` throws as pe::Error: its kind and what(); {internal, "(no error)"} when it returns.
struct Caught {
    ErrorKind kind = ErrorKind::internal;
    std::string message = "(no error)";
};
Caught error_from(const std::function<void()>& f);

}  // namespace pe::test
