// pythia-eval forward: one sequence through a backend; per position the logsumexp, argmax, max,
// probe logits and the next token's log-prob, as JSON (--json) or a short table.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/backend_select.hpp"
#include "cli/commands.hpp"
#include "cli/model_source.hpp"
#include "cli/model_source.hpp"
#include "engine/error.hpp"
#include "engine/model/model.hpp"
#include "engine/tokenizer/tokenizer.hpp"

namespace pe::cli {
namespace {

// "1,2,3" -> {1, 2, 3}; anything else names the flag and the bad item.
std::vector<int32_t> parse_id_list(const std::string& text, const std::string& flag) {
    std::vector<int32_t> ids;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, end - start);
        int32_t v = 0;
        const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || ec != std::errc() || ptr != item.data() + item.size())
            throw_bad_input("", flag, "'" + item + "' is not a token id (expected e.g. 1,2,3)");
        ids.push_back(v);
        start = end + 1;
    }
    return ids;
}

// JSON number, or null for the non-finite values JSON cannot hold.
std::string json_number(double v, int digits) {
    if (!std::isfinite(v)) return "null";
    return fmt::format("{:.{}g}", v, digits);
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') out += {'\\', char(c)};
        else if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += char(c);
    }
    return out + "\"";
}

struct Args {
    std::string model, ids, text, probe, backend = "cpu";
    int threads = 0;
    bool json = false;
};

void run(const Args& a) {
    const model::Model model = model::Model::load(resolve_model(a.model));
    model::ProbeRequest req;
    if (!a.ids.empty()) {
        req.ids = parse_id_list(a.ids, "--ids");
    } else {
        req.ids = tokenizer::Tokenizer::from_gguf(model.gguf()).encode(a.text);
        if (req.ids.empty()) throw_bad_input("", "--text", "encodes to no tokens");
    }
    if (!a.probe.empty()) req.probe_ids = parse_id_list(a.probe, "--probe");

    auto backend = make_backend(a.backend, model, {.n_threads = a.threads, .device = ""});
    const std::vector<model::PositionProbe> positions = backend->probe(req);

    std::string out;
    if (a.json) {
        out = "{\"model\": " + json_string(model.name()) + ", \"backend\": " + json_string(backend->name()) +
              ", \"positions\": [";
        for (size_t t = 0; t < positions.size(); ++t) {
            const auto& p = positions[t];
            out += fmt::format("{}{{\"pos\": {}, \"logsumexp\": {}, \"argmax\": {}, \"max\": {}, \"probe\": {{",
                               t ? ", " : "", t, json_number(p.logsumexp, 17), p.argmax, json_number(p.max, 9));
            for (size_t k = 0; k < req.probe_ids.size(); ++k)
                out += fmt::format("{}\"{}\": {}", k ? ", " : "", req.probe_ids[k], json_number(p.probe[k], 9));
            out += fmt::format("}}, \"next_id\": {}, \"next_logprob\": {}}}",
                               p.next_id ? std::to_string(*p.next_id) : "null",
                               p.next_logprob ? json_number(*p.next_logprob, 17) : "null");
        }
        out += "]}\n";
    } else {
        out = fmt::format("{} on {}, {} positions\n{:>5} {:>8} {:>12} {:>8} {:>10} {:>8} {:>12}\n", model.name(),
                          backend->device_name(), positions.size(), "pos", "id", "logsumexp", "argmax", "max",
                          "next", "next_lp");
        for (size_t t = 0; t < positions.size(); ++t) {
            const auto& p = positions[t];
            out += fmt::format("{:>5} {:>8} {:>12.6f} {:>8} {:>10.6f} {:>8} {:>12}\n", t, req.ids[t], p.logsumexp,
                               p.argmax, p.max, p.next_id ? std::to_string(*p.next_id) : "-",
                               p.next_logprob ? fmt::format("{:.6f}", *p.next_logprob) : "-");
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace

void add_forward(CLI::App& app) {
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("forward", "Run one sequence through a model and print per-position logit statistics");
    cmd->add_option("--model", args->model, "model .gguf, or a Hugging Face GPT-NeoX folder (converted once, cached)")->required();
    auto* ids = cmd->add_option("--ids", args->ids, "comma-separated token ids, e.g. 12092,13,309");
    auto* text = cmd->add_option("--text", args->text, "text, encoded with the model's tokenizer");
    ids->excludes(text);
    cmd->add_option("--probe", args->probe, "comma-separated token ids whose logits to print at every position");
    cmd->add_option("--backend", args->backend, "cpu, vulkan, or vulkan:FEATURES (e.g. vulkan:portable)")->capture_default_str();
    cmd->add_option("--threads", args->threads, "CPU threads (0: all)")->capture_default_str();
    cmd->add_flag("--json", args->json, "print JSON");
    cmd->callback([args, ids, text] {
        if (ids->count() == 0 && text->count() == 0)
            throw CLI::RequiredError("--ids or --text");
        run(*args);
    });
}

}  // namespace pe::cli
