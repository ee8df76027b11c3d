#version 450
// quantize_q8_0: rows of x to Q8_0 blocks of 32, as engine/model/quant.cpp's quantize_q8_0 (ggml's
// reference): d = max|x| / 127, q = round half away from zero of x * (1/d), d kept as the f16 the
// block stores. For matmul_q8_0_dot (KernelFeatures::intdot), which multiplies these by Q8_0 weights.
// b0 x (T, K) f32 | b1 q (T, K/4) u32, four int8 per uint, element 4i+j in byte j | b2 d (T, K/32) f32
// push: T, KB = K/32 | spec: LANES | grid: (ceil(KB / LANES), T), one invocation per block | reference: model::quantize_row
#extension GL_GOOGLE_include_directive : require
#include "fp16.glsl"

layout(constant_id = 0) const uint LANES = 1;  // invocations per workgroup, set by engine/vulkan/ops.cpp
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer XBuf { vec4 x[]; };
layout(std430, binding = 1) writeonly buffer QBuf { uint q[]; };
layout(std430, binding = 2) writeonly buffer DBuf { float d[]; };
layout(push_constant) uniform Push { uint T, KB; } p;

// std::round: exact, where floor(v + 0.5) is not (0.49999997 + 0.5 rounds up to 1.0 in fp32).
float round_away(float v) {
    const float r = trunc(v);
    return abs(v - r) >= 0.5 ? r + sign(v) : r;
}

void main() {
    const uint b = gl_GlobalInvocationID.x, t = gl_WorkGroupID.y;
    if (b >= p.KB || t >= p.T) return;
    const uint base = (t * p.KB + b) * 8;  // first vec4 (and first packed uint) of the block
    vec4 v[8];
    float amax = 0.0;
    for (uint i = 0; i < 8; ++i) {
        v[i] = x[base + i];
        const vec4 a = abs(v[i]);
        amax = max(amax, max(max(a.x, a.y), max(a.z, a.w)));
    }
    const float dd = amax / 127.0;
    const float id = dd != 0.0 ? 1.0 / dd : 0.0;
    for (uint i = 0; i < 8; ++i) {
        const ivec4 qi = ivec4(round_away(v[i].x * id), round_away(v[i].y * id), round_away(v[i].z * id),
                               round_away(v[i].w * id));
        q[base + i] = uint(qi.x & 0xff) | (uint(qi.y & 0xff) << 8) | (uint(qi.z & 0xff) << 16) | (uint(qi.w & 0xff) << 24);
    }
    d[t * p.KB + b] = fp16_round(dd);
}
