// HubServer: fork/exec of python3 tests/hub/hub_server.py on 127.0.0.1, port read from a file.
#include "tests/hub/hub_server.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace pe::test {

namespace fs = std::filesystem;

fs::path hub_server_script() { return fs::path(PE_SOURCE_DIR) / "tests" / "hub" / "hub_server.py"; }

HubServer::HubServer(const fs::path& scratch, const std::vector<std::string>& args) {
    fs::path port_file = scratch / "server.port";
    log_ = scratch / "server.log";
    fs::remove(port_file);
    fs::remove(log_);
    std::vector<std::string> argv_s = {"python3", hub_server_script().string(), "--port-file",
                                       port_file.string(), "--log", log_.string(), "--lifetime", "300"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp("python3", argv.data());
        _exit(127);
    }
    for (int i = 0; i < 200; ++i) {
        std::ifstream in(port_file);
        if (in >> port_) return;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("hub_server.py exited early (python3 missing?)");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop();
    throw std::runtime_error("hub_server.py did not report its port within 10 s");
}

HubServer::~HubServer() { stop(); }

void HubServer::stop() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
    }
}

std::vector<std::string> HubServer::log_lines() const {
    std::vector<std::string> lines;
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

void HubServer::clear_log() const { std::ofstream(log_, std::ios::trunc); }

size_t HubServer::count(const std::string& method, const std::string& path_prefix) const {
    size_t n = 0;
    const std::string m = "\"method\": \"" + method + "\"";
    const std::string p = "\"path\": \"" + path_prefix;
    for (const auto& line : log_lines())
        if (line.find(m) != std::string::npos && line.find(p) != std::string::npos) ++n;
    return n;
}

}  // namespace pe::test
