// Whole-model comparison of the Vulkan backend with the CPU reference (forward_test.cpp).
#pragma once

#include <string>

namespace pe::test {

// Scores n_req random sequences of len tokens (every position) with both backends in fp32 and fp16
// precision and checks log-probs within 1e-3 (plus one fp16 step in fp16) and is_argmax where the
// reference's top-2 gap exceeds 1e-3; validation clean.
void compare_model(const std::string& gguf_path, int n_req, int len, const std::string& what);

}  // namespace pe::test
