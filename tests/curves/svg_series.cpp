// svg_series: splits gnuplot's SVG at its plot elements.
#include "tests/curves/svg_series.hpp"

#include <algorithm>

namespace pe::test {

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) n++;
    return n;
}

std::vector<std::string> plot_groups(const std::string& svg) {
    const std::string open = "<g id=\"gnuplot_plot_";
    std::vector<std::string> out;
    for (size_t at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
        // The element runs to its matching </g>: count the nested groups.
        size_t end = at + 1, depth = 1;
        while (depth > 0) {
            const size_t g = svg.find("<g", end), close = svg.find("</g>", end);
            if (close == std::string::npos) break;
            if (g != std::string::npos && g < close && (svg[g + 2] == ' ' || svg[g + 2] == '>')) depth++, end = g + 2;
            else depth--, end = close + 4;
        }
        out.push_back(svg.substr(at, end - at));
    }
    return out;
}

std::vector<SvgSeries> svg_series(const std::string& svg) {
    std::vector<SvgSeries> out;
    for (auto group : plot_groups(svg)) {
        // gnuplot quotes attributes with ', a browser's serialisation of the same DOM with ".
        std::replace(group.begin(), group.end(), '"', '\'');
        if (group.find("<path") == std::string::npos) continue;  // a band: filled polygons only
        SvgSeries s;
        if (const size_t t = group.find("<text>"); t != std::string::npos)
            s.title = group.substr(t + 6, group.find("</text>", t) - t - 6);
        s.points = count_of(group, "<use xlink:href='#gpPt");
        if (!s.title.empty() && s.points > 0) s.points--;  // the mark beside the legend text
        s.dashed = group.find("stroke-dasharray") != std::string::npos;
        if (const size_t c = group.find("<path stroke='"); c != std::string::npos)
            s.colour = group.substr(c + 14, group.find('\'', c + 14) - c - 14);
        out.push_back(s);
    }
    return out;
}

size_t svg_bands(const std::string& svg) {
    size_t n = 0;
    for (const auto& group : plot_groups(svg))
        n += group.find("<path") == std::string::npos && group.find("<polygon") != std::string::npos;
    return n;
}

}  // namespace pe::test
