// pythia-eval eval (issue #6): score a checkpoint (.gguf, Hugging Face folder, or hub repo id with
// --step/--revision) on the five tasks, write the result JSON in the published layout
// (pythia-results.md §2-§3), checkpoint finished requests so a rerun resumes, and optionally compare.
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/backend_select.hpp"
#include "cli/commands.hpp"
#include "cli/eval_checkpoint.hpp"
#include "cli/eval_model.hpp"
#include "cli/eval_progress.hpp"
#include "cli/hub_model.hpp"
#include "engine/data/fetch.hpp"
#include "engine/error.hpp"
#include "engine/model/model.hpp"
#include "engine/tokenizer/gguf_keys.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "results/compare.hpp"
#include "results/layout.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> default_tasks = {"lambada_openai", "piqa", "winogrande", "arc_easy", "sciq"};

struct EvalArgs {
    std::string model;
    std::optional<long> step;
    std::optional<std::string> revision;
    std::vector<std::string> tasks = default_tasks;
    std::string backend = "auto";
    std::string device;
    uint64_t device_memory_limit = 0;
    int threads = 0;
    std::optional<size_t> limit;
    bool log_samples = false;
    std::string data_dir;
    std::string output = "results/json";
    std::string compare_to;
    std::string precision = "fp16";
    bool quiet = false;
};

// Where the JSON goes: exactly --output when it ends in .json, else the published layout under it
// (<out>/pythia-70m-deduped/zero-shot/70m-deduped_step3000.json), or <out>/<name>/zero-shot/<name>.json
// for a model that is not a Pythia checkpoint at a known step.
fs::path output_path(const EvalArgs& a, const ModelRef& ref) {
    if (a.output.ends_with(".json")) return a.output;
    std::string name = ref.is_hub ? ref.repo_id : fs::path(ref.arg).filename().string();
    if (name.empty()) name = fs::path(ref.arg).parent_path().filename().string();
    if (auto p = pythia_name(name); p && ref.step) return results::published_path(a.output, p->size, p->deduped, *ref.step);
    std::string stem = fs::path(name).stem().string();
    if (ref.is_hub) {
        stem = ref.repo_id.substr(ref.repo_id.find('/') + 1);
        if (ref.revision != "main") stem += "_" + ref.revision;
    }
    return fs::path(a.output) / stem / "zero-shot" / (stem + ".json");
}

// --compare-to DIR: the published file for this model and step inside DIR (or DIR/v1.1-evals).
fs::path comparison_file(const std::string& compare_to, const ModelRef& ref) {
    if (!fs::is_directory(compare_to)) {
        if (!fs::is_regular_file(compare_to)) throw_bad_input(compare_to, "--compare-to", "no such file or folder");
        return compare_to;
    }
    auto p = pythia_name(ref.is_hub ? ref.repo_id : fs::path(ref.arg).filename().string());
    if (!p || !ref.step)
        throw_bad_input(compare_to, "--compare-to",
                        "a folder needs a Pythia model at a known step to find the file in it; pass the file itself");
    std::vector<fs::path> tried;
    for (const fs::path& base : {fs::path(compare_to), fs::path(compare_to) / "v1.1-evals"}) {
        fs::path f = results::published_path(base, p->size, p->deduped, *ref.step);
        if (fs::is_regular_file(f)) return f;
        tried.push_back(f);
    }
    throw_bad_input(compare_to, "--compare-to", "no result file for this checkpoint (looked for " +
                                                    tried[0].string() + " and " + tried[1].string() + ")");
}

// Passes through to the checkpoint and counts the model tokens of the requests it answers, so
// that tokens/s counts only work done in this run.
class CountingStore : public tasks::RequestStore {
public:
    CountingStore(tasks::RequestStore& inner, size_t max_length) : inner_(inner), max_length_(max_length) {}
    std::optional<tasks::RequestResult> find(const tasks::TokenRequest& r) override {
        auto found = inner_.find(r);
        if (found) resumed_tokens += std::min(r.ctx_ids.size() + r.cont_ids.size(), max_length_ + 1) - 1;
        return found;
    }
    void put(const tasks::TokenRequest& r, const tasks::RequestResult& v) override { inner_.put(r, v); }
    uint64_t resumed_tokens = 0;

private:
    tasks::RequestStore& inner_;
    size_t max_length_;
};

void check_data_dir(const fs::path& dir, const std::vector<std::string>& task_names, bool explicit_dir) {
    for (const auto& s : data::check_data(dir, data::canonical_downloads(), task_names)) {
        if (s.state == "missing")
            throw Error(ErrorKind::io, (dir / s.path).string(), "",
                        "missing; run `pythia-eval data fetch" +
                            (explicit_dir ? " --data-dir " + dir.string() : std::string()) +
                            "`, or pass --data-dir with a folder holding the five datasets (e.g. ../shared/data)");
    }
}

model::LogitPrecision parse_precision(const std::string& p) {
    if (p == "fp16") return model::LogitPrecision::fp16;
    if (p == "fp32") return model::LogitPrecision::fp32;
    throw_bad_input("", "--precision", "'" + p + "': expected fp16 (as the published runs) or fp32");
}

void run_eval(const EvalArgs& a) {
    ModelRef ref = parse_model_ref(a.model, a.step, a.revision);
    const model::LogitPrecision precision = parse_precision(a.precision);
    for (const auto& t : a.tasks) tasks::find_task(t);  // unknown names fail before any download
    const fs::path data_dir = a.data_dir.empty() ? data::default_data_dir() : fs::path(a.data_dir);
    check_data_dir(data_dir, a.tasks, !a.data_dir.empty());

    fs::path local = ref.is_hub ? fetch_hub_model(ref, a.quiet) : fs::path(ref.arg);
    fs::path gguf = model_gguf(local, ref, a.quiet);
    model::Model model = model::Model::load(gguf.string());
    tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(model.gguf());
    BackendOptions bopt;
    bopt.n_threads = a.threads;
    bopt.device = a.device;
    bopt.device_memory_limit_mib = a.device_memory_limit;
    const BackendChoice choice = choose_backend(a.backend, bopt);
    auto backend = make_backend(choice.name, model, bopt);

    const fs::path out = output_path(a, ref);
    fs::path checkpoint_path = out;
    checkpoint_path += ".checkpoint";
    const std::string run_key = fmt::format(
        "model={} bytes={} backend={} device={} precision={} window={}", fs::absolute(gguf).string(),
        fs::file_size(gguf), backend->name(), backend->device_name(), a.precision, model.hparams().n_ctx);
    CheckpointStore store(checkpoint_path, run_key);
    if (!a.quiet) {
        if (store.n_loaded())
            std::fprintf(stderr, "resuming: %zu finished requests read from %s\n", store.n_loaded(),
                         checkpoint_path.string().c_str());
        if (store.discarded_other_run())
            std::fprintf(stderr, "note: %s was written by another model, backend or precision; starting over\n",
                         checkpoint_path.string().c_str());
        std::fprintf(stderr, "model %s (%s), backend %s on %s%s%s, logits %s\n", model.name().c_str(),
                     gguf.string().c_str(), backend->name().c_str(), backend->device_name().c_str(),
                     choice.why.empty() ? "" : "; ", choice.why.c_str(), a.precision.c_str());
    }

    const int32_t eot = static_cast<int32_t>(model.gguf().get_integer(tokenizer::gguf_keys::eos_token_id).value_or(0));
    tasks::EvalResult all;
    std::vector<TaskTiming> timings;
    for (const auto& task : a.tasks) {
        // One task at a time, for a bar and a wall time per task; the results are the same as
        // one joint run (shuffle and bootstrap are per task, lm-eval-tasks.md §3).
        CountingStore counting(store, model.hparams().n_ctx);
        ProgressBar bar(task, !a.quiet, &counting.resumed_tokens);
        tasks::Progress last;
        tasks::EvalOptions o;
        o.tasks = {task};
        o.limit = a.limit;
        o.precision = precision;
        o.data_dir = data_dir;
        o.keep_samples = a.log_samples;
        o.max_length = model.hparams().n_ctx;
        o.eot_id = eot;
        o.store = &counting;
        o.on_progress = [&](const tasks::Progress& p) {
            last = p;
            bar.update(p);
        };
        auto start = std::chrono::steady_clock::now();
        tasks::EvalResult r = tasks::evaluate(o, [&](std::string_view text) { return tok.encode(text); }, *backend);
        double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (last.requests_total == 0) last.requests_done = last.requests_total = 0;
        bar.finish(last);
        timings.push_back({task, wall});
        for (auto& t : r.tasks) all.tasks.push_back(std::move(t));
        for (auto& s : r.samples) all.samples.push_back(std::move(s));
    }

    results::RunConfig config;
    config.model = "pythia-eval";
    config.model_args = ref.is_hub ? "pretrained=" + ref.repo_id + ",revision=" + ref.revision
                                   : "pretrained=" + fs::absolute(ref.arg).lexically_normal().string();
    config.device = backend->name() + ":" + backend->device_name();
    config.limit = a.limit;
    results::write_results(out, results::results_document(all, config));
    if (a.log_samples) {
        fs::path samples = out;
        samples.replace_extension(".samples.jsonl");
        results::write_samples(samples, all.samples);
        if (!a.quiet) std::fprintf(stderr, "samples: %s\n", samples.string().c_str());
    }
    store.remove();
    if (!a.quiet) std::fprintf(stderr, "\n%s\nresults: %s\n", summary_table(all, timings).c_str(), out.string().c_str());

    if (!a.compare_to.empty()) {
        fs::path other = comparison_file(a.compare_to, ref);
        auto rows = results::compare_results(results::read_json_file(other), results::read_json_file(out), {},
                                             other.string(), out.string());
        std::printf("A: %s\nB: %s\n%s\n", other.string().c_str(), out.string().c_str(),
                    results::format_rows(rows).c_str());
    }
}

}  // namespace

void add_eval(CLI::App& app) {
    auto args = std::make_shared<EvalArgs>();
    auto* cmd = app.add_subcommand("eval", "Evaluate a checkpoint on LAMBADA, PIQA, WinoGrande, ARC-Easy and SciQ "
                                           "as lm-evaluation-harness did; write the published result JSON");
    cmd->add_option("--model", args->model,
                    "a .gguf file, a Hugging Face checkpoint folder, or a hub repo id (EleutherAI/pythia-70m-deduped)")
        ->required();
    cmd->add_option("--step", args->step, "training step of a hub repo id (revision stepN)");
    cmd->add_option("--revision", args->revision, "hub revision (default main = step143000 for Pythia)");
    cmd->add_option("--tasks", args->tasks, "comma-separated tasks (default: all five)")->delimiter(',');
    cmd->add_option("--backend", args->backend,
                    "auto (Vulkan unless its device is a CPU renderer, then cpu), vulkan, cpu, or vulkan:portable "
                    "(no optional device features; see `pythia-eval devices`)")
        ->capture_default_str();
    cmd->add_option("--device", args->device, "Vulkan device index as `pythia-eval devices` lists it");
    cmd->add_option("--device-memory-limit", args->device_memory_limit,
                    "MiB of device memory to use at most (batches shrink to fit; default: all)")
        ->check(CLI::Range(uint64_t(1), uint64_t(1) << 30));
    cmd->add_option("--threads", args->threads, "CPU backend threads (0: all)")->capture_default_str();
    cmd->add_option("--limit", args->limit, "only the first N (shuffled) documents per task");
    cmd->add_flag("--log-samples", args->log_samples, "also write every request's result beside the JSON");
    cmd->add_option("--data-dir", args->data_dir, "dataset folder (default: the `data fetch` cache)");
    cmd->add_option("--output", args->output,
                    "results folder (published layout) or exactly this file when it ends in .json")
        ->capture_default_str();
    cmd->add_option("--compare-to", args->compare_to,
                    "after the run, compare with this result file, or the matching file in this folder");
    cmd->add_option("--precision", args->precision, "fp16 (as the published runs) or fp32 logits")
        ->capture_default_str();
    cmd->add_flag("--quiet", args->quiet, "no progress or summary on stderr");
    cmd->callback([args] { run_eval(*args); });
}

}  // namespace pe::cli
