#version 450
// unembed_logprob_reduce: combines a slot's vocab-tile partials, in vocab order:
//   M = max m_g, log_sum = log(sum_g s_g exp(m_g - M)), lse = M + log_sum; argmax = the argmax of the
//   first tile with m_g == M (first index on ties)
//   fp32: logprob = (x_t - M) - log_sum, is_argmax = (argmax == t)
//   fp16 (x already fp16-rounded): logprob = fp16((x16_t - M) - log_sum); is_argmax as above unless the
//         second-largest x16 rounds to the same fp16 log-prob as the max ("ambiguous": the host then
//         decides from the full logits, as cpu::unembed_logprob does)
// b0 partials (S, n_tiles) as unembed_logprob_partial | b1 slots (S) {row, target} u32 |
// b2 out (S) {logprob, is_argmax, ambiguous, lse} | push: S, n_tiles, tile_ids, fp16
// spec: LANES | grid: ceil(S / LANES) workgroups of LANES, one invocation per slot | reference: cpu::unembed_logprob
#extension GL_GOOGLE_include_directive : require
#include "fp16.glsl"

layout(constant_id = 0) const uint LANES = 1;  // invocations per workgroup, set by engine/vulkan/ops.cpp
layout(local_size_x_id = 0) in;
const float neg_big = -3.0e38;
struct Partial { float m; float s; uint arg; float second; float target; uint pad0, pad1, pad2; };
layout(std430, binding = 0) readonly buffer PartBuf { Partial parts[]; };
layout(std430, binding = 1) readonly buffer SlotBuf { uvec2 slots[]; };
struct Result { float logprob; uint is_argmax; uint ambiguous; float lse; };
layout(std430, binding = 2) writeonly buffer OutBuf { Result results[]; };
layout(push_constant) uniform Push { uint S, n_tiles, tile_ids, fp16; } p;

void main() {
    const uint s = gl_GlobalInvocationID.x;
    if (s >= p.S) return;
    float M = neg_big, sum = 0.0, second = neg_big;
    uint arg = 0;
    for (uint g = 0; g < p.n_tiles; ++g) {
        const Partial t = parts[s * p.n_tiles + g];
        if (t.m > M) {
            second = max(M, t.second);
            sum = sum * exp(M - t.m) + t.s;
            M = t.m;
            arg = t.arg;
        } else {
            second = max(second, t.m);
            sum += t.s * exp(t.m - M);
        }
    }
    const uint target = slots[s].y;
    const float xt = parts[s * p.n_tiles + target / p.tile_ids].target;
    const float log_sum = log(sum);
    Result r;
    r.lse = M + log_sum;
    r.is_argmax = arg == target ? 1u : 0u;
    r.ambiguous = 0u;
    if (p.fp16 != 0u) {
        r.logprob = fp16_round((xt - M) - log_sum);
        if (fp16_round((second - M) - log_sum) == fp16_round(-log_sum)) r.ambiguous = 1u;
    } else {
        r.logprob = (xt - M) - log_sum;
    }
    results[s] = r;
}
