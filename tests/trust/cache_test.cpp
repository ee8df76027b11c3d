// Issue #12 item 5 and #13's cache point: the converted-GGUF cache holds one GGUF per content, not
// per path: two folders with the same files share an entry, a folder whose weights differ (same
// names, sizes and times) gets its own; `cache list` shows them and `cache prune` removes the
// entries no folder holds any more.
#include <boost/test/unit_test.hpp>


#include <fstream>

#include "tests/common/shared.hpp"
#include "tests/trust/trust_env.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

size_t n_entries(const fs::path& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".gguf";
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cache, *boost::unit_test::precondition(test::needs_shared))

BOOST_AUTO_TEST_CASE(one_gguf_per_content_listed_and_pruned) {
    const auto scratch = test::scratch_dir("trust_cache");
    const test::Env env = {{"XDG_CACHE_HOME", (scratch / "cache").string()}};
    const fs::path gguf_dir = scratch / "cache/pythia-eval/gguf";
    const auto eval = [&](const fs::path& folder) {
        return test::run_cli(test::eval_args(folder.string(), {"--tasks", "piqa", "--limit", "2", "--output",
                                                               (scratch / (folder.filename().string() + ".json")).string()}),
                             env);
    };
    test::link_fixture_folder(scratch / "a");
    test::link_fixture_folder(scratch / "b");
    BOOST_TEST_REQUIRE(eval(scratch / "a").exit_code == 0);
    BOOST_TEST_REQUIRE(eval(scratch / "b").exit_code == 0);
    BOOST_TEST(n_entries(gguf_dir) == 1u);  // same content, two paths: one entry

    // Same file names, sizes and modification times, one weight byte different: its own entry.
    const fs::path c = scratch / "c";
    fs::create_directories(c);
    for (const char* f : {"config.json", "tokenizer.json"}) fs::create_symlink(test::shared_path("fixtures/tiny-neox") / f, c / f);
    const fs::path original = test::shared_path("fixtures/tiny-neox/model.safetensors");
    fs::copy_file(original, c / "model.safetensors");
    fs::permissions(c / "model.safetensors", fs::perms::owner_write, fs::perm_options::add);
    {
        std::fstream f(c / "model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(-2, std::ios::end);
        char byte = 0;
        f.read(&byte, 1);
        byte ^= 0x01;
        f.seekp(-2, std::ios::end);
        f.write(&byte, 1);
    }
    fs::last_write_time(c / "model.safetensors", fs::last_write_time(original));
    BOOST_TEST_REQUIRE(eval(c).exit_code == 0);
    BOOST_TEST(n_entries(gguf_dir) == 2u);

    auto list = test::run_cli({"cache", "list"}, env);
    BOOST_TEST_REQUIRE(list.exit_code == 0, list.output);
    BOOST_TEST(test::contains(list.out, "2 entries"), list.out);
    BOOST_TEST(test::contains(list.out, "2/2"), list.out);  // a and b, both current
    BOOST_TEST(test::contains(list.out, "1/1"), list.out);  // c

    // c is deleted: its entry is stale; a and b's stays.
    fs::remove_all(c);
    auto dry = test::run_cli({"cache", "prune", "--dry-run"}, env);
    BOOST_TEST(test::contains(dry.out, "would remove"), dry.out);
    BOOST_TEST(n_entries(gguf_dir) == 2u);
    auto prune = test::run_cli({"cache", "prune"}, env);
    BOOST_TEST_REQUIRE(prune.exit_code == 0, prune.output);
    BOOST_TEST(test::contains(prune.out, "no source folder holds it any more"), prune.out);
    BOOST_TEST(test::contains(prune.out, "freed 1 entries"), prune.out);
    BOOST_TEST(n_entries(gguf_dir) == 1u);
    const fs::path kept = test::only_file(gguf_dir, ".gguf");
    BOOST_TEST_REQUIRE(!kept.empty());
    const auto converted_at = fs::last_write_time(kept);
    BOOST_TEST(eval(scratch / "a").exit_code == 0);
    BOOST_TEST((fs::last_write_time(kept) == converted_at));  // reused, not converted again

    auto all = test::run_cli({"cache", "prune", "--all"}, env);
    BOOST_TEST(all.exit_code == 0, all.output);
    BOOST_TEST(n_entries(gguf_dir) == 0u);
}

// A conversion killed mid-write leaves "<entry>.tmp-<pid>" in the cache; the next conversion of the
// same content (under the entry's lock, so no live writer owns it) removes it.
BOOST_AUTO_TEST_CASE(a_killed_conversion_leaves_nothing_after_the_next) {
    const auto scratch = test::scratch_dir("trust_cache_tmp");
    const test::Env env = {{"XDG_CACHE_HOME", (scratch / "cache").string()}};
    const fs::path gguf_dir = scratch / "cache/pythia-eval/gguf";
    test::link_fixture_folder(scratch / "a");
    const auto eval = [&] {
        return test::run_cli(test::eval_args((scratch / "a").string(),
                                             {"--tasks", "piqa", "--limit", "2", "--overwrite", "--output",
                                              (scratch / "a.json").string()}),
                             env);
    };
    BOOST_TEST_REQUIRE(eval().exit_code == 0);
    fs::path entry;
    for (const auto& e : fs::directory_iterator(gguf_dir))
        if (e.path().extension() == ".gguf") entry = e.path();
    BOOST_TEST_REQUIRE(!entry.empty());
    fs::remove(entry);
    const fs::path leftover = entry.string() + ".tmp-4194000";  // no such pid: a writer long gone
    std::ofstream(leftover) << "half a GGUF";
    BOOST_TEST_REQUIRE(eval().exit_code == 0);
    BOOST_TEST(fs::is_regular_file(entry));
    BOOST_TEST(!fs::exists(leftover), leftover << " is still in the cache");
}

BOOST_AUTO_TEST_SUITE_END()
