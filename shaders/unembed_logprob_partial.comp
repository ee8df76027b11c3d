#version 450
// unembed_logprob_partial: for each scored slot s (a row of the final-normed hidden states and a
// target id) and each vocab tile of VT = NPASS*64 ids: logits x = h[row] . w_out[v] (fp32; with fp16
// precision rounded to fp16 first, backend.hpp), and the tile's max, first argmax, second-largest
// value, sum exp(x - max), and x[target] when the target lies in the tile. No logit leaves the device.
// b0 h (T, C) f32 | b1 w_out rows [v0, v0 + nv) of (Vp, C) WTYPE | b2 scales (Q8_0) | b3 slots (S) {row, target} u32 |
// b4 partials (S, n_tiles) {max, sumexp, argmax, second, target_logit, -, -, -} out
// push: S, K4 = C/4, v0, nv, tile0, n_tiles, fp16 | grid: (ceil(S / BM), ceil(nv / VT)), 64 invocations
// (slot blocks on the fast axis: consecutive workgroups reuse one vocab tile's weights while cached)
// | reference: cpu::unembed_logprob (whose second pass is unembed_logprob_reduce)
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define X_BINDING 0
#define W_BINDING 1
#define W_SCALE_BINDING 2
#include "weights.glsl"
#include "fp16.glsl"

const uint LANES = 8, TEAMS = 8, BM = 8, TN = 8, NPASS = 4;
const float neg_big = -3.0e38;
layout(local_size_x = 64) in;
layout(std430, binding = 3) readonly buffer SlotBuf { uvec2 slots[]; };
struct Partial { float m; float s; uint arg; float second; float target; uint pad0, pad1, pad2; };
layout(std430, binding = 4) writeonly buffer PartBuf { Partial parts[]; };
layout(push_constant) uniform Push { uint S, K4, v0, nv, tile0, n_tiles, fp16; } p;

#include "dot_tile.glsl"

shared float partial[TEAMS * BM * TN * LANES];
shared float logits[BM * TEAMS * TN];

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint lane = lid % LANES, team = lid / LANES;
    const uint s0 = gl_WorkGroupID.x * BM;
    uint xrow[BM];
    [[unroll]] for (uint i = 0; i < BM; ++i) xrow[i] = slots[min(s0 + i, p.S - 1)].x;
    // statistics of slot s0 + lid, kept by invocations lid < BM
    float st_m = neg_big, st_s = 0.0, st_second = neg_big, st_target = 0.0;
    uint st_arg = 0;
    const uint my_target = slots[min(s0 + min(lid, BM - 1), p.S - 1)].y;

    for (uint pass = 0; pass < NPASS; ++pass) {
        const uint vbase = (gl_WorkGroupID.y * NPASS + pass) * TEAMS * TN;  // local to the bound chunk
        uint wrow[TN];
        [[unroll]] for (uint j = 0; j < TN; ++j) wrow[j] = min(vbase + team * TN + j, p.nv - 1);
        float acc[BM][TN];
        [[unroll]] for (uint i = 0; i < BM; ++i)
            [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;
        if (vbase < p.nv) dot_tile(lane, xrow, wrow, p.K4, acc);
        [[unroll]] for (uint i = 0; i < BM; ++i)
            [[unroll]] for (uint j = 0; j < TN; ++j) partial[((team * BM + i) * TN + j) * LANES + lane] = acc[i][j];
        barrier();
        for (uint o = lid; o < TEAMS * BM * TN; o += 64) {
            const uint t = o / (BM * TN), i = (o / TN) % BM, j = o % TN;
            float s = 0.0;
            for (uint l = 0; l < LANES; ++l) s += partial[o * LANES + l];
            logits[i * TEAMS * TN + t * TN + j] = s;
        }
        barrier();
        if (lid < BM) {
            for (uint c = 0; c < TEAMS * TN; ++c) {
                const uint n = vbase + c;
                if (n >= p.nv) break;
                float x = logits[lid * TEAMS * TN + c];
                if (p.fp16 != 0u) x = fp16_round(x);
                const uint id = p.v0 + n;
                if (x > st_m) {
                    st_second = st_m;
                    st_s = st_s * exp(st_m - x) + 1.0;
                    st_m = x;
                    st_arg = id;
                } else {
                    st_second = max(st_second, x);
                    st_s += exp(x - st_m);
                }
                if (id == my_target) st_target = x;
            }
        }
        barrier();
    }
    const uint slot = s0 + lid;
    if (lid < BM && slot < p.S) {
        parts[slot * p.n_tiles + p.tile0 + gl_WorkGroupID.y] = Partial(st_m, st_s, st_arg, st_second, st_target, 0u, 0u, 0u);
    }
}
