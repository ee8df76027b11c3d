// pythia-eval synth: write a random-weight Pythia-shaped GGUF (engine/convert/synthetic.hpp) for
// tests, bench and measurements.
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "engine/convert/synthetic.hpp"
#include "engine/error.hpp"

namespace pe::cli {

void add_synth(CLI::App& app) {
    struct Args {
        std::string shape = "tiny", dtype = "f32", tokenizer, out;
        uint64_t seed = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("synth", "Write a random-weight GPT-NeoX GGUF in a Pythia shape");
    std::string shape_help = "model shape:";
    for (const auto& s : convert::synth_shape_names()) shape_help += " " + s;
    cmd->add_option("--shape", args->shape, shape_help)->capture_default_str();
    cmd->add_option("--dtype", args->dtype, "type of the 2-D weights: f32, f16, bf16, q8_0, q4_0")
        ->capture_default_str();
    cmd->add_option("--seed", args->seed, "random seed; the same seed gives the same values in every dtype")
        ->capture_default_str();
    cmd->add_option("--tokenizer", args->tokenizer, "tokenizer.json whose tokenizer.ggml.* keys to add (for --text)");
    cmd->add_option("out", args->out, "output .gguf path")->required();
    cmd->callback([args] {
        const auto shape = convert::synth_shape(args->shape);
        if (!shape) throw_bad_input("", "--shape", "unknown shape '" + args->shape + "'");
        const auto dtype = gguf::tensor_type_from_name(args->dtype);
        if (!dtype || *dtype == gguf::TensorType::q6_k)
            throw_bad_input("", "--dtype", "'" + args->dtype + "', expected f32, f16, bf16, q8_0 or q4_0");
        convert::write_synthetic_gguf(args->out, {*shape, *dtype, args->seed, args->tokenizer});
    });
}

}  // namespace pe::cli
