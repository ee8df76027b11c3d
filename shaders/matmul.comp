#version 450
// matmul: y[m][y_col + n] = sum_k x[m][k] * w[n][k] (+ bias[n]), fp32 accumulation
// b0 x (M, K) f32 | b1 w (N, K) WTYPE | b2 w scales (Q8_0 only) | b3 bias (N) f32 | b4 y (M, ldy) f32 out
// spec: BM, TN, LANES | push: M, N, K4 = K/4, ldy, y_col, has_bias | grid: (ceil(M / BM), ceil(N / (LANES*TN)));
// LANES invocations, invocation i the BM x TN block of rows m0 .. m0+BM-1, columns n0 + TN*i .. | reference: cpu::matmul
// Each invocation sums its dot products over all of K in order (no cross-invocation reduction, so no
// shared memory or barrier: lavapipe runs shared-memory accesses lane by lane). Each loaded x is used
// TN times and each w BM times. The row blocks are the grid's fast axis so that consecutive workgroups
// reuse one block of weights while it is cached (lavapipe runs workgroups in x-major order).
// Rows past M or N are clamped for loading and never stored.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define X_BINDING 0
#define W_BINDING 1
#define W_SCALE_BINDING 2
#include "weights.glsl"

// Tile (constant_id; engine/vulkan/ops.cpp's tile table sets them, the defaults here are placeholders)
layout(constant_id = 0) const uint BM = 1;     // rows per workgroup
layout(constant_id = 1) const uint TN = 1;     // columns per invocation
layout(constant_id = 2) const uint LANES = 1;  // invocations per workgroup
layout(local_size_x_id = 2) in;
layout(std430, binding = 3) readonly buffer BiasBuf { float bias[]; };
layout(std430, binding = 4) writeonly buffer YBuf { float y[]; };
layout(push_constant) uniform Push { uint M, N, K4, ldy, y_col, has_bias; } p;

#ifdef PE_TEXEL
layout(binding = X_BINDING) uniform samplerBuffer x_tex;
vec4 load_x4(uint i) { return texelFetch(x_tex, int(i)); }
#else
layout(std430, binding = X_BINDING) readonly buffer XBuf { vec4 x_data[]; };
vec4 load_x4(uint i) { return x_data[i]; }
#endif

void main() {
    const uint m0 = gl_WorkGroupID.x * BM;
    const uint n0 = (gl_WorkGroupID.y * LANES + gl_LocalInvocationID.x) * TN;
    if (n0 >= p.N) return;
    uint xrow[BM], wrow[TN];
    [[unroll]] for (uint i = 0; i < BM; ++i) xrow[i] = min(m0 + i, p.M - 1) * p.K4;
    [[unroll]] for (uint j = 0; j < TN; ++j) wrow[j] = min(n0 + j, p.N - 1);
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
    [[unroll]] for (uint j = 0; j < TN; ++j) {
        const uint n = n0 + j;
        const float b = p.has_bias != 0u ? bias[min(n, p.N - 1)] : 0.0;
        [[unroll]] for (uint i = 0; i < BM; ++i)
            if (m0 + i < p.M && n < p.N) y[(m0 + i) * p.ldy + p.y_col + n] = acc[i][j] + b;
    }
}
