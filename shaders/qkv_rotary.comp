#version 450
// qkv_rotary: qkv += bias, then NeoX rotary on the first R dims of every Q and K head (spec §1.4):
//   for i < R/2 at position pos: a' = a cos(th) - b sin(th), b' = b cos(th) + a sin(th),
//   a = v[i], b = v[i + R/2], th = pos * base^(-2i/R); dims >= R and V only get the bias
// b0 qkv (T, 3C) f32 in/out, blocks [Q | K | V], head h at [h*D, (h+1)*D) of each | b1 bias (3C) f32 |
// b2 pos (T) u32 | b3 rope (n_ctx, R/2) vec2 (cos, sin), computed on the host as HF does in fp32
// push: T, C, D, R | grid: (ceil(3C / 64), T), one invocation per element; the element at i < R/2
// also writes its partner i + R/2, which returns at once | reference: cpu::qkv_rotary
layout(local_size_x = 64) in;
layout(std430, binding = 0) buffer QkvBuf { float qkv[]; };
layout(std430, binding = 1) readonly buffer BiasBuf { float bias[]; };
layout(std430, binding = 2) readonly buffer PosBuf { uint pos[]; };
layout(std430, binding = 3) readonly buffer RopeBuf { vec2 rope[]; };
layout(push_constant) uniform Push { uint T, C, D, R; } p;

void main() {
    const uint e = gl_GlobalInvocationID.x, t = gl_WorkGroupID.y;
    if (e >= 3 * p.C || t >= p.T) return;
    const uint base = t * 3 * p.C;
    const uint d = (e % p.C) % p.D;
    const uint half_r = p.R / 2;
    const bool rotated = e < 2 * p.C && d < p.R;
    if (!rotated) {
        qkv[base + e] += bias[e];
        return;
    }
    if (d >= half_r) return;  // written by its partner
    const uint e2 = e + half_r;
    const float a = qkv[base + e] + bias[e];
    const float b = qkv[base + e2] + bias[e2];
    const vec2 cs = rope[pos[t] * half_r + d];
    qkv[base + e] = a * cs.x - b * cs.y;
    qkv[base + e2] = b * cs.x + a * cs.y;
}
