// pythia-eval compare: placeholder until issue #5 lands.
#include "cli/commands.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_compare(CLI::App& app) {
    auto* cmd = app.add_subcommand("compare", "(not yet available: issue #5)");
    cmd->allow_extras();
    cmd->callback([] { throw pe::Error(pe::ErrorKind::unsupported, "", "compare", "not implemented yet (issue #5)"); });
}

}  // namespace pe::cli
