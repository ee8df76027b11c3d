// Vulkan test harness: one device per test process with VK_LAYER_KHRONOS_validation and a messenger
// recording every message (tests assert there are none), fixed-seed inputs, and a comparison that
// reports like a diff (largest error, its index, both values).
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/gguf/format.hpp"
#include "engine/model/model.hpp"
#include "engine/vulkan/buffer.hpp"
#include "engine/vulkan/device.hpp"
#include "engine/vulkan/ops.hpp"
#include "engine/vulkan/recorder.hpp"

namespace pe::test {

// The validated device (lavapipe here; whatever Device::open prefers elsewhere).
vulkan::Device& vk_device();
vulkan::Ops& vk_ops();
// A second validated device on the same hardware with no optional features (`vulkan:portable`).
vulkan::Device& vk_portable_device();
// A third, with every feature including intdot where the device has it (`vulkan:all+intdot`).
vulkan::Device& vk_intdot_device();
// The kernel feature sets to test on this device: portable, then all it has (when any).
std::vector<vulkan::KernelFeatures> feature_sets();
// Messages recorded on either device since the last call; BOOST_CHECK that this is empty.
std::vector<std::string> new_validation_messages();

std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f);

// Largest |a - b| / (atol + rtol |b|) over the elements; passes when <= 1.
struct Diff {
    bool ok = true;
    size_t index = 0;
    float got = 0, want = 0;
    double max_abs = 0;
    std::string describe() const;
};
Diff compare(std::span<const float> got, std::span<const float> want, double atol, double rtol);

// A weight (rows, cols) of `type` holding `values` (quantized as the converter would), backed by `storage`.
model::Weight make_weight(const std::string& name, gguf::TensorType type, uint64_t rows, uint64_t cols,
                          std::span<const float> values, std::vector<std::byte>& storage);

// Boost checks: the diff passes; no validation message since the last check (named in the failure).
void check_diff(const Diff& d, const std::string& what);
void check_validation_clean();

// A `pythia-eval synth` model (shape "tiny", "70m", ...) written under the build tree; its path.
std::string synthetic_model(const std::string& shape, gguf::TensorType dtype, uint64_t seed = 5);

// y = x (M, K) . w^T (+ bias), w dequantized as stored, summed in double: the reference for the
// matmul kernels that does not share cpu::matmul's fp32 arithmetic.
std::vector<float> matmul_reference(std::span<const float> x, const model::Weight& w, const float* bias, uint32_t M);

// An output (M, ldy) bound at an aligned offset inside a buffer otherwise filled with a canary value:
// a prefix before the output, columns N .. ldy-1 of every row and two whole rows after row M-1, all
// inside the bound range, so a store past a tile edge lands on a canary instead of outside the buffer.
class CanaryOutput {
public:
    CanaryOutput(vulkan::Device& device, uint32_t M, uint32_t N, uint32_t ldy);
    vulkan::BufferRange range() const;  // from the output's first element to the buffer's end
    std::vector<float> values() const;  // the (M, N) results, row by row
    // The canaries that changed: none when empty; else the count and the first one's place and value.
    std::string overwritten() const;

private:
    vulkan::Buffer buffer_;
    uint32_t M_, N_, ldy_;
    uint64_t prefix_floats_;
};

vulkan::Buffer device_floats(std::span<const float> values);
std::vector<float> read_floats(const vulkan::Buffer& b, size_t n);

}  // namespace pe::test

