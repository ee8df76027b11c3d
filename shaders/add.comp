#version 450
// add: y = y + a elementwise, in place (residual adds; x + a rounds the same as a + x)
// b0 y (n) f32 in/out | b1 a (n) f32 | push: n | grid: ceil(n / 256) workgroups of 256 | reference: cpu::add
layout(local_size_x = 256) in;
layout(std430, binding = 0) buffer YBuf { float y[]; };
layout(std430, binding = 1) readonly buffer ABuf { float a[]; };
layout(push_constant) uniform Push { uint n; } p;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i < p.n) y[i] = y[i] + a[i];
}
