// Issue #13, "Names" and the first list: a run never replaces another's file, limited and fp32 runs
// have their own names, local checkpoints are named by what they are (--name/--step, the hub cache
// path, the GGUF's metadata from `convert --name --step`, config.json), and the file says how it
// was made (provenance).
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "engine/net/digest.hpp"
#include "tests/common/shared.hpp"
#include "tests/trust/trust_env.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

std::string str(const results::Json* v) {
    if (!v) return "(absent)";
    if (auto* s = std::get_if<std::string>(&v->value)) return *s;
    return results::dump_python(*v, -1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(naming)

BOOST_AUTO_TEST_CASE(a_second_run_of_other_tasks_merges_instead_of_replacing,
                     *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_merge_tasks");
    const std::string model = test::shared_path("fixtures/tiny-neox").string();
    const std::vector<std::string> named = {"--name", "EleutherAI/pythia-70m-deduped", "--step", "3000",
                                            "--limit", "4", "--output", (scratch / "json").string()};
    auto args = test::eval_args(model, named);
    args.insert(args.end(), {"--tasks", "piqa,arc_easy"});
    auto first = test::run_cli(args, test::trust_env());
    BOOST_TEST_REQUIRE(first.exit_code == 0, first.output);
    const fs::path file = scratch / "json/pythia-70m-deduped/zero-shot/70m-deduped_step3000.limit4.json";
    BOOST_TEST_REQUIRE(fs::is_regular_file(file));
    const auto before = results::read_json_file(file);

    args = test::eval_args(model, named);
    args.insert(args.end(), {"--tasks", "piqa"});
    auto second = test::run_cli(args, test::trust_env());
    BOOST_TEST_REQUIRE(second.exit_code == 0, second.output);
    const auto after = results::read_json_file(file);
    // Both tasks are still there; the re-run task replaced itself (same numbers: same measurement).
    BOOST_TEST(str(test::at(after, {"results", "arc_easy"})) == str(test::at(before, {"results", "arc_easy"})));
    BOOST_TEST(str(test::at(after, {"results", "piqa"})) == str(test::at(before, {"results", "piqa"})));
    BOOST_TEST(test::at(after, {"provenance", "tasks", "arc_easy"}));
    BOOST_TEST(test::at(after, {"provenance", "tasks", "piqa"}));
    // The published full-data name was not written by a limited run.
    BOOST_TEST(!fs::exists(scratch / "json/pythia-70m-deduped/zero-shot/70m-deduped_step3000.json"));
}

BOOST_AUTO_TEST_CASE(local_checkpoints_are_named_by_what_they_are, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_local_names");
    const fs::path out = scratch / "json";
    const std::vector<std::string> common = {"--tasks", "piqa", "--limit", "3", "--output", out.string()};

    // Two models' "step3000" folders: named after the model folder above, never the same file.
    for (const char* m : {"pythia-160m", "pythia-410m"}) {
        test::link_fixture_folder(scratch / "ckpts" / m / "step3000");
        auto args = test::eval_args((scratch / "ckpts" / m / "step3000").string(), common);
        args.erase(std::find(args.begin(), args.end(), "--quiet"));
        auto run = test::run_cli(args, test::trust_env());
        BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
        BOOST_TEST(test::contains(run.output, "named '" + std::string(m) + "' after its path"), run.output);
    }
    BOOST_TEST(fs::is_regular_file(out / "pythia-160m/zero-shot/160m_step3000.limit3.json"));
    BOOST_TEST(fs::is_regular_file(out / "pythia-410m/zero-shot/410m_step3000.limit3.json"));

    // A hub cache snapshot: the repo id from the path, the step from the ref naming the commit.
    const std::string sha = "0123456789abcdef0123456789abcdef01234567";
    const fs::path repo = scratch / "hub/models--EleutherAI--pythia-1b";
    test::link_fixture_folder(repo / "snapshots" / sha);
    fs::create_directories(repo / "refs");
    std::ofstream(repo / "refs/step2000") << sha;
    auto hub = test::run_cli(test::eval_args((repo / "snapshots" / sha).string(), common), test::trust_env());
    BOOST_TEST_REQUIRE(hub.exit_code == 0, hub.output);
    const fs::path hub_file = out / "pythia-1b/zero-shot/1b_step2000.limit3.json";
    BOOST_TEST_REQUIRE(fs::is_regular_file(hub_file));
    const auto hub_doc = results::read_json_file(hub_file);
    BOOST_TEST(str(test::at(hub_doc, {"provenance", "model", "name_from"})) == "hub-cache");
    BOOST_TEST(str(test::at(hub_doc, {"provenance", "model", "commit"})) == sha);
    BOOST_TEST(str(test::at(hub_doc, {"config", "model_args"})) == "pretrained=EleutherAI/pythia-1b,revision=step2000");

    // A GGUF that `convert --name --step` labelled.
    const fs::path gguf = scratch / "whatever.gguf";
    auto conv = test::run_cli({"convert", test::shared_path("fixtures/tiny-neox").string(), gguf.string(), "--name",
                               "EleutherAI/pythia-2.8b", "--step", "1000"});
    BOOST_TEST_REQUIRE(conv.exit_code == 0, conv.output);
    auto from_gguf = test::run_cli(test::eval_args(gguf.string(), common), test::trust_env());
    BOOST_TEST_REQUIRE(from_gguf.exit_code == 0, from_gguf.output);
    const fs::path gguf_file = out / "pythia-2.8b/zero-shot/2.8b_step1000.limit3.json";
    BOOST_TEST_REQUIRE(fs::is_regular_file(gguf_file));
    BOOST_TEST(str(test::at(results::read_json_file(gguf_file), {"provenance", "model", "name_from"})) == "gguf-metadata");

    // config.json's _name_or_path, with --step for the step.
    const fs::path cfg_dir = scratch / "saved";
    fs::create_directories(cfg_dir);
    for (const char* f : {"tokenizer.json", "model.safetensors"})
        fs::create_symlink(test::shared_path("fixtures/tiny-neox") / f, cfg_dir / f);
    std::string config = test::slurp(test::shared_path("fixtures/tiny-neox/config.json"));
    config.insert(config.find('{') + 1, "\n  \"_name_or_path\": \"someone/my-model\",");
    std::ofstream(cfg_dir / "config.json") << config;
    auto args = test::eval_args(cfg_dir.string(), common);
    args.insert(args.end(), {"--step", "7"});
    auto from_config = test::run_cli(args, test::trust_env());
    BOOST_TEST_REQUIRE(from_config.exit_code == 0, from_config.output);
    BOOST_TEST(fs::is_regular_file(out / "someone--my-model/zero-shot/my-model_step7.limit3.json"));

    // --name for a path that says nothing; a malformed --name is one line.
    args = test::eval_args(test::shared_path("fixtures/tiny-neox").string(), common);
    args.insert(args.end(), {"--name", "../../etc"});
    auto bad = test::run_cli(args, test::trust_env());
    BOOST_TEST(bad.exit_code != 0);
    BOOST_TEST(test::n_lines(bad.output) == 1u, bad.output);
    BOOST_TEST(test::contains(bad.output, "--name"), bad.output);
}

BOOST_AUTO_TEST_CASE(provenance_says_how_the_file_was_made, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_provenance");
    const std::string model = test::shared_path("fixtures/tiny-neox").string();
    const fs::path out = scratch / "json";
    for (const char* precision : {"fp16", "fp32"}) {
        auto run = test::run_cli(test::eval_args(model, {"--name", "EleutherAI/pythia-160m", "--step", "3000", "--tasks",
                                                         "piqa,lambada_openai", "--limit", "3", "--precision",
                                                         precision, "--output", out.string()}),
                                 test::trust_env());
        BOOST_TEST_REQUIRE(run.exit_code == 0, run.output);
    }
    const fs::path fp16 = out / "pythia-160m/zero-shot/160m_step3000.limit3.json";
    const fs::path fp32 = out / "pythia-160m/zero-shot/160m_step3000.limit3.fp32.json";
    BOOST_TEST_REQUIRE(fs::is_regular_file(fp16));
    BOOST_TEST_REQUIRE(fs::is_regular_file(fp32));
    const auto a = results::read_json_file(fp16), b = results::read_json_file(fp32);
    BOOST_TEST(str(test::at(a, {"provenance", "settings", "precision"})) == "fp16");
    BOOST_TEST(str(test::at(b, {"provenance", "settings", "precision"})) == "fp32");
    // The published keys, as lm-eval wrote them.
    BOOST_TEST(str(test::at(a, {"config", "model_args"})) == "pretrained=EleutherAI/pythia-160m,revision=step3000");
    BOOST_TEST(str(test::at(a, {"config", "limit"})) == "3");
    BOOST_TEST(test::at(a, {"versions", "piqa"}));
    // Tool, model, weights, data, machine, counts, time, command line.
    BOOST_TEST(str(test::at(a, {"provenance", "pythia_eval", "version"})) == "0.1.0");
    BOOST_TEST(test::at(a, {"provenance", "pythia_eval", "git_commit"}));
    BOOST_TEST(str(test::at(a, {"provenance", "model", "step"})) == "3000");
    BOOST_TEST(str(test::at(a, {"provenance", "model", "name_from"})) == "--name");
    const auto* weights = test::at(a, {"provenance", "model", "weights"});
    BOOST_TEST_REQUIRE(weights);
    const auto& w = std::get<results::JsonArray>(weights->value);
    BOOST_TEST_REQUIRE(w.size() == 1u);
    BOOST_TEST(str(w[0].find("file")) == "model.safetensors");
    BOOST_TEST(str(w[0].find("sha256")) == net::sha256_file(model + "/model.safetensors"));
    BOOST_TEST(str(test::at(a, {"provenance", "model", "tokenizer_sha256"})) == net::sha256_file(model + "/tokenizer.json"));
    BOOST_TEST(str(test::at(a, {"provenance", "data", "piqa/valid.jsonl"})) ==
               net::sha256_file(test::shared_path("data/piqa/valid.jsonl").string()));
    BOOST_TEST(str(test::at(a, {"provenance", "settings", "backend"})) == "cpu");
    BOOST_TEST(str(test::at(a, {"provenance", "tasks", "piqa", "documents"})) == "3");
    BOOST_TEST(str(test::at(a, {"provenance", "tasks", "piqa", "requests"})) == "6");
    BOOST_TEST(str(test::at(a, {"provenance", "started_utc"})).size() == 20u);  // 2026-12-03T08:00:00Z
    BOOST_TEST(test::contains(str(test::at(a, {"provenance", "command_line"})), "\"--precision\", \"fp16\""));
    BOOST_TEST(test::at(a, {"provenance", "wall_seconds"})->is_number());
}

BOOST_AUTO_TEST_SUITE_END()
