// pythia-eval convert: placeholder until issue #2 lands.
#include "cli/commands.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_convert(CLI::App& app) {
    auto* cmd = app.add_subcommand("convert", "(not yet available: issue #2)");
    cmd->allow_extras();
    cmd->callback([] { throw pe::Error(pe::ErrorKind::unsupported, "", "convert", "not implemented yet (issue #2)"); });
}

}  // namespace pe::cli
