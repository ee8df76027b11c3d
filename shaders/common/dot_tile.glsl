// dot_tile.glsl: the inner loop shared by matmul and unembed_logprob_partial.
// A team of LANES invocations computes a BM x TN block of dot products x[xrow[i]] . w[wrow[j]] over
// K = 4*K4. Lane l sums every LANES-th group of four k (k4 = l, l + LANES, ...), so the team's loads
// are contiguous and each loaded x is used TN times and each w BM times; the caller adds the lanes'
// partial sums (in a fixed order) to get each dot product. fp32 throughout.
// Needs: constants LANES, BM, TN; X_BINDING (vec4 rows: a storage buffer, or with PE_TEXEL an RGBA32F
// texel buffer); load_w4() from weights.glsl.
#ifdef PE_TEXEL
layout(binding = X_BINDING) uniform samplerBuffer x_tex;
vec4 load_x4(uint i) { return texelFetch(x_tex, int(i)); }
#else
layout(std430, binding = X_BINDING) readonly buffer XBuf { vec4 x_data[]; };
vec4 load_x4(uint i) { return x_data[i]; }
#endif
void dot_tile(uint lane, uint xrow[BM], uint wrow[TN], uint K4, inout float acc[BM][TN]) {
    for (uint k4 = lane; k4 < K4; k4 += LANES) {
        vec4 xv[BM];
        [[unroll]] for (uint i = 0; i < BM; ++i) xv[i] = load_x4(xrow[i] * K4 + k4);
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            vec4 wv = load_w4(wrow[j], k4, K4);
            [[unroll]] for (uint i = 0; i < BM; ++i) {
                acc[i][j] = fma(xv[i].x, wv.x, acc[i][j]);
                acc[i][j] = fma(xv[i].y, wv.y, acc[i][j]);
                acc[i][j] = fma(xv[i].z, wv.z, acc[i][j]);
                acc[i][j] = fma(xv[i].w, wv.w, acc[i][j]);
            }
        }
    }
}
