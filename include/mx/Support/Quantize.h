//===- Quantize.h - Quantize arrays in C++ (storage layout, folding) -*- C++
//-*-//
//
// Part of mx-opt. The storage layout of a quantized tensor (the ABI of the
// packed parts) and a plain C++ implementation of quantize / dequantize /
// fake-quantize on arrays. It instantiates the numerics of Numerics.h with
// ScalarOps, so its results are the compiled code's bit for bit; the constant
// folder uses it to quantize weights at compile time. No MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_QUANTIZE_H
#define MX_SUPPORT_QUANTIZE_H

#include "mx/Support/Format.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mx {

/// Marks a dynamic dimension (the same value as mlir::ShapedType::kDynamic).
inline constexpr int64_t kDynamicDim = INT64_MIN;

/// The tensors a quantized tensor is stored as, in this order:
///  1. data: element codes, i8, the last dimension packed (8-bit elements one
///     per byte; 4-bit two per byte, element 2i in the low nibble; 6-bit four
///     per three bytes, element j of a group at bits [6j, 6j + 6) of the
///     little-endian 24-bit word; sm elements one per byte, sign above the
///     magnitude);
///  2. scales: i8 codes (E8M0 / E4M3; the sm family's biased shared
///     exponent) or f32 (INT8); block formats: the shape with the block axis
///     divided by the block size, rounded up; per-channel: [C]; per-tensor:
///     rank 0;
///  3. microexponents (sm formats with a second level): i8, the shape with
///     the block axis divided by the sub-block size, rounded up;
///  4. the per-tensor f32 scale (tensor_scale formats): rank 0;
///  5. zero points (zero_point formats): i32, the shape of the scales.
struct StorageLayout {
  struct Part {
    std::string name;
    llvm::SmallVector<int64_t> shape;
    bool isF32 = false; ///< f32 rather than i8 (or i32 for zero points).
    bool isI32 = false;
  };
  llvm::SmallVector<Part> parts;
  /// Stored bits per element of the data part (4, 6 or 8).
  unsigned elementBits = 8;
};

/// Stored bits per element of the data part (4, 6 or 8).
unsigned getStorageElementBits(const FormatSpec &spec);

/// The storage of a quantized tensor of `shape` quantized along `axis`
/// (ignored for per-tensor formats). Dynamic dimensions stay dynamic.
StorageLayout getStorageLayout(llvm::ArrayRef<int64_t> shape, int64_t axis,
                               const FormatSpec &spec);

/// The offset along dimension `dim` of storage part `partIndex` (in layout
/// order; a part with the tensor's `rank`) that element offset `offset`
/// falls at: bytes along the packed last dimension of the data (4-bit: 2
/// per byte, 6-bit: 4 per 3 bytes), blocks (sub-blocks for the
/// microexponents) along the block `axis`, else `offset` itself. Offsets
/// must start whole packing groups and blocks (the callers' verifiers).
int64_t getStoragePartOffset(const FormatSpec &spec, int64_t axis,
                             unsigned partIndex, int64_t dim, int64_t rank,
                             int64_t offset);

/// Checks that the lowering can pack this shape: sub-byte elements need a
/// block size that is a multiple of the packing group (2 or 4), and, when
/// the block axis is not the last one and there is more than one dimension
/// after it, a last dimension that is a multiple of it. Returns an empty
/// string when it can, else the reason.
std::string checkPackable(llvm::ArrayRef<int64_t> shape, int64_t axis,
                          const FormatSpec &spec);

/// A quantized array: one byte buffer per storage part, in layout order
/// (f32 and i32 parts as little-endian bytes).
struct QuantizedArray {
  std::vector<std::vector<uint8_t>> parts;
};

/// Quantizes a C-order f32 array of a static `shape`.
QuantizedArray quantizeArray(const float *x, llvm::ArrayRef<int64_t> shape,
                             int64_t axis, const FormatSpec &spec);
/// Decodes a quantized array into `out` (numElements(shape) floats).
void dequantizeArray(const QuantizedArray &q, llvm::ArrayRef<int64_t> shape,
                     int64_t axis, const FormatSpec &spec, float *out);
/// Quantizes then dequantizes (the values mx.fake_quant computes).
void fakeQuantArray(const float *x, llvm::ArrayRef<int64_t> shape, int64_t axis,
                    const FormatSpec &spec, float *out);

} // namespace mx

#endif // MX_SUPPORT_QUANTIZE_H
