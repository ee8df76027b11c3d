// gnuplot as a child process: script in a temporary file, stdout and stderr into another.
#include "results/gnuplot.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"

extern char** environ;

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
    TempFile script_file(".gp"), messages_file(".log");
    {
        std::ofstream out(script_file.path, std::ios::binary);
        out << script;
        if (!out.flush()) throw_io(script_file.path.string(), "cannot write the gnuplot script");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, messages_file.path.c_str(), O_WRONLY | O_TRUNC, 0);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::string prog = "gnuplot", arg = script_file.path.string();
    char* argv[] = {prog.data(), arg.data(), nullptr};
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc == ENOENT)
        throw Error(ErrorKind::unsupported, what, "",
                    "gnuplot is not installed (not on PATH): install Debian's gnuplot-nox (scripts/setup.sh)");
    if (rc != 0) throw_io(what, std::string("cannot start gnuplot: ") + std::strerror(rc));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
    std::ifstream in(messages_file.path, std::ios::binary);
    std::stringstream messages;
    messages << in.rdbuf();
    // posix_spawnp may report a missing program only through the child's exit status 127.
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && messages.str().empty())
        throw Error(ErrorKind::unsupported, what, "",
                    "gnuplot is not installed (not on PATH): install Debian's gnuplot-nox (scripts/setup.sh)");
    throw Error(ErrorKind::io, what, "", "gnuplot failed: " + first_error_line(messages.str()));
}

}  // namespace pe::results
