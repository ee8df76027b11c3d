// SlurmCluster (slurm_cluster.hpp).
#include "tests/sweep/slurm_cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

namespace pe::test {

namespace fs = std::filesystem;

namespace {

// A port nothing listens on now (bound to 0, then released).
int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("cannot find a free port");
    close(fd);
    return ntohs(a.sin_port);
}

std::string tail(const fs::path& p, size_t n = 4000) {
    std::string s = slurp(p);
    return s.size() > n ? s.substr(s.size() - n) : s;
}

bool on_path(const std::string& name) {
    for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin"})
        if (fs::exists(fs::path(dir) / name)) return true;
    return false;
}

}  // namespace

bool slurm_available() {
    return geteuid() == 0 && on_path("munged") && on_path("slurmctld") && on_path("slurmd") && on_path("sbatch");
}

pid_t SlurmCluster::spawn(const std::vector<std::string>& argv, const fs::path& log) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        setsid();  // out of the test's process group: a Ctrl-C on the test reaches us through stop()
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(fd);
    pids_.insert(pids_.begin(), pid);  // stopped in reverse start order
    return pid;
}

SlurmCluster::SlurmCluster(const fs::path& scratch) : dir_(scratch), conf_(scratch / "slurm.conf") {
    const fs::path munge = dir_ / "munge";
    fs::create_directories(munge);
    fs::permissions(munge, fs::perms::owner_all, fs::perm_options::replace);
    for (const char* d : {"state", "spool"}) fs::create_directories(dir_ / d);
    {
        std::ofstream key(munge / "munge.key", std::ios::binary);
        std::mt19937_64 rng(std::random_device{}());
        for (int i = 0; i < 128; ++i) {
            const uint64_t v = rng();
            key.write(reinterpret_cast<const char*>(&v), sizeof v);
        }
    }
    fs::permissions(munge / "munge.key", fs::perms::owner_read, fs::perm_options::replace);
    const fs::path socket = munge / "munge.socket";
    spawn({"munged", "--foreground", "--force", "--key-file=" + (munge / "munge.key").string(),
           "--socket=" + socket.string(), "--pid-file=" + (munge / "munged.pid").string(),
           "--seed-file=" + (munge / "munged.seed").string(), "--log-file=" + (munge / "munged.log").string()},
          dir_ / "munged.out");
    for (int i = 0; i < 100 && !fs::exists(socket); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!fs::exists(socket)) {
        stop();
        throw std::runtime_error("munged did not create its socket: " + tail(dir_ / "munged.out"));
    }

    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    const std::string node = std::string(host).substr(0, std::string(host).find('.'));
    const unsigned cpus = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
    const std::string d = dir_.string();
    // cred_expire=15: a requeued task waits this long before it may start again (120 s by default);
    // sched_interval=5: and is then started within 5 s (the periodic pass runs every 60 s by default).
    std::ofstream(conf_) << "ClusterName=pythiaeval\n"
                         << "SlurmctldHost=" << node << "(127.0.0.1)\n"
                         << "SlurmUser=root\nSlurmdUser=root\n"
                         << "SlurmctldPort=" << free_port() << "\nSlurmdPort=" << free_port() << "\n"
                         << "AuthType=auth/munge\nCredType=cred/munge\nAuthInfo=socket=" << socket.string() << ",cred_expire=15\n"
                         << "StateSaveLocation=" << d << "/state\nSlurmdSpoolDir=" << d << "/spool\n"
                         << "SlurmctldPidFile=" << d << "/slurmctld.pid\nSlurmdPidFile=" << d << "/slurmd.pid\n"
                         << "SlurmctldLogFile=" << d << "/slurmctld.log\nSlurmdLogFile=" << d << "/slurmd.log\n"
                         << "ProctrackType=proctrack/pgid\nTaskPlugin=task/none\n"
                         << "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\nSchedulerType=sched/builtin\n"
                         << "SchedulerParameters=sched_interval=5\n"
                         << "ReturnToService=2\nMpiDefault=none\nJobCompType=jobcomp/none\n"
                         << "AccountingStorageType=accounting_storage/none\nJobAcctGatherType=jobacct_gather/none\n"
                         << "MinJobAge=600\n"
                         << "NodeName=" << node << " NodeAddr=127.0.0.1 CPUs=" << cpus << " State=UNKNOWN\n"
                         << "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n";
    spawn({"slurmctld", "-D", "-f", conf_.string()}, dir_ / "slurmctld.out");
    spawn({"slurmd", "-D", "-f", conf_.string(), "-N", node}, dir_ / "slurmd.out");
    for (int i = 0; i < 60; ++i) {
        const auto r = client({"sinfo", "-h", "-o", "%T"});
        if (r.exit_code == 0 && r.out.find("idle") != std::string::npos) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    const std::string why = logs();
    stop();
    throw std::runtime_error("the Slurm node did not become idle within 30 s:\n" + why);
}

SlurmCluster::~SlurmCluster() { stop(); }

void SlurmCluster::stop() {
    if (pids_.size() == 3) {  // every job of this cluster ends before its daemons do
        client({"scancel", "--full", "--user=root"});
        for (int i = 0; i < 40; ++i) {
            const auto r = client({"squeue", "-h"});
            if (r.exit_code != 0 || r.out.find_first_not_of(" \n") == std::string::npos) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
    }
    for (pid_t pid : pids_) {
        kill(pid, SIGTERM);
        int status = 0;
        for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (waitpid(pid, &status, WNOHANG) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
        }
    }
    pids_.clear();
}

CliResult SlurmCluster::client(const std::vector<std::string>& argv) const { return run_program(argv, env()); }

bool SlurmCluster::wait_job_gone(const std::string& job_id, int timeout_s) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto r = client({"squeue", "-h", "-j", job_id, "-o", "%i %T"});
        if (r.exit_code == 0 && r.out.find_first_not_of(" \n") == std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return false;
}

std::string SlurmCluster::logs() const {
    std::string s;
    for (const char* f : {"slurmctld.log", "slurmd.log", "slurmctld.out", "slurmd.out", "munged.out"})
        s += std::string("--- ") + f + "\n" + tail(dir_ / f) + "\n";
    return s;
}

}  // namespace pe::test
