// pythia-eval tokenize: placeholder until issue #3 lands.
#include "cli/commands.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_tokenize(CLI::App& app) {
    auto* cmd = app.add_subcommand("tokenize", "(not yet available: issue #3)");
    cmd->allow_extras();
    cmd->callback([] { throw pe::Error(pe::ErrorKind::unsupported, "", "tokenize", "not implemented yet (issue #3)"); });
}

}  // namespace pe::cli
