// Whole-model comparison of the Vulkan backend with the CPU reference (forward_test.cpp).
#pragma once

#include <string>

#include "engine/vulkan/device.hpp"

namespace pe::test {

// The same on one device with bound `tol` on fp32 log-probs (is_argmax where the top-2 gap > tol).
void compare_model_on(vulkan::Device& device, const std::string& gguf_path, int n_req, int len, double tol,
                      const std::string& what);

// Scores n_req random sequences of len tokens (every position) with both backends in fp32 and fp16
// precision and checks log-probs within 1e-3 (plus one fp16 step in fp16) and is_argmax where the
// reference's top-2 gap exceeds 1e-3; validation clean. On vk_portable_device() and vk_device().
void compare_model(const std::string& gguf_path, int n_req, int len, const std::string& what);

}  // namespace pe::test
