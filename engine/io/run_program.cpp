// run_program (run_program.hpp): two pipes read together with poll(), so a child that fills one
// while we wait on the other cannot stall.
#include "engine/io/run_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/error.hpp"

namespace pe::io {

namespace {

void make_pipe(int fds[2], const std::string& program) {
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_io(program, std::string("cannot create a pipe: ") + std::strerror(errno));
}

}  // namespace

ProgramResult run_program(const std::vector<std::string>& argv, bool merge_stderr) {
    int out_fds[2], err_fds[2] = {-1, -1};
    make_pipe(out_fds, argv.at(0));
    if (!merge_stderr) make_pipe(err_fds, argv[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw_io(argv[0], std::string("cannot fork: ") + std::strerror(errno));
    if (pid == 0) {
        const int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
        ::dup2(out_fds[1], STDOUT_FILENO);
        ::dup2(merge_stderr ? out_fds[1] : err_fds[1], STDERR_FILENO);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(out_fds[1]);
    if (!merge_stderr) ::close(err_fds[1]);
    ProgramResult r;
    pollfd fds[2] = {{out_fds[0], POLLIN, 0}, {err_fds[0], POLLIN, 0}};
    std::string* sinks[2] = {&r.out, &r.err};
    int open_fds = merge_stderr ? 1 : 2;
    char buf[4096];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n > 0) {
                sinks[i]->append(buf, size_t(n));
                continue;
            }
            ::close(fds[i].fd);
            fds[i].fd = -1;  // poll() skips negative descriptors
            --open_fds;
        }
    }
    for (const pollfd& p : fds)
        if (p.fd >= 0) ::close(p.fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace pe::io
