// From logits to what a request asks for, on the host, the same for both backends: the reference
// log-softmax of one full logits row (unembed_logprob), the row of a `forward --json` probe
// (fill_probe), and SlotLogprob, the same result accumulated over vocabulary tiles so a backend can
// compute logits a tile at a time and never hold (or re-read) a full row.
#pragma once

#include <cstdint>
#include <limits>

#include "engine/model/backend.hpp"

namespace pe::backend {

// unembed_logprob: from one position's logits (Vp) (= matmul of the final hidden row with
// output.weight) to logsumexp, max, argmax (first index on ties) and, for target >= 0, the
// target's log-prob and whether it is the argmax, by the LogitPrecision rules of backend.hpp:
//   fp32: as F.log_softmax on a float tensor in lm-eval's CPU run (TorchLanes below): lp = (x_t − max) −
//         log S in fp32; is_argmax when argmax == t. logsumexp = max + log Σ exp(x − max) in double.
//   fp16: x16 = fp16_round(x); m = max x16; lse = m + log(Σ exp(x16 − m)) in fp32;
//         lp_i = fp16_round((x16_i − m) − log Σ); is_argmax when t is the first index of max lp_i.
// logsumexp, max and argmax always describe the fp32 logits.
struct UnembedResult {
    double logsumexp = 0;
    float max = 0;
    int32_t argmax = 0;
    float logprob = 0;       // meaningful when target >= 0
    bool is_argmax = false;  // meaningful when target >= 0
};
UnembedResult unembed_logprob(const float* logits, int64_t Vp, int32_t target,
                              model::LogitPrecision precision);

// PyTorch's fp32 sum of exp(x − max) over a row (aten _vec_log_softmax_lastdim with AVX2's 8-float
// vectors): id i goes to lane i mod 8, each lane an fp32 running sum in id order, the lanes added
// ((s0+s4)+(s2+s6))+((s1+s5)+(s3+s7)). When one logit dominates, its lane sits near 1.0 and every
// later exp below 2^-24 in that lane is lost: on peaked rows lm-eval's fp32 log-probs come out up to
// ~1e-5 above the exact ones, and lm-eval's fp32 results carry that (issue #15). Fed in id order,
// relative to a running max that only grows (rescale() on each increase).
struct TorchLanes {
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    void rescale(float factor) {
        for (float& l : lane) l *= factor;
    }
    void add(int64_t id, float e) { lane[id & 7] += e; }
    float sum() const {
        return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
    }
};

// Position t of req from its full logits row (Vp).
void fill_probe(const float* row, int64_t Vp, const model::ProbeRequest& req, int64_t t,
                model::PositionProbe& p);

// The (log-prob, is-argmax) of one scored slot, fed its logits one vocabulary tile at a time, in
// order. Gives unembed_logprob's answer: the sum of exps is kept relative to the running max (fp16:
// in double; fp32: in TorchLanes; rescaled when the max grows), and is_argmax needs only the largest
// logit before the target, because rounding to fp16 and the log-softmax are monotone.
class SlotLogprob {
public:
    SlotLogprob(int32_t target, model::LogitPrecision precision) : target_(target), fp16_(precision == model::LogitPrecision::fp16) {}
    // logits of vocabulary ids v0 .. v0 + n - 1.
    void add_tile(const float* logits, int64_t v0, int64_t n);
    model::ScoredToken result() const;

private:
    static constexpr float neg_inf = -std::numeric_limits<float>::infinity();
    int32_t target_;
    bool fp16_;
    float max_ = neg_inf;         // of x (fp32) or x16 (fp16)
    double sum_ = 0;              // Σ exp(x16 − max_) (fp16)
    TorchLanes lanes_;            // Σ exp(x − max_) (fp32)
    float target_logit_ = 0;      // x_t or x16_t
    float max_before_ = neg_inf;  // largest x (or x16) at ids < target
};

}  // namespace pe::backend
