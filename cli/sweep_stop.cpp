// Signal handling for sweep (sweep_stop.hpp). The handler only touches lock-free atomics and
// calls _exit, both async-signal-safe.
#include "cli/sweep_stop.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace pe::cli {

namespace {

std::atomic<int> received{0};
std::atomic<bool> scoring{false};

int code_for(int sig) { return sig == SIGUSR1 ? requeue_exit_code : 128 + sig; }

void on_signal(int sig) {
    int expected = 0;
    received.compare_exchange_strong(expected, sig);
    if (!scoring.load()) _exit(code_for(received.load()));
}

}  // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int sig : {SIGUSR1, SIGTERM, SIGINT}) sigaction(sig, &sa, nullptr);
}

bool stop_requested() { return received.load() != 0; }

int stop_exit_code() { return stop_requested() ? code_for(received.load()) : 0; }

void set_scoring(bool on) { scoring.store(on); }

}  // namespace pe::cli
