//===- MXAttrs.td - mx dialect attributes ------------------*- tablegen -*-===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#ifndef MX_DIALECT_MX_IR_MXATTRS_TD
#define MX_DIALECT_MX_IR_MXATTRS_TD

include "mx/Dialect/MX/IR/MXBase.td"
include "mlir/IR/EnumAttr.td"

def MX_FormatSpecParameter : AttrParameter<"::mx::FormatSpec",
    "a complete quantization format"> {
  let comparator = "$_lhs == $_rhs";
}

def MX_FormatAttr : AttrDef<MX_Dialect, "Format"> {
  let mnemonic = "format";
  let summary = "A complete quantization format";
  let description = [{
    Names a quantization format completely. The body is an optional preset
    name followed by `key = value` overrides, or only `key = value` entries
    (then `elem` is required). The printer prints the preset name alone when
    the format is a preset, else the preset needing the fewest overrides plus
    those overrides.

    Presets (numerics in `docs/Formats.md`):

    | preset       | elem      | granularity | block | scale     | second level |
    |--------------|-----------|-------------|-------|-----------|--------------|
    | `mxfp8_e4m3` | f8E4M3FN  | block       | 32    | f8E8M0FNU |              |
    | `mxfp8_e5m2` | f8E5M2    | block       | 32    | f8E8M0FNU |              |
    | `mxfp6_e3m2` | f6E3M2FN  | block       | 32    | f8E8M0FNU |              |
    | `mxfp6_e2m3` | f6E2M3FN  | block       | 32    | f8E8M0FNU |              |
    | `mxfp4_e2m1` | f4E2M1FN  | block       | 32    | f8E8M0FNU |              |
    | `mxint8`     | i8 (x2^-6)| block       | 32    | f8E8M0FNU |              |
    | `mx9`        | sm, m = 7 | block       | 16    | f8E8M0FNU | sub_block = 2, sub_bits = 1 |
    | `mx6`        | sm, m = 4 | block       | 16    | f8E8M0FNU | sub_block = 2, sub_bits = 1 |
    | `mx4`        | sm, m = 2 | block       | 16    | f8E8M0FNU | sub_block = 2, sub_bits = 1 |
    | `nvfp4`      | f4E2M1FN  | block       | 16    | f8E4M3FN  | tensor_scale |
    | `int8`       | i8        | tensor      | -     | f32       |              |

    Keys:
    * `elem = f8E4M3FN | f8E5M2 | f6E3M2FN | f6E2M3FN | f4E2M1FN | i8 | ui8 | sm`
    * `mantissa = m` (magnitude bits of the `sm` element)
    * `granularity = tensor | channel | block`
    * `block = k1` (implies `granularity = block`)
    * `scale = f8E8M0FNU | f8E4M3FN | f32`
    * `scale_rule = floor | ceil | rceil` (E8M0 scales of float/i8 elements)
    * `rounding = nearest_even | nearest_away | toward_zero`
    * `exp_bits = d1`, `sub_block = k2`, `sub_bits = d2` (shared
      microexponents; `sub_block = 0` is plain block floating point)
    * `tensor_scale = true | false` (a per-tensor f32 scale over the block
      scales), `zero_point = true | false` (asymmetric INT8)

    ```mlir
    #mx.format<mxfp4_e2m1>
    #mx.format<mxfp8_e4m3, scale_rule = rceil>
    #mx.format<int8, granularity = channel>
    #mx.format<mx6, block = 32, sub_block = 0, sub_bits = 0>   // BFP, 4-bit mantissas
    #mx.format<elem = sm, mantissa = 5, block = 16, sub_block = 4, sub_bits = 2>
    ```
  }];
  let parameters = (ins MX_FormatSpecParameter:$spec);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Returns the format of the preset called `name`, or null.
    static FormatAttr getPreset(::mlir::MLIRContext *ctx, ::llvm::StringRef name);
    /// Parses the body of a format (what stands between `<` and `>`). When
    /// `axis` is non-null, an `axis = N` entry is accepted and stored there.
    static ::mlir::FailureOr<::mx::FormatSpec>
    parseBody(::mlir::AsmParser &parser, std::optional<int64_t> *axis);
    /// Prints the body of a format.
    static void printBody(::mlir::AsmPrinter &printer, const ::mx::FormatSpec &spec);
  }];
}

// The per-lane scale operand layout of a block-scaled tensor-core
// instruction (mx.warp_mma `scale_layout`).
def MX_WarpScaleLayoutM16N8K32X1
    : I32EnumAttrCase<"M16N8K32X1", 0, "m16n8k32_x1">;
def MX_WarpScaleLayout : I32EnumAttr<"WarpScaleLayout",
    "which lane passes which E8M0 scale in which byte to a block-scaled "
    "mma.sync", [MX_WarpScaleLayoutM16N8K32X1]> {
  let cppNamespace = "::mx";
  let genSpecializedAttr = 0;
}
def MX_WarpScaleLayoutAttr
    : EnumAttr<MX_Dialect, MX_WarpScaleLayout, "warp_scale_layout"> {
  let summary = "Scale operand layout of a block-scaled mma.sync";
  let description = [{
    `#mx.warp_scale_layout<m16n8k32_x1>`: the layout of the scale operands
    of PTX `mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.
    scale_vec::1X ... .ue8m0` (sm_120a; PTX ISA "Block Scaling for
    mma.sync"), with selectors byte-id = 0 and thread-id = 0. With g =
    lane / 4 (the lane's group):

    | operand | lane | byte 0 of its 32-bit scale register | bytes 1-3 |
    |---------|------|--------------------------------------|-----------|
    | A (16 x 1 scales, one per row) | every lane | E8M0 code of row `g + 8 * (lane % 2)` | 0 |
    | B (1 x 8 scales, one per column) | every lane | E8M0 code of column `g` | 0 |

    The instruction reads row `r`'s scale from lane `4 * (r % 8) + r / 8`
    (thread-id 0 selects the first two lanes of each group: the first for
    rows 0-7, the second for rows 8-15) and column `n`'s from lane `4n`,
    byte 0 of each. Lanes `4g + 2`, `4g + 3` (A) and `4g + 1..3` (B) pass
    copies the instruction does not read (CUTLASS's SM120 layout
    broadcasts them the same way).
  }];
  let assemblyFormat = "`<` $value `>`";
}

#endif // MX_DIALECT_MX_IR_MXATTRS_TD
