#!/usr/bin/env python3
"""Builds a local stand-in for the data URLs of `pythia-eval data fetch`, for tests only.

From ../shared/data it writes the plain files as published and rebuilds the two published zips with the
original member names (winogrande_1.1/dev.jsonl, "SciQ dataset-2 3/test.json", ...), deflated. The zip
bytes differ from the real archives (so their sha256 does too); the members are byte-identical.
Usage: make_data_mirror.py SHARED_DATA_DIR OUT_DIR
"""
import os
import shutil
import sys
import zipfile


def main():
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for rel in ["lambada_openai/lambada_test.jsonl", "piqa/valid.jsonl", "piqa/valid-labels.lst",
                "arc_easy/ARC-Easy-test.jsonl", "arc_easy/question-answers.jsonl"]:
        shutil.copyfile(os.path.join(data, rel), os.path.join(out, os.path.basename(rel)))
    with zipfile.ZipFile(os.path.join(out, "winogrande_1.1.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("winogrande_1.1/", "")
        for name in ["dev.jsonl", "dev-labels.lst"]:
            z.write(os.path.join(data, "winogrande", name), "winogrande_1.1/" + name)
    with zipfile.ZipFile(os.path.join(out, "SciQ.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for name in ["test.json", "license.txt", "readme.txt"]:
            z.write(os.path.join(data, "sciq", name), "SciQ dataset-2 3/" + name)
            z.writestr("__MACOSX/SciQ dataset-2 3/._" + name, b"\0\5\26\7")  # as the macOS-made original
    return 0


if __name__ == "__main__":
    sys.exit(main())
