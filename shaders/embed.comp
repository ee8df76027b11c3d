#version 450
// embed: y[t][:] = token_embd[ids[t]][:], dequantized to f32 (embedding gather)
// b0 ids (T) i32 | b1 token_embd rows [row0, row0 + n_rows) of (Vp, C) WTYPE | b2 scales (Q8_0) | b3 y (T, C) f32 out
// push: T, C4 = C/4, row0, n_rows | spec: LANES | grid: (ceil(C4 / LANES), T); rows outside the bound chunk are left to
// the dispatch that binds them | reference: cpu::embed
#extension GL_GOOGLE_include_directive : require
#define W_BINDING 1
#define W_SCALE_BINDING 2
#include "weights.glsl"

layout(constant_id = 0) const uint LANES = 1;  // invocations per workgroup, set by engine/vulkan/ops.cpp
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer IdBuf { int ids[]; };
layout(std430, binding = 3) writeonly buffer YBuf { vec4 y[]; };
layout(push_constant) uniform Push { uint T, C4, row0, n_rows; } p;

void main() {
    const uint c4 = gl_GlobalInvocationID.x, t = gl_WorkGroupID.y;
    if (c4 >= p.C4 || t >= p.T) return;
    const uint id = uint(ids[t]);
    if (id < p.row0 || id >= p.row0 + p.n_rows) return;
    y[t * p.C4 + c4] = load_w4(id - p.row0, c4, p.C4);
}
