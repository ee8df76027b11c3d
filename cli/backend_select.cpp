// Backends by name (backend_select.hpp).
#include "cli/backend_select.hpp"

#include <charconv>

#include "engine/error.hpp"
#include "engine/vulkan/vulkan_backend.hpp"

namespace pe::cli {

std::vector<std::string> backend_names() { return {"cpu", "vulkan"}; }

std::unique_ptr<model::Backend> make_backend(const std::string& name, const model::Model& model,
                                             const BackendOptions& options) {
    if (name == "cpu") return model::make_cpu_backend(model, options.n_threads);
    if (name == "vulkan" || name.starts_with("vulkan:")) {
        vulkan::DeviceOptions vo;
        if (name != "vulkan") vo.features = vulkan::parse_kernel_features(name.substr(7), "--backend");
        vo.memory_limit_bytes = options.device_memory_limit_mib << 20;
        if (!options.device.empty()) {
            uint32_t index = 0;
            const auto* end = options.device.data() + options.device.size();
            const auto [ptr, ec] = std::from_chars(options.device.data(), end, index);
            if (ec != std::errc() || ptr != end)
                throw_bad_input("", "--device", "'" + options.device + "' is not a device number (see `pythia-eval devices`)");
            vo.index = index;
        }
        return model::make_vulkan_backend(model, vo);
    }
    std::string known;
    for (const auto& n : backend_names()) known += (known.empty() ? "" : ", ") + n;
    throw_bad_input("", "--backend", "unknown backend '" + name + "' (known: " + known + ")");
}

}  // namespace pe::cli
