// Issue #12's numbered holes, one regression test each (items 3-6 and the CLI flags of 9 belong to
// #13). Every case asserts the allowed outcome only: a clean one-line error naming the input, or
// the honest result; never a crash, a hang, a runaway allocation or a file outside its folder.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "engine/convert/convert.hpp"
#include "engine/convert/hf_config.hpp"
#include "engine/convert/safetensors.hpp"
#include "engine/convert/torch_checkpoint.hpp"
#include "engine/convert/torch_pickle.hpp"
#include "engine/cpu/parallel.hpp"
#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/hub/cache.hpp"
#include "engine/hub/client.hpp"
#include "engine/model/model.hpp"
#include "tests/attack/isolated.hpp"
#include "tests/attack/small_model.hpp"
#include "tests/common/cli_run.hpp"
#include "tests/common/shared.hpp"
#include "tests/convert/crafted.hpp"
#include "tests/hub/hub_server.hpp"

namespace fs = std::filesystem;
using namespace pe::test;

namespace {

const std::string repo = "EleutherAI/tiny-neox";
const CliLimits cli_limits{60, 0};

fs::path fixture() { return shared_path("fixtures/tiny-neox"); }

// Every regular file or link under `root` whose name contains `needle` (for "escaped" writes).
std::vector<std::string> files_named(const fs::path& root, const std::string& needle) {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().filename().string().find(needle) != std::string::npos) out.push_back(it->path().string());
    return out;
}

pe::hub::HubSettings settings_for(const std::string& endpoint, const fs::path& cache) {
    pe::hub::HubSettings s;
    s.endpoint = endpoint;
    s.cache_dir = cache;
    return s;
}

// fetch_checkpoint against a hub lying in `mode`: must end in a clean error within the timeout,
// with nothing written outside the cache and no snapshot file that is not the fixture's bytes.
Outcome fetch_from_hostile_hub(const std::string& mode, const fs::path& scratch) {
    HubServer server(scratch, {"--root", fixture().string(), "--hostile", mode});
    const auto s = settings_for(server.url(), scratch / "hub");
    return run_isolated([&] { pe::hub::fetch_checkpoint(s, repo, "main"); }, {30, uint64_t(2) << 30});
}

SmallModel model_with(const std::function<void(SmallModel&)>& set) {
    SmallModel m;
    set(m);
    return m;
}

std::string small_model(const fs::path& dir, const SmallModel& m = {}, const std::string& name = "small.gguf") {
    const std::string path = (dir / name).string();
    write_small_model(path, m);
    return path;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(item1_paths_stay_inside_the_cache)

BOOST_AUTO_TEST_CASE(revisions_that_are_no_ref_name_are_refused) {
    for (const std::string& bad : std::vector<std::string>{"../../x", "..", "/etc/passwd", "a/../b", "main\n",
                                                           std::string("a\0b", 3), ".hidden", "x.lock", "a//b", "",
                                                           "refs/", "a\\b", std::string(300, 'a')})
        BOOST_TEST(!pe::hub::is_revision(bad), "accepted '" << bad << "'");
    for (const std::string good : {"main", "step3000", "refs/pr/1", "v1.0", "a2c0b7f2b5c6d9e8f1a2b3c4d5e6f7a8b9c0d1e2"})
        BOOST_TEST(pe::hub::is_revision(good), "refused '" << good << "'");
}

BOOST_AUTO_TEST_CASE(revision_traversal_fails_before_any_path_is_built) {
    const auto scratch = scratch_dir("attack_revision");
    const auto s = settings_for("http://127.0.0.1:9", scratch / "cache" / "hub");  // nothing listens: not reached
    for (const std::string bad : {"../../x", "../../../outside", "/tmp/x"}) {
        const Outcome o = run_isolated([&] { pe::hub::fetch_checkpoint(s, repo, bad); });
        BOOST_TEST(clean_error(o, "revision"), bad << ": " << describe(o));
        BOOST_TEST(o.message.find("not a branch, tag or commit") != std::string::npos, o.message);
    }
    const pe::hub::RepoCache cache(scratch / "cache" / "hub", repo);
    const Outcome w = run_isolated([&] { cache.write_ref("../../../x", std::string(40, 'a')); });
    BOOST_TEST(clean_error(w, "revision"), describe(w));
    BOOST_TEST(files_named(scratch, "x").empty());
    BOOST_TEST(!fs::exists(scratch / "cache"), "a folder was created for a refused revision");
}

BOOST_AUTO_TEST_CASE(eval_refuses_a_revision_that_climbs_out, *boost::unit_test::precondition(needs_shared)) {
    const auto scratch = scratch_dir("attack_revision_cli");
    const auto r = run_cli({"eval", "--model", repo, "--revision", "../../../escaped", "--backend", "cpu", "--output",
                            (scratch / "out").string()},
                           {{"HF_HOME", (scratch / "hf").string()}, {"HF_ENDPOINT", "http://127.0.0.1:9"}}, {}, cli_limits);
    BOOST_TEST(clean_cli_error(r, "--revision"), describe(r));
    BOOST_TEST(files_named(scratch, "escaped").empty());
}

BOOST_AUTO_TEST_CASE(hub_names_that_climb_out_are_refused, *boost::unit_test::precondition(needs_shared)) {
    for (const std::string mode : {"etag-traversal", "commit-traversal", "index-traversal"}) {
        const auto scratch = scratch_dir("attack_hub_" + mode);
        const Outcome o = fetch_from_hostile_hub(mode, scratch);
        BOOST_TEST((clean_error(o, "http://127.0.0.1:") || clean_error(o, "model.safetensors.index.json")),
                   mode << ": " << describe(o));
        BOOST_TEST(files_named(scratch, "escaped").empty(), mode << " wrote " << files_named(scratch, "escaped").front());
    }
    for (const std::string bad : {"../x", "a/../../b", "/abs", "", "a//b", "x\n"})
        BOOST_TEST(!pe::hub::is_repo_file_name(bad), "accepted '" << bad << "'");
    BOOST_TEST(pe::hub::is_repo_file_name("sub/model-00001-of-00002.safetensors"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item8_every_download_is_verified, *boost::unit_test::precondition(needs_shared))

BOOST_AUTO_TEST_CASE(an_etag_that_is_no_digest_is_refused) {
    const auto scratch = scratch_dir("attack_etag_nonhex");
    const Outcome o = fetch_from_hostile_hub("etag-nonhex", scratch);
    BOOST_TEST(clean_error(o, "/resolve/"), describe(o));
    BOOST_TEST(o.message.find("could not be verified") != std::string::npos, o.message);
    BOOST_TEST(files_named(scratch / "hub", "not-a-digest").empty());
}

BOOST_AUTO_TEST_CASE(small_files_are_checked_by_git_blob_sha1_and_lfs_files_by_sha256) {
    const auto scratch = scratch_dir("attack_tampered");
    const Outcome small = fetch_from_hostile_hub("tampered", scratch);
    BOOST_TEST(clean_error(small, "config.json"), describe(small));
    BOOST_TEST(small.message.find("git blob sha1") != std::string::npos, small.message);
    const auto scratch2 = scratch_dir("attack_tampered_lfs");
    const Outcome lfs = fetch_from_hostile_hub("tampered-lfs", scratch2);
    BOOST_TEST(clean_error(lfs, "model.safetensors"), describe(lfs));
    BOOST_TEST(lfs.message.find("sha256") != std::string::npos, lfs.message);
    BOOST_TEST(files_named(scratch2 / "hub", "model.safetensors").empty(), "an unverified file was linked");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item2_small_inputs_cannot_exhaust_memory)

BOOST_AUTO_TEST_CASE(config_with_a_million_layers, *boost::unit_test::precondition(needs_shared)) {
    const auto scratch = scratch_dir("attack_layers");
    std::string config = read_file(fixture() / "config.json");
    const size_t at = config.find("\"num_hidden_layers\"");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    const size_t end = config.find_first_of(",}", at);
    config.replace(at, end - at, "\"num_hidden_layers\": 1000000");
    const fs::path dir = make_hf_folder("attack_layers_hf", fixture(), {"model.safetensors"}, config);
    const Outcome o = run_isolated([&] { pe::convert::convert_hf_checkpoint(dir.string(), (scratch / "o.gguf").string(), {}); },
                                   {60, uint64_t(1) << 30});
    BOOST_TEST(clean_error(o, "config.json"), describe(o));
    BOOST_TEST(o.message.find("num_hidden_layers") != std::string::npos, o.message);
}

BOOST_AUTO_TEST_CASE(a_4mb_pickle_stays_far_below_a_gigabyte) {
    // "(NNN...t" repeated: every 1-byte None becomes a value kept alive by its tuple.
    std::string pickle("\x80\x02", 2);
    while (pickle.size() < (4u << 20)) pickle += "(" + std::string(60000, 'N') + "t";
    pickle += ".";
    const auto bytes = to_bytes(pickle);
    const Outcome o = run_isolated([&] { pe::convert::parse_torch_pickle(bytes, "bomb.bin", "data.pkl"); });
    BOOST_TEST(clean_error(o, "bomb.bin"), describe(o));
    BOOST_TEST(o.peak_rss_bytes < (400ull << 20), describe(o));
}

BOOST_AUTO_TEST_CASE(gguf_block_count_beyond_its_tensors) {
    const auto scratch = scratch_dir("attack_block_count");
    const std::string path = small_model(scratch, model_with([](SmallModel& m) { m.block_count = 2000000000u; }));
    const Outcome o = run_isolated([&] { pe::model::Model::load(path); }, {20, uint64_t(1) << 30});
    BOOST_TEST(clean_error(o, path), describe(o));
    BOOST_TEST(o.message.find("gptneox.block_count") != std::string::npos, o.message);
}

BOOST_AUTO_TEST_CASE(hub_answers_are_bounded, *boost::unit_test::precondition(needs_shared)) {
    for (const std::string mode : {"api-huge", "oversize", "endless-error"}) {
        const auto scratch = scratch_dir("attack_hub_" + mode);
        const Outcome o = fetch_from_hostile_hub(mode, scratch);
        BOOST_TEST(clean_error(o, "http://127.0.0.1:"), mode << ": " << describe(o));
        BOOST_TEST(o.peak_rss_bytes < (600ull << 20), mode << ": " << describe(o));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item12_non_regular_files_are_refused)

BOOST_AUTO_TEST_CASE(info_convert_compare_and_data_dir_on_a_fifo, *boost::unit_test::precondition(needs_shared)) {
    const auto scratch = scratch_dir("attack_fifo");
    const fs::path fifo = scratch / "model.gguf";
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto info = run_cli({"info", fifo.string()}, {}, {}, cli_limits);
    BOOST_TEST(clean_cli_error(info, fifo.string()), describe(info));

    const fs::path hf = scratch / "hf";
    fs::create_directories(hf);
    BOOST_TEST_REQUIRE(::mkfifo((hf / "config.json").c_str(), 0600) == 0);
    fs::create_symlink(fixture() / "tokenizer.json", hf / "tokenizer.json");
    fs::create_symlink(fixture() / "model.safetensors", hf / "model.safetensors");
    const auto convert = run_cli({"convert", hf.string(), (scratch / "out.gguf").string()}, {}, {}, cli_limits);
    BOOST_TEST(clean_cli_error(convert, "config.json"), describe(convert));

    const fs::path json = scratch / "result.json";
    BOOST_TEST_REQUIRE(::mkfifo(json.c_str(), 0600) == 0);
    const auto compare = run_cli({"compare", json.string(), json.string()}, {}, {}, cli_limits);
    BOOST_TEST(clean_cli_error(compare, json.string()), describe(compare));

    const fs::path data = scratch / "data";
    fs::create_directories(data / "piqa");
    for (const auto& e : fs::directory_iterator(shared_path("data/piqa")))
        if (e.path().filename() != "valid.jsonl") fs::create_symlink(e.path(), data / "piqa" / e.path().filename());
    BOOST_TEST_REQUIRE(::mkfifo((data / "piqa" / "valid.jsonl").c_str(), 0600) == 0);
    const std::string model = small_model(scratch);
    const auto eval = run_cli({"eval", "--model", model, "--tasks", "piqa", "--limit", "2", "--backend", "cpu",
                               "--data-dir", data.string(), "--output", (scratch / "out.json").string(), "--quiet"},
                              {}, {}, cli_limits);
    BOOST_TEST(clean_cli_error(eval, "valid.jsonl"), describe(eval));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item11_a_gguf_truncated_while_mapped)

BOOST_AUTO_TEST_CASE(ends_the_run_with_a_line_naming_the_file) {
    const auto scratch = scratch_dir("attack_sigbus");
    const std::string path = small_model(scratch, model_with([](SmallModel& m) { m.n_layer = 40; }));  // several pages of tensor data
    const fs::path err = scratch / "stderr.txt";
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 2);
        try {
            const auto reader = pe::gguf::Reader::open(path);
            ::truncate(path.c_str(), 64);  // another process cuts the file under the mapping
            const auto& last = reader.tensors().back();
            volatile float sum = 0;
            for (std::byte b : last.data) sum = sum + float(b);
            ::_exit(0);  // read past the new end without a SIGBUS: the guard was not needed
        } catch (...) {
            ::_exit(3);
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    BOOST_TEST_REQUIRE(WIFEXITED(status), "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
    BOOST_TEST(WEXITSTATUS(status) == 1);
    const std::string message = read_file(err);
    BOOST_TEST(message.find(path) != std::string::npos, message);
    BOOST_TEST(message.find("truncated") != std::string::npos, message);
    BOOST_TEST(std::count(message.begin(), message.end(), '\n') == 1, message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item10_threads_that_cannot_start)

BOOST_AUTO_TEST_CASE(parallel_for_finishes_with_the_threads_that_started) {
    // Under an address-space limit only a few 8 MiB thread stacks fit: the rest fail to start.
    const Outcome o = run_isolated([] {
        rlimit now{};
        ::getrlimit(RLIMIT_AS, &now);
        std::ifstream statm("/proc/self/statm");
        uint64_t pages = 0;
        statm >> pages;
        const uint64_t limit = pages * uint64_t(::sysconf(_SC_PAGESIZE)) + (48ull << 20);
        const rlimit tight{limit, now.rlim_max};
        ::setrlimit(RLIMIT_AS, &tight);
        std::vector<std::atomic<int>> hits(2048);
        pe::cpu::parallel_for(2048, 512, 1, [&](int64_t b, int64_t e, int) {
            for (int64_t i = b; i < e; ++i) hits[size_t(i)]++;
        });
        for (auto& h : hits)
            if (h != 1) throw std::runtime_error("an item was processed " + std::to_string(h.load()) + " times");
    });
    BOOST_TEST((o.kind == Outcome::Kind::ok), describe(o));
}

BOOST_AUTO_TEST_CASE(forward_with_512_threads_under_a_limit_matches_one_thread) {
    const auto scratch = scratch_dir("attack_threads");
    const std::string model = small_model(scratch);
    const auto args = [&](const std::string& threads) {
        return std::vector<std::string>{"forward", "--model", model, "--ids", "1,2,3,4,5", "--backend", "cpu",
                                        "--threads", threads, "--json"};
    };
    const auto one = run_cli(args("1"), {}, {}, cli_limits);
    BOOST_TEST_REQUIRE(one.exit_code == 0, describe(one));
    const auto many = run_cli(args("512"), {}, {}, {60, uint64_t(1) << 30});
    BOOST_TEST(many.exit_code == 0, describe(many));
    BOOST_TEST(many.out == one.out);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item13_out_of_memory_names_the_input)

BOOST_AUTO_TEST_CASE(a_large_metadata_array_under_a_memory_limit) {
    // A valid GGUF whose 3M-element array needs ~250 MB once parsed, read under a limit that the
    // program itself fits in: the allocation fails, and the error says where and how much.
    const auto scratch = scratch_dir("attack_oom");
    const fs::path path = scratch / "big-array.gguf";
    {
        std::ofstream out(path, std::ios::binary);
        auto u32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
        auto u64 = [&](uint64_t v) { out.write(reinterpret_cast<const char*>(&v), 8); };
        u32(0x46554747); u32(3); u64(0); u64(1);
        const std::string key = "attack.array";
        u64(key.size()); out << key;
        u32(9); u32(8); u64(3000000);  // array of strings
        for (int i = 0; i < 3000000; ++i) u64(0);
    }
    const auto r = run_cli({"info", path.string()}, {}, {}, {60, 160ull << 20});
    BOOST_TEST(clean_cli_error(r, path.string()), describe(r));
    BOOST_TEST(r.err.find("out of memory") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(" bytes") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("bad_alloc") == std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item9_silently_accepted_files)

BOOST_AUTO_TEST_CASE(config_json_with_a_duplicate_key) {
    const std::string config = R"({"architectures": ["GPTNeoXForCausalLM"], "hidden_size": 128, "hidden_size": 64,
        "num_hidden_layers": 3, "num_attention_heads": 4, "intermediate_size": 512, "vocab_size": 50304,
        "max_position_embeddings": 2048, "rotary_pct": 0.25, "rotary_emb_base": 10000, "layer_norm_eps": 1e-5})";
    const Outcome o = run_isolated([&] { pe::convert::parse_hf_config(config, "dup/config.json"); });
    BOOST_TEST(clean_error(o, "dup/config.json: hidden_size"), describe(o));
}

BOOST_AUTO_TEST_CASE(gguf_with_more_blocks_than_block_count_or_an_unknown_tensor) {
    const auto scratch = scratch_dir("attack_extra_tensors");
    const std::string fewer = small_model(scratch, model_with([](SmallModel& m) { m.n_layer = 3; m.block_count = 2u; }), "fewer.gguf");
    const Outcome a = run_isolated([&] { pe::model::Model::load(fewer); });
    BOOST_TEST(clean_error(a, fewer + ": tensor 'blk.2."), describe(a));
    const std::string extra = small_model(scratch, model_with([](SmallModel& m) { m.extra_tensor = "rogue.weight"; }), "extra.gguf");
    const Outcome b = run_isolated([&] { pe::model::Model::load(extra); });
    BOOST_TEST(clean_error(b, extra + ": tensor 'rogue.weight'"), describe(b));
    const std::string honest = small_model(scratch, {}, "honest.gguf");
    const Outcome c = run_isolated([&] { pe::model::Model::load(honest); });
    BOOST_TEST((c.kind == Outcome::Kind::ok), describe(c));
}

BOOST_AUTO_TEST_CASE(safetensors_with_overlapping_tensors_a_gap_or_trailing_bytes) {
    const auto scratch = scratch_dir("attack_safetensors_layout");
    auto file = [&](const std::string& name, const std::string& header, size_t data_bytes) {
        std::string s(8, '\0');
        const uint64_t n = header.size();
        std::memcpy(s.data(), &n, 8);
        s += header + std::string(data_bytes, '\0');
        write_file(scratch / name, s);
        return (scratch / name).string();
    };
    const std::string a = R"("a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]})";
    const std::string overlap = file("overlap.safetensors", "{" + a + R"(, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})", 12);
    const std::string gap = file("gap.safetensors", "{" + a + R"(, "b": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}})", 16);
    const std::string trailing = file("trailing.safetensors", "{" + a + "}", 9);
    const std::string honest = file("honest.safetensors", "{" + a + R"(, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})", 12);
    for (const auto& [path, phrase] : std::vector<std::pair<std::string, std::string>>{
             {overlap, "overlaps tensor 'a'"}, {gap, "gap"}, {trailing, "trailing bytes"}}) {
        const Outcome o = run_isolated([&] { pe::convert::read_safetensors(path); });
        BOOST_TEST(clean_error(o, path), describe(o));
        BOOST_TEST(o.message.find(phrase) != std::string::npos, o.message);
    }
    const Outcome ok = run_isolated([&] { pe::convert::read_safetensors(honest); });
    BOOST_TEST((ok.kind == Outcome::Kind::ok), describe(ok));
}

BOOST_AUTO_TEST_CASE(nan_weights_in_a_gguf_or_a_checkpoint, *boost::unit_test::precondition(needs_shared)) {
    const auto scratch = scratch_dir("attack_nan");
    const std::string gguf = small_model(scratch, model_with([](SmallModel& m) { m.nan_tensor = "blk.1.ffn_up.weight"; }));
    const Outcome g = run_isolated([&] { pe::model::Model::load(gguf); });
    BOOST_TEST(clean_error(g, gguf + ": tensor 'blk.1.ffn_up.weight'"), describe(g));
    BOOST_TEST(g.message.find("NaN") != std::string::npos, g.message);

    // The fixture's safetensors with one weight set to NaN (all-ones bits: NaN in F32, F16 and BF16).
    const fs::path dir = make_hf_folder("attack_nan_hf", fixture(), {});
    std::string st = read_file(fixture() / "model.safetensors");
    const std::string name = "gpt_neox.layers.1.mlp.dense_h_to_4h.weight";
    for (const auto& t : pe::convert::read_safetensors((fixture() / "model.safetensors").string()))
        if (t.name == name) std::memset(st.data() + t.offset_bytes + 64, 0xff, 4);
    write_file(dir / "model.safetensors", st);
    const Outcome c = run_isolated([&] { pe::convert::convert_hf_checkpoint(dir.string(), (scratch / "o.gguf").string(), {}); },
                                   {60, uint64_t(2) << 30});
    BOOST_TEST(clean_error(c, "model.safetensors: tensor '" + name + "'"), describe(c));
    BOOST_TEST(!fs::exists(scratch / "o.gguf"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item9_torch_zip_entries_with_a_bad_crc)

BOOST_AUTO_TEST_CASE(a_flipped_byte_in_a_storage_is_refused) {
    const auto scratch = scratch_dir("attack_crc");
    const std::string pickle = state_dict_pickle([](Pickle& p) { p.tensor_entry("w", "FloatStorage", "0", 4, 0, {4}, {1}); });
    std::string zip = make_stored_zip({{"archive/data.pkl", pickle}, {"archive/byteorder", "little"},
                                       {"archive/data/0", std::string(16, '\x03')}});
    write_file(scratch / "honest.bin", zip);
    const Outcome ok = run_isolated([&] { pe::convert::read_torch_checkpoint((scratch / "honest.bin").string()); });
    BOOST_TEST((ok.kind == Outcome::Kind::ok), describe(ok));
    zip[zip.find(std::string(16, '\x03')) + 5] = '\x04';
    write_file(scratch / "damaged.bin", zip);
    const Outcome bad = run_isolated([&] { pe::convert::read_torch_checkpoint((scratch / "damaged.bin").string()); });
    BOOST_TEST(clean_error(bad, (scratch / "damaged.bin").string() + ": zip entry 'archive/data/0'"), describe(bad));
    BOOST_TEST(bad.message.find("CRC-32") != std::string::npos, bad.message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(item7_only_pinned_data_is_used, *boost::unit_test::precondition(needs_shared))

BOOST_AUTO_TEST_CASE(data_check_lists_a_look_alike_beside_the_pinned_file) {
    const auto scratch = scratch_dir("attack_lookalike");
    fs::create_directories(scratch / "arc_easy");
    for (const char* f : {"ARC-Easy-test.jsonl", "question-answers.jsonl"})
        fs::copy_file(shared_path("data/arc_easy") / f, scratch / "arc_easy" / f);
    write_file(scratch / "arc_easy/ARC-Easy-Test.jsonl", "{\"id\": \"edited\"}\n");
    const auto r = run_cli({"data", "check", "--data-dir", scratch.string(), "--tasks", "arc_easy"}, {}, {}, cli_limits);
    BOOST_TEST(r.exit_code == 0, describe(r));
    BOOST_TEST(r.out.find("arc_easy/ARC-Easy-Test.jsonl") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("not pinned") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("arc_easy/ARC-Easy-test.jsonl") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
