// Resumability (issue #6): an eval interrupted with SIGINT (Ctrl-C) after some requests are
// checkpointed, then rerun, writes the same bytes as an uninterrupted run, and skips the finished work.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/common/shared.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/eval/eval_env.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

std::vector<std::string> eval_args(const fs::path& out, const std::string& tasks = "lambada_openai,piqa",
                                   const std::string& limit = "300") {
    return {"eval", "--model", test::shared_path("fixtures/tiny-neox").string(), "--backend", "cpu",
            "--tasks", tasks, "--limit", limit, "--data-dir", test::shared_path("data").string(),
            "--output", out.string(), "--log-samples"};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(eval_resume)

BOOST_AUTO_TEST_CASE(interrupted_run_resumes_to_identical_output, *boost::unit_test::precondition(test::needs_shared)) {
    auto scratch = test::scratch_dir("eval_resume");
    fs::path whole = scratch / "whole.json", resumed = scratch / "resumed.json";
    auto full = test::run_cli(eval_args(whole), test::eval_env());
    BOOST_TEST_REQUIRE(full.exit_code == 0, full.output);

    // Interrupt once the checkpoint holds some finished requests but well before the end.
    fs::path checkpoint = resumed.string() + ".lambada_openai+piqa.checkpoint";  // one per task list
    pid_t pid = test::start_cli(eval_args(resumed), test::eval_env());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (test::count_file_lines(checkpoint) < 10 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    kill(pid, SIGINT);
    int code = test::wait_cli(pid);
    BOOST_TEST_REQUIRE(code == 128 + SIGINT, "the run finished before it could be interrupted (exit " << code << ")");
    BOOST_TEST_REQUIRE(!fs::exists(resumed));
    size_t done = test::count_file_lines(checkpoint) - 1;  // minus the header line
    BOOST_TEST(done >= 9u);

    // A crash can leave half a line; it is dropped, not misread.
    { std::ofstream(checkpoint, std::ios::app) << "3f2a"; }
    auto again = test::run_cli(eval_args(resumed), test::eval_env());
    BOOST_TEST_REQUIRE(again.exit_code == 0, again.output);
    BOOST_TEST(again.output.find("resuming: ") != std::string::npos, again.output);
    // Everything but the provenance (its times and command line) is the same bytes.
    const auto without_provenance = [](const fs::path& p) {
        results::JsonObject doc = results::read_json_file(p).object();
        std::erase_if(doc, [](const auto& kv) { return kv.first == "provenance"; });
        return results::dump_python(doc, 2);
    };
    BOOST_TEST(without_provenance(resumed) == without_provenance(whole));
    for (const char* task : {"lambada_openai", "piqa"})
        BOOST_TEST(test::slurp(scratch / ("resumed." + std::string(task) + ".samples.jsonl")) ==
                   test::slurp(scratch / ("whole." + std::string(task) + ".samples.jsonl")));
    BOOST_TEST(!fs::exists(checkpoint));
}

BOOST_AUTO_TEST_CASE(checkpoint_of_another_run_is_not_reused, *boost::unit_test::precondition(test::needs_shared)) {
    auto scratch = test::scratch_dir("eval_resume_other");
    fs::path out = scratch / "out.json";
    { std::ofstream(out.string() + ".piqa.checkpoint") << "pythia-eval checkpoint 2 model=/elsewhere.gguf\n"
                                                  << std::string(64, 'a') << " 0x1p+0 1\n"; }
    auto run = test::run_cli(eval_args(out, "piqa", "5"), test::eval_env());
    BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    BOOST_TEST(run.output.find("starting over") != std::string::npos, run.output);
}

BOOST_AUTO_TEST_SUITE_END()
