// Data fetch (fetch.hpp): URLs from ../shared/data/PROVENANCE.md and lm-eval-tasks.md §1, hashes
// from the pinned table (files.cpp).
#include "engine/data/fetch.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "engine/data/files.hpp"
#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/cache_dir.hpp"
#include "engine/io/zip.hpp"
#include "engine/net/digest.hpp"
#include "engine/net/http.hpp"

namespace pe::data {

namespace fs = std::filesystem;

namespace {

DataDownload plain(std::string task, std::vector<std::string> urls, const std::string& path) {
    const DataFile& f = pinned_file(path);
    return {std::move(task), std::move(urls), f.sha256, false, {{f.path, f.sha256, ""}}};
}

// members: (data-folder path, name inside the zip)
DataDownload zip(std::string task, std::string url, std::string sha256,
                 const std::vector<std::pair<std::string, std::string>>& members) {
    DataDownload d{std::move(task), {std::move(url)}, std::move(sha256), true, {}};
    for (const auto& [path, member] : members) d.outputs.push_back({path, pinned_file(path).sha256, member});
    return d;
}

bool selected(const std::vector<std::string>& tasks, const std::string& task) {
    return tasks.empty() || std::find(tasks.begin(), tasks.end(), task) != tasks.end();
}

bool verified(const fs::path& p, const std::string& sha256) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && net::sha256_file(p.string()) == sha256;
}

std::string file_name_of(const std::string& url) {
    auto q = url.find_first_of("?#");
    std::string u = url.substr(0, q);
    return u.substr(u.rfind('/') + 1);
}

// Mirrors exist for the plain files only; net tries each URL in turn and reports the last error.
void download_one(const DataDownload& d, const fs::path& dest, const DataFetchOptions& options) {
    net::DownloadOptions o;
    o.sha256 = d.sha256;
    o.max_retries = options.max_retries;
    o.request.offline_hint = "To run without network, copy the data files into a folder laid out as "
                             "<task>/<file> and pass --data-dir (see `pythia-eval data check`)";
    if (options.progress)
        o.progress = [&](uint64_t done, uint64_t total) { options.progress(d.task, d.urls.front(), done, total); };
    net::download_file(std::span(d.urls), dest.string(), o);
}

}  // namespace

// Where each pinned file comes from. The sha256 of a plain file's download is its pin; a zip has its own.
const std::vector<DataDownload>& canonical_downloads() {
    static const std::vector<DataDownload> downloads = {
        plain("lambada_openai",
              {"https://openaipublic.blob.core.windows.net/gpt-2/data/lambada_test.jsonl",
               "https://storage.googleapis.com/gpt-2/data/lambada_test.jsonl",
               "https://raw.githubusercontent.com/cybertronai/bflm/5b8f6beb1e9e582650a82bbac6eedf3f3689909f/"
               "lambada_test.jsonl"},
              "lambada_openai/lambada_test.jsonl"),
        plain("piqa",
              {"https://yonatanbisk.com/piqa/data/valid.jsonl",
               "https://raw.githubusercontent.com/ybisk/ybisk.github.io/21edab439af693b961be2f069e8690a88d3b4e37/"
               "piqa/data/valid.jsonl"},
              "piqa/valid.jsonl"),
        plain("piqa",
              {"https://yonatanbisk.com/piqa/data/valid-labels.lst",
               "https://raw.githubusercontent.com/ybisk/ybisk.github.io/21edab439af693b961be2f069e8690a88d3b4e37/"
               "piqa/data/valid-labels.lst"},
              "piqa/valid-labels.lst"),
        zip("winogrande", "https://storage.googleapis.com/ai2-mosaic/public/winogrande/winogrande_1.1.zip",
            "3619ab104d8be2977b25c90ff420cb42d491707dcc75362a1e5d22bc082b7318",
            {{"winogrande/dev.jsonl", "winogrande_1.1/dev.jsonl"},
             {"winogrande/dev-labels.lst", "winogrande_1.1/dev-labels.lst"}}),
        plain("arc_easy",
              {"https://raw.githubusercontent.com/zhaoxlpku/HKU-DASC7606-A2/fcca017f3468a25901ad298913e976c42ad9165e/"
               "data/ARC-Easy-test.jsonl"},
              "arc_easy/ARC-Easy-test.jsonl"),
        plain("arc_easy",
              {"https://raw.githubusercontent.com/allenai/aristo-leaderboard/60d5be31b5a7d36f29d13223ece29a8d2bfa8b5f/"
               "arc/data-easy/question-answers.jsonl"},
              "arc_easy/question-answers.jsonl"),
        zip("sciq", "https://ai2-public-datasets.s3.amazonaws.com/sciq/SciQ.zip",
            "7f3312f6ac6b09970b32942d106a8c44ec0dad46a0369f17d635aff8e348a87c",
            {{"sciq/test.json", "SciQ dataset-2 3/test.json"},
             {"sciq/license.txt", "SciQ dataset-2 3/license.txt"},
             {"sciq/readme.txt", "SciQ dataset-2 3/readme.txt"}}),
    };
    return downloads;
}

fs::path default_data_dir() {
    if (const char* d = std::getenv("PYTHIA_EVAL_DATA"); d && *d) return d;
    return io::require_pythia_cache_dir("data", "the data folder (pass --data-dir)");
}

DataFetchReport fetch_data(const fs::path& dir, const std::vector<DataDownload>& downloads,
                           const DataFetchOptions& options) {
    for (const auto& t : options.tasks) {
        bool known = std::any_of(downloads.begin(), downloads.end(), [&](const DataDownload& d) { return d.task == t; });
        if (!known) throw_bad_input("", "--tasks", "no data download for task '" + t + "'");
    }
    DataFetchReport report;
    for (const auto& d : downloads) {
        if (!selected(options.tasks, d.task)) continue;
        bool all_present = std::all_of(d.outputs.begin(), d.outputs.end(),
                                       [&](const FetchedFile& f) { return verified(dir / f.path, f.sha256); });
        if (all_present) {
            for (const auto& f : d.outputs) report.present.push_back(f.path);
            continue;
        }
        if (!d.is_zip) {
            download_one(d, dir / d.outputs[0].path, options);
            report.fetched.push_back(d.outputs[0].path);
            continue;
        }
        fs::path archive = dir / "_archives" / file_name_of(d.urls[0]);
        if (!verified(archive, d.sha256)) download_one(d, archive, options);
        io::ZipArchive zip(archive.string());
        for (const auto& f : d.outputs) {
            std::string bytes = zip.read(f.member);
            net::Digest h(net::DigestKind::sha256);
            h.update(bytes);
            if (std::string got = h.hex(); got != f.sha256)
                throw_bad_input(archive.string(), f.member, "sha256 " + got + ", expected " + f.sha256);
            io::write_file_atomically(dir / f.path, bytes);
            report.fetched.push_back(f.path);
        }
    }
    return report;
}

std::vector<DataFileStatus> check_data(const fs::path& dir, const std::vector<DataDownload>& downloads,
                                       const std::vector<std::string>& tasks) {
    std::vector<DataFileStatus> out;
    for (const auto& d : downloads) {
        if (!selected(tasks, d.task)) continue;
        for (const auto& f : d.outputs) {
            std::error_code ec;
            std::string state = !fs::is_regular_file(dir / f.path, ec) ? "missing"
                                : verified(dir / f.path, f.sha256)     ? "ok"
                                                                        : "sha256 mismatch";
            out.push_back({d.task, f.path, state});
        }
    }
    // Every other file in the tasks' folders: never read (tasks read pinned files only), but listed,
    // so that a look-alike (ARC-Easy-Test.jsonl beside ARC-Easy-test.jsonl) is seen, not assumed used.
    std::set<std::string> pinned;
    std::set<std::pair<std::string, std::string>> folders;  // (folder, task)
    for (const auto& d : downloads)
        for (const auto& f : d.outputs) {
            pinned.insert(f.path);
            if (selected(tasks, d.task)) folders.insert({fs::path(f.path).parent_path().string(), d.task});
        }
    for (const auto& [folder, task] : folders) {
        std::error_code ec;
        std::vector<std::string> others;
        for (auto it = fs::directory_iterator(dir / folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
            const std::string rel = (fs::path(folder) / it->path().filename()).generic_string();
            if (!pinned.count(rel)) others.push_back(rel);
        }
        std::sort(others.begin(), others.end());
        for (const auto& rel : others) out.push_back({task, rel, "not pinned: ignored"});
    }
    return out;
}

}  // namespace pe::data
