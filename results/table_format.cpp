// Writers for `pythia-eval table` (csv, tsv, md, json).
#include "results/table_format.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "engine/error.hpp"

namespace pe::results {

namespace {

constexpr std::array<const char*, 8> columns = {"source", "model", "step", "shots", "task", "metric", "value", "stderr"};

// Values as Python's repr writes them: the shortest text that reads back to the same double.
std::array<std::string, 8> cells(const ResultRow& r) {
    return {r.source,
            r.model,
            r.step ? std::to_string(*r.step) : "",
            r.shots ? std::to_string(*r.shots) : "",
            r.task,
            r.metric,
            python_float_repr(r.value),
            r.stderr_value ? python_float_repr(*r.stderr_value) : ""};
}

std::string separated(const std::vector<ResultRow>& rows, char sep) {
    std::string out;
    const auto line = [&](const auto& fields) {
        for (size_t i = 0; i < fields.size(); i++) {
            if (i) out += sep;
            // TSV has no quoting of its own; a field with a tab or newline is quoted as CSV does,
            // which pandas, polars and R read back.
            const std::string f = fields[i];
            out += sep == ',' || f.find_first_of("\t\r\n\"") != std::string::npos ? csv_field(f) : f;
        }
        out += '\n';
    };
    line(std::vector<std::string>(columns.begin(), columns.end()));
    for (const auto& r : rows) line(cells(r));
    return out;
}

std::string markdown(const std::vector<ResultRow>& rows) {
    std::vector<std::array<std::string, 8>> table;
    table.reserve(rows.size());
    for (const auto& r : rows) {
        auto c = cells(r);
        // Six significant digits read well in a terminal; csv and json keep every digit.
        c[6] = fmt::format("{:.6g}", r.value);
        c[7] = r.stderr_value ? fmt::format("{:.6g}", *r.stderr_value) : "";
        for (auto& s : c) {
            std::string e;
            for (char ch : s) e += ch == '|' ? "\\|" : ch == '\n' || ch == '\r' ? std::string(" ") : std::string(1, ch);
            s = e;
        }
        table.push_back(std::move(c));
    }
    std::array<size_t, 8> width{};
    for (size_t i = 0; i < 8; i++) width[i] = std::string(columns[i]).size();
    for (const auto& c : table)
        for (size_t i = 0; i < 8; i++) width[i] = std::max(width[i], c[i].size());
    const auto numeric = [](size_t i) { return i == 2 || i == 3 || i == 6 || i == 7; };
    std::string out = "|";
    for (size_t i = 0; i < 8; i++) out += fmt::format(" {:<{}} |", columns[i], width[i]);
    out += "\n|";
    for (size_t i = 0; i < 8; i++) out += numeric(i) ? std::string(width[i] + 1, '-') + ":|" : ":" + std::string(width[i] + 1, '-') + "|";
    out += '\n';
    for (const auto& c : table) {
        out += "|";
        for (size_t i = 0; i < 8; i++)
            out += numeric(i) ? fmt::format(" {:>{}} |", c[i], width[i]) : fmt::format(" {:<{}} |", c[i], width[i]);
        out += '\n';
    }
    return out;
}

std::string json_rows(const std::vector<ResultRow>& rows) {
    std::string out = "[";
    for (size_t i = 0; i < rows.size(); i++) {
        const auto& r = rows[i];
        const Json row = JsonObject{{"source", r.source},
                                    {"model", r.model},
                                    {"step", r.step ? Json(int64_t(*r.step)) : Json(nullptr)},
                                    {"shots", r.shots ? Json(*r.shots) : Json(nullptr)},
                                    {"task", r.task},
                                    {"metric", r.metric},
                                    {"value", r.value},
                                    {"stderr", r.stderr_value ? Json(*r.stderr_value) : Json(nullptr)}};
        out += (i ? ",\n  " : "\n  ") + dump_python(row, -1);
    }
    return out + "\n]\n";
}

}  // namespace

TableFormat table_format_named(const std::string& name, const std::string& option) {
    if (name == "csv") return TableFormat::csv;
    if (name == "tsv") return TableFormat::tsv;
    if (name == "md") return TableFormat::md;
    if (name == "json") return TableFormat::json;
    throw_bad_input(option + " " + name, "", "unknown format (csv, tsv, md or json)");
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string format_table(const std::vector<ResultRow>& rows, TableFormat format) {
    switch (format) {
        case TableFormat::csv: return separated(rows, ',');
        case TableFormat::tsv: return separated(rows, '\t');
        case TableFormat::md: return markdown(rows);
        case TableFormat::json: return json_rows(rows);
    }
    return {};
}

}  // namespace pe::results
