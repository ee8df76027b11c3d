// fp16.glsl: fp16_round(x), round-to-nearest-even to binary16 and back, with integer operations so
// the result does not depend on a driver's packHalf2x16 rounding (engine/half.hpp is the reference).
float fp16_round(float f) {
    uint x = floatBitsToUint(f);
    uint sign = x & 0x80000000u;
    uint a = x & 0x7fffffffu;
    if (a >= 0x7f800000u) return f;                             // inf, nan
    if (a >= 0x477ff000u) return uintBitsToFloat(sign | 0x7f800000u);  // rounds past 65504: inf
    if (a < 0x38800000u) {                                      // fp16 subnormal range: step 2^-24
        float step = 5.9604644775390625e-8;
        float q = roundEven(uintBitsToFloat(a) / step) * step;  // exact: a / step is a power-of-two scale
        return uintBitsToFloat(sign | floatBitsToUint(q));
    }
    uint rem = a & 0x1fffu;
    uint h = a >> 13;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u) == 1u)) ++h;
    return uintBitsToFloat(sign | (h << 13));
}
