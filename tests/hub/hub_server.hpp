// Starts tests/hub/hub_server.py (the loopback hub stand-in) for one test and stops it after.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace pe::test {

class HubServer {
public:
    // `args` go to hub_server.py after --port-file/--log; the server lives at most 300 s.
    HubServer(const std::filesystem::path& scratch, const std::vector<std::string>& args);
    ~HubServer();
    HubServer(const HubServer&) = delete;
    HubServer& operator=(const HubServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    // Requests seen so far, one JSON object per line (method, path, range, auth).
    std::vector<std::string> log_lines() const;
    void clear_log() const;
    size_t count(const std::string& method, const std::string& path_prefix) const;
    void stop();

private:
    pid_t pid_ = -1;
    int port_ = 0;
    std::filesystem::path log_;
};

std::filesystem::path hub_server_script();

}  // namespace pe::test
