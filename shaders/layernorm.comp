#version 450
// layernorm: y = (x - mean) * inv_std * w + b, inv_std = 1 / sqrt(var + eps), for each row of C values;
// mean first, then the variance of the centred values (two passes, fp32), biased as nn.LayerNorm
// b0 x (T, C) f32 | b1 w (C) f32 | b2 b (C) f32 | b3 y (T, C) f32 out
// push: C, eps | grid: T workgroups, one per row, 64 invocations | reference: cpu::layernorm
// PE_SUBGROUP (KernelFeatures::subgroups): row sums by subgroupAdd, then one shared slot per subgroup
// summed in subgroup order, instead of the six-barrier shared-memory tree.
#ifdef PE_SUBGROUP
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer XBuf { float x[]; };
layout(std430, binding = 1) readonly buffer WBuf { float w[]; };
layout(std430, binding = 2) readonly buffer BBuf { float b[]; };
layout(std430, binding = 3) writeonly buffer YBuf { float y[]; };
layout(push_constant) uniform Push { uint C; float eps; } p;

shared float red[64];

#ifdef PE_SUBGROUP
float row_sum(float v) {  // sum over the workgroup: each subgroup, then the subgroups in order
    const float part = subgroupAdd(v);
    if (subgroupElect()) red[gl_SubgroupID] = part;
    barrier();
    float total = 0.0;
    for (uint i = 0; i < gl_NumSubgroups; ++i) total += red[i];
    barrier();
    return total;
}
#else
float row_sum(float v) {  // sum over the workgroup, fixed tree order
    const uint lid = gl_LocalInvocationID.x;
    red[lid] = v;
    barrier();
    for (uint s = 32; s > 0; s >>= 1) {
        if (lid < s) red[lid] += red[lid + s];
        barrier();
    }
    float total = red[0];
    barrier();
    return total;
}
#endif

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint base = gl_WorkGroupID.x * p.C;
    float s = 0.0;
    for (uint c = lid; c < p.C; c += 64) s += x[base + c];
    const float mean = row_sum(s) / float(p.C);
    float v = 0.0;
    for (uint c = lid; c < p.C; c += 64) {
        float d = x[base + c] - mean;
        v = fma(d, d, v);
    }
    const float inv_std = 1.0 / sqrt(row_sum(v) / float(p.C) + p.eps);
    for (uint c = lid; c < p.C; c += 64) y[base + c] = (x[base + c] - mean) * inv_std * w[c] + b[c];
}
