//===- Npy.h - NumPy .npy file reader and writer ----------------*- C++ -*-===//
//
// Part of the mx project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// A small, dependency-free reader and writer for NumPy's `.npy` array file
/// format (format versions 1.0, 2.0 and 3.0), as described in
/// numpy/lib/format.py.
///
/// Only dense, C-ordered (row-major), little-endian arrays of a fixed set of
/// element types are supported (see DType). Every failure -- bad magic,
/// unsupported version, malformed header literal, unsupported dtype,
/// big-endian or Fortran-ordered data, invalid shape, truncated or
/// over-long data -- is reported as an llvm::Error whose message starts with
/// the name of the input (e.g. "in.npy: truncated data: expected 4096 bytes,
/// found 100"). Nothing in this library asserts or aborts on bad input.
///
/// Choices worth knowing about:
///  * bfloat16: NumPy has no native bfloat16; `ml_dtypes.bfloat16` arrays are
///    saved by np.save with the descr '<V2' (a raw 2-byte void type). The
///    reader therefore maps '<V2' / '|V2' to the DType given by the `v2As`
///    parameter, which defaults to DType::BF16; pass std::nullopt to reject
///    such files instead. The literal descr 'bfloat16' is also accepted. The
///    writer writes BF16 arrays with descr '<V2', so BF16 round-trips with
///    the default settings and loads in NumPy as dtype 'V2' (use
///    `a.view(ml_dtypes.bfloat16)` to reinterpret).
///  * Trailing bytes after the array data are rejected ("trailing data"):
///    np.save never writes them, so their presence indicates a corrupt file
///    or several arrays concatenated into one file.
///  * Values of Bool arrays are passed through as raw bytes (not validated
///    to be 0/1), like NumPy does.
///  * The writer produces the same bytes as np.save in NumPy >= 1.23: format
///    1.0 (2.0 only if the header exceeds 65535 bytes), header padded with
///    spaces and terminated by '\n' so that the data starts at a multiple of
///    64 bytes.
///
//===----------------------------------------------------------------------===//

#ifndef MX_RUNTIME_NPY_H
#define MX_RUNTIME_NPY_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mx::npy {

/// Element types supported by the reader and writer.
enum class DType { F32, F64, F16, BF16, I8, I16, I32, I64, U8, Bool };

/// Returns the NumPy-style name of \p dtype: "float32", "float64", "float16",
/// "bfloat16", "int8", "int16", "int32", "int64", "uint8" or "bool".
llvm::StringRef dtypeName(DType dtype);

/// Returns the DType whose dtypeName() is \p name, or std::nullopt.
std::optional<DType> dtypeFromName(llvm::StringRef name);

/// Returns the size in bytes of one element of type \p dtype.
unsigned dtypeSize(DType dtype);

/// Returns the .npy descr string used when writing \p dtype, e.g. "<f4",
/// "|b1", or "<V2" for BF16.
llvm::StringRef dtypeDescr(DType dtype);

/// A dense N-dimensional array.
struct Array {
  DType dtype = DType::F32;
  /// Dimensions; empty for a rank-0 (scalar) array. Zero-sized dimensions
  /// are allowed.
  llvm::SmallVector<int64_t> shape;
  /// Element bytes in C (row-major) order, little-endian, tightly packed.
  /// Must hold exactly numElements() * dtypeSize(dtype) bytes.
  std::vector<uint8_t> data;

  /// Returns the product of the dimensions (1 for a scalar), or -1 if a
  /// dimension is negative or the product (or the byte size of the array)
  /// overflows int64_t.
  int64_t numElements() const;
};

/// Checks that \p array is well formed: no negative dimensions, element and
/// byte counts fit in int64_t, and data.size() == numElements() *
/// dtypeSize(dtype).
llvm::Error verify(const Array &array);

/// Reads the .npy file at \p path; "-" reads standard input. Error messages
/// are prefixed with \p path ("<stdin>" for "-"). See parse() for \p v2As.
llvm::Expected<Array> readFile(llvm::StringRef path,
                               std::optional<DType> v2As = DType::BF16);

/// Reads the .npy files at \p paths, in order; the first failure is the
/// error (prefixed with its path).
llvm::Expected<std::vector<Array>> readFiles(llvm::ArrayRef<std::string> paths);

/// Parses the contents of a .npy file held in \p buffer. \p nameForErrors
/// prefixes every error message. Raw 2-byte void arrays ('<V2' / '|V2') are
/// interpreted as \p v2As, which must be a 2-byte DType (BF16, F16 or I16),
/// or rejected if \p v2As is std::nullopt.
llvm::Expected<Array> parse(llvm::StringRef buffer,
                            llvm::StringRef nameForErrors,
                            std::optional<DType> v2As = DType::BF16);

/// Writes \p array to \p path ("-" writes standard output) in .npy format
/// 1.0 (2.0 if the header does not fit in 1.0). The file is replaced
/// atomically. Fails if verify(array) fails or on I/O errors; messages are
/// prefixed with \p path.
llvm::Error writeFile(llvm::StringRef path, const Array &array);

/// Returns the .npy encoding of \p array, byte-identical to what np.save
/// writes for the same array. Returns an empty string (never a valid .npy
/// file) if verify(array) fails; call verify() first to get the reason.
std::string serialize(const Array &array);

} // namespace mx::npy

#endif // MX_RUNTIME_NPY_H
