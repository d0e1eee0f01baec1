//===- ContractPrepack.cpp - Constant weights packed at compile time -----===//
//
// Part of mx-opt. See ContractPrepack.h. Every value written here is the
// one the packing loops of ContractKernels.cpp compute at run time, bit for
// bit: the same element decoding (i8 codes, 2 * E2M1, 8 * E2M3 from the
// stored bits, padding included), the same wrapping i32 column sums, the
// block scales through blockScaleFromCode (the kernels' template, here over
// ScalarOps) and the f32 values through dequantizeArray (Numerics.h, the
// dequantizer's definition).
//
//===----------------------------------------------------------------------===//

#include "ContractPrepack.h"
#include "mx/Support/Quantize.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;
using namespace mx;
using namespace mx::numerics;
using namespace mx::contract_kernels;

std::optional<ArrayRef<char>>
mx::contract_kernels::constantBytes(Value v, std::vector<char> &buf) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  unsigned bits = type.getElementTypeBitWidth();
  if (bits % 8 != 0)
    return std::nullopt;
  size_t size = size_t(type.getNumElements()) * (bits / 8);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      if (raw.size() != bits / 8)
        return std::nullopt;
      buf.resize(size);
      for (size_t i = 0; i < size; i += raw.size())
        std::memcpy(buf.data() + i, raw.data(), raw.size());
      return ArrayRef<char>(buf);
    }
    if (raw.size() != size)
      return std::nullopt;
    return raw;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != size)
      return std::nullopt;
    return blob->getData();
  }
  return std::nullopt;
}

Value mx::contract_kernels::bytesConstant(OpBuilder &b, Location loc,
                                          RankedTensorType type,
                                          ArrayRef<char> bytes) {
  TypedAttr attr;
  if (bytes.size() > (1u << 16))
    attr = DenseResourceElementsAttr::get(
        type, "mx_prepacked",
        HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(float)));
  else
    attr = DenseElementsAttr::getFromRawBuffer(type, bytes);
  return arith::ConstantOp::create(b, loc, type, attr);
}

namespace {

/// A constant of `type` holding `bytes`, tagged with its `layout`.
Value packedConstant(OpBuilder &b, Location loc, RankedTensorType type,
                     ArrayRef<char> bytes, StringRef layout) {
  Value cst = bytesConstant(b, loc, type, bytes);
  cst.getDefiningOp()->setAttr(kPackedLayoutAttr, b.getStringAttr(layout));
  return cst;
}

template <typename T>
ArrayRef<char> asBytes(const std::vector<T> &v) {
  return ArrayRef<char>(reinterpret_cast<const char *>(v.data()),
                        v.size() * sizeof(T));
}

/// 2 * the value of an E2M1 code (decodeE2M1Times2).
int32_t e2m1Times2(int32_t code) {
  int32_t m = code & 7;
  int32_t v = m < 4 ? m : m < 6 ? 2 * m - 4 : 4 * m - 16;
  return (code & 8) ? -v : v;
}

/// 8 * the value of an E2M3 code (decodeE2M3Times8).
int32_t e2m3Times8(int32_t code) {
  int32_t m = code & 7, ex = (code >> 3) & 3;
  int32_t mag = ex == 0 ? m : (m | 8) << std::max(ex - 1, 0);
  return (code & 32) ? -mag : mag;
}

} // namespace

std::optional<SmallVector<Value>>
mx::contract_kernels::prepackIntB(OpBuilder &b, Location loc,
                                  const MatmulForm &form, const IntOperand &B,
                                  const IntPlan &plan, int64_t nr) {
  std::vector<char> dataBuf, scaleBuf;
  std::optional<ArrayRef<char>> data = constantBytes(B.parts[0], dataBuf);
  if (!data)
    return std::nullopt;
  std::optional<ArrayRef<char>> scales;
  int64_t scaleCols = 0;
  if (plan.mx) {
    scales = constantBytes(B.parts[1], scaleBuf);
    auto st = cast<RankedTensorType>(B.parts[1].getType());
    if (!scales || !st.getElementType().isInteger(8) ||
        st.getRank() != (form.batched ? 3 : 2) ||
        st.getDimSize(st.getRank() - 2) != plan.blocks)
      return std::nullopt;
    scaleCols = st.getShape().back();
  }
  auto dt = cast<RankedTensorType>(B.parts[0].getType());
  if (!dt.getElementType().isInteger(8) ||
      dt.getRank() != (form.batched ? 3 : 2) ||
      dt.getDimSize(dt.getRank() - 2) != form.k)
    return std::nullopt;
  int64_t rowBytes = dt.getShape().back();

  // The byte j of row k of B (batch bt); 0 past the row, as the kernel's
  // out-of-bounds transfer reads pad.
  auto byteAt = [&](int64_t bt, int64_t k, int64_t j) -> int32_t {
    if (j >= rowBytes)
      return 0;
    return uint8_t((*data)[(bt * form.k + k) * rowBytes + j]);
  };
  // loadIntValues: the integer of element (k, n); rows past K are zero.
  auto value = [&](int64_t bt, int64_t k, int64_t n) -> int32_t {
    if (k >= form.k)
      return 0;
    if (B.fp6) {
      int64_t g = n / 4;
      int32_t word = byteAt(bt, k, 3 * g) | byteAt(bt, k, 3 * g + 1) << 8 |
                     byteAt(bt, k, 3 * g + 2) << 16;
      return int8_t(e2m3Times8((word >> (6 * (n % 4))) & 0x3F));
    }
    if (B.fp4) {
      int32_t byte = byteAt(bt, k, n / 2);
      return int8_t(e2m1Times2(n % 2 ? byte >> 4 : byte & 0xF));
    }
    return int8_t(byteAt(bt, k, n));
  };

  int64_t panels = llvm::divideCeil(form.n, nr);
  int64_t kg = plan.kp / 4;
  std::vector<int8_t> bp(size_t(form.batch * panels * kg * 4 * nr));
  std::vector<int32_t> bc(size_t(form.batch * panels * plan.blocks * nr));
  std::vector<float> bs(plan.mx ? bc.size() : 0);
  ScalarOps ops;
  for (int64_t bt = 0; bt < form.batch; ++bt)
    for (int64_t nb = 0; nb < panels; ++nb)
      for (int64_t kb = 0; kb < plan.blocks; ++kb) {
        size_t at = size_t((bt * panels + nb) * plan.blocks + kb) * nr;
        for (int64_t j = 0; j < nr; ++j) {
          int64_t n = nb * nr + j;
          uint32_t sum = 0; // i32 with wrap-around, as the kernel's sums
          for (int64_t g = 0; g < plan.groups; ++g) {
            int64_t grp = kb * plan.groups + g;
            for (int64_t r = 0; r < 4; ++r) {
              int32_t v = value(bt, 4 * grp + r, n);
              bp[size_t(((bt * panels + nb) * kg + grp) * 4 * nr + 4 * j + r)] =
                  int8_t(v);
              sum += uint32_t(v);
            }
          }
          bc[at + j] = int32_t(sum * uint32_t(-plan.offsetA));
          if (plan.mx) {
            // Columns past the scale part read as the code of 1.0 (the
            // kernel's transfer padding).
            int32_t code =
                n < scaleCols
                    ? uint8_t(
                          (*scales)[(bt * plan.blocks + kb) * scaleCols + n])
                    : int32_t(B.unitScaleCode());
            bs[at + j] = blockScaleFromCode(ops, code, B);
          }
        }
      }

  SmallVector<Value> r;
  r.push_back(packedConstant(
      b, loc,
      RankedTensorType::get({form.batch, panels, kg, 4 * nr}, b.getI8Type()),
      asBytes(bp), "vnni-panels [batch][N/32][Kp/4][32*4] i8"));
  auto perBlock = [&](Type t) {
    return RankedTensorType::get({form.batch, panels, plan.blocks, nr}, t);
  };
  r.push_back(packedConstant(b, loc, perBlock(b.getI32Type()), asBytes(bc),
                             "vnni-column-corrections [batch][N/32][blocks]"
                             "[32] i32"));
  if (plan.mx)
    r.push_back(packedConstant(b, loc, perBlock(b.getF32Type()), asBytes(bs),
                               "vnni-block-scales [batch][N/32][blocks][32] "
                               "f32"));
  return r;
}

std::optional<std::vector<float>>
mx::contract_kernels::dequantizeConstant(ValueRange parts,
                                         RankedTensorType type) {
  auto qt = dyn_cast<QuantizedType>(type.getElementType());
  if (!qt || !type.hasStaticShape())
    return std::nullopt;
  SmallVector<RankedTensorType> partTypes = qt.getStorageTypes(type.getShape());
  if (partTypes.size() != parts.size())
    return std::nullopt;
  QuantizedArray q;
  for (auto [part, partType] : llvm::zip(parts, partTypes)) {
    std::vector<char> buf;
    std::optional<ArrayRef<char>> bytes = constantBytes(part, buf);
    if (!bytes || part.getType() != partType)
      return std::nullopt;
    q.parts.emplace_back(bytes->begin(), bytes->end());
  }
  std::vector<float> values(size_t(type.getNumElements()));
  dequantizeArray(q, type.getShape(), std::max<int64_t>(qt.getAxis(), 0),
                  qt.getSpec(), values.data());
  return values;
}

namespace {

/// The f32 panels [batch][N/nr][K][nr] of `values` [batch][K][N], zeros
/// past N, as a tagged constant.
Value packF32Panels(OpBuilder &b, Location loc, const MatmulForm &form,
                    ArrayRef<float> values, int64_t nr) {
  int64_t panels = llvm::divideCeil(form.n, nr);
  std::vector<float> packed(size_t(form.batch * panels * form.k * nr), 0.0f);
  for (int64_t bt = 0; bt < form.batch; ++bt)
    for (int64_t nb = 0; nb < panels; ++nb)
      for (int64_t k = 0; k < form.k; ++k)
        for (int64_t j = 0; j < nr && nb * nr + j < form.n; ++j)
          packed[size_t(((bt * panels + nb) * form.k + k) * nr + j)] =
              values[size_t((bt * form.k + k) * form.n + nb * nr + j)];
  return packedConstant(
      b, loc,
      RankedTensorType::get({form.batch, panels, form.k, nr}, b.getF32Type()),
      asBytes(packed), "f32-panels [batch][N/32][K][32] f32");
}

} // namespace

std::optional<Value> mx::contract_kernels::prepackF32Matrix(
    OpBuilder &b, Location loc, const MatmulForm &form, Value bm, int64_t nr) {
  auto type = dyn_cast<RankedTensorType>(bm.getType());
  if (!type || !type.getElementType().isF32() ||
      type.getNumElements() != form.batch * form.k * form.n)
    return std::nullopt;
  std::vector<char> buf;
  std::optional<ArrayRef<char>> bytes = constantBytes(bm, buf);
  if (!bytes)
    return std::nullopt;
  std::vector<float> values(size_t(type.getNumElements()));
  std::memcpy(values.data(), bytes->data(), bytes->size());
  return packF32Panels(b, loc, form, values, nr);
}

std::optional<Value>
mx::contract_kernels::prepackF32B(OpBuilder &b, Location loc,
                                  const MatmulForm &form, ValueRange rhsParts,
                                  RankedTensorType rhsType, int64_t nr) {
  std::optional<std::vector<float>> values =
      dequantizeConstant(rhsParts, rhsType);
  if (!values)
    return std::nullopt;
  return packF32Panels(b, loc, form, *values, nr);
}
