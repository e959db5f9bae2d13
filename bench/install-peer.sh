#!/usr/bin/env bash
# Installs the eager PyTorch peer used by bench/compare-train.sh (Debian's torch 1.13 with OpenBLAS).
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread time
