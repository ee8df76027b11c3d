// The Vulkan Backend (style.md §4): model::Backend on a vulkan::Device.
#pragma once

#include <memory>

#include "engine/model/backend.hpp"
#include "engine/model/model.hpp"
#include "engine/vulkan/device.hpp"

namespace pe::model {

// Uploads the weights (device_oom when they do not fit). The device must outlive the backend.
std::unique_ptr<Backend> make_vulkan_backend(const Model& model, vulkan::Device& device);
// The same on a device it opens and owns (the CLI's choice).
std::unique_ptr<Backend> make_vulkan_backend(const Model& model, const vulkan::DeviceOptions& options);

}  // namespace pe::model

namespace pe::vulkan {

// Largest number of packed rows per submission; out of device memory halves it (down to one request).
inline constexpr uint32_t default_max_rows = 4096;

}  // namespace pe::vulkan
