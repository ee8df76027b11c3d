// The HTML report (issue #16): verdicts, curves, table; one file that opens offline.
#include "results/report.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace pe::results {

namespace {

std::string num(double x) { return fmt::format("{:.6g}", x); }
std::string num(std::optional<double> x) { return x ? num(*x) : std::string(); }

// The folder all sources share, so the table shows the part that differs.
std::string common_folder(const std::vector<ResultRow>& rows) {
    if (rows.empty()) return {};
    std::string prefix = rows.front().source;
    for (const auto& r : rows) {
        size_t n = 0;
        while (n < prefix.size() && n < r.source.size() && prefix[n] == r.source[n]) n++;
        prefix.resize(n);
    }
    const size_t slash = prefix.rfind('/');
    return slash == std::string::npos ? std::string() : prefix.substr(0, slash + 1);
}

std::string shots_text(std::optional<int> shots) { return shots ? fmt::format("{}-shot", *shots) : "shots unknown"; }
std::string step_text(std::optional<long> step) { return step ? fmt::format("step {}", *step) : "step unknown"; }

const char* style = R"CSS(
body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1500px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
nav a { margin-right: 1.2em; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { padding: 0.15em 0.6em; border-bottom: 1px solid #eee; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
#rows th { cursor: pointer; user-select: none; background: #f4f4f4; position: sticky; top: 0; }
#rows th.asc::after { content: " \25B2"; } #rows th.desc::after { content: " \25BC"; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 0.6em; }
.grid figure { margin: 0; } .grid svg { width: 100%; height: auto; }
.legend svg { max-width: 420px; height: auto; }
.verdict.ok { color: #1a7f37; } .verdict.flagged { color: #b3261e; }
tr.flag td { background: #fdecea; }
.run { margin-bottom: 1.4em; } .muted { color: #666; }
#filter { width: 24em; padding: 0.3em; }
)CSS";

// Click a header to sort (again: reverse); #sort=value or #sort=-value in the address sorts on load;
// the filter box keeps rows holding every word typed.
const char* script = R"JS(
(function () {
  var table = document.getElementById('rows');
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var all = Array.prototype.slice.call(body.rows);
  var count = document.getElementById('row-count');
  function cell(row, i) { var c = row.cells[i]; return c.hasAttribute('data-v') ? c.getAttribute('data-v') : c.textContent; }
  function sortBy(i, desc) {
    var numeric = heads[i].getAttribute('data-type') === 'number';
    all.sort(function (a, b) {
      var x = cell(a, i), y = cell(b, i);
      if (numeric) {
        if (x === '' || y === '') return (x === '') - (y === '');
        x = parseFloat(x); y = parseFloat(y);
        return desc ? y - x : x - y;
      }
      return desc ? y.localeCompare(x) : x.localeCompare(y);
    });
    for (var h = 0; h < heads.length; h++) heads[h].className = h === i ? (desc ? 'desc' : 'asc') : '';
    var frag = document.createDocumentFragment();
    all.forEach(function (r) { frag.appendChild(r); });
    body.appendChild(frag);
  }
  function filter() {
    var words = document.getElementById('filter').value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    all.forEach(function (r) {
      var text = r.textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
      if (r.style.display !== (keep ? '' : 'none')) r.style.display = keep ? '' : 'none';
      if (keep) shown++;
    });
    count.textContent = shown + ' of ' + all.length + ' rows shown';
  }
  for (var h = 0; h < heads.length; h++) (function (i) {
    heads[i].addEventListener('click', function () { sortBy(i, heads[i].className === 'asc'); });
  })(h);
  document.getElementById('filter').addEventListener('input', filter);
  var m = /sort=(-?)(\w+)/.exec(location.hash);
  if (m) for (var k = 0; k < heads.length; k++) if (heads[k].textContent === m[2]) sortBy(k, m[1] === '-');
  filter();
})();
)JS";

void verdict_html(const RunVerdict& v, std::string& out) {
    out += "<div class=\"run\"><h3>" + html_escape(v.ours->source) + "</h3>\n<p class=\"muted\">" +
           html_escape(v.ours->model) + ", " + step_text(v.ours->step) + ", " + shots_text(v.ours->shots);
    if (const Json* limit = v.ours->document.find("config") ? v.ours->document.find("config")->find("limit") : nullptr;
        limit && limit->is_number())
        out += fmt::format(", --limit {} (a sample of each task's documents)", int64_t(limit->number()));
    out += "</p>\n";
    if (!v.published) {
        out += "<p class=\"verdict none\">No published file for this model, step and shots among the inputs.</p></div>\n";
        return;
    }
    size_t flagged = 0;
    std::string which;
    for (const auto& r : v.rows)
        if (r.failed) which += (flagged++ ? ", " : "") + r.task + "/" + r.metric;
    out += "<p>Published: " + html_escape(v.published->source) + "</p>\n";
    if (v.rows.empty())
        out += "<p class=\"verdict none\">No metric in common with the published file.</p>\n";
    else if (flagged == 0)
        out += fmt::format("<p class=\"verdict ok\">Agrees: all {} metrics within {}σ of the published values.</p>\n",
                           v.rows.size(), report_max_sigma);
    else
        out += fmt::format("<p class=\"verdict flagged\">Differs: {} of {} metrics beyond {}σ ({}).</p>\n", flagged,
                           v.rows.size(), report_max_sigma, html_escape(which));
    // The verdict line says it all; the metrics sit folded below it (open when something is flagged).
    out += fmt::format("<details{}><summary>every metric ({})</summary>\n", flagged ? " open" : "", v.rows.size());
    out += "<table class=\"compare\"><thead><tr><th>task</th><th>metric</th><th>published</th><th>± stderr</th>"
           "<th>ours</th><th>± stderr</th><th>ours − published</th><th>Δ / σ</th><th></th></tr></thead><tbody>\n";
    for (const auto& r : v.rows)
        out += fmt::format("<tr{}><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                           "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                           r.failed ? " class=\"flag\"" : "", html_escape(r.task), html_escape(r.metric), num(r.a),
                           num(r.a_stderr), num(r.b), num(r.b_stderr), num(r.diff),
                           r.sigma ? fmt::format("{:.2f}", *r.sigma) : "", r.failed ? "beyond 2σ" : "");
    out += "</tbody></table></details></div>\n";
}

}  // namespace

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::vector<RunVerdict> verdicts_against_published(const std::vector<ResultFile>& files) {
    std::vector<RunVerdict> out;
    for (const auto& f : files) {
        if (!f.ours) continue;
        RunVerdict v{&f, nullptr, {}};
        for (const auto& p : files) {
            if (p.ours || p.model != f.model || !f.step || p.step != f.step || p.shots != f.shots) continue;
            if (!v.published || (in_published_layout(p.source) && !in_published_layout(v.published->source)))
                v.published = &p;
        }
        if (v.published)
            v.rows = compare_results(v.published->document, f.document, Tolerances{report_max_sigma, std::nullopt},
                                     v.published->source, f.source);
        out.push_back(std::move(v));
    }
    return out;
}

std::string report_html(const ReportInput& in) {
    std::set<std::string> models, tasks;
    std::set<long> steps;
    size_t ours = 0;
    for (const auto& f : in.files) ours += f.ours;
    for (const auto& r : in.rows) {
        models.insert(r.model);
        tasks.insert(r.task);
        if (r.step) steps.insert(*r.step);
    }
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>pythia-eval report</title>\n<style>";
    out += style;
    out += "</style>\n</head>\n<body>\n<h1>pythia-eval report</h1>\n";
    out += fmt::format("<p id=\"summary\">{} result files ({} ours, {} published): {} models, {} steps, {} tasks, "
                       "{} numbers.</p>\n",
                       in.files.size(), ours, in.files.size() - ours, models.size(), steps.size(), tasks.size(),
                       in.rows.size());
    out += "<nav><a href=\"#compare\">Our runs against the published ones</a><a href=\"#curves\">Curves</a>"
           "<a href=\"#table\">Table</a></nav>\n";

    out += "<section id=\"compare\">\n<h2>Our runs against the published ones</h2>\n";
    const auto verdicts = verdicts_against_published(in.files);
    if (verdicts.empty())
        out += "<p class=\"muted\">No run of ours among the inputs (files written by <code>pythia-eval eval</code>); "
               "all inputs are published results.</p>\n";
    for (const auto& v : verdicts) verdict_html(v, out);
    out += "</section>\n";

    out += "<section id=\"curves\">\n<h2>Curves</h2>\n<p class=\"muted\">Metric against training step (axis "
           "log10(1 + step), so step 0 has a place); band: ± stderr; solid: our runs, dashed: published.</p>\n";
    out += "<div class=\"legend\">" + (in.panel_svgs.empty() ? std::string() : in.panel_svgs.back()) + "</div>\n";
    out += "<div class=\"grid\">\n";
    for (size_t i = 0; i < in.panels.size() && i < in.panel_svgs.size(); i++)
        out += "<figure data-task=\"" + html_escape(in.panels[i].task) + "\" data-metric=\"" +
               html_escape(in.panels[i].metric) + "\">" + in.panel_svgs[i] + "</figure>\n";
    out += "</div>\n</section>\n";

    const std::string folder = common_folder(in.rows);
    out += "<section id=\"table\">\n<h2>Table</h2>\n<p class=\"muted\">The rows of <code>pythia-eval table</code>";
    if (!folder.empty()) out += "; sources are relative to <code>" + html_escape(folder) + "</code>";
    out += ". Click a column to sort.</p>\n<p><input id=\"filter\" type=\"search\" placeholder=\"filter rows: words "
           "to match\"> <span id=\"row-count\"></span></p>\n";
    out += "<table id=\"rows\"><thead><tr><th data-type=\"text\">source</th><th data-type=\"text\">model</th>"
           "<th data-type=\"number\">step</th><th data-type=\"number\">shots</th><th data-type=\"text\">task</th>"
           "<th data-type=\"text\">metric</th><th data-type=\"number\">value</th><th data-type=\"number\">stderr</th>"
           "</tr></thead>\n<tbody>\n";
    for (const auto& r : in.rows) {
        out += "<tr><td>" + html_escape(r.source.substr(folder.size())) + "</td><td>" + html_escape(r.model) +
               "</td><td class=\"n\">" + (r.step ? std::to_string(*r.step) : "") + "</td><td class=\"n\">" +
               (r.shots ? std::to_string(*r.shots) : "") + "</td><td>" + html_escape(r.task) + "</td><td>" +
               html_escape(r.metric) + "</td><td class=\"n\" data-v=\"" + python_float_repr(r.value) + "\">" +
               num(r.value) + "</td><td class=\"n\" data-v=\"" +
               (r.stderr_value ? python_float_repr(*r.stderr_value) : "") + "\">" + num(r.stderr_value) +
               "</td></tr>\n";
    }
    out += "</tbody></table>\n</section>\n<script>";
    out += script;
    out += "</script>\n</body>\n</html>\n";
    return out;
}

}  // namespace pe::results
