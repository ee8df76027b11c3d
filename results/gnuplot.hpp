// Running gnuplot (Debian's gnuplot-nox: svg and pngcairo terminals) on a script, as a child
// process with its messages captured, so a failure is one error line.
#pragma once

#include <string>

namespace pe::results {

// Runs `gnuplot SCRIPT_FILE` with the script written to a temporary file. Errors: gnuplot not on
// PATH (names the package to install), or gnuplot's own first error line; `what` names the output.
void run_gnuplot(const std::string& script, const std::string& what);

// gnuplot's single-quoted string: only ' needs escaping, as ''.
std::string gnuplot_quote(const std::string& s);

}  // namespace pe::results
