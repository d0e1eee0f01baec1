#!/usr/bin/env bash
# The main job of `make demo`: run mx-opt on the example model with every
# preset format and print the IR. Usage: examples/demo.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$here/../$build" ;; esac
mxopt="$build/bin/mx-opt"
model="$here/mlp.mlir"

presets="mxfp8_e4m3 mxfp8_e5m2 mxfp6_e3m2 mxfp6_e2m3 mxfp4_e2m1 mxint8 mx9 mx6 mx4 nvfp4 int8"
for p in $presets; do
  echo "=== $p: fake-quantize the weights and activations of $(basename "$model"), then expand into quantize/dequantize"
  sed "s/FORMAT/$p/g" "$model" | "$mxopt" - --mx-expand-fake-quant
done
