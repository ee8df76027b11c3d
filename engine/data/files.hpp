// The evaluation data's original files and the sha256 of each, in one table: the tasks read a file
// only after its hash matches (tasks/dataset.hpp), `data fetch` verifies what it writes against it.
// Hashes from ../shared/data/PROVENANCE.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pe::data {

// One original file: its path under the data folder and the sha256 of the original bytes.
struct DataFile {
    std::string path;
    std::string sha256;
};

const std::vector<DataFile>& pinned_files();
// The entry for `path` ("piqa/valid.jsonl"); an unknown path is an internal error.
const DataFile& pinned_file(std::string_view path);

}  // namespace pe::data
