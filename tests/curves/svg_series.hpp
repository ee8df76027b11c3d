// What gnuplot's SVG holds, read back for the tests: one entry per plot element (<g id="gnuplot_plot_N">)
// that draws a line: its legend text (empty without a key), its points (<use> marks, the key's sample
// mark excluded), whether it is dashed, and its colour.
#pragma once

#include <string>
#include <vector>

namespace pe::test {

struct SvgSeries {
    std::string title;
    size_t points = 0;
    bool dashed = false;
    std::string colour;  // "rgb( 31, 119, 180)"
};

std::vector<std::string> plot_groups(const std::string& svg);  // each <g id="gnuplot_plot_N"> element
std::vector<SvgSeries> svg_series(const std::string& svg);
size_t svg_bands(const std::string& svg);  // plot elements that fill a ± stderr band
size_t count_of(const std::string& text, const std::string& what);

}  // namespace pe::test
