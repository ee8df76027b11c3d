#version 450
// unembed_logprob_partial: for each scored slot s (a row of the final-normed hidden states and a
// target id) and each vocab tile of VT = LANES*TN ids: logits x = h[row] . w_out[v] (fp32; with fp16
// precision rounded to fp16 first, backend.hpp), and the tile's max, first argmax, second-largest
// value, sum exp(x - max), and x[target] when the target lies in the tile. No logit leaves the device.
// b0 h (T, C) f32 | b1 w_out rows [v0, v0 + nv) of (Vp, C) WTYPE | b2 scales (Q8_0) | b3 slots (S) {row, target} u32 |
// b4 partials (S, n_tiles) {max, sumexp, argmax, second, target_logit, -, -, -} out
// spec: BM (<= LANES), TN, LANES | push: S, K4 = C/4, v0, nv, tile0, n_tiles, fp16 | grid: (ceil(S / BM), ceil(nv / VT)),
// LANES invocations:
// invocation i sums the BM x TN logits of ids TN*i .. over all of C (slot rows are the same texels for all
// invocations, which lavapipe fetches cheaply), through shared memory to invocations < BM, one per slot.
// Slot blocks are the grid's fast axis: consecutive workgroups reuse one vocab tile's weights while cached.
// PE_SUBGROUP (KernelFeatures::subgroups): every invocation folds its own TN logits per slot, subgroup
// max/min/add combine the lanes, and invocations < BM merge one shared entry per subgroup, instead of
// BM invocations walking the tile's VT logits alone while the rest wait (the host selects it only
// for subgroups of at least 4 invocations, so at most MAX_SG = LANES/4 entries per slot).
// | reference: cpu::unembed_logprob (whose second pass is unembed_logprob_reduce)
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define X_BINDING 0
#define W_BINDING 1
#define W_SCALE_BINDING 2
#include "weights.glsl"
#include "fp16.glsl"
#ifdef PE_SUBGROUP
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#ifdef PE_TEXEL
layout(binding = X_BINDING) uniform samplerBuffer x_tex;
vec4 load_x4(uint i) { return texelFetch(x_tex, int(i)); }
#else
layout(std430, binding = X_BINDING) readonly buffer XBuf { vec4 x_data[]; };
vec4 load_x4(uint i) { return x_data[i]; }
#endif

// Tile (constant_id; engine/vulkan/ops.cpp's tile table sets them, the defaults here are placeholders)
layout(constant_id = 0) const uint BM = 1;     // rows per workgroup
layout(constant_id = 1) const uint TN = 1;     // columns per invocation
layout(constant_id = 2) const uint LANES = 1;  // invocations per workgroup
layout(local_size_x_id = 2) in;
const uint VT = LANES * TN;
const float neg_big = -3.0e38;
layout(std430, binding = 3) readonly buffer SlotBuf { uvec2 slots[]; };
struct Partial { float m; float s; uint arg; float second; float target; uint pad0, pad1, pad2; };
layout(std430, binding = 4) writeonly buffer PartBuf { Partial parts[]; };
layout(push_constant) uniform Push { uint S, K4, v0, nv, tile0, n_tiles, fp16; } p;

#ifdef PE_SUBGROUP
const uint MAX_SG = LANES / 4;
shared float sh_m[BM * MAX_SG], sh_s[BM * MAX_SG], sh_second[BM * MAX_SG], sh_target[BM * MAX_SG];
shared uint sh_arg[BM * MAX_SG];
#else
shared float logits[BM * VT];  // 16 KB at 16 x 256
#endif

// Adds (x, id) to a running (max, sum exp(x - max), first argmax, second-largest) in id order.
void fold(inout float m, inout float s, inout uint arg, inout float second, float x, uint id) {
    if (x > m) {
        second = m;
        s = s * exp(m - x) + 1.0;
        m = x;
        arg = id;
    } else {
        second = max(second, x);
        s += exp(x - m);
    }
}

// Merges statistics (tm, ts, targ, tsecond) of other ids into (m, s, arg, second), in any order:
// the lower id wins a tie for the max, and then the max itself is the second-largest value.
void merge(inout float m, inout float s, inout uint arg, inout float second, float tm, float ts, uint targ,
           float tsecond) {
    if (tm > m || (tm == m && targ < arg)) {
        second = max(m, tsecond);
        s = s * exp(m - tm) + ts;
        m = tm;
        arg = targ;
    } else {
        second = max(second, tm);
        s += ts * exp(tm - m);
    }
}

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint s0 = gl_WorkGroupID.x * BM;
    const uint vbase = gl_WorkGroupID.y * VT;  // local to the bound chunk
    uint xrow[BM], wrow[TN];
    [[unroll]] for (uint i = 0; i < BM; ++i) xrow[i] = slots[min(s0 + i, p.S - 1)].x * p.K4;
    [[unroll]] for (uint j = 0; j < TN; ++j) wrow[j] = min(vbase + lid * TN + j, p.nv - 1);
    float acc[BM][TN];
    [[unroll]] for (uint i = 0; i < BM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;
    for (uint k4 = 0; k4 < p.K4; ++k4) {
        vec4 xv[BM];
        [[unroll]] for (uint i = 0; i < BM; ++i) xv[i] = load_x4(xrow[i] + k4);
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            vec4 wv = load_w4(wrow[j], k4, p.K4);
            [[unroll]] for (uint i = 0; i < BM; ++i) {
                acc[i][j] = fma(xv[i].x, wv.x, acc[i][j]);
                acc[i][j] = fma(xv[i].y, wv.y, acc[i][j]);
                acc[i][j] = fma(xv[i].z, wv.z, acc[i][j]);
                acc[i][j] = fma(xv[i].w, wv.w, acc[i][j]);
            }
        }
    }
#ifdef PE_SUBGROUP
    [[unroll]] for (uint i = 0; i < BM; ++i) {
        const uint target = slots[min(s0 + i, p.S - 1)].y;
        float m = neg_big, sum = 0.0, second = neg_big, tx = neg_big;
        uint arg = 0xffffffffu;
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            const uint n = vbase + lid * TN + j;
            if (n < p.nv) {
                float x = acc[i][j];
                if (p.fp16 != 0u) x = fp16_round(x);
                fold(m, sum, arg, second, x, p.v0 + n);
                if (p.v0 + n == target) tx = x;
            }
        }
        const float M = subgroupMax(m);
        const uint A = subgroupMin(m == M ? arg : 0xffffffffu);
        const float S = subgroupAdd(sum * exp(m - M));
        const float second_all = subgroupMax(arg == A ? second : m);
        const float T = subgroupMax(tx);
        if (subgroupElect()) {
            const uint e = i * MAX_SG + gl_SubgroupID;
            sh_m[e] = M;
            sh_s[e] = S;
            sh_arg[e] = A;
            sh_second[e] = second_all;
            sh_target[e] = T;
        }
    }
    barrier();
    const uint slot = s0 + lid;
    if (lid < BM && slot < p.S) {
        float st_m = neg_big, st_s = 0.0, st_second = neg_big, st_target = neg_big;
        uint st_arg = 0xffffffffu;
        for (uint g = 0; g < gl_NumSubgroups; ++g) {
            const uint e = lid * MAX_SG + g;
            merge(st_m, st_s, st_arg, st_second, sh_m[e], sh_s[e], sh_arg[e], sh_second[e]);
            st_target = max(st_target, sh_target[e]);
        }
        parts[slot * p.n_tiles + p.tile0 + gl_WorkGroupID.y] = Partial(st_m, st_s, st_arg, st_second, st_target, 0u, 0u, 0u);
    }
#else
    [[unroll]] for (uint i = 0; i < BM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) logits[i * VT + lid * TN + j] = acc[i][j];
    barrier();
    // statistics of slot s0 + lid over the tile, kept by invocations lid < BM
    const uint slot = s0 + lid;
    if (lid < BM && slot < p.S) {
        const uint my_target = slots[slot].y;
        float st_m = neg_big, st_s = 0.0, st_second = neg_big, st_target = 0.0;
        uint st_arg = 0;
        for (uint c = 0; c < VT; ++c) {
            const uint n = vbase + c;
            if (n >= p.nv) break;
            float x = logits[lid * VT + c];
            if (p.fp16 != 0u) x = fp16_round(x);
            const uint id = p.v0 + n;
            fold(st_m, st_s, st_arg, st_second, x, id);
            if (id == my_target) st_target = x;
        }
        parts[slot * p.n_tiles + p.tile0 + gl_WorkGroupID.y] = Partial(st_m, st_s, st_arg, st_second, st_target, 0u, 0u, 0u);
    }
#endif
}
