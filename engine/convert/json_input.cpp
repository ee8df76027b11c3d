// JsonInput (json_input.hpp).
#include "engine/convert/json_input.hpp"

#include "engine/error.hpp"

namespace pe::convert {

JsonInput::JsonInput(std::string_view json, const std::string& file, const std::string& field,
                     std::optional<uint64_t> offset)
    : padded_(json) {
    if (auto err = parser_.parse(padded_).get(root); err != simdjson::SUCCESS)
        throw_bad_input(file, field, std::string("invalid JSON: ") + simdjson::error_message(err), offset);
}

}  // namespace pe::convert
