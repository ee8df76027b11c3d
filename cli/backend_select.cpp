// Backends by name (backend_select.hpp).
#include "cli/backend_select.hpp"

#include <charconv>

#include "engine/error.hpp"
#include "engine/vulkan/vulkan_backend.hpp"

namespace pe::cli {

std::vector<std::string> backend_names() { return {"cpu", "vulkan"}; }

namespace {

bool is_vulkan(const std::string& name) { return name == "vulkan" || name.starts_with("vulkan:"); }

vulkan::DeviceOptions device_options(const std::string& name, const BackendOptions& options) {
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
    return vo;
}

[[noreturn]] void throw_unknown_backend(const std::string& name) {
    std::string known;
    for (const auto& n : backend_names()) known += (known.empty() ? "" : ", ") + n;
    throw_bad_input("", "--backend", "unknown backend '" + name + "' (known: " + known + ")");
}

}  // namespace

std::unique_ptr<vulkan::Device> open_backend_device(const std::string& name, const BackendOptions& options) {
    if (name == "cpu") return nullptr;
    if (!is_vulkan(name)) throw_unknown_backend(name);
    return std::make_unique<vulkan::Device>(vulkan::Device::open(device_options(name, options)));
}

std::unique_ptr<model::Backend> make_backend(const std::string& name, const model::Model& model,
                                             const BackendOptions& options, vulkan::Device* device) {
    if (name == "cpu") return model::make_cpu_backend(model, options.n_threads);
    if (!is_vulkan(name) || !device) throw_unknown_backend(name);
    return model::make_vulkan_backend(model, *device);
}

std::unique_ptr<model::Backend> make_backend(const std::string& name, const model::Model& model,
                                             const BackendOptions& options) {
    if (name == "cpu") return model::make_cpu_backend(model, options.n_threads);
    if (is_vulkan(name)) return model::make_vulkan_backend(model, device_options(name, options));
    throw_unknown_backend(name);
}

}  // namespace pe::cli
