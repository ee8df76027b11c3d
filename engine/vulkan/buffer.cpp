// Buffer: allocation, staging uploads and downloads (issue #4: device-local weights through
// staging, host-visible readback).
#include "engine/vulkan/buffer.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "engine/error.hpp"

namespace pe::vulkan {

namespace {

constexpr uint64_t staging_chunk_bytes = 64ull << 20;

}  // namespace

Buffer::Buffer(Device& device, uint64_t bytes, MemoryUse use) : device_(&device), bytes_(bytes), use_(use) {
    auto bi = vk_struct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
    bi.size = std::max<uint64_t>(bytes, 16);  // Vulkan forbids empty buffers
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(vkCreateBuffer(device.handle(), &bi, nullptr, &buffer_), "vkCreateBuffer");
    VkMemoryRequirements req{};
    vkGetBufferMemoryRequirements(device.handle(), buffer_, &req);
    auto ai = vk_struct<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
    ai.allocationSize = req.size;
    if (use == MemoryUse::device) {
        ai.memoryTypeIndex = device.memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
    } else {
        ai.memoryTypeIndex = device.memory_type(
            req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
            VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
    }
    // Past DeviceOptions::memory_limit_bytes is the driver's out-of-memory, on the same path.
    const bool within_limit = use == MemoryUse::host || device.reserve(req.size);
    if (within_limit && use == MemoryUse::device) charged_ = req.size;
    const VkResult r = within_limit ? vkAllocateMemory(device.handle(), &ai, nullptr, &memory_)
                                    : VK_ERROR_OUT_OF_DEVICE_MEMORY;
    if (r != VK_SUCCESS) {
        vkDestroyBuffer(device.handle(), buffer_, nullptr);
        buffer_ = VK_NULL_HANDLE;
        device.release(std::exchange(charged_, 0));
        if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY)
            throw pe::Error(ErrorKind::device_oom, "", "vkAllocateMemory",
                            fmt::format("out of device memory allocating {:.1f} MiB on {}{}", double(bytes) / (1 << 20),
                                        device.info().name,
                                        within_limit ? ""
                                                     : fmt::format(" ({:.1f} of the {:.1f} MiB memory limit in use)",
                                                                   double(device.allocated_bytes()) / (1 << 20),
                                                                   double(device.memory_limit()) / (1 << 20))));
        check(r, "vkAllocateMemory");
    }
    check(vkBindBufferMemory(device.handle(), buffer_, memory_, 0), "vkBindBufferMemory");
    if (use == MemoryUse::host) {
        void* p = nullptr;
        check(vkMapMemory(device.handle(), memory_, 0, VK_WHOLE_SIZE, 0, &p), "vkMapMemory");
        mapped_ = static_cast<std::byte*>(p);
    }
}

Buffer::Buffer(Buffer&& o) noexcept
    : device_(std::exchange(o.device_, nullptr)), buffer_(std::exchange(o.buffer_, VK_NULL_HANDLE)),
      memory_(std::exchange(o.memory_, VK_NULL_HANDLE)), bytes_(std::exchange(o.bytes_, 0)),
      charged_(std::exchange(o.charged_, 0)), use_(o.use_),
      mapped_(std::exchange(o.mapped_, nullptr)), views_(std::exchange(o.views_, {})) {}

Buffer& Buffer::operator=(Buffer&& o) noexcept {
    if (this != &o) {
        release();
        device_ = std::exchange(o.device_, nullptr);
        buffer_ = std::exchange(o.buffer_, VK_NULL_HANDLE);
        memory_ = std::exchange(o.memory_, VK_NULL_HANDLE);
        bytes_ = std::exchange(o.bytes_, 0);
        charged_ = std::exchange(o.charged_, 0);
        use_ = o.use_;
        mapped_ = std::exchange(o.mapped_, nullptr);
        views_ = std::exchange(o.views_, {});
    }
    return *this;
}

Buffer::~Buffer() { release(); }

void Buffer::release() {
    if (!device_) return;
    for (auto& [key, v] : views_) vkDestroyBufferView(device_->handle(), v, nullptr);
    views_.clear();
    if (mapped_) vkUnmapMemory(device_->handle(), memory_);
    if (buffer_) vkDestroyBuffer(device_->handle(), buffer_, nullptr);
    if (memory_) vkFreeMemory(device_->handle(), memory_, nullptr);
    device_->release(std::exchange(charged_, 0));
    mapped_ = nullptr;
    buffer_ = VK_NULL_HANDLE;
    memory_ = VK_NULL_HANDLE;
    device_ = nullptr;
}

VkBufferView Buffer::view(uint64_t offset, uint64_t bytes, VkFormat format) const {
    const auto key = std::make_tuple(offset, bytes, format);
    if (auto it = views_.find(key); it != views_.end()) return it->second;
    auto vi = vk_struct<VkBufferViewCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO);
    vi.buffer = buffer_;
    vi.format = format;
    vi.offset = offset;
    vi.range = bytes;
    VkBufferView v = VK_NULL_HANDLE;
    check(vkCreateBufferView(device_->handle(), &vi, nullptr, &v), "vkCreateBufferView");
    views_.emplace(key, v);
    return v;
}

void Buffer::upload(std::span<const std::byte> data, uint64_t offset) {
    if (offset + data.size() > bytes_)
        throw pe::Error(ErrorKind::internal, "", "Buffer::upload",
                        fmt::format("{} bytes at {} overrun a {}-byte buffer", data.size(), offset, bytes_));
    if (data.empty()) return;
    if (mapped_) {
        std::memcpy(mapped_ + offset, data.data(), data.size());
        return;
    }
    Buffer staging(*device_, std::min<uint64_t>(data.size(), staging_chunk_bytes), MemoryUse::host);
    for (uint64_t done = 0; done < data.size();) {
        const uint64_t n = std::min<uint64_t>(data.size() - done, staging.size());
        std::memcpy(staging.mapped_, data.data() + done, n);
        device_->run_once([&](VkCommandBuffer cmd) {
            VkBufferCopy region{0, offset + done, n};
            vkCmdCopyBuffer(cmd, staging.buffer_, buffer_, 1, &region);
        });
        done += n;
    }
}

void Buffer::download(std::span<std::byte> out, uint64_t offset) const {
    if (offset + out.size() > bytes_)
        throw pe::Error(ErrorKind::internal, "", "Buffer::download",
                        fmt::format("{} bytes at {} overrun a {}-byte buffer", out.size(), offset, bytes_));
    if (out.empty()) return;
    if (mapped_) {
        std::memcpy(out.data(), mapped_ + offset, out.size());
        return;
    }
    Buffer staging(*device_, std::min<uint64_t>(out.size(), staging_chunk_bytes), MemoryUse::host);
    for (uint64_t done = 0; done < out.size();) {
        const uint64_t n = std::min<uint64_t>(out.size() - done, staging.size());
        device_->run_once([&](VkCommandBuffer cmd) {
            VkBufferCopy region{offset + done, 0, n};
            vkCmdCopyBuffer(cmd, buffer_, staging.buffer_, 1, &region);
        });
        std::memcpy(out.data() + done, staging.mapped_, n);
        done += n;
    }
}

}  // namespace pe::vulkan
