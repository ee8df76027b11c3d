// check_output_file: the output's folder exists and the output is not itself a folder.
#include "cli/output_file.hpp"

#include <filesystem>

#include "engine/error.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

void check_output_file(const std::string& path, const std::string& option) {
    if (path.empty()) throw_bad_input(option, "", "an empty path");
    const fs::path p(path);
    const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw_bad_input(path, option, "the folder " + folder.string() + " does not exist (create it first)");
    if (fs::is_directory(p, ec)) throw_bad_input(path, option, "is a folder; give a file name");
}

}  // namespace pe::cli
