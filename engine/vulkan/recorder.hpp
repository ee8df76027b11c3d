// pe::vulkan::Recorder (style.md §4): one command buffer. dispatch() binds a fresh descriptor set of
// buffer ranges and push constants; barrier() orders compute writes before later reads;
// submit_and_wait() runs everything recorded and makes results visible to the host.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <type_traits>
#include <vector>

#include "engine/vulkan/buffer.hpp"
#include "engine/vulkan/kernel.hpp"

namespace pe::vulkan {

struct BufferRange {
    const Buffer* buffer;
    uint64_t offset_bytes = 0;
    uint64_t bytes = VK_WHOLE_SIZE;
    VkFormat format = VK_FORMAT_UNDEFINED;  // the texel format, for texel-buffer bindings
    BufferRange(const Buffer& b) : buffer(&b) {}  // NOLINT: a whole buffer converts implicitly
    BufferRange(const Buffer& b, uint64_t offset, uint64_t n) : buffer(&b), offset_bytes(offset), bytes(n) {}
    BufferRange as_texels(VkFormat f) const {
        BufferRange r = *this;
        r.format = f;
        return r;
    }
};

class Recorder {
public:
    explicit Recorder(Device& device);
    Recorder(Recorder&&) noexcept;
    Recorder& operator=(Recorder&&) = delete;
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;
    ~Recorder();

    void dispatch(const Kernel& kernel, std::initializer_list<BufferRange> buffers, std::span<const std::byte> push,
                  std::array<uint32_t, 3> groups);
    template <class Push>
        requires std::is_trivially_copyable_v<Push>
    void dispatch(const Kernel& kernel, std::initializer_list<BufferRange> buffers, const Push& push,
                  std::array<uint32_t, 3> groups) {
        dispatch(kernel, buffers, std::as_bytes(std::span(&push, 1)), groups);
    }
    void copy(const Buffer& src, uint64_t src_offset, Buffer& dst, uint64_t dst_offset, uint64_t bytes);
    void barrier();
    void submit_and_wait();

private:
    void begin();
    VkDescriptorSet allocate_set(VkDescriptorSetLayout layout);
    Device* device_;
    VkCommandPool pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    std::vector<VkDescriptorPool> descriptor_pools_;
    size_t pool_in_use_ = 0;
    bool recording_ = false;
};

}  // namespace pe::vulkan
