#!/usr/bin/env bash
# Installs everything mlc needs to build and test on Debian 12 (bookworm):
# LLVM/MLIR 22, FlatBuffers, OpenBLAS, OpenMPI, the build tools, and the Python
# references (NumPy, PyTorch, scikit-learn) the tests compare against.
set -euo pipefail

packages=(
  # compiler
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools libzstd-dev
  # runtime and executable format
  flatbuffers-compiler libflatbuffers-dev libopenblas-dev nlohmann-json3-dev
  # communicators between ranks (mpirun)
  libopenmpi-dev openmpi-bin
  # build
  cmake ninja-build ccache g++ git
  # tests: GoogleTest, libFuzzer (clang), references
  libgtest-dev clang libclang-rt-dev
  python3 python3-numpy python3-torch python3-sklearn
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
