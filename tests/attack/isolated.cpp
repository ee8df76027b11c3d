// run_isolated (isolated.hpp): fork, run the case in the child with RLIMIT_AS set, report the
// outcome through a pipe; the parent waits with a deadline (wait4, for the child's peak RSS).
#include "tests/attack/isolated.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <exception>
#include <new>
#include <typeinfo>
#include <vector>

#include "engine/error.hpp"

namespace pe::test {

namespace {

void write_all(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n <= 0) return;
        done += size_t(n);
    }
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == std::string::npos; }

}  // namespace

Outcome run_isolated(const std::function<void()>& fn, const Isolation& isolation) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        if (isolation.address_space_bytes > 0) {
            const rlimit limit{isolation.address_space_bytes, isolation.address_space_bytes};
            ::setrlimit(RLIMIT_AS, &limit);
        }
        std::string report;
        try {
            fn();
            report = "o";
        } catch (const pe::Error& e) {
            report = std::string("e") + e.what();
        } catch (const std::bad_alloc& e) {
            report = std::string("x") + "std::bad_alloc (resource exhaustion)";
        } catch (const std::exception& e) {
            report = std::string("x") + typeid(e).name() + ": " + e.what();
        } catch (...) {
            report = "xunknown exception";
        }
        write_all(fds[1], report);
        ::_exit(0);
    }
    ::close(fds[1]);
    Outcome o;
    std::string report;
    bool hung = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(isolation.timeout_s);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            hung = true;
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, int(left.count())) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) break;  // the child closed its end: it exited or died
        report.append(buf, size_t(n));
    }
    ::close(fds[0]);
    if (hung) ::kill(pid, SIGKILL);
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    o.peak_rss_bytes = uint64_t(usage.ru_maxrss) * 1024;
    if (hung) {
        o.kind = Outcome::Kind::hang;
        o.message = "no result within " + std::to_string(isolation.timeout_s) + " s";
    } else if (WIFSIGNALED(status)) {
        o.kind = Outcome::Kind::crash;
        o.message = std::string("killed by signal ") + strsignal(WTERMSIG(status));
    } else if (report.empty()) {
        o.kind = Outcome::Kind::crash;
        o.message = "exited with status " + std::to_string(WEXITSTATUS(status)) + " without a result";
    } else {
        o.kind = report[0] == 'o' ? Outcome::Kind::ok
                 : report[0] == 'e' ? Outcome::Kind::error
                                    : Outcome::Kind::other_exception;
        o.message = report.substr(1);
    }
    return o;
}

std::string describe(const Outcome& o) {
    static const char* names[] = {"ok", "pe::Error", "other exception", "crash", "hang"};
    return std::string(names[int(o.kind)]) + ": " + o.message + " (peak RSS " +
           std::to_string(o.peak_rss_bytes >> 20) + " MiB)";
}

bool clean_error(const Outcome& o, const std::string& input) {
    return o.kind == Outcome::Kind::error && one_line(o.message) && o.message.find(input) != std::string::npos;
}

bool ok_or_clean_error(const Outcome& o, const std::string& input) {
    return o.kind == Outcome::Kind::ok || clean_error(o, input);
}

bool clean_cli_error(const CliResult& r, const std::string& input) {
    std::string err = r.err;
    if (!err.empty() && err.back() == '\n') err.pop_back();
    return !r.timed_out && (r.exit_code == 1 || r.exit_code == 2) && r.out.empty() && one_line(err) &&
           err.find(input) != std::string::npos;
}

std::string describe(const CliResult& r) {
    return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") + ", stdout " +
           std::to_string(r.out.size()) + " bytes, stderr: " + r.err.substr(0, 600);
}

uint64_t Rng::next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::string mutate_bytes(const std::string& honest, Rng& rng) {
    std::string s = honest;
    const size_t at = size_t(rng.below(s.size()));
    switch (rng.below(6)) {
        case 0: s.resize(at); break;  // truncated
        case 1:
            for (int k = 0, n = 1 + int(rng.below(8)); k < n; ++k) s[size_t(rng.below(s.size()))] ^= char(1 + rng.below(255));
            break;
        case 2: {  // a little-endian field set to an extreme value
            static const uint64_t extremes[] = {0, 1, 0x80000000ull, 0xffffffffull, 1ull << 63, ~0ull, 0x7fffffffffffffffull};
            const uint64_t v = extremes[rng.below(7)];
            const size_t width = rng.below(2) ? 8 : 4;
            const size_t pos = at / width * width;
            for (size_t k = 0; k < width && pos + k < s.size(); ++k) s[pos + k] = char((v >> (8 * k)) & 0xff);
            break;
        }
        case 3: s.insert(at, std::string(1 + rng.below(64), char(rng.below(256)))); break;
        case 4: s.erase(at, 1 + rng.below(64)); break;
        default: {  // a span repeated
            const size_t n = std::min<size_t>(1 + rng.below(256), s.size() - at);
            s.insert(at, s.substr(at, n));
        }
    }
    return s;
}

std::string mutate_json(const std::string& honest, Rng& rng) {
    std::string s = honest;
    auto positions = [&](auto pred) {
        std::vector<size_t> out;
        for (size_t i = 0; i < s.size(); ++i)
            if (pred(s[i])) out.push_back(i);
        return out;
    };
    switch (rng.below(7)) {
        case 0: {  // a number made extreme
            const auto digits = positions([](char c) { return c >= '0' && c <= '9'; });
            if (digits.empty()) break;
            size_t b = digits[rng.below(digits.size())], e = b;
            while (b > 0 && (std::isdigit(static_cast<unsigned char>(s[b - 1])) || s[b - 1] == '.' || s[b - 1] == '-')) --b;
            while (e < s.size() && (std::isdigit(static_cast<unsigned char>(s[e])) || s[e] == '.' || s[e] == 'e')) ++e;
            static const char* extremes[] = {"-1", "0", "1e309", "18446744073709551616", "1000000000000000000000000000000",
                                             "4294967296", "2147483648", "1000000", "-0.0", "NaN"};
            s.replace(b, e - b, extremes[rng.below(10)]);
            break;
        }
        case 1: {  // a string made empty or long
            const auto quotes = positions([](char c) { return c == '"'; });
            if (quotes.size() < 2) break;
            const size_t q = quotes[rng.below(quotes.size() - 1)];
            s.insert(q + 1, rng.below(2) ? std::string(1 << 16, 'A') : std::string("\\u0000../"));
            break;
        }
        case 2: {  // the first key of an object repeated with another value
            const auto braces = positions([](char c) { return c == '{'; });
            if (braces.empty()) break;
            s.insert(braces[rng.below(braces.size())] + 1, "\"dup\": 1, \"dup\": [2], ");
            const size_t colon = s.find("\":");
            if (colon != std::string::npos) {
                const size_t open = s.rfind('"', colon - 1);
                const std::string key = s.substr(open, colon - open + 1);
                const size_t first_brace = s.find('{');
                if (first_brace != std::string::npos) s.insert(first_brace + 1, key + ": null, ");
            }
            break;
        }
        case 3: {  // a value given the wrong type
            const auto colons = positions([](char c) { return c == ':'; });
            if (colons.empty()) break;
            const size_t c = colons[rng.below(colons.size())];
            static const char* values[] = {" \"x\"", " []", " {}", " null", " true", " -5"};
            const size_t end = s.find_first_of(",}", c + 1);
            if (end != std::string::npos && end - c < 200) s.replace(c + 1, end - c - 1, values[rng.below(6)]);
            break;
        }
        case 4: {  // deep nesting
            const size_t depth = 1 + rng.below(100000);
            const size_t at = size_t(rng.below(s.size()));
            s.insert(at, std::string(depth, '[') + std::string(depth, ']'));
            break;
        }
        case 5: s.resize(size_t(rng.below(s.size()))); break;
        default: return mutate_bytes(honest, rng);
    }
    return s;
}

}  // namespace pe::test
