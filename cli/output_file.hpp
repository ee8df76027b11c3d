// --output of table, plot and report: a file in a folder that already exists (a typo in the folder
// is an error, not a new folder tree), checked before any work is done.
#pragma once

#include <string>

namespace pe::cli {

void check_output_file(const std::string& path, const std::string& option = "--output");

}  // namespace pe::cli
