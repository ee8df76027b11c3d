// pythia-eval cache list|prune: the converted-GGUF cache (cli/model_source) as a user manages it.
// list shows each entry's model, size, last use and source folders; prune removes the entries no
// source folder holds any more (deleted, or its files replaced since), or all older than --older-than
// days, or every entry with --all. An entry in use by a conversion (its lock held) is never removed.
#include <cstdio>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "engine/error.hpp"
#include "engine/io/file_lock.hpp"
#include "results/json.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

struct Entry {
    fs::path gguf;
    uint64_t bytes = 0;
    std::string name = "(no record)", last_used;
    size_t n_sources = 0, n_current = 0;  // folders it was converted from; those unchanged since
};

std::string text_at(const results::Json& j, const std::string& key) {
    const auto* v = j.find(key);
    return v && std::holds_alternative<std::string>(v->value) ? std::get<std::string>(v->value) : std::string();
}

std::vector<Entry> list_entries(const fs::path& dir) {
    std::vector<Entry> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (!e.is_regular_file() || e.path().extension() != ".gguf") continue;
        Entry entry{e.path(), e.file_size(), "(no record)", "", 0, 0};
        const fs::path record = cache_record_path(e.path());
        if (fs::is_regular_file(record, ec)) {
            const results::Json r = results::read_json_file(record);
            entry.name = text_at(r, "name");
            entry.last_used = text_at(r, "last_used_utc");
            if (const auto* s = r.find("sources"); s && std::holds_alternative<results::JsonArray>(s->value))
                for (const auto& src : std::get<results::JsonArray>(s->value)) {
                    ++entry.n_sources;
                    entry.n_current += source_fingerprint(text_at(src, "path")) == text_at(src, "fingerprint");
                }
        }
        out.push_back(std::move(entry));
    }
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.gguf < b.gguf; });
    return out;
}

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", double(bytes) / (1024.0 * 1024.0)); }

// Days since an ISO 8601 UTC time; a missing or unreadable time counts as old.
double days_since(const std::string& iso) {
    std::tm tm{};
    if (iso.empty() || !strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return 1e9;
    return std::difftime(std::time(nullptr), timegm(&tm)) / 86400.0;
}

}  // namespace

void add_cache(CLI::App& app) {
    struct Args {
        std::string dir;
        double older_than_days = -1;
        bool all = false, dry_run = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("cache", "the converted-GGUF cache: list entries, prune stale ones");
    cmd->require_subcommand(1);
    cmd->add_option("--dir", args->dir, "cache folder (default: $XDG_CACHE_HOME/pythia-eval/gguf)");

    auto* list = cmd->add_subcommand("list", "each entry: model, size, last use, source folders (current/seen)");
    list->callback([args] {
        const fs::path dir = args->dir.empty() ? default_gguf_cache_dir() : args->dir;
        const auto entries = list_entries(dir);
        uint64_t total = 0;
        std::printf("%-26s %12s  %-20s  %-8s  %s\n", "entry", "size", "last used", "sources", "model");
        for (const auto& e : entries) {
            total += e.bytes;
            std::printf("%-26s %12s  %-20s  %zu/%-6zu  %s\n", e.gguf.stem().string().c_str(), mib(e.bytes).c_str(),
                        e.last_used.empty() ? "-" : e.last_used.c_str(), e.n_current, e.n_sources, e.name.c_str());
        }
        std::printf("%zu entries, %s in %s\n", entries.size(), mib(total).c_str(), dir.string().c_str());
    });

    auto* prune = cmd->add_subcommand("prune", "remove entries no source folder holds any more (or older ones, or all)");
    prune->add_option("--older-than", args->older_than_days, "also remove entries not used for this many days")
        ->check(CLI::NonNegativeNumber);
    prune->add_flag("--all", args->all, "remove every entry");
    prune->add_flag("--dry-run", args->dry_run, "say what would be removed, remove nothing");
    prune->callback([args] {
        const fs::path dir = args->dir.empty() ? default_gguf_cache_dir() : args->dir;
        uint64_t freed = 0;
        size_t removed = 0;
        for (const auto& e : list_entries(dir)) {
            std::string why;
            if (args->all) why = "--all";
            else if (e.n_current == 0) why = e.n_sources ? "no source folder holds it any more" : "no record of its source";
            else if (args->older_than_days >= 0 && days_since(e.last_used) > args->older_than_days)
                why = "not used for more than " + fmt::format("{:g}", args->older_than_days) + " days";
            if (why.empty()) continue;
            const std::string lock_path = e.gguf.string() + ".lock";
            auto lock = io::FileLock::try_acquire(lock_path);
            if (!lock) {
                std::printf("kept %s: in use by %s\n", e.gguf.filename().string().c_str(), io::lock_holder(lock_path).c_str());
                continue;
            }
            std::printf("%s %s (%s, %s): %s\n", args->dry_run ? "would remove" : "removed",
                        e.gguf.filename().string().c_str(), e.name.c_str(), mib(e.bytes).c_str(), why.c_str());
            if (!args->dry_run) {
                std::error_code ec;
                fs::remove(e.gguf, ec);
                if (ec) throw_io(e.gguf.string(), "cannot remove: " + ec.message());
                fs::remove(cache_record_path(e.gguf), ec);
                fs::remove(lock_path, ec);
            }
            freed += e.bytes;
            ++removed;
        }
        std::printf("%s %zu entries, %s\n", args->dry_run ? "would free" : "freed", removed, mib(freed).c_str());
    });
}

}  // namespace pe::cli
