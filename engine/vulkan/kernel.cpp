// Kernel: shader module -> compute pipeline with specialisation constants.
#include "engine/vulkan/kernel.hpp"

#include <utility>

namespace pe::vulkan {

Kernel::Kernel(Device& device, ShaderId id, uint32_t n_buffers, uint32_t push_bytes, std::vector<uint32_t> spec,
               uint32_t texel_mask)
    : device_(device.handle()), n_buffers_(n_buffers), push_bytes_(push_bytes), texel_mask_(texel_mask),
      name_(shader_name(id)) {
    std::vector<VkDescriptorSetLayoutBinding> bindings(n_buffers);
    for (uint32_t i = 0; i < n_buffers; ++i)
        bindings[i] = {i, is_texel(i) ? VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1,
                       VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
    auto dl = vk_struct<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
    dl.bindingCount = n_buffers;
    dl.pBindings = bindings.data();
    check(vkCreateDescriptorSetLayout(device_, &dl, nullptr, &set_layout_), "vkCreateDescriptorSetLayout");

    VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes};
    auto pl = vk_struct<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &set_layout_;
    pl.pushConstantRangeCount = push_bytes ? 1 : 0;
    pl.pPushConstantRanges = push_bytes ? &range : nullptr;
    check(vkCreatePipelineLayout(device_, &pl, nullptr, &layout_), "vkCreatePipelineLayout");

    const auto code = shader_spirv(id);
    auto mi = vk_struct<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
    mi.codeSize = code.size_bytes();
    mi.pCode = code.data();
    VkShaderModule module = VK_NULL_HANDLE;
    check(vkCreateShaderModule(device_, &mi, nullptr, &module), "vkCreateShaderModule");

    std::vector<VkSpecializationMapEntry> entries(spec.size());
    for (uint32_t i = 0; i < spec.size(); ++i) entries[i] = {i, i * 4u, 4};
    VkSpecializationInfo si{uint32_t(entries.size()), entries.data(), spec.size() * 4, spec.data()};
    auto ci = vk_struct<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
    ci.stage = vk_struct<VkPipelineShaderStageCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO);
    ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    ci.stage.module = module;
    ci.stage.pName = "main";
    ci.stage.pSpecializationInfo = spec.empty() ? nullptr : &si;
    ci.layout = layout_;
    const VkResult r = vkCreateComputePipelines(device_, device.pipeline_cache(), 1, &ci, nullptr, &pipeline_);
    vkDestroyShaderModule(device_, module, nullptr);
    if (r != VK_SUCCESS) release();
    check(r, "vkCreateComputePipelines");
}

Kernel::Kernel(Kernel&& o) noexcept
    : device_(std::exchange(o.device_, VK_NULL_HANDLE)), pipeline_(std::exchange(o.pipeline_, VK_NULL_HANDLE)),
      layout_(std::exchange(o.layout_, VK_NULL_HANDLE)), set_layout_(std::exchange(o.set_layout_, VK_NULL_HANDLE)),
      n_buffers_(o.n_buffers_), push_bytes_(o.push_bytes_), texel_mask_(o.texel_mask_), name_(std::move(o.name_)) {}

Kernel& Kernel::operator=(Kernel&& o) noexcept {
    if (this != &o) {
        release();
        device_ = std::exchange(o.device_, VK_NULL_HANDLE);
        pipeline_ = std::exchange(o.pipeline_, VK_NULL_HANDLE);
        layout_ = std::exchange(o.layout_, VK_NULL_HANDLE);
        set_layout_ = std::exchange(o.set_layout_, VK_NULL_HANDLE);
        n_buffers_ = o.n_buffers_;
        push_bytes_ = o.push_bytes_;
        texel_mask_ = o.texel_mask_;
        name_ = std::move(o.name_);
    }
    return *this;
}

Kernel::~Kernel() { release(); }

void Kernel::release() {
    if (!device_) return;
    if (pipeline_) vkDestroyPipeline(device_, pipeline_, nullptr);
    if (layout_) vkDestroyPipelineLayout(device_, layout_, nullptr);
    if (set_layout_) vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
    pipeline_ = VK_NULL_HANDLE;
    layout_ = VK_NULL_HANDLE;
    set_layout_ = VK_NULL_HANDLE;
}

}  // namespace pe::vulkan
