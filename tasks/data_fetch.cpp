// Data fetch (data_fetch.hpp): URLs and hashes from ../shared/data/PROVENANCE.md and
// lm-eval-tasks.md §1. ARC-Easy has no surviving copy of AllenAI's original jsonl, so the file is
// the HF `datasets` export PROVENANCE.md documents (pinned by sha256) plus AllenAI's answer key.
#include "tasks/data_fetch.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "engine/error.hpp"
#include "engine/net/digest.hpp"
#include "engine/net/http.hpp"
#include "tasks/data_fetch_zip.hpp"

namespace pe::tasks {

namespace fs = std::filesystem;

const std::vector<DataDownload>& canonical_downloads() {
    static const std::vector<DataDownload> downloads = {
        {"lambada_openai",
         {"https://openaipublic.blob.core.windows.net/gpt-2/data/lambada_test.jsonl",
          "https://storage.googleapis.com/gpt-2/data/lambada_test.jsonl",
          "https://raw.githubusercontent.com/cybertronai/bflm/5b8f6beb1e9e582650a82bbac6eedf3f3689909f/"
          "lambada_test.jsonl"},
         "4aa8d02cd17c719165fc8a7887fddd641f43fcafa4b1c806ca8abc31fabdb226",
         false,
         {{"lambada_openai/lambada_test.jsonl", "4aa8d02cd17c719165fc8a7887fddd641f43fcafa4b1c806ca8abc31fabdb226", ""}}},
        {"piqa",
         {"https://yonatanbisk.com/piqa/data/valid.jsonl",
          "https://raw.githubusercontent.com/ybisk/ybisk.github.io/21edab439af693b961be2f069e8690a88d3b4e37/"
          "piqa/data/valid.jsonl"},
         "93503cc97c679e459b065c3d13e848282e44b2a25213985bed3e5d458abef72d",
         false,
         {{"piqa/valid.jsonl", "93503cc97c679e459b065c3d13e848282e44b2a25213985bed3e5d458abef72d", ""}}},
        {"piqa",
         {"https://yonatanbisk.com/piqa/data/valid-labels.lst",
          "https://raw.githubusercontent.com/ybisk/ybisk.github.io/21edab439af693b961be2f069e8690a88d3b4e37/"
          "piqa/data/valid-labels.lst"},
         "b4192dc3a2a0363d9d60ccf79800cbbe2f32ebb17726efdde6970e0b8131bceb",
         false,
         {{"piqa/valid-labels.lst", "b4192dc3a2a0363d9d60ccf79800cbbe2f32ebb17726efdde6970e0b8131bceb", ""}}},
        {"winogrande",
         {"https://storage.googleapis.com/ai2-mosaic/public/winogrande/winogrande_1.1.zip"},
         "3619ab104d8be2977b25c90ff420cb42d491707dcc75362a1e5d22bc082b7318",
         true,
         {{"winogrande/dev.jsonl", "1aeac79cf46a3dcbe59a71ca7e5372a1490cde2b4ae2387dc56f00378104d2e8",
           "winogrande_1.1/dev.jsonl"},
          {"winogrande/dev-labels.lst", "5ae1e30f52a50b880515685dcfae7d57649cce256d375947cdd02f687de7e6ba",
           "winogrande_1.1/dev-labels.lst"}}},
        {"arc_easy",
         {"https://raw.githubusercontent.com/zhaoxlpku/HKU-DASC7606-A2/fcca017f3468a25901ad298913e976c42ad9165e/"
          "data/ARC-Easy-test.jsonl"},
         "c9757629cb775832c3c67b4aa1425e3eda01708a2b02fa229b0c3ed1bcb70fe1",
         false,
         {{"arc_easy/ARC-Easy-test.jsonl", "c9757629cb775832c3c67b4aa1425e3eda01708a2b02fa229b0c3ed1bcb70fe1", ""}}},
        {"arc_easy",
         {"https://raw.githubusercontent.com/allenai/aristo-leaderboard/60d5be31b5a7d36f29d13223ece29a8d2bfa8b5f/"
          "arc/data-easy/question-answers.jsonl"},
         "a4e5d41b44014c62a7c336123c63df1f1ac84f524643227e34878ac387542967",
         false,
         {{"arc_easy/question-answers.jsonl", "a4e5d41b44014c62a7c336123c63df1f1ac84f524643227e34878ac387542967", ""}}},
        {"sciq",
         {"https://ai2-public-datasets.s3.amazonaws.com/sciq/SciQ.zip"},
         "7f3312f6ac6b09970b32942d106a8c44ec0dad46a0369f17d635aff8e348a87c",
         true,
         {{"sciq/test.json", "7340983c427dc2ffd3dccf1adb758b6cdc9455bd22bf3db0ddf6ffcae0452006",
           "SciQ dataset-2 3/test.json"},
          {"sciq/license.txt", "6f2f301537b1f94b025af00467a9c3412bc249a40b4075a6d31b1c21ad7359e3",
           "SciQ dataset-2 3/license.txt"},
          {"sciq/readme.txt", "67c00d15da00e2ba4045930f81b051bbfab38c956dad0bb3d0c697a47efb69ec",
           "SciQ dataset-2 3/readme.txt"}}},
    };
    return downloads;
}

fs::path default_data_dir() {
    if (const char* d = std::getenv("PYTHIA_EVAL_DATA"); d && *d) return d;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "pythia-eval" / "data";
    const char* home = std::getenv("HOME");
    return fs::path(home ? home : ".") / ".cache" / "pythia-eval" / "data";
}

namespace {

bool selected(const std::vector<std::string>& tasks, const std::string& task) {
    return tasks.empty() || std::find(tasks.begin(), tasks.end(), task) != tasks.end();
}

bool verified(const fs::path& p, const std::string& sha256) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && net::sha256_file(p.string()) == sha256;
}

void write_atomically(const fs::path& dest, const std::string& bytes) {
    fs::create_directories(dest.parent_path());
    fs::path tmp = dest;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw_io(tmp.string(), "write failed");
    }
    fs::rename(tmp, dest);
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
        ZipArchive zip(archive.string());
        for (const auto& f : d.outputs) {
            std::string bytes = zip.read(f.member);
            net::Digest h(net::DigestKind::sha256);
            h.update(bytes);
            if (std::string got = h.hex(); got != f.sha256)
                throw_bad_input(archive.string(), f.member, "sha256 " + got + ", expected " + f.sha256);
            write_atomically(dir / f.path, bytes);
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
    std::set<std::string> pinned, folders;
    for (const auto& d : downloads)
        for (const auto& f : d.outputs) {
            pinned.insert(f.path);
            if (selected(tasks, d.task)) folders.insert(fs::path(f.path).parent_path().string() + "\t" + d.task);
        }
    for (const std::string& entry : folders) {
        const std::string folder = entry.substr(0, entry.find('\t')), task = entry.substr(entry.find('\t') + 1);
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

}  // namespace pe::tasks
