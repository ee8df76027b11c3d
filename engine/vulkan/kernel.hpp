// pe::vulkan::Kernel (style.md §4): one shader variant plus its specialisation constants, built into
// a compute pipeline (through the device's pipeline cache) with its descriptor and pipeline layout.
// Bindings 0..n_buffers-1 of set 0 are storage buffers, or uniform texel buffers where bit i of
// texel_mask is set; constant_id i takes spec[i].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/vulkan/device.hpp"
#include "shaders/shader_ids.hpp"

namespace pe::vulkan {

class Kernel {
public:
    Kernel(Device& device, ShaderId id, uint32_t n_buffers, uint32_t push_bytes, std::vector<uint32_t> spec = {},
           uint32_t texel_mask = 0);
    Kernel(Kernel&&) noexcept;
    Kernel& operator=(Kernel&&) noexcept;
    Kernel(const Kernel&) = delete;
    Kernel& operator=(const Kernel&) = delete;
    ~Kernel();

    VkPipeline pipeline() const { return pipeline_; }
    VkPipelineLayout layout() const { return layout_; }
    VkDescriptorSetLayout set_layout() const { return set_layout_; }
    uint32_t n_buffers() const { return n_buffers_; }
    uint32_t push_bytes() const { return push_bytes_; }
    bool is_texel(uint32_t binding) const { return (texel_mask_ >> binding) & 1u; }
    const std::string& name() const { return name_; }

private:
    void release();
    VkDevice device_ = VK_NULL_HANDLE;
    VkPipeline pipeline_ = VK_NULL_HANDLE;
    VkPipelineLayout layout_ = VK_NULL_HANDLE;
    VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
    uint32_t n_buffers_ = 0;
    uint32_t push_bytes_ = 0;
    uint32_t texel_mask_ = 0;
    std::string name_;
};

}  // namespace pe::vulkan
