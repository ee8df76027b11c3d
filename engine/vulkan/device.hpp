// pe::vulkan::Device (style.md §4): instance, physical device, one compute queue, memory types,
// pipeline cache on disk, optional validation layer with a messenger that records every message.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/vulkan/vk.hpp"

namespace pe::vulkan {

struct DeviceInfo {
    uint32_t index = 0;  // position in list(); what --device N names
    std::string name;
    std::string type;    // "discrete", "integrated", "virtual", "cpu", "other"
    std::string driver;  // driver name and info, e.g. "llvmpipe Mesa 22.3.6"
    uint32_t api_version = 0;
    uint64_t device_local_bytes = 0;
    uint32_t subgroup_size = 0;
    bool usable = false;             // Vulkan 1.2 and a compute queue
    bool subgroup_broadcast = false; // compute-stage subgroup ballot ops (detected, reported)
    bool float16 = false;            // shaderFloat16 (detected, reported)
    bool storage16 = false;          // storageBuffer16BitAccess (detected, reported)
    bool integer_dot = false;        // VK_KHR_shader_integer_dot_product (detected, reported)
    bool cooperative_matrix = false; // VK_KHR_cooperative_matrix (detected, reported)
    std::string api_string() const;
};

struct DeviceOptions {
    std::optional<uint32_t> index;  // none: prefer discrete, then integrated, virtual, cpu
    bool validation = false;        // also enabled by PE_VULKAN_VALIDATION=1
    bool pipeline_cache = true;     // load/save $XDG_CACHE_HOME/pythia-eval/pipelines-*.bin
};

class Device {
public:
    static std::vector<DeviceInfo> list();
    static Device open(const DeviceOptions& options = {});

    Device(Device&&) noexcept;
    Device& operator=(Device&&) noexcept;
    ~Device();

    const DeviceInfo& info() const;
    VkDevice handle() const;
    VkQueue queue() const;
    uint32_t queue_family() const;
    VkPipelineCache pipeline_cache() const;
    const VkPhysicalDeviceLimits& limits() const;

    // A memory type index with all `required` flags, preferring one that also has `preferred`.
    // Throws device when none fits.
    uint32_t memory_type(uint32_t type_bits, VkMemoryPropertyFlags required,
                         VkMemoryPropertyFlags preferred) const;

    // Records a command buffer with `record`, submits it and waits (uploads, downloads).
    void run_once(const std::function<void(VkCommandBuffer)>& record);
    void submit_and_wait(VkCommandBuffer cmd);

    // Messages from the validation layer (warnings and errors), empty when validation is off.
    std::vector<std::string> validation_messages() const;
    bool validation_enabled() const;

    struct State;  // defined in device.cpp

private:
    explicit Device(std::unique_ptr<State> state);
    std::unique_ptr<State> s_;
};

}  // namespace pe::vulkan
