// Shared helpers for the trust tests (issues #12, #13): the CLI on the tiny-neox fixture with the
// CPU backend and a small --limit, in a private cache, and model folders made of links to it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "results/json.hpp"
#include "tests/common/cli_run.hpp"

namespace pe::test {

// XDG_CACHE_HOME and HF_HOME under the build tree, shared by the trust tests (the fixture converts once).
Env trust_env();

// {"eval", "--model", model, "--backend", "cpu", "--data-dir", <shared data>, "--quiet"} + extra.
std::vector<std::string> eval_args(const std::string& model, const std::vector<std::string>& extra);

// A Hugging Face folder at `dir` whose config.json, tokenizer.json and model.safetensors link to
// the tiny-neox fixture's.
void link_fixture_folder(const std::filesystem::path& dir);

// The number of lines of `s`.
size_t n_lines(const std::string& s);
bool contains(const std::string& s, const std::string& part);

// The only file under `dir` (recursively) whose name ends in `suffix`; empty when none or several.
std::filesystem::path only_file(const std::filesystem::path& dir, const std::string& suffix);

// doc[key] (objects only) or nullptr; doc.provenance.<section>.<key>.
const results::Json* at(const results::Json& doc, const std::vector<std::string>& keys);

}  // namespace pe::test
