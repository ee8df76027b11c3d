// pythia-eval eval: placeholder until issue #6 lands.
#include "cli/commands.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_eval(CLI::App& app) {
    auto* cmd = app.add_subcommand("eval", "(not yet available: issue #6)");
    cmd->allow_extras();
    cmd->callback([] { throw pe::Error(pe::ErrorKind::unsupported, "", "eval", "not implemented yet (issue #6)"); });
}

}  // namespace pe::cli
