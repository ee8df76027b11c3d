// A few-kilobyte gptneox GGUF for the attack suite (vocab 64, C 8, 2 heads, F 32), written with
// the GGUF Writer, with the faults the model loader must refuse available as options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pe::test {

struct SmallModel {
    uint32_t n_layer = 2;
    std::optional<uint32_t> block_count;   // the key's value, when it should disagree with n_layer
    std::string extra_tensor;              // a tensor no gptneox model has
    std::string nan_tensor;                // this tensor's element 3 becomes NaN
};

void write_small_model(const std::string& path, const SmallModel& m = {});

}  // namespace pe::test
