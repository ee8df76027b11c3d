// `sweep --slurm` on a real one-node Slurm (slurm_cluster.hpp): the array job runs the small grid
// to the same files as six separate evals; `scancel --signal=USR1 --batch` on a running task makes
// it checkpoint, exit and requeue itself, and the requeued task resumes to the file an
// uninterrupted eval writes.
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/sweep/slurm_cluster.hpp"
#include "tests/sweep/sweep_world.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

// Skips without Slurm and munge installed (or without root), except under CI=true.
struct NeedsSlurm {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        if (test::slurm_available()) return true;
        if (test::in_ci()) return true;  // scripts/setup.sh installs them: fail loudly
        boost::test_tools::assertion_result r(false);
        r.message() << "slurm-wlm and munge are not installed, or not root (scripts/setup.sh installs them)";
        return r;
    }
};

// A short private folder: munge's socket path must fit in sun_path.
struct TempDir {
    fs::path path;
    TempDir() {
        char tmpl[] = "/tmp/pe-slurm-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string submitted_job(const std::string& out) {
    std::smatch m;
    static const std::regex re("submitted array job ([0-9]+)");
    return std::regex_search(out, m, re) ? m[1].str() : "";
}

std::string all_logs(const fs::path& out) {
    std::string s;
    if (fs::exists(out / "slurm" / "logs"))
        for (const auto& e : fs::directory_iterator(out / "slurm" / "logs")) s += test::slurp(e.path());
    return s;
}

test::Env with(test::Env a, const test::Env& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(slurm, *boost::unit_test::precondition(NeedsSlurm{}))

BOOST_AUTO_TEST_CASE(array_job_runs_the_grid, *boost::unit_test::precondition(test::needs_shared)) {
    auto& w = test::sweep_world();
    TempDir tmp;
    test::SlurmCluster cluster(tmp.path);
    const fs::path out = w.root / "out-slurm";
    auto args = w.sweep_args(out);
    args.insert(args.end(), {"--slurm", "--shards", "2", "--max-running", "2", "--slurm-args", "--time=00:20:00 --job-name=pe-test"});
    auto sub = test::run_cli(args, with(w.env("slurm"), cluster.env()));
    BOOST_TEST_REQUIRE(sub.exit_code == 0, sub.output);
    const std::string job = submitted_job(sub.out);
    BOOST_TEST_REQUIRE(!job.empty(), sub.out);
    BOOST_TEST(sub.out.find("pythia-eval sweep --status") != std::string::npos, sub.out);
    bool script = false;
    for (const auto& e : fs::directory_iterator(out / "slurm"))
        if (e.path().extension() == ".sbatch") {
            script = true;
            const std::string text = test::slurp(e.path());
            BOOST_TEST(text.find("#SBATCH --array=0-1%2") != std::string::npos, text);
            BOOST_TEST(text.find("#SBATCH --time=00:20:00 --job-name=pe-test") != std::string::npos, text);
        }
    BOOST_TEST(script, "no batch script beside the results");
    const auto shown = cluster.client({"scontrol", "show", "job", job + "_0"});
    BOOST_TEST(shown.out.find("JobName=pe-test") != std::string::npos, shown.output);

    BOOST_TEST_REQUIRE(cluster.wait_job_gone(job, 900), "the array job did not finish\n" << all_logs(out) << cluster.logs());
    for (const auto& f : w.grid_files()) {
        BOOST_TEST_REQUIRE(fs::exists(out / f), f << "\n" << all_logs(out));
        BOOST_TEST(test::comparable(out / f) == test::comparable(w.evals / f), f);
    }
    BOOST_TEST(test::leftover_weights(w.cache("slurm")).empty());
}

BOOST_AUTO_TEST_CASE(usr1_requeues_and_resumes, *boost::unit_test::precondition(test::needs_shared)) {
    auto& w = test::sweep_world();
    const std::string tasks = "lambada_openai,piqa,arc_easy";
    const fs::path out = w.root / "out-slurm-usr1", whole = w.root / "whole-slurm-usr1";
    std::vector<std::string> eval = {"eval", "--model", w.repos[1], "--step", "1000", "--output", whole.string(), "--quiet"};
    for (auto& m : w.measure_args("40", tasks)) eval.push_back(m);
    auto ref = test::run_cli(eval, w.env("slurm-usr1"));
    BOOST_TEST_REQUIRE(ref.exit_code == 0, ref.output);

    TempDir tmp;
    test::SlurmCluster cluster(tmp.path);
    std::vector<std::string> sweep = {"sweep", "--models", "14m-deduped", "--steps", "1000", "--output", out.string(),
                                      "--slurm", "--slurm-args", "--time=00:20:00"};
    for (auto& m : w.measure_args("40", tasks)) sweep.push_back(m);
    auto sub = test::run_cli(sweep, with(w.env("slurm-usr1"), cluster.env()));
    BOOST_TEST_REQUIRE(sub.exit_code == 0, sub.output);
    const std::string job = submitted_job(sub.out), task = job + "_0";

    const fs::path file = w.grid_files("40")[4], checkpoint = test::checkpoint_of(out / file, tasks);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (test::count_file_lines(checkpoint) <= 40 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto sig = cluster.client({"scancel", "--signal=USR1", "--batch", task});
    BOOST_TEST_REQUIRE(sig.exit_code == 0, sig.output);
    BOOST_TEST_REQUIRE(test::count_file_lines(checkpoint) > 40u, "the task never reached piqa\n" << all_logs(out) << cluster.logs());

    // Slurm holds a requeued job back for about two minutes; release it at once.
    bool requeued = false;
    for (int i = 0; i < 240 && !requeued; ++i) {
        requeued = cluster.client({"scontrol", "show", "job", task}).out.find("Restarts=1") != std::string::npos;
        if (!requeued) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    BOOST_TEST_REQUIRE(requeued, "the task did not requeue itself\n" << all_logs(out) << cluster.logs());
    BOOST_TEST(!fs::exists(out / file), "the cell finished before the signal");
    // Slurm holds a requeued task back for AuthInfo's cred_expire (15 s in the test cluster, 120 by
    // default): a launch credential stamped no later than the second of the requeue is refused as
    // revoked, so forcing an earlier start (scontrol update StartTime=now) races that rule and can lose
    // the task. Wait for the resumed run; the states seen go into any failure message, with the logs.
    std::string states;
    const auto resume_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    bool gone = false;
    while (!fs::exists(out / file) && !gone && std::chrono::steady_clock::now() < resume_deadline) {
        const auto q = cluster.client({"squeue", "-h", "-j", task, "-o", "%T %r"});
        std::string state = q.exit_code == 0 ? q.out : "squeue failed: " + q.output;
        while (!state.empty() && (state.back() == '\n' || state.back() == ' ')) state.pop_back();
        if (states.size() < 2000 && states.find(state + "\n") == std::string::npos) states += state + "\n";
        gone = q.exit_code == 0 && state.empty() && !fs::exists(out / file);
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    const std::string why = "task states seen:\n" + states + cluster.client({"scontrol", "show", "job", task}).output +
                            all_logs(out) + cluster.logs();
    BOOST_TEST_REQUIRE(fs::exists(out / file), "the requeued task never wrote its result\n" << why);
    BOOST_TEST_REQUIRE(cluster.wait_job_gone(job, 600), "the requeued task did not finish\n" << why);

    const std::string logs = all_logs(out);
    BOOST_TEST(logs.find("requeueing " + task) != std::string::npos, logs);
    BOOST_TEST(logs.find("resuming: ") != std::string::npos, logs);
    BOOST_TEST_REQUIRE(fs::exists(out / file), logs);
    BOOST_TEST(test::comparable(out / file) == test::comparable(whole / file));
}

BOOST_AUTO_TEST_SUITE_END()
