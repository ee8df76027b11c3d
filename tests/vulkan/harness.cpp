// Vulkan test harness (see harness.hpp).
#include "tests/vulkan/harness.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <sstream>

#include "engine/convert/synthetic.hpp"
#include "engine/model/quant.hpp"
#include "tests/common/shared.hpp"

namespace pe::test {

namespace {
vulkan::DeviceOptions validated(const vulkan::KernelFeatures& features) {
    vulkan::DeviceOptions o;
    o.validation = true;
    o.pipeline_cache = false;
    o.features = features;
    return o;
}
struct Shared {
    vulkan::Device device;
    vulkan::Ops ops;
    size_t seen = 0;
    std::optional<vulkan::Device> portable, intdot;
    size_t portable_seen = 0, intdot_seen = 0;
    Shared() : device(vulkan::Device::open(validated(vulkan::KernelFeatures::all()))), ops(device) {}
};
Shared& shared() {
    static Shared s;
    return s;
}
}  // namespace

vulkan::Device& vk_device() { return shared().device; }
vulkan::Ops& vk_ops() { return shared().ops; }

vulkan::Device& vk_portable_device() {
    if (!shared().portable) shared().portable.emplace(vulkan::Device::open(validated({})));
    return *shared().portable;
}

vulkan::Device& vk_intdot_device() {
    if (!shared().intdot) shared().intdot.emplace(vulkan::Device::open(validated({true, true, true})));
    return *shared().intdot;
}

std::vector<vulkan::KernelFeatures> feature_sets() {
    std::vector<vulkan::KernelFeatures> sets = {{}};
    if (!(vk_device().features() == vulkan::KernelFeatures{})) sets.push_back(vk_device().features());
    return sets;
}

std::vector<std::string> new_validation_messages() {
    std::vector<std::string> fresh;
    auto take = [&](const vulkan::Device& d, size_t& seen) {
        const auto all = d.validation_messages();
        fresh.insert(fresh.end(), all.begin() + std::ptrdiff_t(seen), all.end());
        seen = all.size();
    };
    take(shared().device, shared().seen);
    if (shared().portable) take(*shared().portable, shared().portable_seen);
    if (shared().intdot) take(*shared().intdot, shared().intdot_seen);
    return fresh;
}

void check_validation_clean() {
    BOOST_TEST(vk_device().validation_enabled());
    const auto msgs = new_validation_messages();
    BOOST_CHECK_MESSAGE(msgs.empty(),
                        msgs.size() << " validation message(s); first: " << (msgs.empty() ? "" : msgs.front()));
}

std::vector<float> random_floats(size_t n, uint32_t seed, float lo, float hi) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

std::string Diff::describe() const {
    std::ostringstream os;
    os << "largest error at [" << index << "]: got " << got << ", want " << want << " (|diff| " << std::abs(got - want)
       << "; max |diff| " << max_abs << ")";
    return os.str();
}

Diff compare(std::span<const float> got, std::span<const float> want, double atol, double rtol) {
    Diff d;
    if (got.size() != want.size()) {
        d.ok = false;
        d.index = std::min(got.size(), want.size());
        return d;
    }
    double worst = -1;
    for (size_t i = 0; i < got.size(); ++i) {
        const double e = std::abs(double(got[i]) - double(want[i]));
        d.max_abs = std::max(d.max_abs, e);
        const double r = std::isfinite(e) ? e / (atol + rtol * std::abs(double(want[i]))) : 1e30;
        if (r > worst) {
            worst = r;
            d.index = i;
            d.got = got[i];
            d.want = want[i];
        }
    }
    d.ok = worst <= 1.0;
    return d;
}

void check_diff(const Diff& d, const std::string& what) { BOOST_CHECK_MESSAGE(d.ok, what << ": " << d.describe()); }

model::Weight make_weight(const std::string& name, gguf::TensorType type, uint64_t rows, uint64_t cols,
                          std::span<const float> values, std::vector<std::byte>& storage) {
    storage.resize(model::row_bytes(type, cols) * rows);
    for (uint64_t r = 0; r < rows; ++r)
        model::quantize_row(type, values.data() + r * cols, storage.data() + r * model::row_bytes(type, cols), cols);
    model::Weight w;
    w.name = name;
    w.type = type;
    w.ne = rows > 1 ? std::vector<uint64_t>{cols, rows} : std::vector<uint64_t>{cols};
    w.data = storage;
    return w;
}

std::string synthetic_model(const std::string& shape, gguf::TensorType dtype, uint64_t seed) {
    const auto path = scratch_dir("vulkan-" + shape + "-" + std::string(gguf::type_traits(dtype).name) + "-seed" +
                                  std::to_string(seed)) /
                      "model.gguf";
    convert::SynthOptions o;
    o.shape = *convert::synth_shape(shape);
    o.dtype = dtype;
    o.seed = seed;
    convert::write_synthetic_gguf(path.string(), o);
    return path.string();
}

std::vector<float> matmul_reference(std::span<const float> x, const model::Weight& w, const float* bias, uint32_t M) {
    const uint64_t K = w.cols(), N = w.rows(), row_bytes = model::row_bytes(w.type, K);
    std::vector<float> wrow(K), y(size_t(M) * N);
    for (uint64_t n = 0; n < N; ++n) {
        model::dequantize_row(w.type, w.data.data() + n * row_bytes, wrow.data(), K);
        for (uint32_t m = 0; m < M; ++m) {
            double acc = bias ? double(bias[n]) : 0.0;
            for (uint64_t k = 0; k < K; ++k) acc += double(x[m * K + k]) * double(wrow[k]);
            y[m * N + n] = float(acc);
        }
    }
    return y;
}

namespace {
constexpr float canary = -12345.5f;  // no matmul of inputs in [-1, 1] over K < 10000 reaches it
}

CanaryOutput::CanaryOutput(vulkan::Device& device, uint32_t M, uint32_t N, uint32_t ldy) : M_(M), N_(N), ldy_(ldy) {
    const uint64_t align = std::max<uint64_t>(device.limits().minStorageBufferOffsetAlignment, 64);
    prefix_floats_ = align / 4;
    const std::vector<float> fill(prefix_floats_ + uint64_t(M + 2) * ldy, canary);
    buffer_ = vulkan::Buffer(device, fill.size() * 4);
    buffer_.upload(std::as_bytes(std::span(fill)));
}

vulkan::BufferRange CanaryOutput::range() const {
    return vulkan::BufferRange(buffer_, prefix_floats_ * 4, buffer_.size() - prefix_floats_ * 4);
}

std::vector<float> CanaryOutput::values() const {
    std::vector<float> all(buffer_.size() / 4), out;
    buffer_.download(std::as_writable_bytes(std::span(all)));
    for (uint32_t m = 0; m < M_; ++m)
        out.insert(out.end(), all.begin() + std::ptrdiff_t(prefix_floats_ + uint64_t(m) * ldy_),
                   all.begin() + std::ptrdiff_t(prefix_floats_ + uint64_t(m) * ldy_ + N_));
    return out;
}

std::string CanaryOutput::overwritten() const {
    std::vector<float> all(buffer_.size() / 4);
    buffer_.download(std::as_writable_bytes(std::span(all)));
    size_t changed = 0;
    std::string first;
    for (uint64_t i = 0; i < all.size(); ++i) {
        const bool output = i >= prefix_floats_ && (i - prefix_floats_) / ldy_ < M_ && (i - prefix_floats_) % ldy_ < N_;
        if (output || all[i] == canary) continue;
        if (changed++ == 0) {
            const int64_t at = int64_t(i) - int64_t(prefix_floats_);
            first = at < 0 ? "prefix element " + std::to_string(-at) + " before the output"
                           : "row " + std::to_string(at / ldy_) + " column " + std::to_string(at % ldy_);
            first += " holds " + std::to_string(all[i]);
        }
    }
    return changed ? std::to_string(changed) + " canaries overwritten, first at " + first : "";
}

vulkan::Buffer device_floats(std::span<const float> values) {
    vulkan::Buffer b(vk_device(), values.size() * 4);
    b.upload(std::as_bytes(values));
    return b;
}

std::vector<float> read_floats(const vulkan::Buffer& b, size_t n) {
    std::vector<float> v(n);
    b.download(std::as_writable_bytes(std::span(v)));
    return v;
}

}  // namespace pe::test
