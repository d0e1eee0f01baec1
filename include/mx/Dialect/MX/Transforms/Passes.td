//===- Passes.td - mx dialect transformations --------------*- tablegen -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_TRANSFORMS_PASSES_TD
#define MX_DIALECT_MX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MXExpandFakeQuant : Pass<"mx-expand-fake-quant"> {
  let summary = "Split mx.fake_quant into mx.quantize and mx.dequantize";
  let description = [{
    Rewrites every `mx.fake_quant` into the explicit quantize/dequantize
    pair it stands for, exposing the quantized tensor to later passes
    (propagation, fusion, lowering). The rewrite is exact: both forms have
    the same numerics by definition.

    Before:
    ```mlir
    %y = mx.fake_quant %x {format = "mxfp4_e2m1", axis = 1 : i64} : tensor<64x256xf32>
    ```
    After:
    ```mlir
    %q = mx.quantize %x : tensor<64x256xf32> -> tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>>
    %y = mx.dequantize %q : tensor<64x256x!mx.q<mxfp4_e2m1, axis = 1>> -> tensor<64x256xf32>
    ```
  }];
  let dependentDialects = ["::mx::MXDialect"];
  let statistics = [
    Statistic<"numExpanded", "num-expanded", "Number of mx.fake_quant ops expanded">
  ];
}

def MXQuantize : Pass<"mx-quantize"> {
  let summary = "Insert quantization on the inputs of weighted ops";
  let description = [{
    Inserts `mx.quantize` / `mx.dequantize` pairs on every input of the
    weighted ops, as TensorRT's explicit quantization places Q/DQ: the
    activations and the weights of `linalg.matmul` (with any indexing
    maps), `linalg.batch_matmul`, the linalg convolutions
    (`conv_2d_nhwc_hwcf`, `conv_2d_nchw_fchw`, depthwise, ...), other
    `linalg.generic` contractions, and `tosa.matmul`, `tosa.conv2d`,
    `tosa.depthwise_conv2d`. Outputs stay in float. Later passes move the
    pairs (`--mx-propagate`) and fuse them into quantized ops (`--mx-fuse`);
    lowering computes the same values as the fake quantization.

    Block axis: the reduction axis of each operand (K for matmul, the input
    channels for convolutions), found from the indexing maps: the operand
    dimension that is a reduction dimension shared with the other input.
    Where there is none (depthwise convolutions) the last dimension.
    Per-channel formats (INT8 weights): the weight dimension of the output
    channels.

    * `format`: a preset for activations; `weight-format`: a preset for
      weights (default: `format`, except that INT8 weights are quantized
      per output channel). `block-size`, `rounding`, `scale-rule` override
      the presets.
    * `activations=static|dynamic` (INT8 only): dynamic computes the
      per-tensor scale at run time from the tensor's absolute maximum;
      static marks the quantization with a calibration name and leaves it
      unresolved until `--mx-infer-scales` sets the scale.
    * `tensor-scale=dynamic|calibrated` (formats with a per-tensor f32
      scale, `tensor_scale = true`: NVFP4, or MX with `pre-scale`): dynamic
      (the default) computes the tensor scale at run time from the tensor's
      absolute maximum (a pass over the data before quantizing); calibrated
      names activation quantizations as `activations=static` does, and
      `--mx-infer-scales` sets their tensor scale from the table (one pass).
      Weights keep dynamic tensor scales (computed at compile time for
      constants).
    * `pre-scale=true`: adds a per-tensor f32 pre-scale (`tensor_scale =
      true`, the first level of the two-level scheme) to MX formats with
      E8M0 block scales (`mxfp8_*`, `mxfp6_*`, `mxfp4_e2m1`, `mxint8`), for
      activations and weights.
    * `ops`: op names to quantize (default: all of the above); `exclude`: op
      names or location names (`loc("name")`) to leave in float.
    * `remarks`: a remark for every weighted op left alone, and why.

    Quantizing constant weights folds at compile time when lowered.

    ```mlir
    %y = linalg.matmul ins(%x, %w : tensor<8x64xf32>, tensor<64x128xf32>) outs(%acc : tensor<8x128xf32>) -> tensor<8x128xf32>
    // --mx-quantize="format=mxfp8_e4m3" gives
    %qx = mx.quantize %x : tensor<8x64xf32> -> tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>>
    %dx = mx.dequantize %qx : tensor<8x64x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x64xf32>
    %qw = mx.quantize %w : tensor<64x128xf32> -> tensor<64x128x!mx.q<mxfp8_e4m3, axis = 0>>
    %dw = mx.dequantize %qw : tensor<64x128x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<64x128xf32>
    %y = linalg.matmul ins(%dx, %dw : tensor<8x64xf32>, tensor<64x128xf32>) outs(%acc : tensor<8x128xf32>) -> tensor<8x128xf32>
    ```
  }];
  let dependentDialects = ["::mx::MXDialect"];
  let options = [
    Option<"format", "format", "std::string", "\"mxfp8_e4m3\"",
           "Format preset for activations">,
    Option<"weightFormat", "weight-format", "std::string", "\"\"",
           "Format preset for weights (default: as format; INT8 per channel)">,
    Option<"blockSize", "block-size", "int64_t", "0",
           "Override the block size (0: the preset's)">,
    Option<"rounding", "rounding", "std::string", "\"\"",
           "Override the rounding: nearest_even, nearest_away, toward_zero">,
    Option<"scaleRule", "scale-rule", "std::string", "\"\"",
           "Override the scale rule: floor, ceil, rceil">,
    Option<"activations", "activations", "std::string", "\"dynamic\"",
           "INT8 activation scales: dynamic or static (calibrated)">,
    Option<"tensorScale", "tensor-scale", "std::string", "\"dynamic\"",
           "Activation tensor scales of tensor_scale formats: dynamic or "
           "calibrated">,
    Option<"preScale", "pre-scale", "bool", "false",
           "Add a per-tensor f32 pre-scale to MX formats (E8M0 block scales)">,
    ListOption<"ops", "ops", "std::string",
               "Op names to quantize (default: every weighted op)">,
    ListOption<"exclude", "exclude", "std::string",
               "Op names or location names to leave in float">,
    Option<"remarks", "remarks", "bool", "false",
           "Emit a remark for every weighted op that is not quantized">
  ];
  let statistics = [
    Statistic<"numQuantized", "num-quantized", "Weighted ops quantized">
  ];
}

def MXPropagate : Pass<"mx-propagate"> {
  let summary = "Move dequantizations later through ops that commute with them";
  let description = [{
    Moves every `mx.dequantize` forward (later) and every `mx.quantize`
    backward (earlier) through the ops that commute with the quantization
    (`QuantCommutingOpInterface`), so those ops run on quantized data, then
    cancels `mx.quantize(mx.dequantize(q))` where the
    re-quantization reproduces `q` exactly. Propagation is exact: the program
    computes the same bits before and after.

    Ops with models (docs/Quantization.md has the rules and why each is
    exact):
    * `tensor.collapse_shape` / `tensor.expand_shape` (per-tensor always;
      block and per-channel when the quantization axis stays a dimension of
      its own at the same index, for 4/6-bit elements the last dimension
      too) and `tensor.extract_slice` (static, unit strides, keeping whole
      blocks and packing groups): re-typed in place.
    * `tensor.concat`: every operand dequantized with the same type; block
      formats when every operand but the last ends on a block (and packing
      group) boundary; per-channel only along the channel axis; never
      per-tensor scales (each operand has its own).
    * `linalg.transpose` / `tosa.transpose` -> `mx.transpose`, which
      renumbers the block or channel axis (4/6-bit: the last dimension
      stays last).
    * `linalg.generic` computing `arith.maximumf` / `arith.minimumf` of
      the input with +0.0 (relu, min(x, 0), clamp(x, 0, 0)) and
      `tosa.clamp` with bounds 0 / +-inf and `nan_mode = PROPAGATE` ->
      `mx.clamp` on the codes. Dequantizations only: clamping before a
      quantization changes the maximum its scale comes from. Other bounds,
      `maxnumf` / `minnumf` and NaN-ignoring clamps stop.
    * `linalg.pooling_nhwc_max` from a fill of -inf and `tosa.max_pool2d`
      without padding -> `mx.max_pool` on INT8 codes, per tensor or per
      channel along dimension 3 (block formats stop: a window spans blocks
      with different scales). Dequantizations only.
    * `tensor.pad` / `tosa.pad` with the constant +0.0 -> `mx.pad`:
      quantizations whenever the padded tensor can be stored (zeros never
      raise a maximum); dequantizations only when no padding shares a
      runtime scale with data (whole new blocks, or a static INT8 scale).
    * `tensor.insert_slice` of whole blocks (or one static INT8 scale).
    * `linalg.broadcast` -> `mx.broadcast` (the axis renumbered).
    * `tosa.reshape` (one collapse or expansion), `tosa.slice`,
      `tosa.concat` -> the tensor ops on quantized tensors.
    * Static INT8 per tensor (`static_scale`, or rank-0 `static_scales`):
      quantizations also move before relu (a lower bound of 0), max-pooling
      and concatenations, and dequantizations of codes with one static
      scale after concatenations and insertions (the quantization is a
      monotone map sending zeros to the zero point and NaN to the largest
      code).
    The lowering (convert-mx-to-vector) applies each to the storage parts.

    Ops that take several quantized operands (a concatenation) move a
    dequantization only when all their operands are dequantized; a
    quantization moves onto all of them.

    Cancelling: formats with E8M0 scales under the `floor` rule re-quantize
    their own dequantized values to the same codes and scales (the block
    maximum keeps its exponent); static INT8 with the same static scale
    does too. Only codes that come from an `mx.quantize` (through data
    movement) are cancelled: external codes may hold NaN or Inf elements in
    finite blocks, which re-quantization would turn into NaN blocks. Other
    pairs stay, with a remark.

    ```mlir
    %d = mx.dequantize %q : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
    %r = tensor.collapse_shape %d [[0, 1]] : tensor<8x64xf32> into tensor<512xf32>
    // becomes
    %r = tensor.collapse_shape %q [[0, 1]] : tensor<8x64x!mx.q<int8>> into tensor<512x!mx.q<int8>>
    %d = mx.dequantize %r : tensor<512x!mx.q<int8>> -> tensor<512xf32>
    ```
  }];
  let dependentDialects = ["::mx::MXDialect"];
  let options = [
    Option<"remarks", "remarks", "bool", "false",
           "A remark for every quantization or dequantization that stops, "
           "naming the op and the reason">
  ];
  let statistics = [
    Statistic<"numMoved", "num-moved",
              "Quantizations and dequantizations moved past an op">,
    Statistic<"numCancelled", "num-cancelled", "Q(DQ(q)) pairs removed">
  ];
}

def MXFuse : Pass<"mx-fuse"> {
  let summary = "Fuse dequantize -> contraction -> epilogue -> [quantize] into mx.contract";
  let description = [{
    Replaces a `linalg` contraction or convolution (`linalg.matmul` in any
    of its indexing-map forms, `linalg.batch_matmul`, the 2-D convolutions
    incl. depthwise, and `linalg.generic` contractions) whose two inputs are
    `mx.dequantize` results by one `mx.contract` that reads the quantized
    operands directly, together with its epilogue:

        dequantize, dequantize -> contraction (accumulator = fill 0.0)
          -> [bias add (a tensor broadcast along the output)]
          -> [residual add (a tensor of the result's shape)]
          -> [relu / clamp (arith.maximumf / arith.minimumf with constants)]
          -> [mx.quantize]

    Each epilogue step is an elementwise `linalg.generic` of the result
    with one use; the steps fuse in this order, and fusion stops at the
    first op that does not fit. A final `mx.quantize` fuses when it is
    dynamic or its static scale is set (`output_scale`; static scales of
    any INT8 granularity, with zero points, become `output_scales` /
    `output_zero_points`); an unresolved one (not calibrated yet) stays
    outside.

    TOSA compute ops fuse directly: `tosa.matmul`, `tosa.conv2d` and
    `tosa.depthwise_conv2d` (channel multiplier 1) with constant zero
    zero-points, their layouts as indexing maps, `pad` as the contract's
    `lhs_pad_low` / `lhs_pad_high`, the conv2d bias as the start of the
    sum (`bias_init`), followed by `tosa.add` (bias or residual) and
    `tosa.clamp` (`nan_mode = PROPAGATE`) epilogue steps.

    Numerics (docs/Quantization.md, "Fusion"): with power-of-two scales the
    fused op computes the same products in the same order as the unfused
    graph; INT8 with per-tensor / per-output-channel scales accumulates in
    i32 exactly, which differs from the unfused f32 sum by its rounding.

    `remarks=true` emits a remark for every contraction with a dequantized
    input that did not fuse, and for every epilogue op that stopped the
    fusion, with the reason.

    ```mlir
    %a = mx.dequantize %qa : tensor<8x256x!mx.q<mxfp8_e4m3, axis = 1>> -> tensor<8x256xf32>
    %b = mx.dequantize %qb : tensor<256x64x!mx.q<mxfp8_e4m3, axis = 0>> -> tensor<256x64xf32>
    %r = linalg.matmul ins(%a, %b : ...) outs(%zero : tensor<8x64xf32>) -> tensor<8x64xf32>
    // becomes
    %r = mx.contract %qa, %qb {indexing_maps = [...], iterator_types = [...]} : ... -> tensor<8x64xf32>
    ```
  }];
  let dependentDialects = ["::mx::MXDialect"];
  let options = [
    Option<"remarks", "remarks", "bool", "false",
           "A remark for everything that did not fuse, and why">
  ];
}

def MXInferScales : Pass<"mx-infer-scales"> {
  let summary = "Set static scales from a calibration table";
  let description = [{
    Resolves every static quantization (`mx.quantize` with a `calibration`
    name, as `--mx-quantize="activations=static"` leaves them): looks the
    name up in a calibration table (docs/Calibration.md), picks a clipping
    threshold with `method` and sets `static_scale = threshold / 127`.

    * `method=max`: the absolute maximum;
    * `method=percentile [percentile=99.99]`: the given percentile of |x|;
    * `method=entropy`: TensorRT's KL-divergence threshold over the histogram;
    * `method=mse`: the threshold minimizing the expected squared error.

    Formats with a per-tensor f32 scale (`tensor_scale = true`: NVFP4, or an
    MX format with a pre-scale) get `static_scale = s_t`, the tensor scale
    for the threshold: `T / (6 * 448)` for NVFP4 (`T / (max element * 448)`
    under E4M3 block scales), `T / max element` for the pre-scale of an MX
    format (E8M0 block scales); see docs/Formats.md, "Two-level formats".

    A missing table, a corrupt table, a table of another version or a tensor
    missing from the table is an error that names the file, line or tensor;
    nothing is guessed.

    `table` may also be a TensorRT calibration cache (first line
    `TRT-<version>-<calibrator>`, then `name: <f32 scale in 8 hex digits>`)
    or a tpu-mlir threshold table (`name threshold min max` lines): their
    scales (threshold / 127 for tpu-mlir) are used as they are, and
    `method` and `percentile` are ignored; a tensor scale comes from the
    entry's threshold (scale * 127 for TensorRT).

    ```mlir
    %q = mx.quantize %x {calibration = "mlp:linalg.matmul#0:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
    // --mx-infer-scales="table=calib.json method=entropy" gives
    %q = mx.quantize %x {calibration = "mlp:linalg.matmul#0:in0", static_scale = 0.0213 : f32} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
    ```
  }];
  let dependentDialects = ["::mx::MXDialect"];
  let options = [
    Option<"table", "table", "std::string", "\"\"",
           "The calibration table (JSON), TensorRT cache or tpu-mlir table">,
    Option<"method", "method", "std::string", "\"entropy\"",
           "max, percentile, entropy or mse">,
    Option<"percentile", "percentile", "double", "99.99",
           "The percentile for method=percentile, in (0, 100]">
  ];
  let statistics = [
    Statistic<"numResolved", "num-resolved", "Static scales set">
  ];
}

def MXExportEntryPoints : Pass<"mx-export-entry-points", "::mlir::ModuleOp"> {
  let summary = "Mark public functions as entry points callable from C";
  let description = [{
    For every public `func.func` with a body: sets `llvm.emit_c_interface`
    (so `convert-func-to-llvm` emits the `_mlir_ciface_<name>` wrapper that
    takes memref descriptors by pointer) and records the function type as it
    is now, at the tensor level, in `mx.signature`. Tools such as `mx-run`
    read `mx.signature` after lowering to validate inputs and shape outputs.
    Run it before bufferization.

    ```mlir
    func.func @f(%x: tensor<4x64xf32>) -> tensor<4x64xf32>
    // becomes
    func.func @f(%x: tensor<4x64xf32>) -> tensor<4x64xf32>
        attributes {llvm.emit_c_interface, mx.signature = (tensor<4x64xf32>) -> tensor<4x64xf32>}
    ```
  }];
}

def MXCopyDuplicateResults
    : Pass<"mx-copy-duplicate-results", "::mlir::func::FuncOp"> {
  let summary = "Give every returned tensor its own buffer";
  let description = [{
    Before bufferization: a `func.return` that returns the same tensor value
    more than once (after CSE, say, two identical results merged) returns a
    copy (`bufferization.alloc_tensor() copy(%v)`) for every repetition, so
    that each result is written into a buffer of its own. Upstream
    `buffer-results-to-out-params` crashes on a function returning one
    buffer twice; `--mx-lower-to-llvm` runs this pass first.

    ```mlir
    return %y, %y : tensor<4xf32>, tensor<4xf32>
    // becomes
    %c = bufferization.alloc_tensor() copy(%y) : tensor<4xf32>
    return %y, %c : tensor<4xf32>, tensor<4xf32>
    ```

    After bufferization the same holds for statically shaped buffers
    (`memref.alloc` + `memref.copy`): two distinct tensors can bufferize in
    place into one buffer (an elementwise op overwriting its operand, say),
    so a function can return one buffer twice even when its tensors were
    distinct; `--mx-lower-to-llvm` runs the pass again just before
    `buffer-results-to-out-params`.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect"];
}

def MXElideResultCopies : Pass<"mx-elide-result-copies", "::mlir::func::FuncOp"> {
  let summary = "Compute results directly in the caller's buffer";
  let description = [{
    After `buffer-results-to-out-params`: a result computed into an
    allocation and then viewed through reshapes (`memref.collapse_shape`,
    `memref.expand_shape`) before being copied into the out-parameter costs
    a full extra pass over memory. When the allocation and the
    out-parameter are contiguous, statically shaped, of the same element
    type and size, and the copy is the out-parameter's only use, the
    allocation is replaced by a view of the out-parameter and the copy
    disappears.

    ```mlir
    %a = memref.alloc() : memref<16777216xf32>
    ... writes %a ...
    %e = memref.expand_shape %a [[0, 1]] output_shape [4096, 4096] : ...
    memref.copy %e, %out : memref<4096x4096xf32> to memref<4096x4096xf32>
    // becomes
    %a = memref.collapse_shape %out [[0, 1]] : memref<4096x4096xf32> into memref<16777216xf32>
    ... writes %a ...
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numElided", "num-elided", "Result copies removed">
  ];
}

def MXStreamMemory : Pass<"mx-stream-memory", "::mlir::func::FuncOp"> {
  let summary = "Software prefetch and non-temporal stores for streaming loops";
  let description = [{
    After bufferization: makes loops that stream through large buffers run
    at memory speed on CPUs where hardware prefetching alone does not
    (see ../shared/reference/platform.md: without a software prefetch such
    loops stop at 55-60% of the bandwidth).

    * Before every 1-D `vector.transfer_read` inside a loop from a buffer of
      at least `min-bytes`, inserts a `memref.prefetch` of the element
      `prefetch-distance` bytes further on in the buffer (clamped to the
      buffer), and one more for every further 64-byte cache line the read
      spans (at most 8 per read).
    * Replaces every in-bounds 1-D `vector.transfer_write` of whole 64-byte
      cache lines into a buffer of at least `min-bytes` by a non-temporal
      `vector.store` when the address is provably 64-byte aligned: the buffer
      is an allocation aligned to at least 64 bytes, or a function argument
      and `arg-alignment` says how arguments are aligned, and the indices
      are known multiples that keep the offset aligned. Non-temporal stores
      bypass the caches: for outputs larger than the caches they save the
      read-for-ownership traffic.

    Neither rewrite changes what the program computes.

    ```mlir
    vector.transfer_write %v, %out[%i, %j] {in_bounds = [true]} : vector<32xf32>, memref<4096x4096xf32>
    // becomes
    vector.store %v, %out[%i, %j] {alignment = 64 : i64, nontemporal = true} : memref<4096x4096xf32>, vector<32xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"prefetchDistance", "prefetch-distance", "int64_t", "4096",
           "Bytes ahead of each streaming read to prefetch (0: no prefetch)">,
    Option<"minBytes", "min-bytes", "int64_t", "4194304",
           "Smallest buffer (bytes) to stream; dynamic sizes count as large">,
    Option<"argAlignment", "arg-alignment", "int64_t", "0",
           "Alignment in bytes that callers guarantee for memref arguments "
           "(0: unknown, no non-temporal stores into arguments)">,
    Option<"nontemporal", "nontemporal", "bool", "true",
           "Use non-temporal stores where they are provably aligned">
  ];
  let statistics = [
    Statistic<"numPrefetches", "num-prefetches", "Prefetches inserted">,
    Statistic<"numStreamingStores", "num-streaming-stores",
              "Non-temporal stores">
  ];
}

//===----------------------------------------------------------------------===//
// Calibration (mx-calibrate)
//===----------------------------------------------------------------------===//

def MXInstrumentCalibration
    : Pass<"mx-instrument-calibration", "::mlir::ModuleOp"> {
  let summary = "Insert calibration observers on the tensors to calibrate";
  let description = [{
    Inserts an `mx.observe` on every tensor whose statistics calibration
    needs, named as the calibration table names it (docs/Calibration.md):

    * the input of every `mx.quantize` with a `calibration` name, under
      that name (the names `--mx-quantize="activations=static"` assigns);
    * with `all=true`, also every other f32 activation: function arguments
      (`<function>:arg<k>`) and results of ops in function bodies
      (`<loc name>:out<k>` when the op has a `loc("name")`, else
      `<function>:<op name>#<n>:out<k>` with `n` counting the ops of that
      name in the function in order). Constants, `tensor.empty` and
      `linalg.fill` results are not activations and are left out.

    Unresolved static quantizations (a `calibration` name but no
    `static_scale`) cannot be computed; with `bypass-unresolved` (default)
    each `mx.dequantize(mx.quantize(x))` of such a quantization is replaced
    by `x`, so the instrumented program computes the float model there, as
    TensorRT calibrates the FP32 network. A quantization whose result is
    used otherwise (moved by `--mx-propagate`) is an error: calibrate
    before propagating. Everything else computes exactly what it computed
    before: observers only read their input.

    f16 and bf16 tensors are observed through an `arith.extf` to f32 (exact:
    the statistics are those of the same values in f32). With `all=true`,
    tensors of other element types (f64, integers) are not observed; each
    gets a warning naming it.

    `channel-axis=A` (A >= 0) also records the absolute maximum of every
    index of axis A of each observed tensor with more than A dimensions.

    ```mlir
    %q = mx.quantize %x {calibration = "mlp:linalg.matmul#0:in0"} : tensor<8x64xf32> -> tensor<8x64x!mx.q<int8>>
    %d = mx.dequantize %q : tensor<8x64x!mx.q<int8>> -> tensor<8x64xf32>
    %y = linalg.matmul ins(%d, %w : ...)
    // becomes
    mx.observe %x {name = "mlp:linalg.matmul#0:in0"} : tensor<8x64xf32>
    %y = linalg.matmul ins(%x, %w : ...)
    ```
  }];
  let dependentDialects = ["::mx::MXDialect", "::mlir::arith::ArithDialect"];
  let options = [
    Option<"all", "all", "bool", "false",
           "Observe every f32, f16 and bf16 activation, not only the "
           "quantized ones (other tensors get a warning naming them)">,
    Option<"channelAxis", "channel-axis", "int64_t", "-1",
           "Also record the per-channel absolute maximum along this axis "
           "(-1: none)">,
    Option<"bypassUnresolved", "bypass-unresolved", "bool", "true",
           "Replace DQ(Q(x)) of unresolved static quantizations by x">
  ];
  let statistics = [
    Statistic<"numObservers", "num-observers", "Observers inserted">,
    Statistic<"numBypassed", "num-bypassed",
              "Unresolved quantizations bypassed">
  ];
}

//===----------------------------------------------------------------------===//
// Compile time: one function per distinct kernel (issue 6)
//===----------------------------------------------------------------------===//

def MXOutlineKernels : Pass<"mx-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Outline mx ops into private kernel functions shared by identical ops";
  let description = [{
    Replaces every statically shaped `mx.quantize`, `mx.dequantize`,
    `mx.fake_quant`, `mx.contract`, `mx.transpose`, `mx.clamp` and
    `mx.max_pool` by a `func.call` of a private function (marked `mx.kernel`)
    that holds the op. Ops with the same name, attributes, operand and result
    types call the same function, so a model whose layers repeat lowers each
    distinct kernel once, and the functions that reach bufferization and
    LLVM stay small: the compile time of `--mx-lower-to-llvm` then grows
    linearly with the number of ops (see bench/README.md, "Compile-time
    rows").

    * `mx.dequantize(mx.quantize(x))` where the quantization has no other
      use becomes one kernel holding both ops, which the lowering turns
      into a fake quantization (no packed storage in memory).
    * Operands computed from constants (a constant, and pure ops such as
      `mx.quantize` or reshapes applied to constants) are cloned into the
      kernel instead of being passed, so quantizing constant weights still
      folds at compile time; such kernels are shared only by ops that use
      the same constant value.
    * An `mx.quantize` or `mx.fake_quant` of a constant is left in place (it
      folds to a constant), and so are ops with dynamic shapes,
      unresolved static quantizations (the lowering reports them where they
      are) and ops already inside a kernel.

    Then the body of every function (other than kernels) with more than
    `max-block-ops` ops in one block is split into private functions of at
    most that many consecutive ops (`@f_part_0`, ...; constants are cloned
    into them, other values are passed as arguments and results), called
    in order. Upstream analyses that are quadratic in the size of a block
    (One-Shot Bufferize's read-after-write checks on a weight read by every
    layer, the alias checks of buffer deallocation) then see blocks of
    bounded size.

    The kernels and parts hold the same ops as before, so the program
    computes the same bits; the call of a kernel costs a few nanoseconds.

    ```mlir
    %q0 = mx.quantize %x0 : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
    %q1 = mx.quantize %x1 : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
    // becomes
    %q0 = call @mx_kernel_quantize(%x0) : (tensor<8x32xf32>) -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
    %q1 = call @mx_kernel_quantize(%x1) : (tensor<8x32xf32>) -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
    ...
    func.func private @mx_kernel_quantize(%arg0: tensor<8x32xf32>) -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
        attributes {mx.kernel} {
      %0 = mx.quantize %arg0 : tensor<8x32xf32> -> tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
      return %0 : tensor<8x32x!mx.q<mxfp8_e4m3, axis = 1>>
    }
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
  let options = [
    Option<"maxBlockOps", "max-block-ops", "int64_t", "32",
           "Split the body of a function with more ops than this into "
           "private functions of at most this many ops (0: never)">
  ];
  let statistics = [
    Statistic<"numParts", "num-parts", "Functions split off long blocks">,
    Statistic<"numKernels", "num-kernels", "Kernel functions created">,
    Statistic<"numCalls", "num-calls", "Ops replaced by kernel calls">
  ];
}

def MXAlignKernelArgs : Pass<"mx-align-kernel-args", "::mlir::ModuleOp"> {
  let summary = "Prove the alignment of the buffers passed to private functions";
  let description = [{
    After bufferization: the buffers that a function passes to a private
    function with a body (the kernels of `mx-outline-kernels`, after
    `buffer-results-to-out-params`) get a known alignment, so that
    `mx-stream-memory` can use aligned non-temporal stores into the
    kernel's arguments.

    * Every statically shaped `memref.alloc` passed to such a call gets
      `alignment = 64` if it had less (an allocation detail: nothing it
      computes changes).
    * Every memref argument of a private function whose symbol is used only
      by `func.call`s gets `mx.alignment = N`: the smallest alignment of the
      buffers passed there (an aligned allocation, reshapes of one, an
      argument of a public function, whose callers guarantee `arg-alignment`,
      or an argument of a private function that already has `mx.alignment`;
      anything else is 0, unknown).

    `mx-stream-memory` trusts `arg-alignment` for the arguments of public
    functions only and `mx.alignment` for those of private functions.

    ```mlir
    %a = memref.alloc() : memref<4096x4096xi8>
    call @mx_kernel_quantize(%x, %a) : (memref<4096x4096xf32>, memref<4096x4096xi8>) -> ()
    // becomes
    %a = memref.alloc() {alignment = 64 : i64} : memref<4096x4096xi8>
    call @mx_kernel_quantize(%x, %a) : (memref<4096x4096xf32>, memref<4096x4096xi8>) -> ()
    func.func private @mx_kernel_quantize(%arg0: memref<4096x4096xf32> {mx.alignment = 64 : i64},
                                          %arg1: memref<4096x4096xi8> {mx.alignment = 64 : i64})
    ```
  }];
  let options = [
    Option<"argAlignment", "arg-alignment", "int64_t", "0",
           "Alignment in bytes that callers guarantee for memref arguments "
           "of public functions (0: unknown)">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def MXSplitDeallocs : Pass<"mx-split-deallocs", "::mlir::func::FuncOp"> {
  let summary = "Free distinct allocations of a block without alias checks";
  let description = [{
    Between `ownership-based-buffer-deallocation` and
    `buffer-deallocation-simplification`: a `bufferization.dealloc` that
    retains nothing and frees only distinct `memref.alloc` results of its
    own block, each under a constant true condition, becomes one
    `memref.dealloc` per allocation (what `lower-deallocations` would
    produce after the simplification). Distinct allocations never alias, so
    the pairwise alias checks of the simplification (quadratic in the
    number of buffers of a block: a function with thousands of kernel
    calls has thousands) have nothing to find.

    ```mlir
    bufferization.dealloc (%a, %b : memref<8x32xi8>, memref<8x1xi8>) if (%true, %true)
    // becomes
    memref.dealloc %a : memref<8x32xi8>
    memref.dealloc %b : memref<8x1xi8>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
  let statistics = [
    Statistic<"numSplit", "num-split", "bufferization.dealloc ops split">
  ];
}

def MXOnFunctionsWith : Pass<"mx-on-functions-with", "::mlir::ModuleOp"> {
  let summary = "Run a function pipeline only where ops of given dialects are";
  let description = [{
    Runs `pipeline` (textual, anchored on a function op: `func.func(...)`
    or `llvm.func(...)`) on every function of the module of that op name
    that contains at least one op of one of `dialects`; the other functions
    are not visited. `--mx-lower-to-llvm` wraps the dialect-specific
    conversions in it (`convert-vector-to-llvm` where there are vector ops,
    `convert-math-to-llvm` where there are math ops, ...): after
    `mx-outline-kernels` a model's functions are chains of calls and
    allocations, and a conversion pass walking them for ops they do not
    contain costs per op of the model without doing anything (see
    docs/Lowering.md, "Compile time").

    Correct for conversions whose patterns only match ops of their own
    dialects: a function without such ops is left as the pass would leave
    it. The pipeline is parsed when the pass is initialized; a bad pipeline
    or a wrong anchor is an error.

    ```
    mx-on-functions-with{dialects=vector pipeline=func.func(convert-vector-to-llvm)}
    ```

    `skip-call-chains`: also skip the call chains of outlined kernels after
    bufferization, functions whose body is one block of only
    `memref.alloc` (static shape, no operands, each used by a `func.call`),
    `memref.dealloc`, `func.call` and `func.return`. Canonicalization and
    `expand-strided-metadata` leave such a function as it is (no pattern
    or folder of these ops applies: nothing is dead, nothing is a cast or
    a view), so `--mx-lower-to-llvm` runs them with
    `skip-call-chains` and no `dialects` (an empty `dialects` list selects
    every function), and they walk only the kernels:

    ```
    mx-on-functions-with{skip-call-chains pipeline=func.func(canonicalize)}
    ```

    Verification: as upstream's pass adaptor for a nested pass manager,
    the pipeline verifies each function it ran on after each of its passes
    (when the pass manager verifies), and the pass then verifies only the
    module op itself (its symbol table), not every op of the module again;
    it drops the module's analyses itself and reports all analyses
    preserved, which is what keeps the pass manager from verifying the
    whole module once more. When no function is selected nothing is
    verified.
  }];
  let options = [
    ListOption<"dialects", "dialects", "std::string",
               "Dialect namespaces whose ops select a function (none: every "
               "function)">,
    Option<"pipeline", "pipeline", "std::string", /*default=*/"\"\"",
           "The pipeline to run on each selected function, anchored on its "
           "op name, e.g. func.func(convert-vector-to-llvm)">,
    Option<"skipCallChains", "skip-call-chains", "bool", /*default=*/"false",
           "Never select a call chain of outlined kernels (one block of "
           "memref.alloc / memref.dealloc / func.call / func.return)">
  ];
  let statistics = [
    Statistic<"numRun", "num-run", "functions the pipeline ran on">,
    Statistic<"numSkipped", "num-skipped", "functions skipped">
  ];
}

def MXBarePtrKernels : Pass<"mx-bare-ptr-kernels", "::mlir::ModuleOp"> {
  let summary = "Pass the buffers of private kernels as bare pointers";
  let description = [{
    After bufferization and `buffer-results-to-out-params`: every private
    function with a body whose symbol is used only as the callee of
    `func.call`s (no `func.constant`, no other symbol attribute), that
    returns no memref and whose memref arguments all have a static shape and
    static strides (the kernels of `mx-outline-kernels`), gets the
    `llvm.bareptr` attribute. `convert-func-to-llvm` then passes each such
    buffer as one aligned pointer instead of the 5 + 2 x rank values of its
    descriptor, at the definition and at every call (the kernel rebuilds the
    static descriptor inside, where it folds). Nothing the kernels compute
    changes; a module with thousands of kernel calls lowers with a tenth of
    the call operands.

    ```mlir
    func.func private @mx_kernel_quantize(%arg0: memref<8x32xf32>, %arg1: memref<8x32xi8>, %arg2: memref<8x1xi8>)
    // becomes
    func.func private @mx_kernel_quantize(%arg0: memref<8x32xf32>, %arg1: memref<8x32xi8>, %arg2: memref<8x1xi8>) attributes {llvm.bareptr}
    // and after convert-func-to-llvm
    llvm.func @mx_kernel_quantize(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: !llvm.ptr) attributes {llvm.bareptr, sym_visibility = "private"}
    ```
  }];
  let statistics = [
    Statistic<"numMarked", "num-marked", "functions given llvm.bareptr">
  ];
}

def MXParallelizeLoops
    : Pass<"mx-parallelize-loops", "::mlir::func::FuncOp"> {
  let summary = "Turn the scf.for loops marked mx.parallel into scf.parallel";
  let description = [{
    The kernel emitters of `convert-mx-to-vector` mark loops whose
    iterations write disjoint parts of their buffers and read nothing another
    iteration writes (the row loops of the quantize/dequantize streams, the
    outer tile loops of the contract kernels) with the unit attribute
    `mx.parallel` (`mx::kParallelLoopAttrName`). After bufferization, a
    marked `scf.for` without loop-carried values (a loop that still carries
    a value is a reduction and stays serial) that is not nested in another
    marked or parallel loop becomes an `scf.parallel` with the same bounds
    and body; `convert-scf-to-openmp` then makes it an OpenMP work-sharing
    loop (`--mx-lower-to-llvm="parallel=openmp"`). Every iteration computes
    what it computed in the serial loop, so the results are bit-identical.

    ```mlir
    scf.for %i = %c0 to %c256 step %c1 { ... } {mx.parallel}
    // becomes
    scf.parallel (%i) = (%c0) to (%c256) step (%c1) { ... }
    ```
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
  let statistics = [
    Statistic<"numParallel", "num-parallel", "loops made scf.parallel">
  ];
}

def MXFinalizeToLLVM : Pass<"mx-finalize-to-llvm", "::mlir::ModuleOp"> {
  let summary = "Convert memref, func and cf to LLVM in one dialect conversion";
  let description = [{
    The last conversions of `mx-lower-to-llvm` in one
    `applyPartialConversion` with the combined pattern sets (as upstream's
    `convert-to-llvm` does): `finalize-memref-to-llvm` (with
    `use-aligned-alloc`), `convert-func-to-llvm` (which honours the
    `llvm.bareptr` attribute of `mx-bare-ptr-kernels`) and
    `convert-cf-to-llvm` (with the `cf.assert` lowering), sharing one
    `LLVMTypeConverter` (options from the module's data layout) and one
    `SymbolTableCollection`. The patterns and therefore the lowered ops are
    the upstream ones; the module is walked and legalized once instead of
    three times, and the casts between memref descriptors and function
    arguments that one pass left for the next never exist (compile time of
    modules with thousands of kernel calls). Run `reconcile-unrealized-casts`
    after it, as after the three passes.
  }];
  let options = [
    Option<"useAlignedAlloc", "use-aligned-alloc", "bool",
           /*default=*/"true",
           "memref.alloc becomes aligned_alloc (false: malloc)">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def MXBufferizeCallChains
    : Pass<"mx-bufferize-call-chains", "::mlir::ModuleOp"> {
  let summary = "One-Shot Bufferize, with call chains bufferized directly";
  let description = [{
    `one-shot-bufferize{bufferize-function-boundaries
    function-boundary-type-conversion=identity-layout-map}` (the
    bufferization of `mx-lower-to-llvm`), except for call chains: functions
    whose body is one block of `func.call`s and a `func.return` on ranked
    tensors without encoding (or scalars), called only by other call
    chains (the callers of `mx-outline-kernels`: the split parts of a
    model and its entry point). Those are taken out of the module while
    One-Shot Bufferize runs on the rest (the kernels), then bufferized
    directly: every tensor becomes a memref with the identity layout (the
    type One-Shot Bufferize gives function boundaries), the calls and the
    return keep their operands. A call operand that the called kernel may
    write (a write effect on the argument or a view of it, or a use by an op
    without memory effects) is copied first (`memref.alloc` +
    `memref.copy`), so no buffer another op reads is overwritten: never
    fewer copies than One-Shot Bufferize makes, the same IR when kernels
    only read their arguments (as the kernels of `convert-mx-to-vector`
    do).

    One-Shot Bufferize's analysis of call chains costs, per call, a lookup
    that builds the module's symbol table and conflict checks quadratic in
    the calls of a block that read a shared weight; this pass makes
    bufferization linear in the number of calls.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::bufferization::BufferizationDialect"];
  let statistics = [
    Statistic<"numChains", "num-chains", "Call chains bufferized directly">,
    Statistic<"numCopies", "num-copies",
              "Operands copied before a call that may write them">
  ];
}

#endif // MX_DIALECT_MX_TRANSFORMS_PASSES_TD
