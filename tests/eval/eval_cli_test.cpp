// The eval command as a user meets it: a hub repo id + --step through a loopback hub (published
// layout under --output, offline rerun from the cache), and the one-line errors with their fixes.
#include <boost/test/unit_test.hpp>

#include "tests/common/shared.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/eval/eval_env.hpp"
#include "tests/hub/hub_server.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

size_t count_lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

}  // namespace

BOOST_AUTO_TEST_SUITE(eval_cli)

BOOST_AUTO_TEST_CASE(hub_repo_at_a_step_lands_in_the_published_layout, *boost::unit_test::precondition(test::needs_shared)) {
    auto scratch = test::scratch_dir("eval_cli_hub");
    test::HubServer server(scratch, {"--root", test::shared_path("fixtures/tiny-neox").string(), "--repo",
                                     "EleutherAI/pythia-70m-deduped"});
    test::Env env = test::eval_env();
    env.push_back({"HF_HOME", (scratch / "hf").string()});
    env.push_back({"HF_ENDPOINT", server.url()});
    std::vector<std::string> args = {"eval", "--model", "EleutherAI/pythia-70m-deduped", "--step", "3000",
                                     "--backend", "cpu", "--tasks", "piqa", "--limit", "5", "--data-dir",
                                     test::shared_path("data").string(), "--output", (scratch / "json").string(),
                                     "--compare-to", test::shared_path("reference/pythia-results").string()};
    auto run = test::run_cli(args, env);
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    fs::path out = scratch / "json/pythia-70m-deduped/zero-shot/70m-deduped_step3000.limit5.json";
    BOOST_TEST(fs::is_regular_file(out), run.output);
    BOOST_TEST(contains(run.output, "3 file(s) downloaded"), run.output);
    BOOST_TEST(contains(run.output, "v1.1-evals/pythia-70m-deduped/zero-shot/70m-deduped_step3000.json"), run.output);
    BOOST_TEST(contains(run.output, "piqa acc_norm"), run.output);
    BOOST_TEST(fs::is_directory(scratch / "hf/hub/models--EleutherAI--pythia-70m-deduped/snapshots"));

    // Offline, with the server gone: the cache serves the same checkpoint, no network touched.
    server.stop();
    env.push_back({"HF_HUB_OFFLINE", "1"});
    auto offline = test::run_cli(args, env);
    BOOST_TEST(offline.exit_code == 0, offline.output);
}

BOOST_AUTO_TEST_CASE(quiet_prints_nothing_even_when_converting, *boost::unit_test::precondition(test::needs_shared)) {
    auto scratch = test::scratch_dir("eval_cli_quiet");
    const test::Env env = {{"XDG_CACHE_HOME", (scratch / "cache").string()}};  // empty: the folder converts
    auto run = test::run_cli({"eval", "--model", test::shared_path("fixtures/tiny-neox").string(), "--backend", "cpu",
                              "--tasks", "arc_easy", "--limit", "3", "--data-dir", test::shared_path("data").string(),
                              "--output", (scratch / "out.json").string(), "--quiet"},
                             env);
    BOOST_TEST(run.exit_code == 0, run.output);
    BOOST_TEST(run.err.empty(), run.err);
    BOOST_TEST(fs::is_regular_file(scratch / "out.json"));
    BOOST_TEST(fs::is_directory(scratch / "cache/pythia-eval/gguf"));  // it did convert
}

BOOST_AUTO_TEST_CASE(errors_are_one_line_with_the_fix, *boost::unit_test::precondition(test::needs_shared)) {
    auto scratch = test::scratch_dir("eval_cli_errors");
    test::Env env = test::eval_env();
    env.push_back({"HF_HOME", (scratch / "hf").string()});
    env.push_back({"HF_ENDPOINT", "http://127.0.0.1:9"});  // nothing listens on the discard port
    const std::string data = test::shared_path("data").string();

    auto no_net = test::run_cli({"eval", "--model", "EleutherAI/pythia-70m-deduped", "--data-dir", data}, env);
    BOOST_TEST(no_net.exit_code == 1);
    BOOST_TEST(count_lines(no_net.output) == 1u, no_net.output);
    BOOST_TEST(contains(no_net.output, "HF_HUB_OFFLINE=1"), no_net.output);
    BOOST_TEST(contains(no_net.output, "--model path/to/checkpoint"), no_net.output);

    env.push_back({"HF_HUB_OFFLINE", "1"});
    auto offline = test::run_cli({"eval", "--model", "EleutherAI/pythia-70m-deduped", "--step", "3000", "--data-dir", data}, env);
    BOOST_TEST(offline.exit_code == 1);
    BOOST_TEST(contains(offline.output, "is not in the cache"), offline.output);

    auto no_data = test::run_cli({"eval", "--model", test::shared_path("fixtures/tiny-neox").string(), "--data-dir",
                                  (scratch / "nodata").string()}, env);
    BOOST_TEST(no_data.exit_code == 1);
    BOOST_TEST(contains(no_data.output, "run `pythia-eval data fetch --data-dir"), no_data.output);

    auto bad_model = test::run_cli({"eval", "--model", "no/such/thing.gguf", "--data-dir", data}, env);
    BOOST_TEST(bad_model.exit_code == 1);
    BOOST_TEST(contains(bad_model.output, "not a Hugging Face repo id"), bad_model.output);

    auto bad_task = test::run_cli({"eval", "--model", "x/y", "--tasks", "hellaswag", "--data-dir", data}, env);
    BOOST_TEST(bad_task.exit_code == 1);
    BOOST_TEST(contains(bad_task.output, "unknown task 'hellaswag'"), bad_task.output);
}

BOOST_AUTO_TEST_SUITE_END()
