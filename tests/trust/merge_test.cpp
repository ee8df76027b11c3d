// Issue #13 "Never overwrite, merge when it is the same measurement" and #12 item 4: another
// measurement is refused naming what differs (unless --overwrite); a published file is never
// overwritten and survives a merge byte for byte; processes writing one folder at once lose nothing;
// a second process on the same cell is told which process holds it.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "results/layout.hpp"
#include "results/merge.hpp"
#include "tests/common/shared.hpp"
#include "tests/trust/trust_env.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

std::string tiny_model() { return test::shared_path("fixtures/tiny-neox").string(); }

const fs::path published_root() { return test::shared_path("reference/pythia-results"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(merge)

BOOST_AUTO_TEST_CASE(another_measurement_is_refused_naming_what_differs,
                     *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_refuse");
    const fs::path out = scratch / "r.json";
    auto fp16 = test::run_cli(test::eval_args(tiny_model(), {"--tasks", "piqa", "--limit", "3", "--output", out.string()}),
                              test::trust_env());
    BOOST_TEST_REQUIRE(fp16.exit_code == 0, fp16.output);
    const std::string before = test::slurp(out);

    auto fp32 = test::run_cli(test::eval_args(tiny_model(), {"--tasks", "piqa", "--limit", "3", "--precision", "fp32",
                                                        "--output", out.string()}),
                              test::trust_env());
    BOOST_TEST(fp32.exit_code != 0);
    BOOST_TEST(test::n_lines(fp32.output) == 1u, fp32.output);
    BOOST_TEST(test::contains(fp32.output, "holds another measurement (differs in precision)"), fp32.output);
    BOOST_TEST(test::contains(fp32.output, "--overwrite"), fp32.output);
    auto limit = test::run_cli(test::eval_args(tiny_model(), {"--tasks", "arc_easy", "--limit", "4", "--output", out.string()}),
                               test::trust_env());
    BOOST_TEST(test::contains(limit.output, "differs in limit"), limit.output);
    BOOST_TEST(test::slurp(out) == before);  // untouched

    auto forced = test::run_cli(test::eval_args(tiny_model(), {"--tasks", "piqa", "--limit", "3", "--precision", "fp32",
                                                          "--output", out.string(), "--overwrite"}),
                                test::trust_env());
    BOOST_TEST_REQUIRE(forced.exit_code == 0, forced.output);
    BOOST_TEST(test::contains(test::slurp(out), "\"precision\": \"fp32\""));

    // A file we did not write (published, no provenance) is never merged into or replaced silently.
    const fs::path published = scratch / "published.json";
    fs::copy_file(published_root() / "v1.1-evals/pythia-70m-deduped/zero-shot/70m-deduped_step3000.json", published);
    const std::string published_bytes = test::slurp(published);
    auto into_published = test::run_cli(
        test::eval_args(tiny_model(), {"--tasks", "piqa", "--limit", "3", "--output", published.string()}), test::trust_env());
    BOOST_TEST(into_published.exit_code != 0);
    BOOST_TEST(test::contains(into_published.output, "provenance (none in the file)"), into_published.output);
    BOOST_TEST(test::slurp(published) == published_bytes);
}

BOOST_AUTO_TEST_CASE(published_files_read_merged_and_rewritten_keep_every_byte,
                     *boost::unit_test::precondition(test::needs_shared)) {
    // (tests/results/json_test checks every published file re-written as read is the same bytes.)
    // Merged with a run's new task and provenance, every published key keeps its value and place:
    // taking the additions out again gives the published bytes.
    const fs::path file = published_root() / "v1.1-evals/pythia-160m/zero-shot/160m_step143000.json";
    const std::string bytes = test::slurp(file);
    const results::Json published = results::parse_json(bytes, file.string());
    tasks::EvalResult fresh_result;
    fresh_result.tasks.push_back({.name = "trust_new_task", .version = 0, .n_docs = 3,
                                  .metrics = {{"acc", 0.5}, {"acc_stderr", 0.25}}, .n_requests = 6});
    results::Json fresh = results::results_document(fresh_result, results::RunConfig{.model = "pythia-eval",
                                                                                     .device = "cpu:test"});
    results::Provenance prov;
    prov.tool_version = "0.1.0";
    prov.tasks.push_back({"trust_new_task", results::TaskStats{3, 6, 1.0, "", "cpu", ""}});
    std::get<results::JsonObject>(fresh.value).emplace_back("provenance", results::provenance_json(prov));
    results::Json merged = results::merge_documents(published, fresh);
    const auto dir = test::scratch_dir("trust_published_merge");
    results::write_results(dir / "merged.json", merged);
    results::JsonObject back = results::read_json_file(dir / "merged.json").object();
    BOOST_TEST(results::dump_python(*merged.find("results")->find("trust_new_task"), -1) ==
               "{\"acc\": 0.5, \"acc_stderr\": 0.25}");
    // Undo the additions: the new task in results and versions, the provenance, config.device.
    std::erase_if(back, [](const auto& kv) { return kv.first == "provenance"; });
    for (auto& [key, value] : back) {
        if (key == "results" || key == "versions")
            std::erase_if(std::get<results::JsonObject>(value.value),
                          [](const auto& kv) { return kv.first == "trust_new_task"; });
        if (key == "config")
            for (auto& [ck, cv] : std::get<results::JsonObject>(value.value))
                if (ck == "device") cv = *published.find("config")->find("device");
    }
    BOOST_TEST(results::dump_python(back, 2) == bytes);
}

BOOST_AUTO_TEST_CASE(processes_writing_one_folder_at_once_lose_nothing,
                     *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_concurrent");
    const fs::path out = scratch / "json";
    // Two tasks of one cell (one file, merged) and two other steps (files beside it), all at once.
    const std::vector<std::pair<std::string, std::string>> cells = {
        {"piqa", "3000"}, {"arc_easy", "3000"}, {"sciq", "3000"}, {"piqa", "4000"}, {"piqa", "5000"}};
    std::vector<pid_t> pids;
    for (const auto& [task, step] : cells)
        pids.push_back(test::start_cli(test::eval_args(tiny_model(), {"--name", "EleutherAI/pythia-70m", "--step", step,
                                                                 "--tasks", task, "--limit", "3", "--output",
                                                                 out.string()}),
                                       test::trust_env()));
    for (pid_t pid : pids) BOOST_TEST(test::wait_cli(pid) == 0);
    const auto doc = results::read_json_file(out / "pythia-70m/zero-shot/70m_step3000.limit3.json");
    BOOST_TEST(results::result_tasks(doc).size() == 3u);
    for (const char* task : {"piqa", "arc_easy", "sciq"}) BOOST_TEST(test::at(doc, {"results", task}), task);
    BOOST_TEST(fs::is_regular_file(out / "pythia-70m/zero-shot/70m_step4000.limit3.json"));
    BOOST_TEST(fs::is_regular_file(out / "pythia-70m/zero-shot/70m_step5000.limit3.json"));
    // No temporary or checkpoint file is left behind.
    size_t n_files = 0;
    for (const auto& e : fs::recursive_directory_iterator(out)) n_files += e.is_regular_file();
    BOOST_TEST(n_files == 3u);
}

BOOST_AUTO_TEST_CASE(a_second_eval_of_the_same_cell_names_the_first,
                     *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_same_cell");
    const fs::path out = scratch / "r.json";
    const auto args =
        test::eval_args(tiny_model(), {"--tasks", "lambada_openai", "--limit", "300", "--output", out.string()});
    const pid_t first = test::start_cli(args, test::trust_env());
    const fs::path checkpoint = out.string() + ".lambada_openai.checkpoint";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (test::n_lines(fs::exists(checkpoint) ? test::slurp(checkpoint) : "") < 3 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto second = test::run_cli(args, test::trust_env());
    kill(first, SIGINT);
    const int first_code = test::wait_cli(first);
    BOOST_TEST_REQUIRE(first_code == 128 + SIGINT, "the first run ended before the second started (exit " << first_code << ")");
    BOOST_TEST(second.exit_code != 0);
    BOOST_TEST(test::n_lines(second.output) == 1u, second.output);
    BOOST_TEST(test::contains(second.output, "another eval is writing this result right now: process " +
                                                 std::to_string(first)),
               second.output);
    BOOST_TEST(test::contains(second.output, "pythia-eval eval"), second.output);
}

BOOST_AUTO_TEST_SUITE_END()
