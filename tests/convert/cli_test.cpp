// pythia-eval convert and the --model folder cache (cli/model_source): exit codes, one-line errors
// naming the file, a folder converted once and reused until one of its files changes.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>

#include "engine/gguf/reader.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/convert/crafted.hpp"

namespace fs = std::filesystem;

namespace {

using pe::test::CliResult;

CliResult run(const std::string& args, const pe::test::Env& env = {}) {
    return pe::test::run_cli(pe::test::words(args), env);
}

size_t count_ggufs(const fs::path& dir) {
    size_t n = 0;
    if (fs::exists(dir))
        for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.path().extension() == ".gguf";
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(convert_cli)

BOOST_AUTO_TEST_CASE(convert_command, *boost::unit_test::precondition(pe::test::needs_shared)) {
    const fs::path fixture = pe::test::shared_path("fixtures/tiny-neox");
    const fs::path dir = pe::test::make_hf_folder("cli_conv", fixture, {"pytorch_model.bin"});
    const fs::path out = dir.parent_path() / "cli_conv-q8.gguf";
    const CliResult ok = run("convert " + dir.string() + " " + out.string() + " --dtype q8_0 --model-id EleutherAI/pythia-70m --revision step1000");
    BOOST_TEST(ok.exit_code == 0, ok.err);
    const auto r = pe::gguf::Reader::open(out.string());
    BOOST_TEST(int(r.find_tensor("blk.0.ffn_up.weight")->type) == int(pe::gguf::TensorType::q8_0));
    BOOST_TEST(r.get_string("general.source.revision").value() == "step1000");
    BOOST_TEST(r.get_string("general.source.url").value() == "https://huggingface.co/EleutherAI/pythia-70m/tree/step1000");

    const CliResult usage = run("convert " + dir.string() + " " + out.string() + " --dtype q4_k");
    BOOST_TEST(usage.exit_code == 2);
    const CliResult missing = run("convert " + (dir / "nowhere").string() + " x.gguf");
    BOOST_TEST(missing.exit_code == 1);
    BOOST_TEST(missing.err.find("nowhere") != std::string::npos, missing.err);
    BOOST_TEST(std::count(missing.err.begin(), missing.err.end(), '\n') == 1, missing.err);
}

BOOST_AUTO_TEST_CASE(model_folder_is_converted_once_and_cached, *boost::unit_test::precondition(pe::test::needs_shared)) {
    const fs::path fixture = pe::test::shared_path("fixtures/tiny-neox");
    // config.json is a copy here (not a link into read-only shared/) so that its mtime can change.
    const fs::path dir = pe::test::make_hf_folder("cli_cache", fixture, {"model.safetensors"},
                                                  pe::test::read_file(fixture / "config.json"));
    const fs::path cache = pe::test::scratch_dir("cli_cache_home");
    const pe::test::Env env = {{"XDG_CACHE_HOME", cache.string()}};
    const std::string args = "forward --model " + dir.string() + " --ids 12092,13,309";

    const CliResult first = run(args, env);
    BOOST_TEST(first.exit_code == 0, first.err);
    BOOST_TEST(first.err.find("converting") != std::string::npos, first.err);
    BOOST_TEST(count_ggufs(cache / "pythia-eval" / "gguf") == 1u);

    const CliResult second = run(args, env);
    BOOST_TEST(second.exit_code == 0, second.err);
    BOOST_TEST(second.err.find("converting") == std::string::npos, "converted again: " << second.err);
    BOOST_TEST(count_ggufs(cache / "pythia-eval" / "gguf") == 1u);

    // The cache is keyed by content (issue #12 item 5): a new time alone converts nothing, new bytes do.
    fs::last_write_time(dir / "config.json", fs::last_write_time(dir / "config.json") - std::chrono::hours(1));
    const CliResult touched = run(args, env);
    BOOST_TEST(touched.exit_code == 0, touched.err);
    BOOST_TEST(touched.err.find("converting") == std::string::npos, "converted again after a touch: " << touched.err);
    std::ofstream(dir / "config.json", std::ios::app) << "\n";
    const CliResult third = run(args, env);
    BOOST_TEST(third.exit_code == 0, third.err);
    BOOST_TEST(third.err.find("converting") != std::string::npos, "a changed config.json must give a new entry");
    BOOST_TEST(count_ggufs(cache / "pythia-eval" / "gguf") == 2u);

    const CliResult not_model = run("forward --model " + cache.string() + " --ids 1", env);
    BOOST_TEST(not_model.exit_code == 1);
    BOOST_TEST(not_model.err.find("config.json") != std::string::npos, not_model.err);
    const CliResult not_gguf = run("forward --model " + (dir / "config.json").string() + " --ids 1", env);
    BOOST_TEST(not_gguf.exit_code == 1);
    BOOST_TEST(not_gguf.err.find("not a GGUF file") != std::string::npos, not_gguf.err);
}

BOOST_AUTO_TEST_SUITE_END()
