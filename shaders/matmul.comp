#version 450
// matmul: y[m][y_col + n] = sum_k x[m][k] * w[n][k] (+ bias[n]), fp32 accumulation
// b0 x (M, K) f32 | b1 w (N, K) WTYPE | b2 w scales (Q8_0 only) | b3 bias (N) f32 | b4 y (M, ldy) f32 out
// push: M, N, K4 = K/4, ldy, y_col, has_bias | grid: (ceil(N / (TEAMS*TN)), ceil(M / BM)); 64 invocations =
// TEAMS teams of LANES, each team a BM x TN block (dot_tile.glsl) | reference: cpu::matmul
// Lanes' partial sums are added through shared memory in lane order. Rows past M or N are clamped
// for loading and never stored.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define X_BINDING 0
#define W_BINDING 1
#define W_SCALE_BINDING 2
#include "weights.glsl"

const uint LANES = 8, TEAMS = 8, BM = 8, TN = 8;
layout(local_size_x = 64) in;
layout(std430, binding = 3) readonly buffer BiasBuf { float bias[]; };
layout(std430, binding = 4) writeonly buffer YBuf { float y[]; };
layout(push_constant) uniform Push { uint M, N, K4, ldy, y_col, has_bias; } p;

#include "dot_tile.glsl"

shared float partial[TEAMS * BM * TN * LANES];

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint lane = lid % LANES, team = lid / LANES;
    const uint n0 = (gl_WorkGroupID.x * TEAMS + team) * TN;
    const uint m0 = gl_WorkGroupID.y * BM;
    uint xrow[BM], wrow[TN];
    [[unroll]] for (uint i = 0; i < BM; ++i) xrow[i] = min(m0 + i, p.M - 1);
    [[unroll]] for (uint j = 0; j < TN; ++j) wrow[j] = min(n0 + j, p.N - 1);
    float acc[BM][TN];
    [[unroll]] for (uint i = 0; i < BM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;
    dot_tile(lane, xrow, wrow, p.K4, acc);
    [[unroll]] for (uint i = 0; i < BM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) partial[((team * BM + i) * TN + j) * LANES + lane] = acc[i][j];
    barrier();
    for (uint o = lid; o < TEAMS * BM * TN; o += 64) {
        const uint t = o / (BM * TN), i = (o / TN) % BM, j = o % TN;
        const uint m = m0 + i, n = (gl_WorkGroupID.x * TEAMS + t) * TN + j;
        float s = 0.0;
        for (uint l = 0; l < LANES; ++l) s += partial[o * LANES + l];
        if (p.has_bias != 0u) s += bias[min(n, p.N - 1)];
        if (m < p.M && n < p.N) y[m * p.ldy + p.y_col + n] = s;
    }
}
