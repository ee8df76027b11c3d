// One eval cell (eval_run.hpp): load a model once, check the settings up front, score the tasks
// through a content-keyed checkpoint, and write or merge the result under a lock.
#include "cli/eval_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "cli/eval_checkpoint.hpp"
#include "pe_git_commit.hpp"  // generated: PE_GIT_COMMIT
#include "cli/model_identity.hpp"
#include "cli/model_source.hpp"
#include "engine/error.hpp"
#include "engine/io/file_lock.hpp"
#include "engine/tokenizer/gguf_keys.hpp"
#include "results/layout.hpp"
#include "results/merge.hpp"
#include "engine/data/fetch.hpp"
#include "engine/io/atomic_file.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

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

fs::path data_dir_of(const EvalSettings& s) { return s.data_dir.empty() ? data::default_data_dir() : s.data_dir; }

model::LogitPrecision parse_precision(const std::string& p) {
    if (p == "fp16") return model::LogitPrecision::fp16;
    if (p == "fp32") return model::LogitPrecision::fp32;
    throw_bad_input("", "--precision", "'" + p + "': expected fp16 (as the published runs) or fp32");
}

// The pinned sha256 of every data file the tasks read (the task loaders refuse any other bytes).
std::vector<std::pair<std::string, std::string>> data_hashes(const std::vector<std::string>& task_names) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& t : task_names)
        for (const auto& f : tasks::find_task(t).files) out.emplace_back(f.path, f.sha256);
    return out;
}

results::RunSettings run_settings(const EvalSettings& s, const LoadedModel* m) {
    results::RunSettings r;
    r.precision = s.precision;
    r.limit = s.limit;
    r.num_fewshot = 0;
    if (m) {
        r.backend = m->backend_name;
        r.device = m->backend->device_name();
        r.driver = m->backend->driver();
        r.features = m->backend->features();
    }
    return r;
}

fs::path with_suffix(const fs::path& file, const std::string& suffix) {
    fs::path out = file;
    out.replace_filename(file.filename().string() + suffix);
    return out;
}

std::string join(const std::vector<std::string>& xs, const std::string& sep) {
    std::string out;
    for (const auto& x : xs) out += (out.empty() ? "" : sep) + x;
    return out;
}

// A file that may not take this run's tasks: one line naming the differing fields and the way out.
void refuse_other_measurement(const fs::path& file, const std::vector<std::string>& conflicts) {
    throw_io(file.string(), "holds another measurement (differs in " + join(conflicts, ", ") +
                                "); not overwritten: pass --overwrite to replace it, or --output elsewhere");
}

}  // namespace

const std::vector<std::string>& default_task_names() {
    static const std::vector<std::string> names = {"lambada_openai", "piqa", "winogrande", "arc_easy", "sciq"};
    return names;
}

LoadedModel load_model(const ModelRef& ref, const EvalBackend& backend, bool quiet, const LoadedModel* previous) {
    LoadedModel m;
    const fs::path local = ref.is_hub ? fetch_hub_model(ref, quiet) : fs::path(ref.arg);
    if (!ref.is_hub) check_model_path(ref.arg);
    m.identity = resolve_identity(ref, local);
    ModelSourceOptions source;
    source.quiet = quiet;
    m.gguf = model_gguf(m.identity, source);
    m.model = std::make_unique<model::Model>(model::Model::load(m.gguf));
    if (previous && previous->tokenizer && !previous->identity.tokenizer_sha256.empty() &&
        previous->identity.tokenizer_sha256 == m.identity.tokenizer_sha256)
        m.tokenizer = previous->tokenizer;
    else
        m.tokenizer = std::make_shared<const tokenizer::Tokenizer>(tokenizer::Tokenizer::from_gguf(m.model->gguf()));
    const BackendChoice choice = choose_backend(backend.name, backend.options);
    m.backend = make_backend(choice.name, *m.model, backend.options);
    m.backend_name = choice.name;
    m.backend_why = choice.why;
    return m;
}

void check_measure_settings(const EvalSettings& s) {
    parse_precision(s.precision);
    if (s.tasks.empty()) throw_bad_input("", "--tasks", "no task given; expected some of " + join(default_task_names(), ","));
    std::set<std::string> seen;
    for (const auto& t : s.tasks) {
        tasks::find_task(t);  // unknown names fail before any download
        if (!seen.insert(t).second) throw_bad_input("", "--tasks", "'" + t + "' is listed twice; list each task once");
    }
    if (s.limit && *s.limit == 0)
        throw_bad_input("", "--limit", "'0': would score no document; give N >= 2, or leave --limit out to score all");
    if (s.limit && *s.limit == 1)
        throw_bad_input("", "--limit", "'1': a standard error needs at least 2 documents; give N >= 2");
}

void check_eval_settings(const EvalSettings& s) {
    check_measure_settings(s);
    const fs::path dir = data_dir_of(s);
    for (const auto& st : data::check_data(dir, data::canonical_downloads(), s.tasks)) {
        if (st.state == "missing")
            throw Error(ErrorKind::io, (dir / st.path).string(), "",
                        "missing; run `pythia-eval data fetch" +
                            (s.data_dir.empty() ? std::string() : " --data-dir " + dir.string()) +
                            "`, or pass --data-dir with a folder holding the five datasets (e.g. ../shared/data)");
    }
    if (s.limit) {
        const tasks::DataDir data(dir);
        for (const auto& t : s.tasks) {
            const size_t n = tasks::find_task(t).load(data)->n_docs();
            if (*s.limit > n)
                throw_bad_input("", "--limit", fmt::format("{}: larger than {}'s {} documents; give at most {}, or leave "
                                                           "--limit out to score every document",
                                                           *s.limit, t, n, n));
        }
    }
}

fs::path result_file(const EvalSettings& s, const results::ModelIdentity& identity) {
    if (s.output.ends_with(".json")) return s.output;
    return results::result_path(s.output, identity, run_settings(s, nullptr));
}

results::Provenance planned_provenance(const results::ModelIdentity& identity, const EvalSettings& s) {
    results::Provenance p;
    p.tool_version = PE_VERSION;
    p.git_commit = PE_GIT_COMMIT;
    p.model = identity;
    p.settings = run_settings(s, nullptr);
    p.data = data_hashes(s.tasks);
    return p;
}

bool cell_done(const results::ModelIdentity& identity, const EvalSettings& s) {
    return results::holds_measurement(result_file(s, identity), planned_provenance(identity, s), s.tasks);
}

CellResult run_eval_cell(LoadedModel& m, const EvalSettings& s, const std::vector<std::string>& command_line) {
    const auto started = std::chrono::steady_clock::now();
    CellResult cell;
    cell.file = result_file(s, m.identity);
    const model::LogitPrecision precision = parse_precision(s.precision);
    const fs::path dir = data_dir_of(s);

    results::Provenance prov = planned_provenance(m.identity, s);
    prov.settings = run_settings(s, &m);
    prov.started_utc = results::utc_now_iso8601();
    prov.command_line = command_line;

    // Refused before any work: nothing computed is lost, nothing written is destroyed.
    std::error_code ec;
    if (!s.overwrite && fs::is_regular_file(cell.file, ec)) {
        const auto conflicts = results::merge_conflicts(results::read_json_file(cell.file), prov);
        if (!conflicts.empty()) refuse_other_measurement(cell.file, conflicts);
    }

    const size_t window = m.model->hparams().n_ctx;
    CheckpointStore store(with_suffix(cell.file, "." + join(s.tasks, "+") + ".checkpoint"),
                          checkpoint_run_key(m.identity.content_key(), s.precision, window, prov.data));
    if (!s.quiet) {
        if (!store.dropped_summary().empty())
            std::fprintf(stderr, "warning: %s: %s\n", store.path().string().c_str(), store.dropped_summary().c_str());
        if (store.n_loaded())
            std::fprintf(stderr, "resuming: %zu finished requests read from %s\n", store.n_loaded(),
                         store.path().string().c_str());
        if (store.discarded_other_run())
            std::fprintf(stderr, "note: %s was written for another model, precision or data; starting over\n",
                         store.path().string().c_str());
        std::fprintf(stderr, "model %s (%s), backend %s on %s%s%s, logits %s\n", m.identity.name.c_str(),
                     m.gguf.c_str(), m.backend->name().c_str(), m.backend->device_name().c_str(),
                     m.backend_why.empty() ? "" : "; ", m.backend_why.c_str(), s.precision.c_str());
    }

    const int32_t eot =
        static_cast<int32_t>(m.model->gguf().get_integer(tokenizer::gguf_keys::eos_token_id).value_or(0));
    const auto& tok = *m.tokenizer;
    for (const auto& task : s.tasks) {
        // One task at a time, for a bar and a wall time per task; the results are the same as
        // one joint run (shuffle and bootstrap are per task, lm-eval-tasks.md §3).
        CountingStore counting(store, window);
        ProgressBar bar(task, !s.quiet, &counting.resumed_tokens);
        tasks::Progress last;
        tasks::EvalOptions o;
        o.tasks = {task};
        o.limit = s.limit;
        o.precision = precision;
        o.data_dir = dir;
        o.keep_samples = s.log_samples;
        o.max_length = window;
        o.eot_id = eot;
        o.store = &counting;
        o.on_progress = [&](const tasks::Progress& p) {
            if (s.after_batch) s.after_batch();
            last = p;
            bar.update(p);
        };
        const std::string task_started = results::utc_now_iso8601();
        const auto start = std::chrono::steady_clock::now();
        tasks::EvalResult r =
            m.encode ? tasks::evaluate(o, m.encode, *m.backend)
                     : tasks::evaluate(o, [&](std::string_view text) { return tok.encode(text); }, *m.backend);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (last.requests_total == 0) last.requests_done = last.requests_total = 0;
        bar.finish(last);
        cell.timings.push_back({task, wall});
        for (auto& t : r.tasks) {
            prov.tasks.emplace_back(t.name, results::TaskStats{t.n_docs, t.n_requests, wall, task_started,
                                                               prov.settings.backend, prov.settings.device});
            cell.result.tasks.push_back(std::move(t));
        }
        const size_t offset = cell.result.samples.size();  // documents index this run's samples
        for (auto& d : r.documents) {
            d.first_sample += offset;
            cell.result.documents.push_back(std::move(d));
        }
        for (auto& x : r.samples) cell.result.samples.push_back(std::move(x));
    }
    prov.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    results::RunConfig config;
    config.model = "pythia-eval";
    const std::string repo = !m.identity.repo_id.empty() ? m.identity.repo_id : m.identity.name;
    if (m.identity.name_from != "path" && m.identity.step)
        config.model_args = "pretrained=" + repo + ",revision=step" + std::to_string(*m.identity.step);
    else if (!m.identity.repo_id.empty() && !m.identity.revision.empty())
        config.model_args = "pretrained=" + m.identity.repo_id + ",revision=" + m.identity.revision;
    else
        config.model_args = "pretrained=" + fs::absolute(m.identity.path).lexically_normal().string();
    config.device = m.backend->name() + ":" + m.backend->device_name();
    config.limit = s.limit;
    results::Json fresh = results::results_document(cell.result, config);
    std::get<results::JsonObject>(fresh.value).emplace_back("provenance", results::provenance_json(prov));

    {
        // Read, merge and write under the folder's lock: a second process merging into the same
        // file waits, then merges into what this one wrote.
        fs::create_directories(cell.file.parent_path().empty() ? fs::path(".") : cell.file.parent_path());
        io::FileLock folder = io::FileLock::acquire(cell.file.parent_path().empty() ? fs::path(".") : cell.file.parent_path());
        results::Json doc = fresh;
        if (!s.overwrite && fs::is_regular_file(cell.file, ec)) {
            const results::Json existing = results::read_json_file(cell.file);
            const auto conflicts = results::merge_conflicts(existing, prov);
            if (!conflicts.empty()) refuse_other_measurement(cell.file, conflicts);  // the checkpoint stays
            doc = results::merge_documents(existing, fresh);
            cell.merged = true;
        }
        results::write_results(cell.file, doc);
        if (s.log_samples) {
            for (const auto& task : s.tasks) {
                fs::path samples = cell.file;
                samples.replace_extension("." + task + ".samples.jsonl");
                io::write_file_atomically(samples, results::document_samples_jsonl(cell.result, task));
                cell.samples_files.push_back(samples);
            }
        }
        if (const results::Json* p = doc.find("provenance")) cell.provenance = results::provenance_from_json(*p);
    }
    store.remove();
    return cell;
}

}  // namespace pe::cli
