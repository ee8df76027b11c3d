// Sweep grid, step sets and shards (sweep_grid.hpp).
#include "results/sweep_grid.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "engine/error.hpp"
#include "engine/hub/cache.hpp"

namespace pe::results {

namespace {

constexpr long last_step = 143000;

long parse_step_number(const std::string& text, const std::string& item) {
    long v = -1;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end || v < 0)
        throw_bad_input("", "--steps",
                        "'" + item + "': expected all, published, log, a step number, or a range A:B:S");
    return v;
}

}  // namespace

std::vector<long> pythia_steps_all() {
    std::vector<long> steps = pythia_steps_log();
    for (long s = 1000; s <= last_step; s += 1000) steps.push_back(s);
    return steps;
}

std::vector<long> pythia_steps_log() {
    std::vector<long> steps = {0};
    for (long s = 1; s <= 512; s *= 2) steps.push_back(s);
    return steps;
}

// Derived from ../shared/reference/pythia-results/v1.1-evals/pythia-*/zero-shot/, where each of the
// six models has exactly these 27 files (<size>_step<N>.json), as PROVENANCE.md there describes
// ("zero-shot = 27 checkpoints (step 0,1,2,4,…,512,1000,3000,13000,…,143000)").
std::vector<long> pythia_steps_published() {
    std::vector<long> steps = pythia_steps_log();
    steps.push_back(1000);
    for (long s = 3000; s <= last_step; s += 10000) steps.push_back(s);
    return steps;
}

std::vector<long> parse_steps(const std::string& spec) {
    std::set<long> out;
    size_t start = 0;
    while (start <= spec.size()) {
        size_t comma = spec.find(',', start);
        if (comma == std::string::npos) comma = spec.size();
        const std::string item = spec.substr(start, comma - start);
        start = comma + 1;
        if (item == "all" || item == "published" || item == "log") {
            auto s = item == "all" ? pythia_steps_all() : item == "published" ? pythia_steps_published() : pythia_steps_log();
            out.insert(s.begin(), s.end());
        } else if (item.find(':') != std::string::npos) {
            const size_t c1 = item.find(':'), c2 = item.find(':', c1 + 1);
            if (c2 == std::string::npos || item.find(':', c2 + 1) != std::string::npos)
                throw_bad_input("", "--steps", "'" + item + "': a range is A:B:S (from A to B by S)");
            const long a = parse_step_number(item.substr(0, c1), item);
            const long b = parse_step_number(item.substr(c1 + 1, c2 - c1 - 1), item);
            const long s = parse_step_number(item.substr(c2 + 1), item);
            if (s == 0 || b < a) throw_bad_input("", "--steps", "'" + item + "': a range A:B:S needs A <= B and S > 0");
            if ((b - a) / s >= 1000000) throw_bad_input("", "--steps", "'" + item + "': more than a million steps");
            for (long v = a; v <= b; v += s) out.insert(v);
        } else {
            out.insert(parse_step_number(item, item));
        }
    }
    return {out.begin(), out.end()};
}

SweepModel parse_sweep_model(const std::string& item) {
    SweepModel m;
    m.arg = item;
    std::error_code ec;
    if (!item.empty() && std::filesystem::exists(item, ec)) {
        m.path = item;
        return m;
    }
    static const std::regex short_form("(?:pythia-)?((?:v1\\.1-)?[0-9]+(?:\\.[0-9]+)?[mb](?:-deduped)?)");
    std::smatch sm;
    if (std::regex_match(item, sm, short_form)) {
        m.repo_id = "EleutherAI/pythia-" + sm[1].str();
        return m;
    }
    if (hub::is_repo_id(item)) {
        m.repo_id = item;
        return m;
    }
    throw_bad_input(item, "--models",
                    "no such file or folder, not a Hugging Face repo id, and not a Pythia size like 70m or "
                    "160m-deduped");
}

std::vector<SweepModel> parse_sweep_models(const std::vector<std::string>& items) {
    std::vector<SweepModel> out;
    std::set<std::string> seen;
    for (const auto& item : items) {
        SweepModel m = parse_sweep_model(item);
        const std::string key = m.is_local() ? "path:" + std::filesystem::absolute(m.path).lexically_normal().string()
                                             : "repo:" + m.repo_id;
        if (seen.insert(key).second) out.push_back(std::move(m));
    }
    if (out.empty()) throw_bad_input("", "--models", "no model given");
    return out;
}

double model_parameters(const SweepModel& model) {
    static const std::regex size_re("pythia-(?:v1\\.1-)?([0-9]+(?:\\.[0-9]+)?)([mb])(?:-deduped)?");
    std::smatch sm;
    const std::string name = model.repo_id.substr(model.repo_id.rfind('/') + 1);
    if (model.is_local() || !std::regex_match(name, sm, size_re)) return 70e6;
    return std::strtod(sm[1].str().c_str(), nullptr) * (sm[2] == "b" ? 1e9 : 1e6);
}

std::vector<SweepCell> sweep_grid(const std::vector<SweepModel>& models, const std::vector<long>& steps,
                                  double tokens_per_cell) {
    std::vector<SweepCell> grid;
    for (size_t i = 0; i < models.size(); ++i) {
        const double cost = model_parameters(models[i]) * tokens_per_cell;
        if (models[i].is_local()) {
            grid.push_back({i, std::nullopt, cost});
            continue;
        }
        for (long s : steps) grid.push_back({i, s, cost});
    }
    return grid;
}

Shard parse_shard(const std::string& spec) {
    const size_t slash = spec.find('/');
    size_t index = 0, count = 0;
    auto num = [&](const std::string& t, size_t& v) {
        auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        return !t.empty() && ec == std::errc() && ptr == t.data() + t.size();
    };
    if (slash == std::string::npos || !num(spec.substr(0, slash), index) || !num(spec.substr(slash + 1), count) ||
        count == 0 || index >= count)
        throw_bad_input("", "--shard", "'" + spec + "': expected I/N with 0 <= I < N (e.g. 0/4)");
    return {index, count};
}

std::optional<Shard> shard_from_slurm_env() {
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (!id || !count || !*id || !*count) return std::nullopt;
    const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
    const long i = std::atol(id) - (min && *min ? std::atol(min) : 0);
    const long n = std::atol(count);
    if (i < 0 || n <= 0 || i >= n)
        throw_bad_input("", "SLURM_ARRAY_TASK_ID",
                        std::string(id) + " of " + count + " tasks: the array must be 0-(N-1) as `sweep --slurm` submits it");
    return Shard{size_t(i), size_t(n)};
}

std::vector<SweepCell> shard_cells(const std::vector<SweepCell>& grid, const Shard& shard) {
    std::vector<size_t> order(grid.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return grid[a].cost > grid[b].cost; });
    std::vector<double> load(shard.count, 0.0);
    std::vector<bool> mine(grid.size(), false);
    for (size_t i : order) {
        const size_t least = size_t(std::min_element(load.begin(), load.end()) - load.begin());
        load[least] += grid[i].cost;
        mine[i] = least == shard.index;
    }
    std::vector<SweepCell> out;
    for (size_t i = 0; i < grid.size(); ++i)
        if (mine[i]) out.push_back(grid[i]);
    return out;
}

}  // namespace pe::results
