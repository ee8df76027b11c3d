// gnuplot as a child process (io::run_program): the script in a temporary file, its messages captured.
#include "results/gnuplot.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"
#include "engine/io/run_program.hpp"

namespace pe::results {

namespace fs = std::filesystem;

namespace {

// A file in the temp folder that is removed when this goes out of scope.
struct TempFile {
    fs::path path;
    explicit TempFile(const std::string& suffix) {
        std::string tmpl = (fs::temp_directory_path() / ("pythia-eval-gnuplot-XXXXXX" + suffix)).string();
        const int fd = ::mkstemps(tmpl.data(), int(suffix.size()));
        if (fd < 0) throw_io(tmpl, std::string("cannot create a temporary file: ") + std::strerror(errno));
        ::close(fd);
        path = tmpl;
    }
    ~TempFile() {
        std::error_code ec;
        fs::remove(path, ec);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
};

// The first line of gnuplot's messages that says what went wrong, else the last non-empty one.
std::string first_error_line(const std::string& messages) {
    std::istringstream in(messages);
    std::string line, last;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t^") == std::string::npos) continue;
        if (line.find("rror") != std::string::npos || line.find("annot") != std::string::npos) return line;
        last = line;
    }
    return last.empty() ? "(no message)" : last;
}

}  // namespace

std::string gnuplot_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "''";
        else if (c == '\n' || c == '\r') out += ' ';
        else out += c;
    }
    return out + "'";
}

void run_gnuplot(const std::string& script, const std::string& what) {
    TempFile script_file(".gp");
    {
        std::ofstream out(script_file.path, std::ios::binary);
        out << script;
        if (!out.flush()) throw_io(script_file.path.string(), "cannot write the gnuplot script");
    }
    const io::ProgramResult r = io::run_program({"gnuplot", script_file.path.string()}, /*merge_stderr=*/true);
    if (r.status == 0) return;
    // execvp's failure reaches us only as the child's exit status 127, with nothing printed.
    if (r.status == 127 && r.out.empty())
        throw Error(ErrorKind::unsupported, what, "",
                    "gnuplot is not installed (not on PATH): install Debian's gnuplot-nox (scripts/setup.sh)");
    throw Error(ErrorKind::io, what, "", "gnuplot failed: " + first_error_line(r.out));
}

}  // namespace pe::results
