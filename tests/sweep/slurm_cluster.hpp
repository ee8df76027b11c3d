// A real one-node Slurm cluster for the sweep tests: munged with its own key and socket, slurmctld
// and slurmd on 127.0.0.1 from a slurm.conf generated in a scratch folder (free ports, no cgroups,
// no accounting), started in the foreground as children of the test so that exactly those three
// processes are stopped afterwards. Needs Debian's slurm-wlm and munge (scripts/setup.sh) and root.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/common/cli_run.hpp"

namespace pe::test {

// Whether the binaries are installed (the tests skip without them, except under CI=true).
bool slurm_available();

class SlurmCluster {
public:
    explicit SlurmCluster(const std::filesystem::path& scratch);  // throws when a daemon does not come up
    ~SlurmCluster();
    SlurmCluster(const SlurmCluster&) = delete;
    SlurmCluster& operator=(const SlurmCluster&) = delete;

    // SLURM_CONF for sbatch, squeue, scontrol and `pythia-eval sweep --slurm`.
    Env env() const { return {{"SLURM_CONF", conf_.string()}}; }
    // Runs a Slurm client (squeue, scontrol, scancel) against this cluster.
    CliResult client(const std::vector<std::string>& argv) const;
    // Waits until no task of the job is pending or running; false on timeout.
    bool wait_job_gone(const std::string& job_id, int timeout_s) const;
    std::string logs() const;  // the daemons' log tails, for failure messages

private:
    pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log);
    void stop();
    std::filesystem::path dir_, conf_;
    std::vector<pid_t> pids_;  // slurmd, slurmctld, munged: stopped in that order
};

}  // namespace pe::test
