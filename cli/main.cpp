// pythia-eval: the one executable. Errors are caught here only (style.md §5): pe::Error prints one
// line and exits 1; usage errors exit 2 (CLI11's own codes are mapped to 2).
#include <cstdio>
#include <exception>

#include "cli/commands.hpp"
#include "engine/error.hpp"

int main(int argc, char** argv) {
    CLI::App app{"pythia-eval: score Pythia (GPT-NeoX) checkpoints on LAMBADA, PIQA, WinoGrande, "
                 "ARC-Easy and SciQ exactly as lm-evaluation-harness did, on Vulkan"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "pythia-eval 0.1.0");
    pe::cli::add_info(app);
    pe::cli::add_convert(app);
    pe::cli::add_tokenize(app);
    pe::cli::add_forward(app);
    pe::cli::add_devices(app);
    pe::cli::add_bench(app);
    pe::cli::add_eval(app);
    pe::cli::add_compare(app);
    pe::cli::add_data(app);
    pe::cli::add_synth(app);
    pe::cli::add_sweep(app);
    pe::cli::add_table(app);
    pe::cli::add_plot(app);
    pe::cli::add_report(app);
    pe::cli::add_cache(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    } catch (const pe::Error& e) {
        std::fprintf(stderr, "pythia-eval: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pythia-eval: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
