#!/usr/bin/env python3
"""Synthetic training checkpoints for the sweep tests (tests only, stdlib only).

make_checkpoints.py SRC OUT NAME:SEED... --steps S...  writes OUT/<NAME>/step<S>/ for every model and
step: SRC's config.json and tokenizer.json, and SRC's model.safetensors (a GPT-NeoX checkpoint in
F16, such as the tiny-neox fixture) with its final layer norm rescaled by a factor that depends on
the seed and the step, so every (model, step) has its own weights and its own scores.
"""
import argparse
import json
import os
import shutil
import struct


def rescaled(raw, scale, shift):
    header_len = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + header_len])
    out = bytearray(raw)
    base = 8 + header_len
    for name, what in (("gpt_neox.final_layer_norm.weight", scale), ("gpt_neox.final_layer_norm.bias", shift)):
        t = header[name]
        assert t["dtype"] == "F16", name + " is not F16"
        begin, end = (base + o for o in t["data_offsets"])
        n = (end - begin) // 2
        values = struct.unpack("<%de" % n, raw[begin:end])
        new = [v * scale if name.endswith("weight") else v + shift * ((i % 7) - 3) for i, v in enumerate(values)]
        out[begin:end] = struct.pack("<%de" % n, *new)
    return bytes(out)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("src")
    p.add_argument("out")
    p.add_argument("models", nargs="+", help="NAME:SEED")
    p.add_argument("--steps", nargs="+", type=int, required=True)
    args = p.parse_args()
    with open(os.path.join(args.src, "model.safetensors"), "rb") as f:
        raw = f.read()
    for item in args.models:
        name, seed = item.rsplit(":", 1)
        for i, step in enumerate(args.steps):
            folder = os.path.join(args.out, name, "step%d" % step)
            os.makedirs(folder, exist_ok=True)
            for small in ("config.json", "tokenizer.json"):
                shutil.copyfile(os.path.join(args.src, small), os.path.join(folder, small))
            scale = 1.0 + 0.25 * int(seed) + 0.1 * i
            with open(os.path.join(folder, "model.safetensors"), "wb") as f:
                f.write(rescaled(raw, scale, 0.01 * (int(seed) + i)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
