#version 450
// add: y = a + b elementwise (residual adds); y may be the same buffer as a or b
// b0 a (n) f32 | b1 b (n) f32 | b2 y (n) f32 out | push: n | spec: LANES | grid: ceil(n / LANES) workgroups of LANES | reference: cpu::add
layout(constant_id = 0) const uint LANES = 1;  // invocations per workgroup, set by engine/vulkan/ops.cpp
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer ABuf { float a[]; };
layout(std430, binding = 1) readonly buffer BBuf { float b[]; };
layout(std430, binding = 2) writeonly buffer YBuf { float y[]; };
layout(push_constant) uniform Push { uint n; } p;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i < p.n) y[i] = a[i] + b[i];
}
