// pythia-eval forward: placeholder until issue #2 lands.
#include "cli/commands.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_forward(CLI::App& app) {
    auto* cmd = app.add_subcommand("forward", "(not yet available: issue #2)");
    cmd->allow_extras();
    cmd->callback([] { throw pe::Error(pe::ErrorKind::unsupported, "", "forward", "not implemented yet (issue #2)"); });
}

}  // namespace pe::cli
