// Backends by name for the CLI ("cpu"; the Vulkan helper adds "vulkan"), style.md §4.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"
#include "engine/vulkan/device.hpp"

namespace pe::cli {

struct BackendOptions {
    int n_threads = 0;   // cpu: 0 = all hardware threads
    std::string device;  // vulkan: device choice as `pythia-eval devices` lists it; empty = default
    uint64_t device_memory_limit_mib = 0;  // vulkan: 0 = no limit but the device's
};

std::vector<std::string> backend_names();

// What "auto" became, and why, for the run's header line.
struct BackendChoice {
    std::string name;  // "cpu" or "vulkan" (any other name passes through unchanged)
    std::string why;   // empty unless the name was "auto"
};
// "auto" (the default of eval): vulkan when the Vulkan device to be used (options.device, else any) is
// not a CPU (VkPhysicalDeviceType != CPU: lavapipe/llvmpipe run slower than the CPU backend on the
// same cores), else cpu.
BackendChoice choose_backend(const std::string& name, const BackendOptions& options);

// "auto" (choose_backend), "cpu", "vulkan", or "vulkan:FEATURES" (vulkan::parse_kernel_features: "portable", "subgroups", ...).
// Throws pe::Error (bad_input, field "--backend") for an unknown name.
std::unique_ptr<model::Backend> make_backend(const std::string& name, const model::Model& model,
                                             const BackendOptions& options = {});

// For many models in one process (sweep): the Vulkan device `name` asks for, opened once, so its
// pipelines are built once; nullptr for the CPU backend. Then make_backend on that device.
std::unique_ptr<vulkan::Device> open_backend_device(const std::string& name, const BackendOptions& options);
std::unique_ptr<model::Backend> make_backend(const std::string& name, const model::Model& model,
                                             const BackendOptions& options, vulkan::Device* device);

}  // namespace pe::cli
