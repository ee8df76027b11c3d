// Backends by name (backend_select.hpp).
#include "cli/backend_select.hpp"

#include <charconv>
#include <optional>

#include "engine/error.hpp"
#include "engine/vulkan/device.hpp"
#include "engine/vulkan/vulkan_backend.hpp"

namespace pe::cli {

std::vector<std::string> backend_names() { return {"auto", "cpu", "vulkan"}; }

namespace {

// --device as an index; empty: none given.
std::optional<uint32_t> device_index(const std::string& device) {
    if (device.empty()) return std::nullopt;
    uint32_t index = 0;
    const auto* end = device.data() + device.size();
    const auto [ptr, ec] = std::from_chars(device.data(), end, index);
    if (ec != std::errc() || ptr != end)
        throw_bad_input("", "--device", "'" + device + "' is not a device number (see `pythia-eval devices`)");
    return index;
}

bool is_vulkan(const std::string& name) { return name == "vulkan" || name.starts_with("vulkan:"); }

vulkan::DeviceOptions device_options(const std::string& name, const BackendOptions& options) {
    vulkan::DeviceOptions vo;
    if (name != "vulkan") vo.features = vulkan::parse_kernel_features(name.substr(7), "--backend");
    vo.memory_limit_bytes = options.device_memory_limit_mib << 20;
    if (const auto index = device_index(options.device)) vo.index = *index;
    return vo;
}

[[noreturn]] void throw_unknown_backend(const std::string& name) {
    std::string known;
    for (const auto& n : backend_names()) known += (known.empty() ? "" : ", ") + n;
    throw_bad_input("", "--backend", "unknown backend '" + name + "' (known: " + known + ")");
}

}  // namespace

BackendChoice choose_backend(const std::string& name, const BackendOptions& options) {
    if (name != "auto") return {name, ""};
    const std::optional<uint32_t> wanted = device_index(options.device);
    std::vector<vulkan::DeviceInfo> devices;
    try {
        devices = vulkan::Device::list();
    } catch (const pe::Error& e) {  // no Vulkan loader or driver at all: that is an answer too
        return {"cpu", std::string("auto: no Vulkan (") + e.what() + ")"};
    }
    std::string cpu_devices;
    for (const auto& d : devices) {
        if (!d.usable || (wanted && d.index != *wanted)) continue;
        if (d.type != "cpu")
            return {"vulkan", "auto: Vulkan device " + std::to_string(d.index) + " " + d.name + " (" + d.type + ")"};
        cpu_devices += (cpu_devices.empty() ? "" : ", ") + d.name;
    }
    if (cpu_devices.empty()) return {"cpu", "auto: no usable Vulkan device"};
    return {"cpu", "auto: the only Vulkan device is a CPU renderer (" + cpu_devices + "), slower than the CPU backend"};
}

std::unique_ptr<vulkan::Device> open_backend_device(const std::string& name, const BackendOptions& options) {
    if (name == "auto") return open_backend_device(choose_backend(name, options).name, options);
    if (name == "cpu") return nullptr;
    if (!is_vulkan(name)) throw_unknown_backend(name);
    return std::make_unique<vulkan::Device>(vulkan::Device::open(device_options(name, options)));
}

std::unique_ptr<model::Backend> make_backend(const std::string& name, const model::Model& model,
                                             const BackendOptions& options, vulkan::Device* device) {
    if (name == "auto") return make_backend(choose_backend(name, options).name, model, options, device);
    if (name == "cpu") return model::make_cpu_backend(model, options.n_threads);
    if (!is_vulkan(name) || !device) throw_unknown_backend(name);
    return model::make_vulkan_backend(model, *device);
}

std::unique_ptr<model::Backend> make_backend(const std::string& name, const model::Model& model,
                                             const BackendOptions& options) {
    if (name == "auto") return make_backend(choose_backend(name, options).name, model, options);
    if (name == "cpu") return model::make_cpu_backend(model, options.n_threads);
    if (is_vulkan(name)) return model::make_vulkan_backend(model, device_options(name, options));
    throw_unknown_backend(name);
}

}  // namespace pe::cli
