// A sweep cell (sweep_cell.hpp): paths, the completeness check, prepare (lock, fetch, convert),
// scoring with the sweep's shared device and tokenizations, and removal of what the sweep fetched.
#include "cli/sweep_cell.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/eval_checkpoint.hpp"
#include "cli/eval_model.hpp"
#include "cli/eval_progress.hpp"
#include "cli/model_source.hpp"
#include "cli/sweep_stop.hpp"
#include "engine/error.hpp"
#include "engine/hub/client.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/model/model.hpp"
#include "engine/net/digest.hpp"
#include "engine/tokenizer/gguf_keys.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "results/json.hpp"
#include "results/layout.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

fs::path with_suffix(const fs::path& p, const std::string& suffix) {
    fs::path out = p;
    out += suffix;
    return out;
}

// The same file eval's output_path picks for --model/--step and --output DIR.
fs::path result_path(const ModelRef& ref, const fs::path& output) {
    std::string name = ref.is_hub ? ref.repo_id : fs::path(ref.arg).filename().string();
    if (name.empty()) name = fs::path(ref.arg).parent_path().filename().string();
    if (auto p = pythia_name(name); p && ref.step) return results::published_path(output, p->size, p->deduped, *ref.step);
    std::string stem = fs::path(name).stem().string();
    if (ref.is_hub) {
        stem = ref.repo_id.substr(ref.repo_id.find('/') + 1);
        if (ref.revision != "main") stem += "_" + ref.revision;
    }
    return output / stem / "zero-shot" / (stem + ".json");
}

std::string sha256_of_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return "";
    net::Digest d(net::DigestKind::sha256);
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof buf);
        d.update(buf, size_t(in.gcount()));
    }
    return d.hex();
}

// A 404 for the revision: the repo has no such step (reported, not a failure of the sweep).
bool is_missing_revision(const Error& e) {
    return e.message().find("404") != std::string::npos && e.message().find("revision '") != std::string::npos;
}

// The snapshot folder of a hub cell when the cache already holds all of it (no network).
std::optional<fs::path> cached_snapshot(const ModelRef& ref) {
    hub::HubSettings offline = hub::HubSettings::from_env();
    offline.offline = true;
    try {
        return hub::fetch_checkpoint(offline, ref.repo_id, ref.revision).dir;
    } catch (const Error&) {
        return std::nullopt;
    }
}

void write_lines(const fs::path& p, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    io::write_file_atomically(p, text);
}

std::vector<std::string> read_lines(const fs::path& p) {
    std::vector<std::string> out;
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

ModelSourceOptions gguf_options(const ModelRef& ref) {
    ModelSourceOptions o;
    if (ref.is_hub) {
        o.model_id = ref.repo_id;
        o.revision = ref.revision;
    }
    o.quiet = true;
    return o;
}

}  // namespace

CellPaths cell_paths(const results::SweepModel& model, const results::SweepCell& cell, const SweepSettings& s) {
    CellPaths p;
    if (model.is_local()) {
        p.ref = parse_model_ref(model.path, std::nullopt, std::nullopt);
        p.label = model.path;
    } else {
        p.ref = parse_model_ref(model.repo_id, cell.step, std::nullopt);
        p.label = fmt::format("{} step {}", model.repo_id.substr(model.repo_id.find('/') + 1), *cell.step);
    }
    p.result = result_path(p.ref, s.output);
    const fs::path rel = p.result.lexically_relative(s.output);
    p.lock = s.output / ".sweep" / "locks" / with_suffix(rel, ".lock");
    p.owned = s.output / ".sweep" / "owned" / with_suffix(rel, ".files");
    p.failed = with_suffix(p.result, ".failed");
    p.checkpoint = with_suffix(p.result, ".checkpoint");
    return p;
}

bool cell_complete(const CellPaths& paths, const SweepSettings& s) {
    std::error_code ec;
    if (!fs::is_regular_file(paths.result, ec)) return false;
    try {
        const results::Json doc = results::read_json_file(paths.result);
        const results::Json* res = doc.find("results");
        const results::Json* config = doc.find("config");
        if (!res || !res->is_object() || !config) return false;
        for (const auto& t : s.tasks)
            if (!res->find(t)) return false;
        const results::Json* limit = config->find("limit");
        const bool same_limit = s.limit ? (limit && limit->is_number() && size_t(limit->number()) == *s.limit)
                                        : (!limit || limit->is_null());
        return same_limit;
    } catch (const Error&) {
        return false;  // unreadable: compute it again (the new file replaces it atomically)
    }
}

PreparedCell prepare_cell(const CellPaths& paths, const SweepSettings& s) {
    PreparedCell out;
    try {
        out.lock = FileLock::try_acquire(paths.lock);
        if (!out.lock) {
            out.state = CellState::busy;
            return out;
        }
        if (cell_complete(paths, s)) {  // finished by another process since the sweep looked
            out.state = CellState::done;
            return out;
        }
        std::error_code ec;
        const ModelRef& ref = paths.ref;
        // What this sweep brings onto the disk it removes after the cell: recorded before fetching,
        // so that a sweep killed mid-download still removes it after the rerun.
        std::vector<std::string> owned = read_lines(paths.owned);
        fs::path local = ref.is_hub ? cached_snapshot(ref).value_or(fs::path()) : fs::path(ref.arg);
        const bool fetch = local.empty();
        const bool convert = !fs::is_regular_file(local) &&
                             (local.empty() || !fs::is_regular_file(cached_gguf_path(local.string(), gguf_options(ref)), ec));
        if (fetch && std::find(owned.begin(), owned.end(), "weights") == owned.end()) owned.push_back("weights");
        if (convert && std::find(owned.begin(), owned.end(), "gguf") == owned.end()) owned.push_back("gguf");
        if (!owned.empty()) write_lines(paths.owned, owned);
        if (fetch) local = fetch_hub_model(ref, true);
        out.gguf = model_gguf(local, ref, true);
        fs::path tokenizer_json = local / "tokenizer.json";
        out.tokenizer_key = fs::is_regular_file(tokenizer_json, ec) ? sha256_of_file(tokenizer_json)
                                                                    : "gguf:" + fs::absolute(out.gguf).string();
        out.state = CellState::ready;
    } catch (const Error& e) {
        out.state = is_missing_revision(e) ? CellState::missing : CellState::failed;
        out.error = e.what();
    } catch (const std::exception& e) {
        out.state = CellState::failed;
        out.error = e.what();
    }
    return out;
}

vulkan::Device* SweepShared::device() {
    if (!device_opened_) {
        device_ = open_backend_device(settings_.backend, settings_.backend_options);
        device_opened_ = true;
    }
    return device_.get();
}

const std::vector<int32_t>& SweepShared::encode(const std::string& tokenizer_key, std::string_view text,
                                                const std::function<std::vector<int32_t>(std::string_view)>& encoder) {
    if (tokenizer_key != memo_key_) {
        memo_.clear();
        memo_key_ = tokenizer_key;
    }
    auto it = memo_.find(std::string(text));
    if (it == memo_.end()) it = memo_.emplace(std::string(text), encoder(text)).first;
    return it->second;
}

CellOutcome score_cell(const CellPaths& paths, const PreparedCell& prepared, const SweepSettings& s,
                       SweepShared& shared) {
    const auto start = std::chrono::steady_clock::now();
    model::Model model = model::Model::load(prepared.gguf.string());
    tokenizer::Tokenizer tok = tokenizer::Tokenizer::from_gguf(model.gguf());
    auto backend = make_backend(s.backend, model, s.backend_options, shared.device());
    const model::LogitPrecision precision =
        s.precision == "fp32" ? model::LogitPrecision::fp32 : model::LogitPrecision::fp16;

    const std::string run_key = fmt::format(
        "model={} bytes={} backend={} device={} precision={} window={}", fs::absolute(prepared.gguf).string(),
        fs::file_size(prepared.gguf), backend->name(), backend->device_name(), s.precision, model.hparams().n_ctx);
    CellOutcome outcome;
    tasks::EvalResult all;
    {
        CheckpointStore store(paths.checkpoint, run_key);
        outcome.resumed_requests = store.n_loaded();
        const int32_t eot =
            static_cast<int32_t>(model.gguf().get_integer(tokenizer::gguf_keys::eos_token_id).value_or(0));
        set_scoring(true);
        try {
            const uint64_t no_resumed_tokens = 0;
            for (const auto& task : s.tasks) {
                ProgressBar bar(task, !s.quiet, &no_resumed_tokens);
                tasks::Progress last;
                tasks::EvalOptions o;
                o.tasks = {task};
                o.limit = s.limit;
                o.precision = precision;
                o.data_dir = s.data_dir;
                o.max_length = model.hparams().n_ctx;
                o.eot_id = eot;
                o.store = &store;
                o.on_progress = [&](const tasks::Progress& p) {
                    if (stop_requested()) throw StopRequested{};
                    last = p;
                    bar.update(p);
                };
                tasks::EvalResult r = tasks::evaluate(
                    o,
                    [&](std::string_view text) {
                        return shared.encode(prepared.tokenizer_key, text,
                                             [&](std::string_view t) { return tok.encode(t); });
                    },
                    *backend);
                bar.finish(last);
                for (auto& t : r.tasks) all.tasks.push_back(std::move(t));
            }
        } catch (...) {
            set_scoring(false);
            throw;  // the store closes (and syncs) on the way out
        }
        set_scoring(false);

        results::RunConfig config;
        config.model = "pythia-eval";
        config.model_args = paths.ref.is_hub ? "pretrained=" + paths.ref.repo_id + ",revision=" + paths.ref.revision
                                             : "pretrained=" + fs::absolute(paths.ref.arg).lexically_normal().string();
        config.device = backend->name() + ":" + backend->device_name();
        config.limit = s.limit;
        results::write_results(paths.result, results::results_document(all, config));
        store.remove();
    }
    std::error_code ec;
    fs::remove(paths.failed, ec);
    outcome.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

void release_cell_files(const CellPaths& paths, const SweepSettings& s) {
    std::error_code ec;
    if (!fs::exists(paths.owned, ec)) return;
    if (s.keep_weights) {
        fs::remove(paths.owned, ec);
        return;
    }
    const std::vector<std::string> owned = read_lines(paths.owned);
    const ModelRef& ref = paths.ref;
    fs::path local = ref.is_hub ? cached_snapshot(ref).value_or(fs::path()) : fs::path(ref.arg);
    if (!local.empty() && std::find(owned.begin(), owned.end(), "gguf") != owned.end())
        fs::remove(cached_gguf_path(local.string(), gguf_options(ref)), ec);
    if (ref.is_hub && !local.empty() && std::find(owned.begin(), owned.end(), "weights") != owned.end()) {
        // The weight files and their blobs; config.json and tokenizer.json are small and shared by
        // every step of the repo, so they stay.
        for (const auto& entry : fs::directory_iterator(local, ec)) {
            const std::string name = entry.path().filename().string();
            if (name == "config.json" || name == "tokenizer.json") continue;
            const fs::path blob = fs::canonical(entry.path(), ec);
            if (!ec) fs::remove(blob, ec);
            fs::remove(entry.path(), ec);
        }
    }
    fs::remove(paths.owned, ec);
}

}  // namespace pe::cli
