// pythia-eval sweep (issue #14): eval over models × steps in one process, idempotent and
// resumable, one shard of the grid per Slurm array task, or the whole thing submitted as one array
// job with --slurm. The next checkpoint is fetched and converted on a background thread while the
// current one is scored; what a cell fetched is removed after it unless --keep-weights.
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/eval_options.hpp"
#include "cli/eval_progress.hpp"
#include "cli/sweep_cell.hpp"
#include "cli/sweep_report.hpp"
#include "cli/sweep_slurm.hpp"
#include "cli/sweep_stop.hpp"
#include "engine/data/fetch.hpp"
#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "results/json.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

struct SweepArgs {
    std::vector<std::string> models;
    std::string steps = "published";
    EvalSettings eval;     // --tasks --limit --precision --data-dir (eval_options), --output, --quiet
    EvalBackend backend;   // --backend --device --device-memory-limit --threads (eval_options)
    bool keep_weights = false;
    std::string shard;
    bool status = false;
    bool list = false;
    bool slurm = false;
    size_t shards = 1;
    size_t max_running = 0;
    std::string slurm_args;
    int slurm_warning = 300;
};

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
}

std::string model_label(const results::SweepModel& m) {
    return m.is_local() ? m.path : m.repo_id.substr(m.repo_id.find('/') + 1);
}

// The arguments that select the grid and its measurement: what every array task and `--status` need.
std::vector<std::string> grid_args(const SweepArgs& a, const std::vector<results::SweepModel>& models) {
    std::vector<std::string> m;
    for (const auto& x : models) m.push_back(x.is_local() ? fs::absolute(x.path).lexically_normal().string() : x.repo_id);
    const EvalSettings& e = a.eval;
    std::vector<std::string> out = {"--models", join(m), "--steps", a.steps, "--tasks", join(e.tasks),
                                    "--output", fs::absolute(e.output).lexically_normal().string()};
    if (!e.data_dir.empty()) out.insert(out.end(), {"--data-dir", fs::absolute(e.data_dir).lexically_normal().string()});
    if (e.limit) out.insert(out.end(), {"--limit", std::to_string(*e.limit)});
    if (e.precision != "fp16") out.insert(out.end(), {"--precision", e.precision});
    return out;
}

SweepSettings settings_of(const SweepArgs& a, const std::vector<results::SweepModel>& models) {
    SweepSettings s;
    s.eval = a.eval;
    s.backend = a.backend;
    s.keep_weights = a.keep_weights;
    s.command_line = {"pythia-eval", "sweep"};
    for (const auto& g : grid_args(a, models)) s.command_line.push_back(g);
    for (const auto& b : backend_args(a.backend)) s.command_line.push_back(b);
    return s;
}

void submit(const SweepArgs& a, const std::vector<results::SweepModel>& models, size_t grid_cells) {
    SlurmArrayJob job;
    job.sweep_args = grid_args(a, models);
    for (const auto& b : backend_args(a.backend)) job.sweep_args.push_back(b);
    if (a.keep_weights) job.sweep_args.push_back("--keep-weights");
    job.tasks = std::min(a.shards, grid_cells);
    job.max_running = a.max_running;
    job.sbatch_args = a.slurm_args;
    job.warning_seconds = a.slurm_warning;
    job.output = a.eval.output;
    const SlurmSubmission sub = submit_slurm_array(job);
    std::string status = "pythia-eval sweep --status";
    for (const auto& g : grid_args(a, models)) status += " " + shell_quote(g);
    std::printf("submitted array job %s: %zu task(s) over %zu cell(s)\nbatch script: %s\nwatch it:     %s\n"
                "              squeue -j %s\n",
                sub.job_id.c_str(), job.tasks, grid_cells, sub.script.string().c_str(), status.c_str(),
                sub.job_id.c_str());
}

// `--status`: the grid from what is on disk; runs nothing and never touches the network.
void print_status(const SweepSettings& s, const std::vector<results::SweepModel>& models,
                  const std::vector<results::SweepCell>& cells) {
    std::vector<ReportCell> report;
    SweepCounts counts;
    counts.total = cells.size();
    for (const auto& c : cells) {
        const CellPaths p = cell_paths(models[c.model], c, s);
        std::error_code ec;
        std::string mark = "left";
        if (cell_complete(p, s)) mark = "done";
        else if (fs::exists(p.lock, ec) && !io::FileLock::try_acquire(p.lock)) mark = "running";
        else if (fs::exists(p.failed, ec)) mark = "failed";
        else if (fs::exists(p.checkpoint, ec)) mark = "partial";
        counts.finished += mark == "done";
        counts.failed += mark == "failed";
        report.push_back({c.model, c.step, mark});
    }
    std::vector<std::string> names;
    for (const auto& m : models) names.push_back(model_label(m));
    std::printf("%s%zu of %zu cells done, %zu failed, %zu left\n", grid_table(names, report).c_str(), counts.finished,
                counts.total, counts.failed, counts.total - counts.finished - counts.failed);
}

void run_sweep(const SweepArgs& a) {
    const auto models = results::parse_sweep_models(a.models);
    const auto grid = results::sweep_grid(models, results::parse_steps(a.steps));
    check_measure_settings(a.eval);
    if (a.slurm) return submit(a, models, grid.size());

    results::Shard shard;
    if (!a.shard.empty()) shard = results::parse_shard(a.shard);
    else if (auto env = results::shard_from_slurm_env()) shard = *env;
    const auto cells = results::shard_cells(grid, shard);
    const SweepSettings settings = settings_of(a, models);
    if (a.status) return print_status(settings, models, cells);
    if (a.list) {
        for (const auto& c : cells)
            std::printf("%s %s\n", models[c.model].is_local() ? models[c.model].path.c_str() : models[c.model].repo_id.c_str(),
                        c.step ? std::to_string(*c.step).c_str() : "-");
        return;
    }
    check_eval_settings(settings.eval);

    install_stop_handlers();
    const auto start = std::chrono::steady_clock::now();
    std::vector<CellPaths> paths;
    std::vector<ReportCell> report;
    std::vector<size_t> todo;
    SweepCounts counts;
    counts.total = cells.size();
    for (size_t i = 0; i < cells.size(); ++i) {
        paths.push_back(cell_paths(models[cells[i].model], cells[i], settings));
        const bool done = cell_complete(paths.back(), settings);
        if (done) release_cell_files(paths.back(), settings);  // a sweep killed right after writing it
        report.push_back({cells[i].model, cells[i].step, done ? "skipped" : "left"});
        if (done) ++counts.skipped, ++counts.finished;
        else todo.push_back(i);
    }
    std::fprintf(stderr, "sweep: %zu cell(s) in %s (shard %zu/%zu of %zu), %zu already done\n", cells.size(),
                 fs::path(a.eval.output).string().c_str(), shard.index, shard.count, grid.size(), counts.skipped);

    SweepShared shared(settings);
    double cost_done = 0, cost_left = 0, compute_s = 0;
    for (size_t i : todo) cost_left += cells[i].cost;
    auto prefetch = [&](size_t k) {
        return std::async(std::launch::async, [&settings, p = paths[todo[k]]] { return prepare_cell(p, settings); });
    };
    std::future<PreparedCell> next;
    std::optional<PreparedCell> upcoming;  // the next cell, prepared before this one's files go
    if (!todo.empty()) next = prefetch(0);
    for (size_t k = 0; k < todo.size(); ++k) {
        const size_t i = todo[k];
        const CellPaths& p = paths[i];
        PreparedCell prepared = upcoming ? std::move(*upcoming) : next.get();
        upcoming.reset();
        if (k + 1 < todo.size()) next = prefetch(k + 1);  // downloads and converts while this one is scored
        std::string& mark = report[i].mark;
        std::string detail;
        double wall = 0;
        switch (prepared.state) {
        case CellState::busy: mark = "busy", detail = "another process holds it; left to that one"; break;
        case CellState::done: mark = "skipped", ++counts.skipped; break;
        case CellState::missing: mark = "missing", detail = "not in the repository: " + prepared.error; break;
        case CellState::failed: mark = "failed", detail = prepared.error; break;
        case CellState::ready:
            try {
                if (!a.eval.quiet) std::fprintf(stderr, "%s:\n", p.label.c_str());
                const auto cell_start = std::chrono::steady_clock::now();
                score_cell(prepared, settings, shared);
                wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - cell_start).count();
                mark = "done";
            } catch (const StopRequested&) {
                std::fprintf(stderr, "%s: stopped by a signal; its finished requests are in %s, a rerun resumes there\n",
                             p.label.c_str(), p.checkpoint.string().c_str());
                std::fflush(stderr);
                std::fflush(stdout);
                std::_Exit(stop_exit_code());  // the prefetch thread may be mid-download: it resumes later
            } catch (const Error& e) {
                mark = "failed", detail = e.what();
            }
            break;
        }
        std::error_code ec;
        if (mark == "done") fs::remove(p.failed, ec);
        if (mark == "failed") {
            ++counts.failed;
            try {
                io::write_file_atomically(p.failed, detail + "\n");
            } catch (const Error&) {
            }
        }
        // Two checkpoints can share a converted GGUF (content-keyed: same weights under two
        // revisions); what the next cell uses passes to it instead of being removed.
        if (k + 1 < todo.size()) upcoming = next.get();
        release_cell_files(p, settings, upcoming ? upcoming->gguf : std::string(),
                           k + 1 < todo.size() ? paths[todo[k + 1]].owned : fs::path());
        prepared.lock.reset();
        ++counts.finished;
        cost_left -= cells[i].cost;
        if (mark == "done") {
            cost_done += cells[i].cost;
            compute_s += wall;
        }
        counts.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        counts.eta_s = cost_done > 0 ? compute_s / cost_done * cost_left : -1;
        std::fprintf(stderr, "[%s] %s  %s  %s%s%s  | %s\n", mark.c_str(), p.label.c_str(), join(a.eval.tasks).c_str(),
                     mark == "done" ? format_duration(wall).c_str() : "", detail.empty() ? "" : "  ",
                     detail.c_str(), overall_line(counts).c_str());
    }
    std::vector<std::string> names;
    for (const auto& m : models) names.push_back(model_label(m));
    std::fprintf(stderr, "\n%s", grid_table(names, report).c_str());
    if (counts.failed)
        throw Error(ErrorKind::io, "", "",
                    fmt::format("{} of {} cells failed (each error is above and in <result>.failed); rerun to retry them",
                                counts.failed, counts.total));
}

}  // namespace

void add_sweep(CLI::App& app) {
    auto a = std::make_shared<SweepArgs>();
    auto* cmd = app.add_subcommand("sweep", "eval over models × training steps: idempotent, resumable, one shard "
                                            "per Slurm array task, or submitted as one array job (--slurm)");
    cmd->add_option("--models", a->models,
                    "comma-separated: 70m, 160m-deduped (EleutherAI/pythia-*), repo ids, local folders or .gguf files")
        ->delimiter(',')
        ->required();
    cmd->add_option("--steps", a->steps,
                    "all (154), published (27), log (0,1,2,...,512), A:B:S ranges, step numbers; comma-separated")
        ->capture_default_str();
    add_measure_options(*cmd, a->eval);
    cmd->add_option("--output", a->eval.output, "results folder (published layout)")->capture_default_str();
    add_backend_options(*cmd, a->backend);
    cmd->add_flag("--keep-weights", a->keep_weights, "keep each checkpoint's download and converted GGUF");
    cmd->add_flag("--quiet", a->eval.quiet, "no per-task progress bars (cell lines and the summary stay)");
    cmd->add_option("--shard", a->shard, "run only part I of N of the grid, I/N (default in a Slurm array: its task)");
    cmd->add_flag("--status", a->status, "print the grid's state from the results folder; run nothing");
    cmd->add_flag("--list", a->list, "print this shard's cells (model step), one per line; run nothing");
    cmd->add_flag("--slurm", a->slurm, "submit the sweep as one Slurm array job (sbatch) and return");
    cmd->add_option("--shards", a->shards, "--slurm: array tasks, each one shard of the grid")
        ->check(CLI::Range(size_t(1), size_t(100000)))
        ->capture_default_str();
    cmd->add_option("--max-running", a->max_running, "--slurm: array tasks running at once (default: no limit)");
    cmd->add_option("--slurm-args", a->slurm_args, "--slurm: extra sbatch options, e.g. \"--partition=gpu --gres=gpu:1\"");
    cmd->add_option("--slurm-warning", a->slurm_warning,
                    "--slurm: seconds before the time limit at which a task checkpoints and requeues itself")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    cmd->callback([a] { run_sweep(*a); });
}

}  // namespace pe::cli
