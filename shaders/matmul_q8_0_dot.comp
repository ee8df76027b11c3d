#version 450
// matmul_q8_0_dot: y[m][y_col + n] = sum_b (dx[m][b] * dw[n][b]) * sum_{k in block b} qx[m][k] qw[n][k] (+ bias[n]),
// Q8_0 weights times Q8_0-quantized activations (quantize_q8_0.comp), ggml's vec_dot_q8_0_q8_0: each
// block's 32 int8 products are summed exactly in int32 by packed 4x8 dot products (OpSDot,
// SPV_KHR_integer_dot_product; glslang 12 has no GLSL name for it, so it is declared through
// GL_EXT_spirv_intrinsics), the blocks in fp32. Used only with KernelFeatures::intdot.
// b0 qx (M, K/4) u32 | b1 dx (M, K/32) f32 | b2 qw (N, K/4) u32 rows of the weight | b3 dw f16 pairs, one per
// 32 weights | b4 bias (N) f32 | b5 y (M, ldy) f32 out
// spec: BM, TN, LANES | push: M, N, K4 = K/4, ldy, y_col, has_bias | grid: (ceil(M / BM), ceil(N / (LANES*TN)));
// LANES invocations, invocation i the BM x TN block of rows m0 .., columns n0 + TN*i .. (as matmul.comp)
// | reference: the Q8_0 x Q8_0 dot in tests/vulkan/intdot_test.cpp
#extension GL_EXT_control_flow_attributes : require
#extension GL_EXT_spirv_intrinsics : require

spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018], id = 4450)
int dot4x8(uint a, uint b, spirv_literal int packed_vector_format);  // OpSDot, format 0: 4 x int8 packed
const int packed_4x8 = 0;

// Tile (constant_id; engine/vulkan/ops.cpp's tile table sets them, the defaults here are placeholders)
layout(constant_id = 0) const uint BM = 1;     // rows per workgroup
layout(constant_id = 1) const uint TN = 1;     // columns per invocation
layout(constant_id = 2) const uint LANES = 1;  // invocations per workgroup
layout(local_size_x_id = 2) in;
layout(std430, binding = 0) readonly buffer QxBuf { uint qx[]; };
layout(std430, binding = 1) readonly buffer DxBuf { float dx[]; };
layout(std430, binding = 2) readonly buffer QwBuf { uint qw[]; };
layout(std430, binding = 3) readonly buffer DwBuf { uint dw_pairs[]; };
layout(std430, binding = 4) readonly buffer BiasBuf { float bias[]; };
layout(std430, binding = 5) writeonly buffer YBuf { float y[]; };
layout(push_constant) uniform Push { uint M, N, K4, ldy, y_col, has_bias; } p;

void main() {
    const uint m0 = gl_WorkGroupID.x * BM;
    const uint n0 = (gl_WorkGroupID.y * LANES + gl_LocalInvocationID.x) * TN;
    if (n0 >= p.N) return;
    const uint KB = p.K4 / 8;
    uint xrow[BM], wrow[TN];
    [[unroll]] for (uint i = 0; i < BM; ++i) xrow[i] = min(m0 + i, p.M - 1);
    [[unroll]] for (uint j = 0; j < TN; ++j) wrow[j] = min(n0 + j, p.N - 1);
    float acc[BM][TN];
    [[unroll]] for (uint i = 0; i < BM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;
    for (uint b = 0; b < KB; ++b) {
        int isum[BM][TN];
        [[unroll]] for (uint i = 0; i < BM; ++i)
            [[unroll]] for (uint j = 0; j < TN; ++j) isum[i][j] = 0;
        for (uint u = 0; u < 8; ++u) {
            uint xq[BM];
            [[unroll]] for (uint i = 0; i < BM; ++i) xq[i] = qx[xrow[i] * p.K4 + b * 8 + u];
            [[unroll]] for (uint j = 0; j < TN; ++j) {
                const uint wq = qw[wrow[j] * p.K4 + b * 8 + u];
                [[unroll]] for (uint i = 0; i < BM; ++i) isum[i][j] += dot4x8(xq[i], wq, packed_4x8);
            }
        }
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            const uint s = wrow[j] * KB + b;
            const float dw = unpackHalf2x16(dw_pairs[s >> 1])[s & 1u];
            [[unroll]] for (uint i = 0; i < BM; ++i) acc[i][j] += float(isum[i][j]) * (dx[xrow[i] * KB + b] * dw);
        }
    }
    [[unroll]] for (uint j = 0; j < TN; ++j) {
        const uint n = n0 + j;
        const float bv = p.has_bias != 0u ? bias[min(n, p.N - 1)] : 0.0;
        [[unroll]] for (uint i = 0; i < BM; ++i)
            if (m0 + i < p.M && n < p.N) y[(m0 + i) * p.ldy + p.y_col + n] = acc[i][j] + bv;
    }
}
