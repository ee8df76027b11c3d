#version 450
// unembed_logprob_lanes (fp32 precision only, after unembed_logprob_reduce): the target's log-prob as
// lm-eval's fp32 F.log_softmax on a CPU computes it (backend::TorchLanes, issue #15):
//   M = max logit (over the slot's partials), lane k = fp32 running sum of exp(x_i - M) over the ids
//   i = k (mod 8) in id order, S = ((l0+l4)+(l2+l6))+((l1+l5)+(l3+l7)), logprob = (x_t - M) - log S.
// Every exp joins its lane alone and in order: where a lane holds ~1.0 that is what drops the small exps.
// b0 h (T, C) f32 | b1 w_out rows [v0, v0 + nv) of (Vp, C) WTYPE | b2 scales (Q8_0) | b3 slots (S) {row, target} u32 |
// b4 partials (S, n_tiles) as unembed_logprob_partial | b5 lanes (S, 8) f32 in/out, carried across the
// row chunks | b6 results (S) {logprob, ...}: logprob rewritten on the last chunk
// push: S, K4 = C/4, nv, n_tiles, tile_ids, first, last | grid: ceil(S / 8) workgroups of 64 invocations
// = 8 slots x 8 lanes; each 64-id group of the chunk: invocation i computes id i's logits for the 8 slots
// into shared memory, then invocation (slot, lane) adds its lane's 8 of them. v0 is a multiple of 8.
// | reference: backend::SlotLogprob (fp32)
#extension GL_GOOGLE_include_directive : require
#define X_BINDING 0
#define W_BINDING 1
#define W_SCALE_BINDING 2
#include "weights.glsl"

layout(local_size_x = 64) in;
const uint SLOTS = 8, LANES = 8, GROUP = 64;
layout(std430, binding = X_BINDING) readonly buffer XBuf { vec4 x_data[]; };
layout(std430, binding = 3) readonly buffer SlotBuf { uvec2 slots[]; };
struct Partial { float m; float s; uint arg; float second; float target; uint pad0, pad1, pad2; };
layout(std430, binding = 4) readonly buffer PartBuf { Partial parts[]; };
layout(std430, binding = 5) buffer LaneBuf { float lanes[]; };
layout(std430, binding = 6) buffer OutBuf { float results[]; };  // 4 words per slot, logprob first
layout(push_constant) uniform Push { uint S, K4, nv, n_tiles, tile_ids, first, last; } p;

shared float logits[SLOTS * GROUP];

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint s0 = gl_WorkGroupID.x * SLOTS;
    const uint my_slot = s0 + lid / LANES, lane = lid % LANES;
    const uint slot = min(my_slot, p.S - 1);
    float M = -3.0e38;
    for (uint g = 0; g < p.n_tiles; ++g) M = max(M, parts[slot * p.n_tiles + g].m);
    float acc = p.first != 0u ? 0.0 : lanes[slot * LANES + lane];
    uint xrow[SLOTS];
    for (uint i = 0; i < SLOTS; ++i) xrow[i] = slots[min(s0 + i, p.S - 1)].x * p.K4;

    for (uint g0 = 0; g0 < p.nv; g0 += GROUP) {
        const uint row = min(g0 + lid, p.nv - 1);
        float dots[SLOTS];
        for (uint i = 0; i < SLOTS; ++i) dots[i] = 0.0;
        for (uint k4 = 0; k4 < p.K4; ++k4) {
            const vec4 wv = load_w4(row, k4, p.K4);
            for (uint i = 0; i < SLOTS; ++i) {
                const vec4 xv = x_data[xrow[i] + k4];
                dots[i] = fma(xv.x, wv.x, dots[i]);
                dots[i] = fma(xv.y, wv.y, dots[i]);
                dots[i] = fma(xv.z, wv.z, dots[i]);
                dots[i] = fma(xv.w, wv.w, dots[i]);
            }
        }
        for (uint i = 0; i < SLOTS; ++i) logits[i * GROUP + lid] = dots[i];
        barrier();
        for (uint j = lane; j < GROUP && g0 + j < p.nv; j += LANES) acc += exp(logits[(lid / LANES) * GROUP + j] - M);
        barrier();
    }
    if (p.last == 0u) {
        if (my_slot < p.S) lanes[my_slot * LANES + lane] = acc;
        return;
    }
    logits[lid] = acc;
    barrier();
    if (lane != 0u || my_slot >= p.S) return;
    const uint b = lid;
    const float sum = ((logits[b] + logits[b + 4]) + (logits[b + 2] + logits[b + 6])) +
                      ((logits[b + 1] + logits[b + 5]) + (logits[b + 3] + logits[b + 7]));
    const float xt = parts[my_slot * p.n_tiles + slots[my_slot].y / p.tile_ids].target;
    results[my_slot * 4] = (xt - M) - log(sum);
}
