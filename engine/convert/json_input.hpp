// A JSON input of the converter (config.json, tokenizer.json, a safetensors header) parsed once by
// simdjson, an invalid document being one bad_input error that names the file. Holds the parser
// and the padded copy that the DOM points into, so `root` lives as long as this object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace pe::convert {

class JsonInput {
public:
    // `field` and `offset` place the document inside `file` for the error (a safetensors header
    // starts at byte 8); none for a file that is all JSON.
    JsonInput(std::string_view json, const std::string& file, const std::string& field = "",
              std::optional<uint64_t> offset = std::nullopt);
    JsonInput(const JsonInput&) = delete;
    JsonInput& operator=(const JsonInput&) = delete;

    simdjson::dom::element root;

private:
    simdjson::dom::parser parser_;
    simdjson::padded_string padded_;
};

}  // namespace pe::convert
