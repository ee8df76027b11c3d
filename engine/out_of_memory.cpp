// ReadingInput and the allocation-failure record (out_of_memory.hpp). Everything the failure path
// touches is preallocated: a fixed buffer and a mutex, never the heap that just ran out.
#include "engine/out_of_memory.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace pe {

namespace {

constexpr std::size_t max_input_chars = 1024;

std::mutex state_mutex;
char current_input[max_input_chars + 1] = {};  // the innermost ReadingInput's input
char failed_input[max_input_chars + 1] = {};   // current_input when the last allocation failed
std::size_t failed_bytes = 0;
bool failed = false;

void set_current(const std::string& s) {
    const std::size_t n = std::min(s.size(), max_input_chars);
    std::memcpy(current_input, s.data(), n);
    current_input[n] = '\0';
}

}  // namespace

ReadingInput::ReadingInput(const std::string& input) {
    std::lock_guard lock(state_mutex);
    previous_ = current_input;
    set_current(input);
}

ReadingInput::~ReadingInput() {
    std::lock_guard lock(state_mutex);
    set_current(previous_);
}

void note_allocation_failure(std::size_t bytes) noexcept {
    std::lock_guard lock(state_mutex);
    failed_bytes = bytes;
    std::memcpy(failed_input, current_input, sizeof failed_input);
    failed = true;
}

std::string allocation_failure_message() {
    std::lock_guard lock(state_mutex);
    if (!failed) return "out of memory (the size asked for is not known)";
    const std::string input = failed_input[0] ? std::string(failed_input) + ": " : "";
    const double mib = double(failed_bytes) / (1024.0 * 1024.0);
    char size[64];
    std::snprintf(size, sizeof size, "%zu bytes (%.1f MiB)", failed_bytes, mib);
    return input + "out of memory: an allocation of " + size + " failed";
}

}  // namespace pe
