#!/usr/bin/env bash
# The main job on the digits CNN (examples/digits/digits.mlir): compile and
# run it in FP32, then quantize it with every preset (mx-opt --mx-quantize),
# propagate (--mx-propagate), fuse (--mx-fuse), lower and run the 500 test
# images with mx-run, and print top-1 accuracy, the SQNR of the logits
# against FP32 and the bits per element of each format.
#
#   examples/digits/run.sh [BUILD_DIR] [--markdown FILE]
#
# --markdown FILE also writes the table as Markdown (`make accuracy` writes
# docs/Accuracy.md this way). Needs only the built tools: no Python.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$here/../../$build" ;; esac
markdown=""
if [ $# -ge 3 ] && [ "$2" = --markdown ]; then markdown=$3; fi
mxopt="$build/bin/mx-opt"
mxrun="$build/bin/mx-run"
mxformat="$build/bin/mx-format"
mxcalibrate="$build/bin/mx-calibrate"
model="$here/digits.mlir"
data="$here/data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The 500 test images: five batches of 100 (the entry takes 100 images), run
# in one mx-run invocation; results are concatenated (500 x 10 logits).
test_set=(--batches 5)
for i in 0 1 2 3 4; do test_set+=(--input "$data/test_$i.npy"); done
test_set+=(--labels "$data/test_labels.npy")

# Fusion: the convolutions and the matmul (with bias and relu) become
# mx.contract ops on quantized operands.
fuse=(--mx-fuse)

rows=()  # "name|top1|sqnr|bits"
field() { sed -n "s/^$1: \([^ ]*\).*/\1/p"; }
percent() { awk -v a="$1" 'BEGIN { printf "%.1f", 100 * a }'; }

# FP32: the model as exported, compiled with --mx-lower-to-llvm.
report=$("$mxrun" "$model" --entry digits "${test_set[@]}" --output "$work/fp32.npy" \
           --report-against "$data/test_logits_fp32.npy")
fp32_vs_numpy=$(echo "$report" | field sqnr)
rows+=("fp32|$(percent "$(echo "$report" | field top1-accuracy)")|(reference)|32")

# One quantized configuration: NAME, the --mx-quantize options, the bits per
# element. Writes its row to $work/NAME.row; runs in the background, at most
# `nproc` at a time (run_all below), each in its own files.
run_quantized() {
  local name=$1 options=$2 bits=$3 scales=$4 file="$work/${1// /_}"
  local infer=()
  [ -n "$scales" ] && infer=(--mx-infer-scales="$scales")
  "$mxopt" "$model" --mx-quantize="$options" "${infer[@]}" --mx-propagate "${fuse[@]}" -o "$file.mlir"
  local r
  r=$("$mxrun" "$file.mlir" --entry digits "${test_set[@]}" --report-against "$work/fp32.npy")
  echo "$name|$(percent "$(echo "$r" | field top1-accuracy)")|$(echo "$r" | field sqnr)|$bits" >"$file.row"
}

configs=()  # "name|--mx-quantize options|--mx-infer-scales options"
# INT8: dynamic activation scales (per tensor, from the data at run time),
# weights per output channel.
configs+=("int8 (dynamic)|format=int8|")

# Static INT8: calibrate the activations on the 500 calibration images
# (mx-calibrate, five batches), then one row per threshold method.
calib=()
for i in 0 1 2 3 4; do calib+=(--input "$data/calib_$i.npy"); done
"$mxcalibrate" "$model" --entry digits "${calib[@]}" \
  --quantize-options="format=int8 activations=static" -o "$work/calib.json"
for m in max percentile entropy mse; do
  configs+=("int8 static ($m)|format=int8 activations=static|table=$work/calib.json method=$m")
done
static_note="Static INT8: activation scales from mx-calibrate on the 500 calibration images, threshold by each method (percentile 99.99)."

for p in mxfp8_e4m3 mxfp8_e5m2 mxfp6_e3m2 mxfp6_e2m3 mxfp4_e2m1 mxint8 mx9 mx6 mx4 nvfp4; do
  configs+=("$p|format=$p|")
done

# Two-level formats with a calibrated first level: the NVFP4 tensor scale of
# every activation from mx-calibrate (instead of the tensor's maximum at run
# time), one row per method; MXFP4 with a calibrated f32 pre-scale.
"$mxcalibrate" "$model" --entry digits "${calib[@]}" \
  --quantize-options="format=nvfp4 tensor-scale=calibrated" -o "$work/calib-nvfp4.json"
for m in max percentile entropy mse; do
  configs+=("nvfp4 calibrated ($m)|format=nvfp4 tensor-scale=calibrated|table=$work/calib-nvfp4.json method=$m")
done
"$mxcalibrate" "$model" --entry digits "${calib[@]}" \
  --quantize-options="format=mxfp4_e2m1 pre-scale=true tensor-scale=calibrated" -o "$work/calib-pre.json"
configs+=("mxfp4_e2m1 pre-scale (max)|format=mxfp4_e2m1 pre-scale=true tensor-scale=calibrated|table=$work/calib-pre.json method=max")
two_level_note="Calibrated first level: the NVFP4 tensor scale (s_t = T / (6 * 448)) and the MXFP4 pre-scale (s_t = T / 6) of every activation from a threshold T of mx-calibrate's statistics (docs/Calibration.md); weights keep their tensor scale from their maximum."

jobs_max=$(nproc 2>/dev/null || echo 2)
pids=()
for c in "${configs[@]}"; do
  IFS='|' read -r name options scales <<<"$c"
  fmt=${options#format=}; fmt=${fmt%% *}
  run_quantized "$name" "$options" "$("$mxformat" "$fmt" --bits-only)" "$scales" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
done
for pid in "${pids[@]}"; do
  wait "$pid" || { echo "run.sh: a quantized run failed (see above)" >&2; exit 1; }
done
for c in "${configs[@]}"; do
  IFS='|' read -r name options scales <<<"$c"
  rows+=("$(cat "$work/${name// /_}.row")")
done

passes="--mx-quantize=format=F --mx-propagate${fuse:+ ${fuse[*]}}"
echo "== The digits CNN: 500 test images; $passes, --mx-lower-to-llvm, mx-run"
printf '%-30s %8s %22s %14s\n' format "top-1 %" "logits SQNR vs FP32 dB" "bits/element"
for row in "${rows[@]}"; do
  IFS='|' read -r name top1 sqnr bits <<<"$row"
  printf '%-30s %8s %22s %14s\n' "$name" "$top1" "$sqnr" "$bits"
done
echo "FP32 compiled vs NumPy's float32 logits: SQNR $fp32_vs_numpy dB"
echo "$static_note"
echo "$two_level_note"

if [ -n "$markdown" ]; then
  {
    echo "# Accuracy of the digits CNN in every format"
    echo
    echo "Generated by \`make accuracy\` (examples/digits/run.sh); do not edit."
    echo "The model, the data and how they were made: [examples/digits](../examples/digits/README.md)."
    echo
    echo "500 test images of the scikit-learn digits; a small CNN (two 3x3"
    echo "convolutions with relu and 2x2 max-pooling, a 128->10 dense layer)."
    echo "Each format: \`mx-opt --mx-quantize=format=F --mx-propagate${fuse:+ ${fuse[*]}}\`"
    echo "(every convolution and matmul input quantized, blocks along the"
    echo "reduction axis; INT8 weights per output channel, activations per"
    echo "tensor with dynamic scales), then \`--mx-lower-to-llvm\` and \`mx-run\`."
    echo "The first convolution has one input channel, so its input blocks"
    echo "hold one element each (a scale per pixel); the second convolution"
    echo "has 16 input channels (one partial block of 16 per pixel); the"
    echo "matmul has K = 128."
    echo "SQNR: of the 500x10 logits against the compiled FP32 model."
    echo "Bits/element: storage bits per element of the format for whole"
    echo "blocks (\`mx-format F --bits-only\`); per-tensor scales (INT8, the"
    echo "NVFP4 tensor scale) add 32 bits per tensor."
    echo
    echo "| format | top-1 % | logits SQNR vs FP32 (dB) | bits/element |"
    echo "|--------|--------:|-------------------------:|-------------:|"
    for row in "${rows[@]}"; do
      IFS='|' read -r name top1 sqnr bits <<<"$row"
      echo "| $name | $top1 | $sqnr | $bits |"
    done
    echo
    echo "The compiled FP32 model against NumPy's float32 logits: SQNR $fp32_vs_numpy dB."
    echo
    echo "$static_note"
    echo
    echo "$two_level_note"
    true
  } >"$markdown"
  echo "wrote $markdown"
fi
