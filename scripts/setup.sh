#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages. Idempotent: packages already
# present are skipped, so a second run does nothing but check.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev                       # libFuzzer target
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers vulkan-tools spirv-tools glslang-tools
  libsimdjson-dev libfmt-dev libboost-test-dev libcli11-dev libutf8proc-dev libonig-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev
  python3                                        # the loopback hub server in tests
  libopenblas0-pthread                           # CPU backend matrix products (opened at run time)
  slurm-wlm                                      # tests/sweep: a real one-node Slurm for `sweep --slurm`
  munge                                          # tests/sweep: Slurm's authentication daemon
  gnuplot-nox                                    # plot and report draw the learning curves (svg, pngcairo)
  chromium                                       # tests/curves loads the report in a headless browser
  jq                                             # scripts/bench_peer.sh reads bench --json
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm tokenizers (HF's Rust tokenizer) is the tokenizer test oracle; any Node.js >= 18 will do.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
