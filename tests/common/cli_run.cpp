// run_cli / start_cli (cli_run.hpp): fork + execve of build/pythia-eval with the test's environment.
#include "tests/eval/cli_run.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

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

pid_t spawn(const std::vector<std::string>& args, const Env& env, int out_fd) {
    std::vector<std::string> argv_s = {(binary_dir() / "pythia-eval").string()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<std::string> env_s = merged_env(env);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(out_fd, 1);
        dup2(out_fd, 2);
        std::vector<char*> argv, envp;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : env_s) envp.push_back(e.data());
        envp.push_back(nullptr);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    return pid;
}

}  // namespace

int wait_cli(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

CliResult run_cli(const std::vector<std::string>& args, const Env& env) {
    auto out_path = scratch_dir("cli_run_output") / "out.txt";
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + out_path.string());
    pid_t pid = spawn(args, env, fd);
    close(fd);
    CliResult r;
    r.exit_code = wait_cli(pid);
    r.output = slurp(out_path);
    return r;
}

pid_t start_cli(const std::vector<std::string>& args, const Env& env) {
    int fd = open("/dev/null", O_WRONLY);
    pid_t pid = spawn(args, env, fd);
    close(fd);
    return pid;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace pe::test
