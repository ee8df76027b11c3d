// One registration function per subcommand, each in its own cli/<name>.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace pe::cli {

void add_info(CLI::App& app);      // cli/info.cpp
void add_convert(CLI::App& app);   // cli/convert.cpp
void add_tokenize(CLI::App& app);  // cli/tokenize.cpp
void add_forward(CLI::App& app);   // cli/forward.cpp
void add_devices(CLI::App& app);   // cli/devices.cpp
void add_bench(CLI::App& app);     // cli/bench.cpp
void add_eval(CLI::App& app);      // cli/eval.cpp
void add_compare(CLI::App& app);   // cli/compare.cpp
void add_data(CLI::App& app);      // cli/data.cpp
void add_synth(CLI::App& app);     // cli/synth.cpp
void add_sweep(CLI::App& app);     // cli/sweep.cpp
void add_table(CLI::App& app);     // cli/table.cpp
void add_plot(CLI::App& app);      // cli/plot.cpp
void add_report(CLI::App& app);    // cli/report.cpp
void add_cache(CLI::App& app);     // cli/cache.cpp

}  // namespace pe::cli
