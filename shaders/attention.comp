#version 450
// attention: causal softmax attention for a block of up to QB consecutive query rows of one head:
//   out[q][h*D + d] = sum_j softmax_j(scale * Q[q].K[j]) V[j][d] over the keys at positions <= pos(q),
//   scale = 1/sqrt(D); softmax in fp32, stable (running max, spec §1.3)
// b0 qkv (T, 3C) f32, after qkv_rotary | b1 blocks (n_blocks) {r0, nq, a0, na, b0, pos0, -, -} u32:
//   queries are rows r0 .. r0+nq-1 at positions pos0 .. pos0+nq-1; key position j < na is row a0 + j
//   (a shared prefix), else row b0 + j - na (the sequence's own rows) | b2 out (T, C) f32
// spec: D4 = D/4, QB, LANES | push: C, scale | grid: (n_blocks, H) workgroups of LANES
// Lane l takes keys l, l+LANES, ... with its own running max, sum and output (fp32); the lanes are
// merged through shared memory at the end. | reference: cpu::attention
layout(constant_id = 0) const uint D4 = 16;
layout(constant_id = 1) const uint QB = 8;
layout(constant_id = 2) const uint LANES = 1;  // set by ops.cpp
layout(local_size_x_id = 2) in;
const float neg_big = -3.0e38;

layout(std430, binding = 0) readonly buffer QkvBuf { vec4 qkv[]; };
layout(std430, binding = 1) readonly buffer BlockBuf { uvec4 blocks[]; };
layout(std430, binding = 2) writeonly buffer OutBuf { vec4 outp[]; };
layout(push_constant) uniform Push { uint C; float scale; } p;

shared float sh_m[LANES * QB];
shared float sh_l[LANES * QB];
shared vec4 sh_o[LANES * QB * D4];

void main() {
    const uint lane = gl_LocalInvocationID.x;
    const uint h = gl_WorkGroupID.y;
    const uvec4 b0v = blocks[2 * gl_WorkGroupID.x], b1v = blocks[2 * gl_WorkGroupID.x + 1];
    const uint r0 = b0v.x, nq = b0v.y, a0 = b0v.z, na = b0v.w, bstart = b1v.x, pos0 = b1v.y;
    const uint C4 = p.C / 4, stride = 3 * C4;
    const uint qoff = h * D4, koff = C4 + h * D4, voff = 2 * C4 + h * D4;

    vec4 q[QB][D4];
    vec4 o[QB][D4];
    float m[QB], l[QB];
    for (uint i = 0; i < QB; ++i) {
        const uint row = r0 + min(i, nq - 1);
        for (uint d = 0; d < D4; ++d) {
            q[i][d] = qkv[row * stride + qoff + d];
            o[i][d] = vec4(0.0);
        }
        m[i] = neg_big;
        l[i] = 0.0;
    }
    const uint nk = pos0 + nq;
    for (uint j = lane; j < nk; j += LANES) {
        const uint row = j < na ? a0 + j : bstart + (j - na);
        vec4 k[D4];
        for (uint d = 0; d < D4; ++d) k[d] = qkv[row * stride + koff + d];
        vec4 v[D4];
        for (uint d = 0; d < D4; ++d) v[d] = qkv[row * stride + voff + d];
        for (uint i = 0; i < QB; ++i) {
            if (i >= nq || j > pos0 + i) continue;  // causal mask
            float s = 0.0;
            for (uint d = 0; d < D4; ++d) s += dot(q[i][d], k[d]);
            s *= p.scale;
            if (s > m[i]) {
                const float c = exp(m[i] - s);
                l[i] *= c;
                for (uint d = 0; d < D4; ++d) o[i][d] *= c;
                m[i] = s;
            }
            const float e = exp(s - m[i]);
            l[i] += e;
            for (uint d = 0; d < D4; ++d) o[i][d] += e * v[d];
        }
    }
    for (uint i = 0; i < QB; ++i) {
        sh_m[lane * QB + i] = m[i];
        sh_l[lane * QB + i] = l[i];
        for (uint d = 0; d < D4; ++d) sh_o[(lane * QB + i) * D4 + d] = o[i][d];
    }
    barrier();
    for (uint i = 0; i < nq; ++i) {
        float mx = neg_big;
        for (uint t = 0; t < LANES; ++t) mx = max(mx, sh_m[t * QB + i]);
        float sum = 0.0;
        for (uint t = 0; t < LANES; ++t) sum += sh_l[t * QB + i] * exp(sh_m[t * QB + i] - mx);
        for (uint d = lane; d < D4; d += LANES) {
            vec4 acc = vec4(0.0);
            for (uint t = 0; t < LANES; ++t) acc += sh_o[(t * QB + i) * D4 + d] * exp(sh_m[t * QB + i] - mx);
            outp[(r0 + i) * C4 + h * D4 + d] = acc / sum;
        }
    }
}
