// `pythia-eval table` output: the rows of result_rows as CSV (RFC 4180 quoting), TSV, a Markdown
// table for the terminal, or JSON; the eight columns source, model, step, shots, task, metric,
// value, stderr in that order. Empty cells (CSV/TSV/md) and nulls (JSON) mark what is unknown.
#pragma once

#include <string>
#include <vector>

#include "results/result_file.hpp"

namespace pe::results {

enum class TableFormat { csv, tsv, md, json };

// "csv" -> TableFormat::csv; anything else is an error naming `option`.
TableFormat table_format_named(const std::string& name, const std::string& option);

std::string format_table(const std::vector<ResultRow>& rows, TableFormat format);

// One CSV field: quoted (with "" for ") when it holds a comma, quote, CR or LF.
std::string csv_field(const std::string& s);

}  // namespace pe::results
