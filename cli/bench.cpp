// pythia-eval bench: placeholder until issue #4 lands.
#include "cli/commands.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_bench(CLI::App& app) {
    auto* cmd = app.add_subcommand("bench", "(not yet available: issue #4)");
    cmd->allow_extras();
    cmd->callback([] { throw pe::Error(pe::ErrorKind::unsupported, "", "bench", "not implemented yet (issue #4)"); });
}

}  // namespace pe::cli
