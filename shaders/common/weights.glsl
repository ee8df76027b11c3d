// weights.glsl: load_w4(row, k4, K4) returns weights k = 4*k4 .. 4*k4+3 of one row (K = 4*K4 per row),
// dequantized to fp32, for the stored type chosen by the variant define (shaders/CMakeLists.txt).
// Rows are indexed from the start of the bound range, so a large weight can be bound in row chunks.
//   WTYPE_F32  b[W_BINDING] (rows, K) f32
//   WTYPE_F16  b[W_BINDING] (rows, K) f16, two per uint, first element in the low half
//   WTYPE_BF16 b[W_BINDING] (rows, K) bf16, likewise
//   WTYPE_Q8_0 b[W_BINDING] (rows, K) int8 quants, four per uint | b[W_SCALE_BINDING] f16 scale per
//              32 weights (two per uint); the GGUF blocks {f16 d; int8 q[32]} split in two arrays at
//              upload so every load is aligned; w = d * q as ggml's dequantize_row_q8_0.
// PE_TEXEL: the same loads through uniform texel buffers (the format converts F16 and sign-extends
// int8 in the fetch), which lavapipe and many GPUs fetch faster than storage buffers.
// PE_STORAGE16 (WTYPE_F16 only; KernelFeatures::storage16): F16 weights as an f16vec4 storage buffer,
// converted by the load itself instead of two unpackHalf2x16 per four weights.
#if defined(PE_TEXEL) && (defined(WTYPE_F32) || defined(WTYPE_F16))
layout(binding = W_BINDING) uniform samplerBuffer w_tex;  // RGBA32F or RGBA16F: four weights a texel
vec4 load_w4(uint row, uint k4, uint K4) { return texelFetch(w_tex, int(row * K4 + k4)); }
#elif defined(PE_TEXEL) && defined(WTYPE_BF16)
layout(binding = W_BINDING) uniform usamplerBuffer w_tex;  // RG32UI: four bf16 a texel
vec4 load_w4(uint row, uint k4, uint K4) {
    uvec2 u = texelFetch(w_tex, int(row * K4 + k4)).xy;
    return vec4(uintBitsToFloat(u.x << 16), uintBitsToFloat(u.x & 0xffff0000u),
                uintBitsToFloat(u.y << 16), uintBitsToFloat(u.y & 0xffff0000u));
}
#elif defined(PE_TEXEL) && defined(WTYPE_Q8_0)
layout(binding = W_BINDING) uniform isamplerBuffer w_tex;        // RGBA8I: four quants a texel
layout(binding = W_SCALE_BINDING) uniform samplerBuffer w_scale;  // R16F: one scale per 32 weights
vec4 load_w4(uint row, uint k4, uint K4) {
    uint i = row * K4 + k4;
    return texelFetch(w_scale, int(i >> 3)).x * vec4(texelFetch(w_tex, int(i)));
}
#elif defined(PE_STORAGE16) && defined(WTYPE_F16)
#extension GL_EXT_shader_16bit_storage : require
layout(std430, binding = W_BINDING) readonly buffer WeightBuf { f16vec4 w_data[]; };
vec4 load_w4(uint row, uint k4, uint K4) { return vec4(w_data[row * K4 + k4]); }
#elif defined(WTYPE_F32)
layout(std430, binding = W_BINDING) readonly buffer WeightBuf { vec4 w_data[]; };
vec4 load_w4(uint row, uint k4, uint K4) { return w_data[row * K4 + k4]; }
#elif defined(WTYPE_F16)
layout(std430, binding = W_BINDING) readonly buffer WeightBuf { uvec2 w_data[]; };
vec4 load_w4(uint row, uint k4, uint K4) {
    uvec2 u = w_data[row * K4 + k4];
    return vec4(unpackHalf2x16(u.x), unpackHalf2x16(u.y));
}
#elif defined(WTYPE_BF16)
layout(std430, binding = W_BINDING) readonly buffer WeightBuf { uvec2 w_data[]; };
vec4 load_w4(uint row, uint k4, uint K4) {
    uvec2 u = w_data[row * K4 + k4];
    return vec4(uintBitsToFloat(u.x << 16), uintBitsToFloat(u.x & 0xffff0000u),
                uintBitsToFloat(u.y << 16), uintBitsToFloat(u.y & 0xffff0000u));
}
#elif defined(WTYPE_Q8_0)
layout(std430, binding = W_BINDING) readonly buffer WeightBuf { uint w_data[]; };
layout(std430, binding = W_SCALE_BINDING) readonly buffer ScaleBuf { uint w_scale[]; };
vec4 load_w4(uint row, uint k4, uint K4) {
    uint i = row * K4 + k4;
    int q = int(w_data[i]);
    uint b = i >> 3;  // 8 groups of 4 per 32-weight block; K4 % 8 == 0 keeps blocks inside rows
    float d = unpackHalf2x16(w_scale[b >> 1])[b & 1u];
    return d * vec4(bitfieldExtract(q, 0, 8), bitfieldExtract(q, 8, 8), bitfieldExtract(q, 16, 8),
                    bitfieldExtract(q, 24, 8));
}
#else
#error "define one of WTYPE_F32, WTYPE_F16, WTYPE_BF16, WTYPE_Q8_0"
#endif
