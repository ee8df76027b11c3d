// SweepWorld (sweep_world.hpp).
#include "tests/sweep/sweep_world.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <stdexcept>

#include "results/json.hpp"
#include "tests/common/shared.hpp"

namespace pe::test {

namespace fs = std::filesystem;

Env SweepWorld::env(const std::string& name) const {
    return {{"HF_ENDPOINT", hub->url()},
            {"HF_HOME", (cache(name) / "hf").string()},
            {"HF_HUB_CACHE", ""},
            {"XDG_CACHE_HOME", (cache(name) / "xdg").string()},
            {"HF_HUB_OFFLINE", ""},
            {"HF_TOKEN", ""}};
}

std::vector<std::string> SweepWorld::measure_args(const std::string& limit, const std::string& tasks) const {
    return {"--backend", "cpu", "--tasks", tasks, "--limit", limit, "--data-dir", shared_path("data").string()};
}

std::vector<std::string> SweepWorld::sweep_args(const fs::path& out) const {
    std::vector<std::string> a = {"sweep", "--models", "14m,14m-deduped", "--steps", "0,1000,2000",
                                  "--output", out.string(), "--quiet"};
    for (auto& m : measure_args()) a.push_back(m);
    return a;
}

std::vector<fs::path> SweepWorld::grid_files(const std::string& limit) const {
    std::vector<fs::path> out;
    for (const char* name : {"14m", "14m-deduped"})
        for (long s : steps)
            out.push_back(fs::path(std::string("pythia-") + name) / "zero-shot" /
                          (std::string(name) + "_step" + std::to_string(s) + ".limit" + limit + ".json"));
    return out;
}

SweepWorld& sweep_world() {
    static std::unique_ptr<SweepWorld> world;
    if (world) return *world;
    auto w = std::make_unique<SweepWorld>();
    w->root = scratch_dir("sweep_world");
    const fs::path repos = w->root / "repos";
    const auto made = run_program({"python3", (fs::path(PE_SOURCE_DIR) / "tests" / "sweep" / "make_checkpoints.py").string(),
                                   shared_path("fixtures/tiny-neox").string(), repos.string(), "pythia-14m:0",
                                   "pythia-14m-deduped:1", "--steps", "0", "1000", "2000"});
    if (made.exit_code != 0) throw std::runtime_error("make_checkpoints.py failed: " + made.output);
    std::vector<std::string> args = {"--root", shared_path("fixtures/tiny-neox").string(), "--lifetime", "1500"};
    for (const auto& repo : w->repos)
        for (long s : w->steps) {
            const std::string rev = "step" + std::to_string(s);
            args.insert(args.end(), {"--serve", repo, rev, (repos / repo.substr(repo.find('/') + 1) / rev).string()});
        }
    w->hub = std::make_unique<HubServer>(w->root, args);
    w->evals = w->root / "evals";
    for (const auto& repo : w->repos)
        for (long s : w->steps) {
            std::vector<std::string> a = {"eval", "--model", repo, "--step", std::to_string(s), "--output",
                                          w->evals.string(), "--quiet"};
            for (auto& m : w->measure_args()) a.push_back(m);
            const auto r = run_cli(a, w->env("evals"));
            if (r.exit_code != 0) throw std::runtime_error("eval " + repo + " step " + std::to_string(s) + ": " + r.output);
        }
    world = std::move(w);
    return *world;
}

namespace {

results::Json without(const results::Json& v, const std::vector<std::string>& keys) {
    if (!v.is_object()) return v;
    results::JsonObject out;
    for (const auto& [k, x] : v.object())
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) out.emplace_back(k, x);
    return out;
}

}  // namespace

std::string comparable(const fs::path& result_file) {
    const results::Json doc = results::read_json_file(result_file);
    results::JsonObject out;
    for (const auto& [k, v] : doc.object()) {
        if (k != "provenance") {
            out.emplace_back(k, v);
            continue;
        }
        results::JsonObject prov;
        const results::Json kept = without(v, {"started_utc", "wall_seconds", "command_line"});  // outlives the loop
        for (const auto& [pk, pv] : kept.object()) {
            if (pk == "model") {
                prov.emplace_back(pk, without(pv, {"path"}));
            } else if (pk == "tasks" && pv.is_object()) {
                results::JsonObject tasks;
                for (const auto& [tk, tv] : pv.object()) tasks.emplace_back(tk, without(tv, {"wall_seconds", "started_utc"}));
                prov.emplace_back(pk, tasks);
            } else {
                prov.emplace_back(pk, pv);
            }
        }
        out.emplace_back(k, prov);
    }
    return results::dump_python(out, 2);
}

fs::path checkpoint_of(const fs::path& result_file, const std::string& tasks) {
    std::string t = tasks;
    std::replace(t.begin(), t.end(), ',', '+');
    return result_file.string() + "." + t + ".checkpoint";
}

std::vector<fs::path> leftover_weights(const fs::path& cache) {
    std::vector<fs::path> out;
    std::error_code ec;
    if (!fs::exists(cache)) return out;
    for (auto it = fs::recursive_directory_iterator(cache, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const auto& p = it->path();
        // LFS blobs are named by their sha256 (64 hex digits); config.json and tokenizer.json by
        // their 40-digit git blob id, and they stay.
        if (p.extension() == ".gguf" || (p.parent_path().filename() == "blobs" && p.filename().string().size() == 64))
            out.push_back(p);
    }
    return out;
}

}  // namespace pe::test
