// The attack suite's judge (issue #12): each hostile case runs in a forked child under a timeout
// and an address-space limit, so that a crash, a hang or a runaway allocation is reported as the
// case's outcome instead of ending the test binary. Allowed outcomes: success, or one pe::Error
// whose one-line message names the input.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "tests/common/cli_run.hpp"

namespace pe::test {

struct Outcome {
    enum class Kind { ok, error, other_exception, crash, hang };
    Kind kind = Kind::crash;
    std::string message;        // pe::Error::what(), the other exception's what(), or the signal
    uint64_t peak_rss_bytes = 0;  // of the child, for resource-exhaustion checks
};

struct Isolation {
    double timeout_s = 10;
    uint64_t address_space_bytes = uint64_t(2) << 30;  // beyond the test binary's own ~few hundred MB
};

Outcome run_isolated(const std::function<void()>& fn, const Isolation& isolation = {});
std::string describe(const Outcome& o);

// Success, or a one-line pe::Error naming `input` (a file name, URL or flag).
bool ok_or_clean_error(const Outcome& o, const std::string& input);
// Only the error is allowed.
bool clean_error(const Outcome& o, const std::string& input);

// The CLI's counterpart: exit 1 (or 2 for usage errors), not timed out, nothing on stdout, and
// stderr exactly one line that names `input`.
bool clean_cli_error(const CliResult& r, const std::string& input);
std::string describe(const CliResult& r);

// Deterministic bytes for generators (splitmix64): the same cases on every run and platform.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next();
    uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }

private:
    uint64_t state_;
};

// One hostile variant of a binary file: truncation, byte flips, a field set to an extreme value
// (0, 1, 2^31, 2^32-1, 2^63, 2^64-1), inserted or deleted or repeated spans. `honest` non-empty.
std::string mutate_bytes(const std::string& honest, Rng& rng);
// One hostile variant of a JSON text: numbers made extreme (-1, 0, 1e309, 2^64, 10^30), strings
// made huge or empty, keys repeated, values given the wrong type, nesting made deep, truncation.
std::string mutate_json(const std::string& honest, Rng& rng);

}  // namespace pe::test
