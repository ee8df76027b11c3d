// Recorder: command buffer, descriptor pools (grown on demand, reset after each submit), barriers.
#include "engine/vulkan/recorder.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "engine/error.hpp"

namespace pe::vulkan {

namespace {
constexpr uint32_t sets_per_pool = 256;
constexpr uint32_t buffers_per_set = 12;
}  // namespace

Recorder::Recorder(Device& device) : device_(&device) {
    auto cpi = vk_struct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
    cpi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    cpi.queueFamilyIndex = device.queue_family();
    check(vkCreateCommandPool(device.handle(), &cpi, nullptr, &pool_), "vkCreateCommandPool");
    auto ai = vk_struct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    ai.commandPool = pool_;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    check(vkAllocateCommandBuffers(device.handle(), &ai, &cmd_), "vkAllocateCommandBuffers");
}

Recorder::Recorder(Recorder&& o) noexcept
    : device_(o.device_), pool_(std::exchange(o.pool_, VK_NULL_HANDLE)), cmd_(std::exchange(o.cmd_, VK_NULL_HANDLE)),
      descriptor_pools_(std::move(o.descriptor_pools_)), pool_in_use_(o.pool_in_use_), recording_(o.recording_) {}

Recorder::~Recorder() {
    if (!pool_) return;
    if (recording_) vkEndCommandBuffer(cmd_);
    for (VkDescriptorPool p : descriptor_pools_) vkDestroyDescriptorPool(device_->handle(), p, nullptr);
    vkDestroyCommandPool(device_->handle(), pool_, nullptr);
}

void Recorder::begin() {
    if (recording_) return;
    check(vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
    auto bi = vk_struct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
    recording_ = true;
}

VkDescriptorSet Recorder::allocate_set(VkDescriptorSetLayout layout) {
    for (;;) {
        if (pool_in_use_ == descriptor_pools_.size()) {
            VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, sets_per_pool * buffers_per_set},
                                            {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, sets_per_pool * buffers_per_set}};
            auto pi = vk_struct<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
            pi.maxSets = sets_per_pool;
            pi.poolSizeCount = 2;
            pi.pPoolSizes = sizes;
            VkDescriptorPool p = VK_NULL_HANDLE;
            check(vkCreateDescriptorPool(device_->handle(), &pi, nullptr, &p), "vkCreateDescriptorPool");
            descriptor_pools_.push_back(p);
        }
        auto ai = vk_struct<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
        ai.descriptorPool = descriptor_pools_[pool_in_use_];
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &layout;
        VkDescriptorSet set = VK_NULL_HANDLE;
        const VkResult r = vkAllocateDescriptorSets(device_->handle(), &ai, &set);
        if (r == VK_SUCCESS) return set;
        if (r != VK_ERROR_OUT_OF_POOL_MEMORY && r != VK_ERROR_FRAGMENTED_POOL) check(r, "vkAllocateDescriptorSets");
        ++pool_in_use_;  // this pool is full: move to the next (created above when missing)
    }
}

void Recorder::dispatch(const Kernel& kernel, std::initializer_list<BufferRange> buffers,
                        std::span<const std::byte> push, std::array<uint32_t, 3> groups) {
    if (buffers.size() != kernel.n_buffers() || push.size() != kernel.push_bytes() ||
        buffers.size() > buffers_per_set)
        throw pe::Error(ErrorKind::internal, "", kernel.name(),
                        fmt::format("dispatch with {} buffers and {} push bytes; the kernel takes {} and {}",
                                    buffers.size(), push.size(), kernel.n_buffers(), kernel.push_bytes()));
    const auto& lim = device_->limits();
    for (int i = 0; i < 3; ++i)
        if (groups[i] > lim.maxComputeWorkGroupCount[i])
            throw pe::Error(ErrorKind::internal, "", kernel.name(),
                            fmt::format("grid {} of {} exceeds the device limit {}", i, groups[i],
                                        lim.maxComputeWorkGroupCount[i]));
    if (groups[0] == 0 || groups[1] == 0 || groups[2] == 0) return;
    begin();
    VkDescriptorSet set = allocate_set(kernel.set_layout());
    std::vector<VkDescriptorBufferInfo> infos;
    std::vector<VkBufferView> views;
    infos.reserve(buffers.size());
    views.reserve(buffers.size());
    for (const BufferRange& b : buffers) {
        uint64_t n = b.bytes == VK_WHOLE_SIZE ? b.buffer->size() - b.offset_bytes : b.bytes;
        n = std::max<uint64_t>(n, 4);  // an empty range still binds valid memory (buffers hold >= 16 bytes)
        const uint32_t binding = uint32_t(infos.size());
        if (kernel.is_texel(binding)) {
            if (b.format == VK_FORMAT_UNDEFINED || b.offset_bytes % lim.minTexelBufferOffsetAlignment)
                throw pe::Error(ErrorKind::internal, "", kernel.name(),
                                fmt::format("texel binding {} without a format or at a misaligned offset {}", binding,
                                            b.offset_bytes));
            views.push_back(b.buffer->view(b.offset_bytes, n, b.format));
            infos.push_back({b.buffer->handle(), b.offset_bytes, n});
            continue;
        }
        views.push_back(VK_NULL_HANDLE);
        if (n > lim.maxStorageBufferRange || b.offset_bytes % lim.minStorageBufferOffsetAlignment)
            throw pe::Error(ErrorKind::internal, "", kernel.name(),
                            fmt::format("binding {} bytes at offset {}: beyond the device's storage buffer "
                                        "range {} or alignment {}",
                                        n, b.offset_bytes, lim.maxStorageBufferRange,
                                        lim.minStorageBufferOffsetAlignment));
        infos.push_back({b.buffer->handle(), b.offset_bytes, n});
    }
    std::vector<VkWriteDescriptorSet> writes(infos.size());
    for (uint32_t i = 0; i < infos.size(); ++i) {
        writes[i] = vk_struct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        if (kernel.is_texel(i)) {
            writes[i].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
            writes[i].pTexelBufferView = &views[i];
        } else {
            writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
            writes[i].pBufferInfo = &infos[i];
        }
    }
    vkUpdateDescriptorSets(device_->handle(), uint32_t(writes.size()), writes.data(), 0, nullptr);
    vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline());
    vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.layout(), 0, 1, &set, 0, nullptr);
    if (!push.empty())
        vkCmdPushConstants(cmd_, kernel.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, uint32_t(push.size()), push.data());
    vkCmdDispatch(cmd_, groups[0], groups[1], groups[2]);
}

void Recorder::copy(const Buffer& src, uint64_t src_offset, Buffer& dst, uint64_t dst_offset, uint64_t bytes) {
    if (bytes == 0) return;
    begin();
    VkBufferCopy region{src_offset, dst_offset, bytes};
    vkCmdCopyBuffer(cmd_, src.handle(), dst.handle(), 1, &region);
}

void Recorder::barrier() {
    begin();
    auto mb = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, nullptr,
                         0, nullptr);
}

void Recorder::submit_and_wait() {
    if (!recording_) return;
    auto mb = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
    check(vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
    recording_ = false;
    device_->submit_and_wait(cmd_);
    for (VkDescriptorPool p : descriptor_pools_) check(vkResetDescriptorPool(device_->handle(), p, 0), "vkResetDescriptorPool");
    pool_in_use_ = 0;
}

}  // namespace pe::vulkan
