// Hub client against the loopback hub (hub_server.py serving shared/fixtures/tiny-neox): first
// download, cache reuse, resume of a cut transfer, 404 / 401 / refused errors, offline mode.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "engine/error.hpp"
#include "engine/hub/client.hpp"
#include "engine/net/digest.hpp"
#include "tests/common/shared.hpp"
#include "tests/hub/hub_server.hpp"

namespace fs = std::filesystem;
using pe::hub::HubSettings;

namespace {

const std::string repo = "EleutherAI/tiny-neox";

fs::path fixture() { return pe::test::shared_path("fixtures/tiny-neox"); }

HubSettings settings_for(const pe::test::HubServer& server, const fs::path& cache) {
    HubSettings s;
    s.endpoint = server.url();
    s.cache_dir = cache;
    return s;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hub_client)

BOOST_AUTO_TEST_CASE(first_download_lays_out_the_cache_like_huggingface_hub, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("hub_first");
    pe::test::HubServer server(scratch, {"--root", fixture().string()});
    auto snap = pe::hub::fetch_checkpoint(settings_for(server, scratch / "hub"), repo, "step3000");

    BOOST_TEST(snap.files == (std::vector<std::string>{"config.json", "tokenizer.json", "model.safetensors"}),
               boost::test_tools::per_element());
    BOOST_TEST(snap.downloaded.size() == 3u);
    fs::path repo_dir = scratch / "hub" / "models--EleutherAI--tiny-neox";
    BOOST_TEST(snap.dir == repo_dir / "snapshots" / snap.commit);
    std::ifstream ref(repo_dir / "refs" / "step3000");
    std::string ref_commit;
    ref >> ref_commit;
    BOOST_TEST(ref_commit == snap.commit);

    for (const auto& f : snap.files) {
        fs::path link = snap.dir / f;
        BOOST_TEST_REQUIRE(fs::is_symlink(link), f << " is not a symlink");
        fs::path target = fs::read_symlink(link);
        BOOST_TEST(target.parent_path() == fs::path("../../blobs"), f << " -> " << target);
        std::string want = pe::net::sha256_file((fixture() / f).string());
        BOOST_TEST(pe::net::sha256_file(link.string()) == want, f);
    }
    // The LFS file's blob is named by its sha256, the small files' by their git blob id.
    std::string lfs = pe::net::sha256_file((fixture() / "model.safetensors").string());
    BOOST_TEST(fs::is_regular_file(repo_dir / "blobs" / lfs));
    std::string blob = pe::net::git_blob_sha1_file((fixture() / "config.json").string());
    BOOST_TEST(fs::is_regular_file(repo_dir / "blobs" / blob));
    // Only what a conversion needs was fetched.
    BOOST_TEST(server.count("GET", "/" + repo + "/resolve/") == 3u);
    BOOST_TEST(server.count("GET", "/" + repo + "/resolve/step3000") == 0u);  // files by commit, not branch
}

BOOST_AUTO_TEST_CASE(second_run_reuses_the_cache_without_downloading, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("hub_reuse");
    pe::test::HubServer server(scratch, {"--root", fixture().string()});
    auto s = settings_for(server, scratch / "hub");
    auto first = pe::hub::fetch_checkpoint(s, repo, "main");
    server.clear_log();
    auto again = pe::hub::fetch_checkpoint(s, repo, "main");
    BOOST_TEST(again.commit == first.commit);
    BOOST_TEST(again.downloaded.empty());
    BOOST_TEST(server.count("GET", "/lfs/") == 0u);
    BOOST_TEST(server.count("GET", "/" + repo + "/resolve/") == 0u);
    BOOST_TEST(server.count("GET", "/api/models/") == 1u);  // only the revision -> commit lookup

    // Another branch with the same files: new snapshot, blobs shared, nothing downloaded again.
    server.clear_log();
    auto other = pe::hub::fetch_checkpoint(s, repo, "step3000");
    BOOST_TEST(other.commit != first.commit);
    BOOST_TEST(other.downloaded.empty());
    BOOST_TEST(server.count("GET", "/lfs/") == 0u);
    BOOST_TEST(server.count("HEAD", "/" + repo + "/resolve/") == 3u);
}

BOOST_AUTO_TEST_CASE(cut_transfer_is_resumed_with_a_range_request, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("hub_resume");
    const uint64_t cut = 5'000'000;
    pe::test::HubServer server(scratch, {"--root", fixture().string(), "--cut-after", std::to_string(cut),
                                         "--cuts", "2"});
    auto s = settings_for(server, scratch / "hub");
    pe::hub::FetchOptions no_retry;
    no_retry.max_retries = 0;
    // First run: the LFS transfer is cut; the error says how to continue and the partial file stays.
    std::string err = pe::test::error_from([&] { pe::hub::fetch_checkpoint(s, repo, "main", no_retry); }).message;
    BOOST_TEST(contains(err, "run the command again to resume"), err);
    std::string lfs = pe::net::sha256_file((fixture() / "model.safetensors").string());
    fs::path incomplete = scratch / "hub" / "models--EleutherAI--tiny-neox" / "blobs" / (lfs + ".incomplete");
    BOOST_TEST_REQUIRE(fs::exists(incomplete));
    BOOST_TEST(fs::file_size(incomplete) == cut);

    // Second run, automatic retries on: cut once more, then resumed twice and verified.
    auto snap = pe::hub::fetch_checkpoint(s, repo, "main");
    BOOST_TEST(pe::net::sha256_file((snap.dir / "model.safetensors").string()) == lfs);
    BOOST_TEST(!fs::exists(incomplete));
    size_t ranged = 0;
    for (const auto& line : server.log_lines())
        if (contains(line, "/lfs/") && contains(line, "\"range\": \"bytes=" + std::to_string(cut) + "-\"")) ++ranged;
    BOOST_TEST(ranged == 1u);
    BOOST_TEST(server.count("GET", "/lfs/") == 3u);
}

BOOST_AUTO_TEST_CASE(unknown_revision_is_a_404_naming_the_revision, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("hub_404");
    pe::test::HubServer server(scratch, {"--root", fixture().string()});
    std::string err = pe::test::error_from([&] { pe::hub::fetch_checkpoint(settings_for(server, scratch / "hub"), repo, "step77"); }).message;
    BOOST_TEST(contains(err, "HTTP 404"), err);
    BOOST_TEST(contains(err, "revision 'step77' not found in EleutherAI/tiny-neox"), err);
    BOOST_TEST(contains(err, server.url() + "/api/models/"), err);
    BOOST_TEST(!fs::exists(scratch / "hub" / "models--EleutherAI--tiny-neox" / "refs"));
}

BOOST_AUTO_TEST_CASE(missing_token_is_a_401_that_mentions_hf_token, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("hub_401");
    pe::test::HubServer server(scratch, {"--root", fixture().string(), "--token", "hf_fixture"});
    auto s = settings_for(server, scratch / "hub");
    std::string err = pe::test::error_from([&] { pe::hub::fetch_checkpoint(s, repo, "main"); }).message;
    BOOST_TEST(contains(err, "HTTP 401"), err);
    BOOST_TEST(contains(err, "set HF_TOKEN"), err);
    s.token = "hf_wrong";
    err = pe::test::error_from([&] { pe::hub::fetch_checkpoint(s, repo, "main"); }).message;
    BOOST_TEST(contains(err, "the token in HF_TOKEN cannot read"), err);
    s.token = "hf_fixture";
    auto snap = pe::hub::fetch_checkpoint(s, repo, "main");
    BOOST_TEST(snap.files.size() == 3u);
}

BOOST_AUTO_TEST_CASE(no_server_fails_at_once_with_the_offline_hint, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("hub_refused");
    int port = 0;
    {
        pe::test::HubServer server(scratch, {"--root", fixture().string()});
        port = server.port();
    }  // stopped: nothing listens on that port now
    HubSettings s;
    s.endpoint = "http://127.0.0.1:" + std::to_string(port);
    s.cache_dir = scratch / "hub";
    std::string err = pe::test::error_from([&] { pe::hub::fetch_checkpoint(s, repo, "main"); }).message;
    BOOST_TEST(contains(err, "cannot connect"), err);
    BOOST_TEST(contains(err, "HF_HUB_OFFLINE=1"), err);
    BOOST_TEST(contains(err, "--model path/to/checkpoint"), err);
}

BOOST_AUTO_TEST_CASE(offline_mode_reads_the_cache_only, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("hub_offline");
    HubSettings s;
    s.cache_dir = scratch / "hub";
    s.offline = true;
    s.endpoint = "http://127.0.0.1:9";  // never contacted
    std::string err = pe::test::error_from([&] { pe::hub::fetch_checkpoint(s, repo, "step3000"); }).message;
    BOOST_TEST(contains(err, "HF_HUB_OFFLINE is set"), err);
    BOOST_TEST(contains(err, "is not in the cache"), err);

    std::string commit;
    {
        pe::test::HubServer server(scratch, {"--root", fixture().string()});
        HubSettings online = settings_for(server, s.cache_dir);
        commit = pe::hub::fetch_checkpoint(online, repo, "step3000").commit;
    }
    auto snap = pe::hub::fetch_checkpoint(s, repo, "step3000");
    BOOST_TEST(snap.commit == commit);
    BOOST_TEST(snap.files.size() == 3u);
    BOOST_TEST(pe::hub::fetch_checkpoint(s, repo, commit).dir == snap.dir);
}

BOOST_AUTO_TEST_CASE(torch_bin_checkpoint_is_fetched_when_there_is_no_safetensors, *boost::unit_test::precondition(pe::test::needs_shared)) {
    auto scratch = pe::test::scratch_dir("hub_bin");
    pe::test::HubServer server(scratch, {"--root", fixture().string(), "--hide", "model.safetensors"});
    auto snap = pe::hub::fetch_checkpoint(settings_for(server, scratch / "hub"), repo, "main");
    BOOST_TEST(snap.files.back() == "pytorch_model.bin");
    BOOST_TEST(pe::net::sha256_file((snap.dir / "pytorch_model.bin").string()) ==
               pe::net::sha256_file((fixture() / "pytorch_model.bin").string()));
}

BOOST_AUTO_TEST_CASE(repo_ids_and_needed_files_are_checked) {
    BOOST_TEST(pe::hub::is_repo_id("EleutherAI/pythia-70m-deduped"));
    BOOST_TEST(!pe::hub::is_repo_id("EleutherAI/../x"));
    BOOST_TEST(!pe::hub::is_repo_id("a/b/c"));
    BOOST_TEST(!pe::hub::is_repo_id("pythia.gguf"));
    std::string err = pe::test::error_from([] { pe::hub::needed_files("x/y", {"config.json", "tokenizer.json"}); }).message;
    BOOST_TEST(contains(err, "none of model.safetensors"), err);
    auto files = pe::hub::needed_files("x/y", {"pytorch_model.bin.index.json", "config.json", "tokenizer.json",
                                               "model.safetensors.index.json"});
    BOOST_TEST(files.back() == "model.safetensors.index.json");
}

BOOST_AUTO_TEST_SUITE_END()
