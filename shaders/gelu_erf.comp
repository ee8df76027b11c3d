#version 450
// gelu_erf: y = 0.5 * x * (1 + erf(x / sqrt(2))) = 0.5 * x * erfc(-x / sqrt(2)), exact erf GELU (no tanh form),
// in place. erfc from Numerical Recipes' Chebyshev fit (fractional error < 1.2e-7 for every argument),
// so both tails keep full relative precision.
// b0 x (n) f32 in/out | push: n | spec: LANES | grid: ceil(n / LANES) workgroups of LANES | reference: cpu::gelu_erf
layout(constant_id = 0) const uint LANES = 1;  // invocations per workgroup, set by engine/vulkan/ops.cpp
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) buffer XBuf { float x[]; };
layout(push_constant) uniform Push { uint n; } p;

float erfc_nr(float z) {
    float a = abs(z);
    float t = 1.0 / (1.0 + 0.5 * a);
    float r = t * exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
              t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
              t * (-0.82215223 + t * 0.17087277)))))))));
    return z >= 0.0 ? r : 2.0 - r;
}

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= p.n) return;
    const float v = x[i];
    x[i] = 0.5 * v * erfc_nr(-v * 0.70710678118654752);
}
