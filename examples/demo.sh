#!/usr/bin/env bash
# `make demo`: the two-layer MLP of examples/mlp.mlir with the inputs in
# examples/data/, compiled and run in FP32 and with every preset format,
# compared with FP32; then the main job on the digits CNN
# (examples/digits/run.sh). Usage: examples/demo.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$here/../$build" ;; esac
mxopt="$build/bin/mx-opt"
mxrun="$build/bin/mx-run"
model="$here/mlp.mlir"
data="$here/data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=(--input "$data/x.npy" --input "$data/w1.npy" --input "$data/w2.npy")

echo "== The quantized model as written (mxfp4_e2m1), with the fake quantizations"
echo "== expanded into explicit quantize/dequantize pairs (mx-opt --mx-expand-fake-quant):"
sed "s/FORMAT/mxfp4_e2m1/g" "$model" | "$mxopt" - --mx-expand-fake-quant \
  --mlir-print-op-generic=false | sed -n '/func.func @mlp_q/,/^  }/p'
echo

echo "== Compiled with --mx-lower-to-llvm and run with mx-run; logits compared with FP32:"
# (@mlp_fp32 does not use FORMAT; any preset makes the file parse.)
sed "s/FORMAT/int8/g" "$model" | "$mxrun" - --entry mlp_fp32 "${inputs[@]}" \
  --output "$work/fp32.npy"
printf '%-12s %10s %14s %8s\n' format "SQNR (dB)" "max abs err" "top-1"
for p in mxfp8_e4m3 mxfp8_e5m2 mxfp6_e3m2 mxfp6_e2m3 mxfp4_e2m1 mxint8 mx9 mx6 mx4 nvfp4 int8; do
  report=$(sed "s/FORMAT/$p/g" "$model" | "$mxrun" - --entry mlp_q "${inputs[@]}" \
             --output "$work/$p.npy" --report-against "$work/fp32.npy")
  sqnr=$(echo "$report" | sed -n 's/^sqnr: \(.*\) dB/\1/p')
  err=$(echo "$report" | sed -n 's/^max-abs-err: //p')
  top1=$(echo "$report" | sed -n 's/^top1-agreement: //p')
  printf '%-12s %10s %14s %8s\n' "$p" "$sqnr" "$err" "$top1"
done

echo
"$here/digits/run.sh" "$build"
