// pythia-eval info FILE.gguf [--json]: what a GGUF holds (neox-gguf-tokenizer.md §2, §3):
// architecture, hyper-parameters, tokenizer summary, general.* keys, parameter count, tensor table.
#include <cmath>
#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <utf8proc.h>

#include "cli/commands.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/model/gptneox_names.hpp"
#include "engine/tokenizer/gguf_keys.hpp"

namespace pe::cli {

namespace {

using gguf::Array;
using gguf::Reader;
using gguf::Scalar;
using gguf::Value;
using gguf::ValueType;
namespace tk = tokenizer::gguf_keys;

// GGUF strings need not be UTF-8 (§3.1 says they are, nothing checks); JSON output must be, so
// invalid bytes become U+FFFD.
std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            utf8proc_int32_t cp;
            const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                            utf8proc_ssize_t(s.size() - i), &cp);
            if (n > 0) out.append(s.substr(i, size_t(n)));
            else out += "\\ufffd";
            i += n > 0 ? size_t(n) : 1;
            continue;
        }
        ++i;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) out += fmt::format("\\u{:04x}", c);
                else out += char(c);
        }
    }
    return out + "\"";
}

// A scalar as JSON (json = true) or as text; floats keep full precision, non-finite ones are null.
std::string scalar_text(const Scalar& s, bool json) {
    return std::visit([&](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
            if (json) return json_string(v);
            return v.size() > 60 ? json_string(v.substr(0, 60)) + "..." : json_string(v);
        } else if constexpr (std::is_same_v<V, bool>) {
            return v ? "true" : "false";
        } else if constexpr (std::is_floating_point_v<V>) {
            if (json && !std::isfinite(v)) return "null";
            return fmt::format("{}", v);
        } else {
            return fmt::format("{}", +v);  // unary + prints 8-bit integers as numbers
        }
    }, s);
}

std::string array_summary(const Array& a) {
    return fmt::format("array[{}] of {}", a.size(), gguf::value_type_name(a.elem_type));
}

std::string value_text(const Value& v, bool json) {
    if (const Scalar* s = v.scalar()) return scalar_text(*s, json);
    const Array& a = *v.array();
    if (!json) return array_summary(a);
    return fmt::format("{{\"array\": {}, \"count\": {}}}", json_string(gguf::value_type_name(a.elem_type)),
                       a.size());
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string shape_text(const std::vector<uint64_t>& ne, const char* sep) {
    std::string out;
    for (size_t i = 0; i < ne.size(); ++i) out += (i ? sep : "") + std::to_string(ne[i]);
    return out;
}

struct Summary {
    std::string architecture;  // empty when absent
    std::optional<std::string> tok_model, tok_pre;
    std::optional<uint64_t> n_tokens, n_merges;
    std::optional<int64_t> bos, eos;
    uint64_t n_parameters = 0, tensor_bytes = 0;
};

Summary summarise(const Reader& r) {
    Summary s;
    s.architecture = r.get_string(model::names::architecture_key).value_or("");
    s.tok_model = r.get_string(tk::model);
    s.tok_pre = r.get_string(tk::pre);
    if (const Array* a = r.get_array(tk::tokens)) s.n_tokens = a->size();
    if (const Array* a = r.get_array(tk::merges)) s.n_merges = a->size();
    s.bos = r.get_integer(tk::bos_token_id);
    s.eos = r.get_integer(tk::eos_token_id);
    for (const auto& t : r.tensors()) {
        s.n_parameters += t.n_elements();
        s.tensor_bytes += t.n_bytes;
    }
    return s;
}

// Keys grouped as the report shows them: hyper-parameters (<arch>.*), general.*, then the rest
// that is not tokenizer.ggml.* (the tokenizer gets its own summary).
enum class Group { hparams, general, tokenizer, other };
Group group_of(std::string_view key, const std::string& arch) {
    if (!arch.empty() && starts_with(key, arch + ".")) return Group::hparams;
    if (starts_with(key, "general.")) return Group::general;
    if (starts_with(key, "tokenizer.")) return Group::tokenizer;
    return Group::other;
}

template <class T>
std::string opt_text(const std::optional<T>& v) {
    if (!v) return "-";
    if constexpr (std::is_same_v<T, std::string>) return *v;
    else return std::to_string(*v);
}

template <class T>
std::string opt_json(const std::optional<T>& v) {
    if (!v) return "null";
    if constexpr (std::is_same_v<T, std::string>) return json_string(*v);
    else return std::to_string(*v);
}

void print_text(const Reader& r, const Summary& s) {
    std::string out;
    out += fmt::format("file:         {} ({} bytes, GGUF v{}, alignment {})\n", r.path(), r.file_bytes(),
                       r.version(), r.alignment());
    out += fmt::format("architecture: {}\n", s.architecture.empty() ? "-" : s.architecture);
    out += fmt::format("parameters:   {} in {} tensors ({} bytes of tensor data)\n", s.n_parameters,
                       r.tensors().size(), s.tensor_bytes);
    out += fmt::format("tokenizer:    model {}, pre {}, {} tokens, {} merges, bos {}, eos {}\n",
                       opt_text(s.tok_model), opt_text(s.tok_pre), opt_text(s.n_tokens), opt_text(s.n_merges),
                       opt_text(s.bos), opt_text(s.eos));
    for (auto [group, title] : {std::pair{Group::hparams, "hyper-parameters"}, {Group::general, "general"},
                                {Group::other, "other keys"}}) {
        std::string lines;
        for (const auto& kv : r.kvs())
            if (group_of(kv.key, s.architecture) == group && kv.key != model::names::architecture_key)
                lines += fmt::format("  {:<40} {}\n", kv.key, value_text(kv.value, false));
        if (!lines.empty()) out += fmt::format("\n{}:\n{}", title, lines);
    }
    out += fmt::format("\ntensors:\n  {:<32} {:<5} {:<24} {:>12}\n", "name", "type", "shape (ne)", "bytes");
    for (const auto& t : r.tensors())
        out += fmt::format("  {:<32} {:<5} {:<24} {:>12}\n", t.name, gguf::type_traits(t.type).name,
                           shape_text(t.ne, " x "), t.n_bytes);
    std::fputs(out.c_str(), stdout);
}

void print_json(const Reader& r, const Summary& s) {
    std::string out = "{\n";
    out += fmt::format("  \"file\": {},\n  \"file_bytes\": {},\n  \"version\": {},\n  \"alignment\": {},\n",
                       json_string(r.path()), r.file_bytes(), r.version(), r.alignment());
    out += fmt::format("  \"architecture\": {},\n", s.architecture.empty() ? "null" : json_string(s.architecture));
    out += fmt::format("  \"n_parameters\": {},\n  \"n_tensors\": {},\n  \"tensor_bytes\": {},\n", s.n_parameters,
                       r.tensors().size(), s.tensor_bytes);
    out += fmt::format("  \"tokenizer\": {{\"model\": {}, \"pre\": {}, \"n_tokens\": {}, \"n_merges\": {}, "
                       "\"bos_token_id\": {}, \"eos_token_id\": {}}},\n",
                       opt_json(s.tok_model), opt_json(s.tok_pre), opt_json(s.n_tokens), opt_json(s.n_merges),
                       opt_json(s.bos), opt_json(s.eos));
    for (auto [group, title] : {std::pair{Group::hparams, "hparams"}, {Group::general, "general"},
                                {Group::tokenizer, "tokenizer_keys"}, {Group::other, "other"}}) {
        out += fmt::format("  \"{}\": {{", title);
        bool first = true;
        for (const auto& kv : r.kvs()) {
            if (group_of(kv.key, s.architecture) != group) continue;
            out += fmt::format("{}\n    {}: {}", first ? "" : ",", json_string(kv.key), value_text(kv.value, true));
            first = false;
        }
        out += first ? "},\n" : "\n  },\n";
    }
    out += "  \"tensors\": [";
    for (size_t i = 0; i < r.tensors().size(); ++i) {
        const auto& t = r.tensors()[i];
        out += fmt::format("{}\n    {{\"name\": {}, \"type\": \"{}\", \"ne\": [{}], \"bytes\": {}, \"offset_bytes\": {}}}",
                           i ? "," : "", json_string(t.name), gguf::type_traits(t.type).name,
                           shape_text(t.ne, ", "), t.n_bytes, t.offset_bytes);
    }
    out += r.tensors().empty() ? "]\n}\n" : "\n  ]\n}\n";
    std::fputs(out.c_str(), stdout);
}

}  // namespace

void add_info(CLI::App& app) {
    auto* cmd = app.add_subcommand("info", "Show what a GGUF file holds: architecture, hyper-parameters, "
                                           "tokenizer, tensors");
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("file", *path, "GGUF file")->required();
    cmd->add_flag("--json", *json, "Print JSON instead of a table");
    cmd->callback([path, json] {
        const Reader r = Reader::open(*path);
        const Summary s = summarise(r);
        if (*json) print_json(r, s);
        else print_text(r, s);
    });
}

}  // namespace pe::cli
