// A sweep cell (sweep_cell.hpp) over cli/eval_run: paths, the network-free completeness check,
// prepare (lock, fetch, identity, convert), scoring with the sweep's shared device and
// tokenizations, and removal of what the sweep fetched.
#include "cli/sweep_cell.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "cli/model_identity.hpp"
#include "cli/model_source.hpp"
#include "cli/sweep_stop.hpp"
#include "engine/error.hpp"
#include "engine/hub/client.hpp"
#include "engine/io/atomic_file.hpp"
#include "results/json.hpp"
#include "results/layout.hpp"
#include "results/merge.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

fs::path with_suffix(const fs::path& p, const std::string& suffix) {
    fs::path out = p;
    out += suffix;
    return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

// What a hub cell's identity is before anything is downloaded: enough to name its file.
results::ModelIdentity planned_hub_identity(const ModelRef& ref) {
    results::ModelIdentity id;
    id.source = "hub";
    id.name = ref.repo_id;
    id.name_from = "hub";
    id.step = ref.step;
    id.repo_id = ref.repo_id;
    id.revision = ref.revision;
    return id;
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

std::vector<std::string> read_lines(const fs::path& p) {
    std::vector<std::string> out;
    std::ifstream in(p);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

void add_line(std::vector<std::string>& lines, const std::string& line) {
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
}

void write_lines(const fs::path& p, const std::vector<std::string>& lines) {
    io::write_file_atomically(p, join(lines, "\n") + "\n");
}

ModelSourceOptions quiet_source() {
    ModelSourceOptions o;
    o.quiet = true;
    return o;
}

}  // namespace

CellPaths cell_paths(const results::SweepModel& model, const results::SweepCell& cell, const SweepSettings& s) {
    CellPaths p;
    const fs::path out = s.eval.output;
    if (model.is_local()) {
        p.ref = parse_model_ref(model.path, std::nullopt, std::nullopt);
        p.label = model.path;
        p.result = result_file(s.eval, resolve_identity(p.ref, model.path));
    } else {
        p.ref = parse_model_ref(model.repo_id, std::to_string(*cell.step), std::nullopt);
        p.label = fmt::format("{} step {}", model.repo_id.substr(model.repo_id.find('/') + 1), *cell.step);
        p.result = result_file(s.eval, planned_hub_identity(p.ref));
    }
    const fs::path rel = p.result.lexically_relative(out);
    p.lock = out / ".sweep" / "locks" / with_suffix(rel, ".lock");
    p.owned = out / ".sweep" / "owned" / with_suffix(rel, ".files");
    p.failed = with_suffix(p.result, ".failed");
    p.checkpoint = with_suffix(p.result, "." + join(s.eval.tasks, "+") + ".checkpoint");
    return p;
}

bool cell_complete(const CellPaths& paths, const SweepSettings& s) {
    std::error_code ec;
    if (!fs::is_regular_file(paths.result, ec)) return false;
    try {
        if (!paths.ref.is_hub) return cell_done(resolve_identity(paths.ref, paths.ref.arg), s.eval);
        const results::Json doc = results::read_json_file(paths.result);
        const results::Json* prov = doc.find("provenance");
        const results::Json* model = prov ? prov->find("model") : nullptr;
        if (!model) return false;  // not ours (a published file): never taken as done
        const results::ModelIdentity recorded = results::identity_from_json(*model);
        if (recorded.repo_id != paths.ref.repo_id || recorded.revision != paths.ref.revision) return false;
        return results::holds_measurement(paths.result, planned_provenance(recorded, s.eval), s.eval.tasks);
    } catch (const Error&) {
        return false;  // unreadable: computed again (eval refuses to overwrite what it cannot read)
    }
}

PreparedCell prepare_cell(const CellPaths& paths, const SweepSettings& s) {
    PreparedCell out;
    try {
        out.lock = io::FileLock::try_acquire(paths.lock);
        if (!out.lock) {
            out.state = CellState::busy;
            return out;
        }
        if (cell_complete(paths, s)) {  // finished by another process since the sweep looked
            out.state = CellState::done;
            return out;
        }
        const ModelRef& ref = paths.ref;
        // What this sweep brings onto the disk it removes after the cell; recorded before fetching,
        // so that after a sweep killed mid-download the rerun still removes it.
        std::vector<std::string> owned = read_lines(paths.owned);
        fs::path local = ref.is_hub ? cached_snapshot(ref).value_or(fs::path()) : fs::path(ref.arg);
        if (local.empty()) {
            add_line(owned, "weights");
            write_lines(paths.owned, owned);
            local = fetch_hub_model(ref, true);
        }
        out.identity = resolve_identity(ref, local);
        std::error_code ec;
        if (out.identity.source != "gguf") {
            const std::string cached = cached_gguf_path(out.identity, quiet_source());
            if (!fs::is_regular_file(cached, ec)) {
                add_line(owned, "gguf " + cached);
                write_lines(paths.owned, owned);
            }
        }
        out.gguf = model_gguf(out.identity, quiet_source());
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

LoadedModel SweepShared::load(const PreparedCell& cell) {
    if (!device_opened_) {
        choice_ = choose_backend(settings_.backend.name, settings_.backend.options);
        device_ = open_backend_device(choice_.name, settings_.backend.options);
        device_opened_ = true;
    }
    LoadedModel m;
    m.identity = cell.identity;
    m.gguf = cell.gguf;
    m.model = std::make_unique<model::Model>(model::Model::load(m.gguf));
    const std::string key = m.identity.tokenizer_sha256.empty() ? "gguf:" + m.identity.weights_sha256
                                                                : m.identity.tokenizer_sha256;
    if (!tokenizer_ || key != tokenizer_sha256_) {
        tokenizer_ = std::make_shared<const tokenizer::Tokenizer>(tokenizer::Tokenizer::from_gguf(m.model->gguf()));
        tokenizer_sha256_ = key;
        memo_ = std::make_shared<std::unordered_map<std::string, std::vector<int32_t>>>();
    }
    m.tokenizer = tokenizer_;
    m.encode = [tok = tokenizer_, memo = memo_](std::string_view text) {
        auto it = memo->find(std::string(text));
        if (it == memo->end()) it = memo->emplace(std::string(text), tok->encode(text)).first;
        return it->second;
    };
    m.backend = make_backend(choice_.name, *m.model, settings_.backend.options, device_.get());
    m.backend_name = choice_.name;
    m.backend_why = choice_.why;
    return m;
}

CellResult score_cell(const PreparedCell& prepared, const SweepSettings& s, SweepShared& shared) {
    LoadedModel m = shared.load(prepared);
    EvalSettings eval = s.eval;
    eval.after_batch = [] {
        if (stop_requested()) throw StopRequested{};
    };
    set_scoring(true);
    try {
        CellResult r = run_eval_cell(m, eval, s.command_line);
        set_scoring(false);
        return r;
    } catch (...) {
        set_scoring(false);
        throw;
    }
}

void release_cell_files(const CellPaths& paths, const SweepSettings& s, const std::string& in_use,
                        const fs::path& heir) {
    std::error_code ec;
    if (!fs::exists(paths.owned, ec)) return;
    if (s.keep_weights) {
        fs::remove(paths.owned, ec);
        return;
    }
    for (const auto& line : read_lines(paths.owned)) {
        if (line.starts_with("gguf ")) {
            const fs::path gguf = line.substr(5);
            if (!in_use.empty() && gguf == fs::path(in_use)) {
                if (!heir.empty()) {
                    std::vector<std::string> theirs = read_lines(heir);
                    add_line(theirs, line);
                    write_lines(heir, theirs);
                }
                continue;
            }
            fs::remove(gguf, ec);
            fs::remove(cache_record_path(gguf), ec);
        } else if (line == "weights" && paths.ref.is_hub) {
            // The weight files and their blobs; config.json and tokenizer.json are small and shared
            // by every step of the repo, so they stay.
            const auto local = cached_snapshot(paths.ref);
            if (!local) continue;
            for (const auto& entry : fs::directory_iterator(*local, ec)) {
                const std::string name = entry.path().filename().string();
                if (name == "config.json" || name == "tokenizer.json") continue;
                const fs::path blob = fs::canonical(entry.path(), ec);
                if (!ec) fs::remove(blob, ec);
                fs::remove(entry.path(), ec);
            }
        }
    }
    fs::remove(paths.owned, ec);
}

}  // namespace pe::cli
