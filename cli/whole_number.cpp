// parse_whole_number (whole_number.hpp).
#include "cli/whole_number.hpp"

#include <charconv>

#include "engine/error.hpp"

namespace pe::cli {

uint64_t parse_whole_number(const std::string& text, const std::string& flag, uint64_t min, uint64_t max) {
    const std::string rule = "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    uint64_t value = 0;
    const char* last = text.data() + text.size();
    const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    const auto [ptr, ec] = std::from_chars(text.data(), last, value);
    if (!digits || ec != std::errc() || ptr != last || value < min || value > max)
        throw_bad_input("", flag, "'" + text + "': " + rule);
    return value;
}

}  // namespace pe::cli
