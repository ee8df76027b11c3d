// Issue #12 items 3 and 6: the resume checkpoint is keyed by content (weights replaced at the same
// path start over), and every line carries a checksum: tampered lines (bad checksum, positive or
// NaN loglikelihood, duplicate ids) are dropped with a warning and recomputed, so the result is the
// honest one.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/net/digest.hpp"
#include "tests/common/shared.hpp"
#include "tests/trust/trust_env.hpp"

namespace fs = std::filesystem;
using namespace pe;

namespace {

// Starts `args`, interrupts it once `checkpoint` holds `lines` lines; the run must not have finished.
void interrupt_after(const std::vector<std::string>& args, const fs::path& checkpoint, size_t lines) {
    const pid_t pid = test::start_cli(args, test::trust_env());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (test::n_lines(fs::exists(checkpoint) ? test::slurp(checkpoint) : "") < lines &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    kill(pid, SIGINT);
    BOOST_TEST_REQUIRE(test::wait_cli(pid) == 128 + SIGINT, "the run finished before it could be interrupted");
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

// A line as the store writes it, checksum included, for the run key in `header`.
std::string signed_line(const std::string& header, const std::string& id, const std::string& ll, int greedy) {
    const std::string run_key = header.substr(header.rfind(' ') + 1);
    net::Digest d(net::DigestKind::sha256);
    d.update(run_key + " " + id + " " + ll + " " + std::to_string(greedy));
    return id + " " + ll + " " + std::to_string(greedy) + " " + d.hex().substr(0, 16);
}

std::string results_of(const fs::path& file) {
    return results::dump_python(*results::read_json_file(file).find("results"), 2);
}

void flip_a_weight_byte(const fs::path& file) {
    const auto mtime = fs::last_write_time(file);
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-2, std::ios::end);
    char c = 0;
    f.read(&c, 1);
    c ^= 0x01;  // a mantissa bit: same size, a different model
    f.seekp(-2, std::ios::end);
    f.write(&c, 1);
    f.close();
    fs::last_write_time(file, mtime);  // and the same time: only the content tells
}

}  // namespace

BOOST_AUTO_TEST_SUITE(checkpoint)

BOOST_AUTO_TEST_CASE(tampered_lines_are_dropped_and_recomputed, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_tamper");
    const std::string model = test::shared_path("fixtures/tiny-neox").string();
    const auto args = [&](const fs::path& out) {
        return test::eval_args(model, {"--tasks", "lambada_openai", "--limit", "40", "--output", out.string()});
    };
    auto honest = test::run_cli(args(scratch / "honest.json"), test::trust_env());
    BOOST_TEST_REQUIRE(honest.exit_code == 0, honest.output);

    const fs::path out = scratch / "tampered.json";
    const fs::path checkpoint = out.string() + ".lambada_openai.checkpoint";
    interrupt_after(args(out), checkpoint, 12);
    auto lines = lines_of(test::slurp(checkpoint));
    BOOST_TEST_REQUIRE(lines.size() >= 12u);
    const std::string header = lines[0];
    const auto id = [&](size_t i) { return lines[i].substr(0, 64); };
    lines[1].back() = lines[1].back() == '0' ? '1' : '0';         // bad checksum
    lines[2] = signed_line(header, id(2), "0x1p+3", 1);           // positive loglikelihood, signed
    lines[3] = signed_line(header, id(3), "nan", 0);              // NaN, signed
    lines[4] = signed_line(header, id(4), "-0x1p+1", 0);          // a wrong value ...
    lines.push_back(signed_line(header, id(4), "-0x1p+2", 0));   // ... and a second one: duplicate id
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    std::ofstream(checkpoint, std::ios::trunc) << text;

    auto a = args(out);
    a.erase(std::find(a.begin(), a.end(), "--quiet"));
    auto resumed = test::run_cli(a, test::trust_env());
    BOOST_TEST_REQUIRE(resumed.exit_code == 0, resumed.output);
    BOOST_TEST(test::contains(resumed.output, "5 invalid line(s) dropped (1 bad checksum, 1 positive loglikelihood, "
                                              "1 NaN or infinite loglikelihood, 2 duplicate request id)"),
               resumed.output);
    BOOST_TEST(test::contains(resumed.output, "resuming: "), resumed.output);
    BOOST_TEST(results_of(out) == results_of(scratch / "honest.json"));
}

BOOST_AUTO_TEST_CASE(weights_replaced_at_the_same_path_start_over, *boost::unit_test::precondition(test::needs_shared)) {
    const auto scratch = test::scratch_dir("trust_swapped_weights");
    const fs::path gguf = scratch / "model.gguf";
    auto conv = test::run_cli({"convert", test::shared_path("fixtures/tiny-neox").string(), gguf.string()});
    BOOST_TEST_REQUIRE(conv.exit_code == 0, conv.output);
    const fs::path out = scratch / "r.json";
    const auto args = test::eval_args(gguf.string(), {"--tasks", "lambada_openai", "--limit", "40", "--output",
                                                      out.string()});
    interrupt_after(args, out.string() + ".lambada_openai.checkpoint", 6);

    flip_a_weight_byte(gguf);  // same path, size and time: another model
    auto a = args;
    a.erase(std::find(a.begin(), a.end(), "--quiet"));
    auto rerun = test::run_cli(a, test::trust_env());
    BOOST_TEST_REQUIRE(rerun.exit_code == 0, rerun.output);
    BOOST_TEST(test::contains(rerun.output, "starting over"), rerun.output);
    BOOST_TEST(!test::contains(rerun.output, "resuming"), rerun.output);
}

BOOST_AUTO_TEST_SUITE_END()
