// `data fetch` against the loopback server: the published files and zips (rebuilt with the original
// member names by make_data_mirror.py) are downloaded, extracted, verified and laid out like
// ../shared/data; reruns reuse them, cut transfers resume, wrong bytes are refused.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "engine/data/fetch.hpp"
#include "engine/error.hpp"
#include "engine/io/zip.hpp"
#include "engine/net/digest.hpp"
#include "tests/common/shared.hpp"
#include "tests/hub/hub_server.hpp"

namespace fs = std::filesystem;
using pe::data::DataDownload;

namespace {

fs::path make_mirror(const fs::path& scratch) {
    fs::path mirror = scratch / "mirror";
    std::string cmd = "python3 '" + (fs::path(PE_SOURCE_DIR) / "tests/hub/make_data_mirror.py").string() + "' '" +
                      pe::test::shared_path("data").string() + "' '" + mirror.string() + "'";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
    return mirror;
}

// The canonical downloads with every URL pointed at the loopback mirror; the rebuilt zips have their
// own sha256, the members keep the pinned ones.
std::vector<DataDownload> mirrored(const pe::test::HubServer& server, const fs::path& mirror) {
    std::vector<DataDownload> out = pe::data::canonical_downloads();
    for (auto& d : out) {
        std::string name = d.urls[0].substr(d.urls[0].rfind('/') + 1);
        d.urls = {server.url() + "/static/" + name};
        if (d.is_zip) d.sha256 = pe::net::sha256_file((mirror / name).string());
    }
    return out;
}

// The pinned sha256 of the plain file that lands at `path`.
std::string downloads_sha(const std::vector<DataDownload>& downloads, const std::string& path) {
    for (const auto& d : downloads)
        if (!d.is_zip && d.outputs[0].path == path) return d.sha256;
    return "(none)";
}

pe::data::DataFetchOptions only(std::vector<std::string> tasks) {
    pe::data::DataFetchOptions o;
    o.tasks = std::move(tasks);
    return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(data_fetch)

BOOST_AUTO_TEST_CASE(pinned_hashes_are_those_of_the_shared_data, *boost::unit_test::precondition(pe::test::needs_shared)) {
    size_t n = 0;
    for (const auto& d : pe::data::canonical_downloads()) {
        if (!d.is_zip) BOOST_TEST(d.outputs[0].sha256 == d.sha256, d.outputs[0].path);
        for (const auto& f : d.outputs) {
            BOOST_TEST(pe::net::sha256_file(pe::test::shared_path("data/" + f.path).string()) == f.sha256, f.path);
            ++n;
        }
    }
    BOOST_TEST(n == 10u);
}

BOOST_AUTO_TEST_CASE(fetch_extracts_verifies_and_reuses, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("data_fetch");
    fs::path mirror = make_mirror(scratch);
    pe::test::HubServer server(scratch, {"--root", pe::test::shared_path("fixtures/tiny-neox").string(),
                                         "--static", mirror.string()});
    auto downloads = mirrored(server, mirror);
    fs::path dir = scratch / "data";
    auto report = pe::data::fetch_data(dir, downloads);
    BOOST_TEST(report.fetched.size() == 10u);
    for (const auto& s : pe::data::check_data(dir, downloads)) BOOST_TEST(s.state == "ok", s.path);
    for (const auto& d : downloads)
        for (const auto& f : d.outputs)
            BOOST_TEST(pe::net::sha256_file((dir / f.path).string()) ==
                           pe::net::sha256_file(pe::test::shared_path("data/" + f.path).string()),
                       f.path);

    server.clear_log();
    report = pe::data::fetch_data(dir, downloads);
    BOOST_TEST(report.fetched.empty());
    BOOST_TEST(report.present.size() == 10u);
    BOOST_TEST(server.log_lines().empty());

    // A damaged file is fetched again; the archive kept under _archives is reused for members.
    { std::ofstream(dir / "sciq/test.json", std::ios::trunc) << "[]"; }
    { std::ofstream(dir / "piqa/valid.jsonl", std::ios::app) << "\n"; }
    auto status = pe::data::check_data(dir, downloads, {"sciq"});
    BOOST_TEST(status[0].state == "sha256 mismatch");
    report = pe::data::fetch_data(dir, downloads, only({"sciq", "piqa"}));
    BOOST_TEST(report.fetched.size() == 4u);  // 3 SciQ members + piqa/valid.jsonl
    BOOST_TEST(server.count("GET", "/static/SciQ.zip") == 0u);
    BOOST_TEST(server.count("GET", "/static/valid.jsonl") == 1u);
}

BOOST_AUTO_TEST_CASE(cut_download_resumes_and_bad_bytes_are_refused, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("data_fetch_resume");
    fs::path mirror = make_mirror(scratch);
    pe::test::HubServer server(scratch, {"--root", pe::test::shared_path("fixtures/tiny-neox").string(),
                                         "--static", mirror.string(), "--cut-after", "100000"});
    auto downloads = mirrored(server, mirror);
    fs::path dir = scratch / "data";
    auto report = pe::data::fetch_data(dir, downloads, only({"lambada_openai"}));
    BOOST_TEST(report.fetched.size() == 1u);
    bool resumed = false;
    for (const auto& line : server.log_lines())
        resumed |= line.find("\"range\": \"bytes=100000-\"") != std::string::npos;
    BOOST_TEST(resumed);

    // Bytes that do not match the pin: refused, nothing left behind.
    for (auto& d : downloads)
        if (d.task == "piqa") d.urls = {server.url() + "/static/lambada_test.jsonl"};
    std::string err = pe::test::error_from([&] { pe::data::fetch_data(dir, downloads, only({"piqa"})); }).message;
    BOOST_TEST(err.find("sha256") != std::string::npos, err);
    BOOST_TEST(err.find("expected 93503cc9") != std::string::npos, err);
    BOOST_TEST(!fs::exists(dir / "piqa/valid.jsonl"));
    BOOST_TEST(!fs::exists(dir / "piqa/valid.jsonl.part"));

    err = pe::test::error_from([&] { pe::data::fetch_data(dir, downloads, only({"hellaswag"})); }).message;
    BOOST_TEST(err.find("no data download for task 'hellaswag'") != std::string::npos, err);

    // Mirrors: a 404 and then wrong bytes move on to the next URL; when every URL fails, the last
    // one's error is reported and nothing is left behind.
    const std::string base = server.url() + "/static/";
    for (auto& d : downloads)
        if (d.task == "piqa")  // valid.jsonl, valid-labels.lst
            d.urls = {base + "no-such-file.jsonl", base + "lambada_test.jsonl", base + d.outputs[0].path.substr(5)};
    pe::data::fetch_data(dir, downloads, only({"piqa"}));
    BOOST_TEST(pe::net::sha256_file((dir / "piqa/valid.jsonl").string()) == downloads_sha(downloads, "piqa/valid.jsonl"));
    BOOST_TEST(fs::is_regular_file(dir / "piqa/valid-labels.lst"));
    fs::remove(dir / "piqa/valid.jsonl");
    fs::remove(dir / "piqa/valid-labels.lst");
    for (auto& d : downloads)
        if (d.task == "piqa") d.urls.pop_back();
    err = pe::test::error_from([&] { pe::data::fetch_data(dir, downloads, only({"piqa"})); }).message;
    BOOST_TEST(err.find("lambada_test.jsonl") != std::string::npos, err);  // the last URL, by name
    BOOST_TEST(err.find("sha256") != std::string::npos, err);
    BOOST_TEST(!fs::exists(dir / "piqa/valid.jsonl.part"));
}

BOOST_AUTO_TEST_CASE(zip_reader_checks_members, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("zip_reader");
    fs::path mirror = make_mirror(scratch);
    pe::io::ZipArchive zip((mirror / "SciQ.zip").string());
    BOOST_TEST(zip.entries().size() == 6u);
    std::string err = pe::test::error_from([&] { zip.read("SciQ dataset-2 3/valid.json"); }).message;
    BOOST_TEST(err.find("no such member; the archive holds: SciQ dataset-2 3/test.json") != std::string::npos, err);

    // Flip one byte of the deflated data of the first member: CRC or inflate must catch it.
    std::string bytes;
    {
        std::ifstream in(mirror / "SciQ.zip", std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    bytes[30 + zip.entries()[0].name.size() + 100] ^= 0x40;
    { std::ofstream(scratch / "bad.zip", std::ios::binary) << bytes; }
    pe::io::ZipArchive bad((scratch / "bad.zip").string());
    err = pe::test::error_from([&] { bad.read("SciQ dataset-2 3/test.json"); }).message;
    BOOST_TEST((err.find("CRC-32 mismatch") != std::string::npos || err.find("corrupt deflate") != std::string::npos), err);

    { std::ofstream(scratch / "notzip.zip", std::ios::binary) << std::string(100, 'x'); }
    err = pe::test::error_from([&] { pe::io::ZipArchive z((scratch / "notzip.zip").string()); }).message;
    BOOST_TEST(err.find("not a zip archive") != std::string::npos, err);
}

BOOST_AUTO_TEST_SUITE_END()
