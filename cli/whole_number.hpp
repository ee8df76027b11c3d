// Whole-number flags (--step, --limit) read from their text, so that "", "-1", "1e3" and values
// past the range are one clear error instead of CLI11's wrap-around or "no limit".
#pragma once

#include <cstdint>
#include <string>

namespace pe::cli {

// Decimal digits only, in [min, max]; else pe::Error (bad_input) naming the flag, the text and the rule.
uint64_t parse_whole_number(const std::string& text, const std::string& flag, uint64_t min, uint64_t max);

}  // namespace pe::cli
