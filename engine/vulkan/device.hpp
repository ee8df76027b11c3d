// pe::vulkan::Device (style.md §4): instance, physical device, one compute queue, memory types,
// pipeline cache on disk, optional validation layer with a messenger that records every message.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/vulkan/vk.hpp"

namespace pe::vulkan {

// The optional device features the kernels use when the device has them (issue #4). Each has a
// portable path that every Vulkan 1.2 device runs; `vulkan:portable` on the command line forces it.
// subgroups and storage16 change no result beyond fp32 summation order, so all() has them; intdot
// quantizes activations to Q8_0 (as llama.cpp's Q8_0 matmul does), which moves log-probs by about
// 1e-2, so it is only used when asked for by name ("all+intdot").
struct KernelFeatures {
    bool subgroups = false;  // subgroup add/min/max: row reductions without a shared-memory tree
    bool storage16 = false;  // 16-bit storage buffers: F16 weights loaded as f16vec4, no unpacking
    bool intdot = false;     // Q8_0 weights x Q8_0-quantized activations by packed int8 dot products
    static KernelFeatures all() { return {true, true, false}; }
    KernelFeatures operator&(const KernelFeatures& o) const {  // those in both
        return {subgroups && o.subgroups, storage16 && o.storage16, intdot && o.intdot};
    }
    std::string describe() const;  // "subgroups+storage16", or "portable" when none
    bool operator==(const KernelFeatures&) const = default;
};
struct DeviceInfo {
    uint32_t index = 0;  // position in list(); what --device N names
    std::string name;
    std::string type;    // "discrete", "integrated", "virtual", "cpu", "other"
    std::string driver;  // driver name and info, e.g. "llvmpipe Mesa 22.3.6"
    uint32_t api_version = 0;
    uint64_t device_local_bytes = 0;
    uint32_t subgroup_size = 0;
    bool usable = false;             // Vulkan 1.2 and a compute queue
    bool subgroup_arithmetic = false; // compute-stage subgroup add/min/max (used: KernelFeatures)
    bool storage16 = false;           // storageBuffer16BitAccess (used: KernelFeatures)
    bool float16 = false;             // shaderFloat16 (reported; no kernel computes in fp16)
    bool integer_dot = false;         // VK_KHR_shader_integer_dot_product (used: KernelFeatures::intdot)
    bool integer_dot_accelerated = false;  // packed signed 4x8 dot in hardware (reported)
    bool cooperative_matrix = false;  // VK_KHR_cooperative_matrix (reported, see README)
    std::string api_string() const;
    KernelFeatures supported() const;  // the kernel features this device has
};

// "all", "portable", or names joined by '+' ("subgroups+storage16", "all+intdot"); bad_input
// names `field`.
KernelFeatures parse_kernel_features(std::string_view text, const std::string& field);

struct DeviceOptions {
    std::optional<uint32_t> index;  // none: prefer discrete, then integrated, virtual, cpu
    bool validation = false;        // also enabled by PE_VULKAN_VALIDATION=1
    bool pipeline_cache = true;     // load/save $XDG_CACHE_HOME/pythia-eval/pipelines-*.bin
    KernelFeatures features = KernelFeatures::all();  // allowed; those the device has are enabled
    // Device-local bytes this process may hold (0: no limit but the device's own). Going past it is
    // device_oom exactly like the driver's VK_ERROR_OUT_OF_DEVICE_MEMORY, so a shared GPU can be
    // capped, and the out-of-memory retry can be tested on a device with plenty of memory.
    uint64_t memory_limit_bytes = 0;
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
    const KernelFeatures& features() const;  // enabled: allowed by the options and supported

    // Device-local bytes held by live Buffers, and the most held at once. A Buffer reserves before
    // allocating (false: the bytes would pass memory_limit(), nothing is counted) and releases when
    // it frees.
    uint64_t allocated_bytes() const;
    uint64_t peak_allocated_bytes() const;
    uint64_t memory_limit() const;  // DeviceOptions::memory_limit_bytes
    bool reserve(uint64_t bytes);
    void release(uint64_t bytes);

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
