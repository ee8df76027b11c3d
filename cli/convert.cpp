// pythia-eval convert HF_DIR OUT.gguf [--dtype f32|f16|bf16|q8_0]: a Hugging Face GPT-NeoX folder to a
// GGUF in llama.cpp's gptneox convention (neox-gguf-tokenizer.md §2), written atomically.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/whole_number.hpp"
#include "engine/convert/convert.hpp"
#include "engine/error.hpp"
#include "engine/hub/cache.hpp"

namespace pe::cli {

void add_convert(CLI::App& app) {
    struct Args {
        std::string hf_dir, out, dtype, model_id, revision;
        std::optional<std::string> step;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("convert", "convert a Hugging Face GPTNeoXForCausalLM folder to GGUF");
    cmd->add_option("HF_DIR", args->hf_dir, "folder with config.json, tokenizer.json and model.safetensors | "
                                            "pytorch_model.bin (or their sharded *.index.json forms)")
        ->required();
    cmd->add_option("OUT", args->out, "output .gguf path")->required();
    cmd->add_option("--dtype", args->dtype, "type of the 2-D weights (default: the checkpoint's own)")
        ->check(CLI::IsMember({"f32", "f16", "bf16", "q8_0"}, CLI::ignore_case));
    cmd->add_option("--name,--model-id", args->model_id,
                    "Hugging Face repo id to record, e.g. EleutherAI/pythia-70m (eval names its results by it)");
    cmd->add_option("--revision", args->revision, "revision to record, e.g. step143000");
    cmd->add_option("--step", args->step, "training step to record (as revision stepN; eval names its results by it)");
    cmd->callback([args] {
        convert::ConvertOptions o;
        if (!args->dtype.empty()) o.dtype = gguf::tensor_type_from_name(args->dtype);
        if (!args->model_id.empty() && !hub::is_repo_id(args->model_id))
            throw_bad_input(args->model_id, "--name", "expected a Hugging Face repo id like EleutherAI/pythia-160m");
        if (args->step && !args->revision.empty())
            throw_bad_input("", "--step", "give --step or --revision, not both");
        o.model_id = args->model_id;
        o.revision = args->step ? "step" + std::to_string(parse_whole_number(*args->step, "--step", 0, uint64_t(INT64_MAX)))
                                : args->revision;
        const auto start = std::chrono::steady_clock::now();
        convert::convert_hf_checkpoint(args->hf_dir, args->out, o);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("wrote %s (%.1f MiB) in %.2f s\n", args->out.c_str(),
                    double(std::filesystem::file_size(args->out)) / (1024.0 * 1024.0), secs);
    });
}

}  // namespace pe::cli
