// pythia-eval synth: placeholder until issue #2 lands.
#include "cli/commands.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_synth(CLI::App& app) {
    auto* cmd = app.add_subcommand("synth", "(not yet available: issue #2)");
    cmd->allow_extras();
    cmd->callback([] { throw pe::Error(pe::ErrorKind::unsupported, "", "synth", "not implemented yet (issue #2)"); });
}

}  // namespace pe::cli
