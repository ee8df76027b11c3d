// model_gguf (eval_model.hpp): a thin layer over cli/model_source that records the hub repo id and
// revision in a converted GGUF.
#include "cli/eval_model.hpp"

#include "cli/model_source.hpp"

namespace pe::cli {

namespace fs = std::filesystem;

fs::path model_gguf(const fs::path& local, const ModelRef& ref, bool quiet) {
    ModelSourceOptions opts;
    if (ref.is_hub) {
        opts.model_id = ref.repo_id;
        opts.revision = ref.revision;
    }
    opts.quiet = quiet;
    return resolve_model(local.string(), opts);
}

}  // namespace pe::cli
