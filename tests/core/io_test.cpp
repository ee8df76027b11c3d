// engine/io: atomic writes leave the old file or the whole new one, never a part or a temporary;
// the cache folder follows XDG_CACHE_HOME, then HOME.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/cache_dir.hpp"
#include "tests/common/shared.hpp"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

size_t entries_in(const fs::path& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

// Sets an environment variable for one scope (empty value: unset).
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        value ? ::setenv(name, value, 1) : ::unsetenv(name);
    }
    ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(io)

BOOST_AUTO_TEST_CASE(write_file_atomically_replaces_the_whole_file) {
    const auto dir = pe::test::scratch_dir("io_atomic");
    const auto path = dir / "sub" / "out.json";
    pe::io::write_file_atomically(path, "first");
    pe::io::write_file_atomically(path, "second");
    BOOST_TEST(slurp(path) == "second");
    BOOST_TEST(entries_in(dir / "sub") == 1u);  // no temporary left behind
}

BOOST_AUTO_TEST_CASE(an_uncommitted_file_leaves_the_old_one) {
    const auto dir = pe::test::scratch_dir("io_uncommitted");
    const auto path = dir / "model.gguf";
    pe::io::write_file_atomically(path, "old");
    {
        pe::io::AtomicFile f(path);
        f.write(std::string_view("half of the new"));
        BOOST_TEST(fs::exists(f.temp_path()));
    }  // e.g. an exception before commit()
    BOOST_TEST(slurp(path) == "old");
    BOOST_TEST(entries_in(dir) == 1u);
    // A folder that does not exist is an io error naming the file; nothing is created.
    const auto missing = dir / "no-such-folder" / "x.gguf";
    const auto e = pe::test::error_from([&] { pe::io::AtomicFile f(missing); });
    BOOST_TEST((e.kind == pe::ErrorKind::io), e.message);
    BOOST_TEST(e.message.find(missing.string()) != std::string::npos, e.message);
    BOOST_TEST(!fs::exists(dir / "no-such-folder"));
}

BOOST_AUTO_TEST_CASE(best_effort_writes_and_moved_temporaries) {
    const auto dir = pe::test::scratch_dir("io_try");
    const std::string bytes = "cache";
    BOOST_TEST(pe::io::try_write_file_atomically(dir / "c" / "p.bin", std::as_bytes(std::span(bytes))));
    BOOST_TEST(slurp(dir / "c" / "p.bin") == "cache");
    // Under a plain file there is no folder to create: false, and nothing written.
    BOOST_TEST(!pe::io::try_write_file_atomically(dir / "c" / "p.bin" / "q.bin", std::as_bytes(std::span(bytes))));
    BOOST_TEST(entries_in(dir / "c") == 1u);

    { std::ofstream(dir / "d.part") << "downloaded"; }
    pe::io::commit_file(dir / "d.part", dir / "d");
    BOOST_TEST(slurp(dir / "d") == "downloaded");
    BOOST_TEST(!fs::exists(dir / "d.part"));
}

BOOST_AUTO_TEST_CASE(cache_folder_follows_xdg_then_home) {
    {
        ScopedEnv xdg("XDG_CACHE_HOME", "/x/cache"), home("HOME", "/h");
        BOOST_TEST(pe::io::pythia_cache_dir("gguf")->string() == "/x/cache/pythia-eval/gguf");
    }
    {
        ScopedEnv xdg("XDG_CACHE_HOME", ""), home("HOME", "/h");
        BOOST_TEST(pe::io::user_cache_dir()->string() == "/h/.cache");
        BOOST_TEST(pe::io::require_pythia_cache_dir("data", "the data folder").string() == "/h/.cache/pythia-eval/data");
    }
    {
        ScopedEnv xdg("XDG_CACHE_HOME", nullptr), home("HOME", nullptr);
        BOOST_TEST(!pe::io::pythia_cache_dir("").has_value());
        const auto e = pe::test::error_from([] { pe::io::require_pythia_cache_dir("data", "the data folder"); });
        BOOST_TEST(e.message.find("cannot place the data folder") != std::string::npos, e.message);
    }
}

BOOST_AUTO_TEST_SUITE_END()
