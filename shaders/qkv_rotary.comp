#version 450
// qkv_rotary: NeoX rotary, in place, on the first R dims of every Q and K head (spec §1.4):
//   for i < R/2 at position pos: a' = a cos(th_i) - b sin(th_i), b' = b cos(th_i) + a sin(th_i),
//   a = v[i], b = v[i + R/2], th_i = pos * inv_freq_i; dims >= R and V are unchanged
// b0 qkv (T, 3C) f32 in/out, blocks [Q | K | V], head h at [h*D, (h+1)*D) of each (bias already added
// by matmul) | b1 pos (T) u32 | b2 rope (n_ctx, R/2) vec2 (cos th, sin th), from the host in fp32 as
// HF and cpu::qkv_rotary compute them, so every driver uses the same angles
// push: T, C, D, R | spec: LANES | grid: (ceil(2H * R/2 / LANES), T), one invocation per rotated pair | reference: cpu::qkv_rotary
layout(constant_id = 0) const uint LANES = 1;  // invocations per workgroup, set by engine/vulkan/ops.cpp
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) buffer QkvBuf { float qkv[]; };
layout(std430, binding = 1) readonly buffer PosBuf { uint pos[]; };
layout(std430, binding = 2) readonly buffer RopeBuf { vec2 rope[]; };
layout(push_constant) uniform Push { uint T, C, D, R; } p;

void main() {
    const uint half_r = p.R / 2;
    const uint H = p.C / p.D;
    const uint pair = gl_GlobalInvocationID.x, t = gl_WorkGroupID.y;
    if (pair >= 2 * H * half_r || t >= p.T) return;
    const uint head = pair / half_r;  // 0 .. 2H-1: Q heads, then K heads (contiguous blocks)
    const uint i = pair % half_r;
    const uint e = t * 3 * p.C + head * p.D + i;
    const float a = qkv[e], b = qkv[e + half_r];
    const vec2 cs = rope[pos[t] * half_r + i];
    qkv[e] = a * cs.x - b * cs.y;
    qkv[e + half_r] = b * cs.x + a * cs.y;
}
