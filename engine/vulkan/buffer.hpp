// pe::vulkan::Buffer (style.md §4): one VkBuffer with its own memory. Device buffers are filled and
// read through a staging buffer; host buffers are mapped and read or written directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <tuple>

#include "engine/vulkan/device.hpp"

namespace pe::vulkan {

enum class MemoryUse { device, host };

class Buffer {
public:
    Buffer() = default;
    Buffer(Device& device, uint64_t bytes, MemoryUse use = MemoryUse::device);
    Buffer(Buffer&&) noexcept;
    Buffer& operator=(Buffer&&) noexcept;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer();

    void upload(std::span<const std::byte> data, uint64_t offset_bytes = 0);
    void download(std::span<std::byte> out, uint64_t offset_bytes = 0) const;

    template <class T>
    void upload_items(std::span<const T> items, uint64_t offset_bytes = 0) {
        upload(std::as_bytes(items), offset_bytes);
    }
    template <class T>
    void download_items(std::span<T> items, uint64_t offset_bytes = 0) const {
        download(std::as_writable_bytes(items), offset_bytes);
    }

    // A texel-buffer view of [offset, offset + bytes) in `format`, created once and kept with the buffer.
    VkBufferView view(uint64_t offset_bytes, uint64_t bytes, VkFormat format) const;

    VkBuffer handle() const { return buffer_; }
    uint64_t size() const { return bytes_; }
    bool valid() const { return buffer_ != VK_NULL_HANDLE; }

private:
    void release();
    Device* device_ = nullptr;
    VkBuffer buffer_ = VK_NULL_HANDLE;
    VkDeviceMemory memory_ = VK_NULL_HANDLE;
    uint64_t bytes_ = 0;
    uint64_t charged_ = 0;  // device-local bytes counted against the device's memory limit
    MemoryUse use_ = MemoryUse::device;
    std::byte* mapped_ = nullptr;
    mutable std::map<std::tuple<uint64_t, uint64_t, VkFormat>, VkBufferView> views_;
};

}  // namespace pe::vulkan
