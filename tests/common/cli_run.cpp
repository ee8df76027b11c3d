// run_cli / start_cli (cli_run.hpp): fork + execvpe of build/pythia-eval (or another program) with the test's environment.
#include "tests/common/cli_run.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/common/shared.hpp"

extern char** environ;

namespace pe::test {

namespace {

std::vector<std::string> merged_env(const Env& env) {
    std::vector<std::string> out;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        std::string key = kv.substr(0, kv.find('='));
        bool overridden = false;
        for (const auto& [k, v] : env) overridden |= k == key;
        if (!overridden) out.push_back(kv);
    }
    // A later override of the same name wins.
    for (size_t i = 0; i < env.size(); ++i) {
        bool later = false;
        for (size_t j = i + 1; j < env.size(); ++j) later |= env[j].first == env[i].first;
        if (!later) out.push_back(env[i].first + "=" + env[i].second);
    }
    return out;
}

std::vector<std::string> cli_argv(const std::vector<std::string>& args) {
    std::vector<std::string> argv_s = {(binary_dir() / "pythia-eval").string()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    return argv_s;
}

// argv_s[0] is a path or a name looked up in PATH; out_fd, err_fd: where stdout and stderr go;
// in_fd: stdin, or -1 to keep the test's.
pid_t spawn(const std::vector<std::string>& argv_s, const Env& env, int out_fd, int err_fd, int in_fd,
            uint64_t address_space_bytes = 0) {
    std::vector<std::string> env_s = merged_env(env);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        if (in_fd >= 0) dup2(in_fd, 0);
        if (address_space_bytes > 0) {
            const rlimit limit{address_space_bytes, address_space_bytes};
            setrlimit(RLIMIT_AS, &limit);
        }
        std::vector<char*> argv, envp;
        for (const auto& a : argv_s) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        for (auto& e : env_s) envp.push_back(e.data());
        envp.push_back(nullptr);
        execvpe(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    return pid;
}

int open_or_throw(const std::filesystem::path& p, int flags) {
    const int fd = open(p.c_str(), flags, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + p.string());
    return fd;
}

int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// waitpid with a deadline: SIGKILL once timeout_s has passed (0: no deadline).
int wait_with_timeout(pid_t pid, double timeout_s, bool& timed_out) {
    int status = 0;
    if (timeout_s <= 0) {
        waitpid(pid, &status, 0);
        return exit_code_of(status);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return exit_code_of(status);
}

}  // namespace

int wait_cli(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return exit_code_of(status);
}

CliResult run_cli(const std::vector<std::string>& args, const Env& env, const std::filesystem::path& stdin_file,
                  const CliLimits& limits) {
    return run_program(cli_argv(args), env, stdin_file, limits);
}

CliResult run_program(const std::vector<std::string>& argv, const Env& env, const std::filesystem::path& stdin_file,
                      const CliLimits& limits) {
    const auto dir = scratch_dir("cli_run_output-" + std::to_string(getpid()));  // ctest runs suites side by side
    const int out = open_or_throw(dir / "out.txt", O_WRONLY | O_CREAT | O_TRUNC);
    const int err = open_or_throw(dir / "err.txt", O_WRONLY | O_CREAT | O_TRUNC);
    const int in = stdin_file.empty() ? -1 : open_or_throw(stdin_file, O_RDONLY);
    const pid_t pid = spawn(argv, env, out, err, in, limits.address_space_bytes);
    close(out);
    close(err);
    if (in >= 0) close(in);
    CliResult r;
    r.exit_code = wait_with_timeout(pid, limits.timeout_s, r.timed_out);
    r.out = slurp(dir / "out.txt");
    r.err = slurp(dir / "err.txt");
    r.output = r.out + r.err;
    return r;
}

pid_t start_cli(const std::vector<std::string>& args, const Env& env) {
    const int fd = open_or_throw("/dev/null", O_WRONLY);
    const pid_t pid = spawn(cli_argv(args), env, fd, fd, -1);
    close(fd);
    return pid;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

}  // namespace pe::test
