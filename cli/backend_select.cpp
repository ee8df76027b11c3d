// Backends by name (backend_select.hpp).
#include "cli/backend_select.hpp"

#include "engine/error.hpp"

namespace pe::cli {

std::vector<std::string> backend_names() { return {"cpu"}; }

std::unique_ptr<model::Backend> make_backend(const std::string& name, const model::Model& model,
                                             const BackendOptions& options) {
    if (name == "cpu") return model::make_cpu_backend(model, options.n_threads);
    std::string known;
    for (const auto& n : backend_names()) known += (known.empty() ? "" : ", ") + n;
    throw_bad_input("", "--backend", "unknown backend '" + name + "' (known: " + known + ")");
}

}  // namespace pe::cli
