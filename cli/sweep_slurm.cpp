// The Slurm array job (sweep_slurm.hpp). The batch script is plain bash with #SBATCH lines, so a
// reader can check every choice; sbatch runs through fork/exec, no shell in between.
#include "cli/sweep_slurm.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "engine/io/run_program.hpp"
#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "results/json.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

namespace {

std::string utc_stamp(const char* format) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

}  // namespace

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string slurm_batch_script(const SlurmArrayJob& job, const fs::path& exe) {
    if (job.sbatch_args.find('\n') != std::string::npos)
        throw_bad_input("", "--slurm-args", "must be one line of sbatch options");
    const fs::path logs = fs::absolute(job.output) / "slurm" / "logs";
    std::string command = shell_quote(exe.string()) + " sweep";
    for (const auto& a : job.sweep_args) command += " " + shell_quote(a);
    std::string s = fmt::format(
        "#!/bin/bash\n"
        "# pythia-eval sweep as one Slurm array job, written by `pythia-eval sweep --slurm` at {stamp}.\n"
        "# Resubmit by hand with `sbatch THIS_FILE`. Array task I runs shard I of {tasks} of the grid\n"
        "# (from SLURM_ARRAY_TASK_ID); cells already complete in the results folder are skipped.\n"
        "#SBATCH --job-name=pythia-eval-sweep\n"
        "#SBATCH --array=0-{last}{limit}\n"
        "#SBATCH --requeue\n"
        "#SBATCH --signal=B:USR1@{warn}\n"
        "#SBATCH --open-mode=append\n"
        "#SBATCH --output={logs}/%A_%a.log\n",
        fmt::arg("stamp", utc_stamp("%Y-%m-%dT%H:%M:%SZ")), fmt::arg("tasks", job.tasks),
        fmt::arg("last", job.tasks - 1),
        fmt::arg("limit", job.max_running ? "%" + std::to_string(job.max_running) : std::string()),
        fmt::arg("warn", job.warning_seconds), fmt::arg("logs", logs.string()));
    if (!job.sbatch_args.empty()) s += "#SBATCH " + job.sbatch_args + "\n";
    s += "\n"
         "# USR1 (the warning before the time limit, or `scancel --signal=USR1 --batch`) and TERM go to\n"
         "# pythia-eval, which closes the running cell's checkpoint and exits; exit 75 means \"requeue me\".\n"
         "child=\n"
         "trap '[ -n \"$child\" ] && kill -USR1 \"$child\" 2>/dev/null' USR1\n"
         "trap '[ -n \"$child\" ] && kill -TERM \"$child\" 2>/dev/null' TERM\n" +
         command +
         " &\n"
         "child=$!\n"
         "while :; do\n"
         "  wait \"$child\"; rc=$?\n"
         "  kill -0 \"$child\" 2>/dev/null || break\n"
         "done\n"
         "if [ \"$rc\" -eq 75 ]; then\n"
         "  echo \"pythia-eval sweep: stopped on USR1; requeueing ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n"
         "  scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n"
         "fi\n"
         "exit \"$rc\"\n";
    return s;
}

SlurmSubmission submit_slurm_array(const SlurmArrayJob& job) {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw_io("/proc/self/exe", "cannot find the pythia-eval binary: " + ec.message());
    SlurmSubmission sub;
    sub.script = fs::absolute(job.output) / "slurm" / ("sweep-" + utc_stamp("%Y%m%d-%H%M%S") + ".sbatch");
    fs::create_directories(sub.script.parent_path() / "logs", ec);
    if (ec) throw_io((sub.script.parent_path() / "logs").string(), "cannot create: " + ec.message());
    io::write_file_atomically(sub.script, slurm_batch_script(job, exe));
    fs::permissions(sub.script, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add, ec);
    auto [status, out, err] = io::run_program({"sbatch", "--parsable", sub.script.string()}, true);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (status == 127) throw_io("sbatch", "not found: is this a Slurm login node? (the script is " + sub.script.string() + ")");
    if (status != 0) throw_io("sbatch", "refused " + sub.script.string() + ": " + out);
    sub.job_id = out.substr(0, out.find(';'));  // "<id>" or "<id>;<cluster>"
    if (sub.job_id.empty() || sub.job_id.find_first_not_of("0123456789") != std::string::npos)
        throw_io("sbatch", "unexpected answer '" + out + "' (the script is " + sub.script.string() + ")");
    return sub;
}

}  // namespace pe::cli
