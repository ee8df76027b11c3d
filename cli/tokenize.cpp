// pythia-eval tokenize: text -> GPT-NeoX ids and back (issue #3; neox-gguf-tokenizer.md §4).
// Lines on stdin -> one line of space-separated ids per line; --json: one JSON array of strings
// -> one JSON array of id arrays; --decode the inverse. --bench times encoding of the input
// against HF's Rust tokenizer (tests/tokenizer/oracle/bench.js) when node can run it.
#include <simdjson.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.hpp"
#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/run_program.hpp"
#include "engine/tokenizer/tokenizer.hpp"
#include "engine/tokenizer/unicode.hpp"
#include "results/json.hpp"

namespace pe::cli {

namespace {

namespace fs = std::filesystem;
using tokenizer::Tokenizer;

struct TokenizeOptions {
    std::string model, tokenizer_json, oracle_dir;
    bool json = false, decode = false, bench = false;
};

const std::string stdin_name = "<stdin>";

Tokenizer load_tokenizer(const TokenizeOptions& o) {
    if (!o.tokenizer_json.empty()) return Tokenizer::from_json_file(o.tokenizer_json);
    // An HF model folder carries its tokenizer.json; a GGUF carries tokenizer.ggml.* keys.
    if (fs::is_directory(o.model)) {
        auto path = fs::path(o.model) / "tokenizer.json";
        if (!fs::exists(path)) throw_bad_input(o.model, "", "folder has no tokenizer.json");
        return Tokenizer::from_json_file(path.string());
    }
    return Tokenizer::from_gguf(gguf::Reader::open(o.model));
}

std::string read_stdin() {
    std::ios::sync_with_stdio(false);
    std::string s{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (std::cin.bad()) throw_io(stdin_name, "read failed");
    return s;
}

// Lines without their '\n'; a final line without one counts, an empty tail after one does not.
std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < s.size()) {
        size_t nl = s.find('\n', pos);
        if (nl == std::string::npos) nl = s.size();
        lines.push_back(s.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

simdjson::dom::array parse_json_array(simdjson::dom::parser& parser, const std::string& input) {
    simdjson::dom::element root;
    if (auto err = parser.parse(input).get(root))
        throw_bad_input(stdin_name, "", std::string("not valid JSON: ") + simdjson::error_message(err));
    simdjson::dom::array arr;
    if (root.get(arr)) throw_bad_input(stdin_name, "", "expected one JSON array");
    return arr;
}

std::vector<std::string> read_texts(const std::string& input, bool json) {
    if (!json) {
        auto lines = split_lines(input);
        for (size_t i = 0; i < lines.size(); ++i)
            if (auto bad = tokenizer::find_invalid_utf8(lines[i]))
                throw_bad_input(stdin_name, "line " + std::to_string(i + 1), "not valid UTF-8 (at byte " + std::to_string(*bad) + " of the line)");
        return lines;
    }
    simdjson::dom::parser parser;  // validates UTF-8 itself
    std::vector<std::string> texts;
    size_t i = 0;
    for (auto e : parse_json_array(parser, input)) {
        std::string_view s;
        if (e.get(s)) throw_bad_input(stdin_name, "[" + std::to_string(i) + "]", "expected a string");
        texts.emplace_back(s);
        ++i;
    }
    return texts;
}

std::vector<std::vector<int32_t>> read_id_lists(const std::string& input, bool json) {
    std::vector<std::vector<int32_t>> lists;
    auto check = [](int64_t id, const std::string& field) {
        if (id < 0 || id > INT32_MAX) throw_bad_input(stdin_name, field, std::to_string(id) + " is not a token id");
        return int32_t(id);
    };
    if (!json) {
        auto lines = split_lines(input);
        for (size_t i = 0; i < lines.size(); ++i) {
            std::istringstream in(lines[i]);
            std::string word;
            auto& ids = lists.emplace_back();
            while (in >> word) {
                long long v = -1;
                const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
                if (ec != std::errc() || end != word.data() + word.size())
                    throw_bad_input(stdin_name, "line " + std::to_string(i + 1), "'" + word + "' is not a token id");
                ids.push_back(check(v, "line " + std::to_string(i + 1)));
            }
        }
        return lists;
    }
    simdjson::dom::parser parser;
    size_t i = 0;
    for (auto e : parse_json_array(parser, input)) {
        simdjson::dom::array arr;
        std::string field = "[" + std::to_string(i++) + "]";
        if (e.get(arr)) throw_bad_input(stdin_name, field, "expected an array of token ids");
        auto& ids = lists.emplace_back();
        for (auto v : arr) {
            int64_t id;
            if (v.get(id)) throw_bad_input(stdin_name, field, "expected integer token ids");
            ids.push_back(check(id, field));
        }
    }
    return lists;
}

std::string encode_all(const Tokenizer& tok, const std::vector<std::string>& texts, bool json) {
    std::string out = json ? "[" : "";
    for (size_t i = 0; i < texts.size(); ++i) {
        auto ids = tok.encode(texts[i]);
        if (json) out += i ? ",[" : "[";
        for (size_t k = 0; k < ids.size(); ++k) {
            if (k) out += json ? "," : " ";
            out += std::to_string(ids[k]);
        }
        out += json ? "]" : "\n";
    }
    return json ? out + "]\n" : out;
}

std::string decode_all(const Tokenizer& tok, const std::vector<std::vector<int32_t>>& lists, bool json) {
    std::string out = json ? "[" : "";
    for (size_t i = 0; i < lists.size(); ++i) {
        std::string text;
        try {
            text = tok.decode(lists[i]);
        } catch (const Error& e) {  // add which input it was, then let main report it
            throw Error(e.kind(), stdin_name, (json ? "[" + std::to_string(i) + "]" : "line " + std::to_string(i + 1)) +
                                                  " " + e.field(), e.message());
        }
        if (json) out += (i ? "," : "") + results::python_json_string(text);
        else out += text + "\n";
    }
    return json ? out + "]\n" : out;
}

// --- bench -------------------------------------------------------------------------------

struct Timing {
    double wall_s, cpu_s;
    size_t tokens;
};

double process_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

Timing time_pass(const Tokenizer& tok, const std::vector<std::string>& texts) {
    auto t0 = std::chrono::steady_clock::now();
    double c0 = process_cpu_seconds();
    size_t tokens = 0;
    for (const auto& t : texts) tokens += tok.encode(t).size();
    double cpu = process_cpu_seconds() - c0;
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), cpu, tokens};
}

fs::path find_oracle(const TokenizeOptions& o) {
    if (!o.oracle_dir.empty()) return o.oracle_dir;
    // The build tree usually sits in the source tree: <src>/build/pythia-eval.
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    for (auto dir = exe.parent_path(); !ec && dir.has_relative_path(); dir = dir.parent_path())
        if (fs::exists(dir / "tests/tokenizer/oracle/bench.js")) return dir / "tests/tokenizer/oracle";
    return {};
}

// Runs HF's tokenizer on the same strings through node; nullopt (with the reason printed) if
// node, the npm package or a tokenizer.json is missing.
std::optional<std::pair<std::string, Timing>> hf_bench(const TokenizeOptions& o, const std::vector<std::string>& texts) {
    auto skip = [](const std::string& why) {
        std::printf("hf:    skipped (%s)\n", why.c_str());
        return std::nullopt;
    };
    std::string tok_json = o.tokenizer_json;
    if (tok_json.empty() && fs::is_directory(o.model)) tok_json = (fs::path(o.model) / "tokenizer.json").string();
    if (tok_json.empty()) return skip("HF needs --tokenizer tokenizer.json, not a GGUF");
    auto oracle = find_oracle(o);
    if (oracle.empty() || !fs::exists(oracle / "node_modules/tokenizers"))
        return skip("npm tokenizers not installed: run `npm ci` in tests/tokenizer/oracle, or pass --oracle DIR");
    auto strings = fs::temp_directory_path() / ("pe-tokenize-bench-" + std::to_string(getpid()) + ".json");
    {
        std::string arr = "[";
        for (size_t i = 0; i < texts.size(); ++i) arr += (i ? "," : "") + results::python_json_string(texts[i]);
        io::write_file_atomically(strings, arr + "]");
    }
    const io::ProgramResult run = io::run_program(
        {"node", (oracle / "bench.js").string(), fs::absolute(tok_json).string(), strings.string()}, /*merge_stderr=*/true);
    fs::remove(strings);
    if (run.status == 127 && run.out.empty()) return skip("cannot run node");
    if (run.status != 0) return skip("node failed: " + run.out.substr(0, run.out.find('\n')));
    const std::string& out = run.out;
    simdjson::dom::parser parser;
    simdjson::dom::element r;
    std::string_view version;
    double cold_s, cold_cpu, warm_s, warm_cpu;
    int64_t tokens;
    if (parser.parse(out).get(r) || r["version"].get(version) || r["cold_s"].get(cold_s) || r["cold_cpu_s"].get(cold_cpu) ||
        r["warm_s"].get(warm_s) || r["warm_cpu_s"].get(warm_cpu) || r["tokens"].get(tokens))
        return skip("unexpected output from bench.js: " + out.substr(0, 200));
    std::printf("hf:    tokenizers %s (Rust core via node, 1 thread)  cold %.3f s wall, %.3f s cpu  warm %.3f s wall, %.3f s cpu  "
                "%.0f tokens/s (warm cpu)\n",
                std::string(version).c_str(), cold_s, cold_cpu, warm_s, warm_cpu, double(tokens) / warm_cpu);
    return std::pair{std::string(version), Timing{warm_s, warm_cpu, size_t(tokens)}};
}

void bench(const TokenizeOptions& o, const Tokenizer& tok, const std::vector<std::string>& texts) {
    size_t bytes = 0;
    for (const auto& t : texts) bytes += t.size();
    Timing cold = time_pass(tok, texts);  // the word cache starts empty
    Timing warm = cold;
    double total = 0;
    for (int i = 0; i < 5 && total < 3; ++i) {
        Timing t = time_pass(tok, texts);
        if (t.cpu_s < warm.cpu_s || i == 0) warm = t;
        total += t.wall_s;
    }
    std::printf("input: %zu strings, %zu bytes, %zu tokens\n", texts.size(), bytes, cold.tokens);
    std::printf("ours:  1 thread  cold %.3f s wall, %.3f s cpu  warm %.3f s wall, %.3f s cpu  %.0f tokens/s (warm cpu)\n",
                cold.wall_s, cold.cpu_s, warm.wall_s, warm.cpu_s, double(warm.tokens) / warm.cpu_s);
    std::fflush(stdout);
    if (auto hf = hf_bench(o, texts)) {
        if (hf->second.tokens != cold.tokens)
            std::printf("warning: HF produced %zu tokens, ours %zu: run the tokenizer tests\n", hf->second.tokens, cold.tokens);
        std::printf("ratio: ours is %.2fx HF's speed (warm, cpu time)\n", hf->second.cpu_s / warm.cpu_s);
    }
}

}  // namespace

void add_tokenize(CLI::App& app) {
    auto o = std::make_shared<TokenizeOptions>();
    auto* cmd = app.add_subcommand("tokenize", "Text to GPT-NeoX token ids (HF-identical) and back, stdin to stdout. "
                                               "Input must be valid UTF-8: other bytes are an error naming the line and byte, "
                                               "as HF (Python) refuses them");
    auto* model = cmd->add_option("--model", o->model, "A .gguf with tokenizer.ggml.* keys, or an HF model folder");
    auto* tok = cmd->add_option("--tokenizer", o->tokenizer_json, "An HF tokenizer.json");
    model->excludes(tok);
    cmd->add_flag("--json", o->json, "Input is one JSON array (of strings, or of id arrays with --decode); output likewise");
    cmd->add_flag("--decode", o->decode, "Ids to text instead");
    cmd->add_flag("--bench", o->bench, "Time encoding of the input strings (and HF's, through node) instead of printing ids");
    cmd->add_option("--oracle", o->oracle_dir, "Folder with bench.js and node_modules/tokenizers (default: found from the executable)");
    cmd->callback([o] {
        if (o->model.empty() && o->tokenizer_json.empty())
            throw CLI::RequiredError("--model or --tokenizer");
        if (o->bench && o->decode) throw CLI::ValidationError("--bench", "times encoding; drop --decode");
        Tokenizer tok = load_tokenizer(*o);
        std::string input = read_stdin();
        std::string out;
        if (o->bench) {
            bench(*o, tok, read_texts(input, o->json));
            return;
        }
        out = o->decode ? decode_all(tok, read_id_lists(input, o->json), o->json) : encode_all(tok, read_texts(input, o->json), o->json);
        std::fwrite(out.data(), 1, out.size(), stdout);
        if (std::fflush(stdout) != 0) throw_io("<stdout>", "write failed");
    });
}

}  // namespace pe::cli
