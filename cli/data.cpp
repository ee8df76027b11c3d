// pythia-eval data: placeholder until issue #5 lands.
#include "cli/commands.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_data(CLI::App& app) {
    auto* cmd = app.add_subcommand("data", "(not yet available: issue #5)");
    cmd->allow_extras();
    cmd->callback([] { throw pe::Error(pe::ErrorKind::unsupported, "", "data", "not implemented yet (issue #5)"); });
}

}  // namespace pe::cli
