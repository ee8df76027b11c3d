// Log-softmax on the host (logprob.hpp): fp16 sums its exps in double (style.md §3), fp32 in the fp32
// lanes of PyTorch's CPU kernel (TorchLanes), as lm-eval's fp32 results were computed.
#include "engine/backend/logprob.hpp"

#include <algorithm>
#include <cmath>

#include "engine/half.hpp"
#include "engine/simd.hpp"

namespace pe::backend {
namespace {

using simd::lanes;
using simd::vfloat;

// The largest of x[0..n) (-inf when n = 0), sixteen lanes at a time.
PE_CPU_CLONES
float max_of(const float* x, int64_t n) {
    const vfloat neg_inf = simd::splat(-std::numeric_limits<float>::infinity());
    vfloat mx = neg_inf;
    int64_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        const vfloat v = simd::load(x + i);
        mx = v > mx ? v : mx;
    }
    float m = simd::reduce_max(mx);
    for (; i < n; ++i) m = std::max(m, x[i]);
    return m;
}

// Σ e^(fp16_round(x_i) − m16) over x[0..n), each difference in fp32 and its exp and the sum in double.
PE_CPU_CLONES
double sum_exp_fp16(const float* x, int64_t n, float m16) {
    simd::vdouble acc_low = {}, acc_high = {};
    int64_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        const vfloat d = simd::round_fp16(simd::load(x + i)) - m16;
        acc_low += simd::exp_nonpositive(simd::low_to_double(d));
        acc_high += simd::exp_nonpositive(simd::high_to_double(d));
    }
    double s = simd::reduce_add(acc_low + acc_high);
    for (; i < n; ++i) s += std::exp(double(fp16_round(x[i]) - m16));
    return s;
}

}  // namespace

UnembedResult unembed_logprob(const float* logits, int64_t Vp, int32_t target,
                              model::LogitPrecision precision) {
    UnembedResult r;
    r.max = logits[0];
    for (int64_t i = 1; i < Vp; ++i)
        if (logits[i] > r.max) {
            r.max = logits[i];
            r.argmax = int32_t(i);
        }
    double sum = 0;
    for (int64_t i = 0; i < Vp; ++i) sum += std::exp(double(logits[i]) - double(r.max));
    r.logsumexp = double(r.max) + std::log(sum);
    if (target < 0) return r;

    if (precision == model::LogitPrecision::fp32) {
        TorchLanes lanes;
        for (int64_t i = 0; i < Vp; ++i) lanes.add(i, std::exp(logits[i] - r.max));
        r.logprob = (logits[target] - r.max) - std::log(lanes.sum());
        r.is_argmax = r.argmax == target;
        return r;
    }
    // fp16: what F.log_softmax does to a half tensor (fp32 inside, fp16 out), lm-eval-tasks.md §5.
    float m16 = fp16_round(logits[0]);
    for (int64_t i = 1; i < Vp; ++i) m16 = std::max(m16, fp16_round(logits[i]));
    double sum16 = 0;
    for (int64_t i = 0; i < Vp; ++i) sum16 += std::exp(double(fp16_round(logits[i]) - m16));
    const float log_sum = std::log(float(sum16));
    auto lp16 = [&](int64_t i) { return fp16_round((fp16_round(logits[i]) - m16) - log_sum); };
    r.logprob = lp16(target);
    // The first index holding the largest fp16 log-prob: fp16 rounding can create ties that the
    // fp32 logits did not have.
    int64_t first = 0;
    float best = lp16(0);
    for (int64_t i = 1; i < Vp; ++i) {
        const float v = lp16(i);
        if (v > best) {
            best = v;
            first = i;
        }
    }
    r.is_argmax = first == target;
    return r;
}

void fill_probe(const float* row, int64_t Vp, const model::ProbeRequest& req, int64_t t,
                model::PositionProbe& p) {
    const UnembedResult u = unembed_logprob(row, Vp, -1, model::LogitPrecision::fp32);
    p.logsumexp = u.logsumexp;
    p.argmax = u.argmax;
    p.max = u.max;
    p.probe.clear();
    for (int32_t id : req.probe_ids) p.probe.push_back(row[id]);
    if (t + 1 < int64_t(req.ids.size())) {
        p.next_id = req.ids[size_t(t + 1)];
        p.next_logprob = double(row[*p.next_id]) - u.logsumexp;
    }
}

void SlotLogprob::add_tile(const float* x, int64_t v0, int64_t n) {
    if (fp16_) {
        // This tile's max and its sum relative to it, then merged into the running pair. Rounding to
        // fp16 is monotone, so the largest x16 is the largest x rounded.
        const float m = fp16_round(max_of(x, n));
        const double s = sum_exp_fp16(x, n, m);
        if (m > max_) {
            sum_ = sum_ * std::exp(double(max_) - double(m)) + s;
            max_ = m;
        } else {
            sum_ += s * std::exp(double(m) - double(max_));
        }
    } else {
        // Each exp joins its lane one at a time, as in PyTorch's loop: a tile's exps summed
        // apart first would round differently where a lane holds ~1.0.
        const float m = std::max(max_, max_of(x, n));
        if (m > max_) {
            lanes_.rescale(std::exp(max_ - m));
            max_ = m;
        }
        for (int64_t i = 0; i < n; ++i) lanes_.add(v0 + i, std::exp(x[i] - max_));
    }
    const int64_t t = int64_t(target_) - v0;
    const int64_t before = std::clamp<int64_t>(t, 0, n);
    if (before > 0) max_before_ = std::max(max_before_, max_of(x, before));
    if (t >= 0 && t < n) target_logit_ = fp16_ ? fp16_round(x[t]) : x[t];
}

model::ScoredToken SlotLogprob::result() const {
    if (!fp16_) {
        const float lp = (target_logit_ - max_) - std::log(lanes_.sum());
        return {lp, target_logit_ >= max_ && max_before_ < target_logit_};
    }
    // unembed_logprob's fp16 rule. lp16 is monotone in x16, so the best log-prob is that of the max,
    // and an earlier id ties it only if the largest earlier logit does.
    const float log_sum = std::log(float(sum_));
    auto lp16 = [&](float x16) { return fp16_round((x16 - max_) - log_sum); };
    const float lp = lp16(target_logit_), best = lp16(max_);
    const bool earlier_ties = max_before_ != neg_inf && lp16(fp16_round(max_before_)) >= best;
    return {lp, lp >= best && !earlier_ties};
}

}  // namespace pe::backend
