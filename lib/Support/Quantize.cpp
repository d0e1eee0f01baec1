//===- Quantize.cpp - Quantize arrays in C++ ------------------------------===//
//
// Part of mx-opt. Loops over blocks in plain C++; every number comes from the
// templates of Numerics.h instantiated with ScalarOps.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Quantize.h"
#include "mx/Support/Numerics.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstring>

using namespace mx;
using namespace mx::numerics;

//===----------------------------------------------------------------------===//
// Layout
//===----------------------------------------------------------------------===//

static int64_t ceilDiv(int64_t a, int64_t b) {
  if (a == kDynamicDim)
    return kDynamicDim;
  return (a + b - 1) / b;
}

unsigned mx::getStorageElementBits(const FormatSpec &spec) {
  if (spec.hasFloatElement()) {
    unsigned bits = spec.getFloatElementInfo().bits;
    return bits == 8 ? 8 : bits;
  }
  return 8;
}

/// Bytes of a packed row of `n` elements.
static int64_t packedSize(int64_t n, unsigned bits) {
  if (n == kDynamicDim)
    return kDynamicDim;
  switch (bits) {
  case 4:
    return (n + 1) / 2;
  case 6:
    return (n + 3) / 4 * 3;
  default:
    return n;
  }
}

int64_t mx::getStoragePartOffset(const FormatSpec &spec, int64_t axis,
                                 unsigned partIndex, int64_t dim, int64_t rank,
                                 int64_t offset) {
  if (partIndex == 0) {
    if (dim != rank - 1)
      return offset;
    unsigned bits = getStorageElementBits(spec);
    return bits == 4 ? offset / 2 : bits == 6 ? offset / 4 * 3 : offset;
  }
  if (spec.granularity != Granularity::Block || dim != axis)
    return offset;
  return offset / (partIndex == 2 && spec.subBlockSize > 0 ? spec.subBlockSize
                                                           : spec.blockSize);
}

StorageLayout mx::getStorageLayout(llvm::ArrayRef<int64_t> shape, int64_t axis,
                                   const FormatSpec &spec) {
  StorageLayout layout;
  layout.elementBits = getStorageElementBits(spec);
  StorageLayout::Part data{"data", llvm::SmallVector<int64_t>(shape)};
  if (!data.shape.empty())
    data.shape.back() = packedSize(data.shape.back(), layout.elementBits);
  layout.parts.push_back(data);

  StorageLayout::Part scales{"scales", {}};
  scales.isF32 = spec.scale == ScaleKind::F32;
  switch (spec.granularity) {
  case Granularity::Tensor:
    break;
  case Granularity::Channel:
    scales.shape.push_back(shape[axis]);
    break;
  case Granularity::Block:
    scales.shape.assign(shape.begin(), shape.end());
    scales.shape[axis] = ceilDiv(shape[axis], spec.blockSize);
    break;
  }
  layout.parts.push_back(scales);

  if (spec.element == ElementKind::SM && spec.subBlockSize > 0) {
    StorageLayout::Part micro{"microexponents",
                              llvm::SmallVector<int64_t>(shape)};
    micro.shape[axis] = ceilDiv(shape[axis], spec.subBlockSize);
    layout.parts.push_back(micro);
  }
  if (spec.tensorScale) {
    StorageLayout::Part ts{"tensor_scale", {}};
    ts.isF32 = true;
    layout.parts.push_back(ts);
  }
  if (spec.zeroPoint) {
    StorageLayout::Part zp{"zero_points", scales.shape};
    zp.isI32 = true;
    layout.parts.push_back(zp);
  }
  return layout;
}

std::string mx::checkPackable(llvm::ArrayRef<int64_t> shape, int64_t axis,
                              const FormatSpec &spec) {
  unsigned bits = getStorageElementBits(spec);
  if (bits == 8 || shape.empty())
    return "";
  int64_t group = bits == 4 ? 2 : 4;
  if (spec.granularity == Granularity::Block && spec.blockSize % group != 0)
    return llvm::formatv("{0}-bit elements are packed in groups of {1}: the "
                         "block size {2} must be a multiple of {1}",
                         bits, group, spec.blockSize);
  int64_t rank = shape.size();
  if (axis < rank - 2) {
    int64_t last = shape.back();
    if (last == kDynamicDim || last % group != 0)
      return llvm::formatv(
          "{0}-bit elements are packed along the last dimension: with the "
          "block axis {1} not among the last two, the last dimension must be "
          "a static multiple of {2}",
          bits, axis, group);
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Loops
//===----------------------------------------------------------------------===//

namespace {

/// The array as [outer, A, inner] with A the quantization axis.
struct View3 {
  int64_t outer = 1, a = 1, inner = 1;
  View3(llvm::ArrayRef<int64_t> shape, int64_t axis) {
    for (int64_t i = 0, e = shape.size(); i < e; ++i) {
      if (i < axis)
        outer *= shape[i];
      else if (i == axis)
        a = shape[i];
      else
        inner *= shape[i];
    }
  }
  int64_t index(int64_t o, int64_t i, int64_t j) const {
    return (o * a + i) * inner + j;
  }
};

int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

uint32_t bitsOf(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

/// Absolute maximum (as bits), minimum and maximum over a set of indices.
struct Stats {
  uint32_t amaxBits = 0;
  float min = 0.0f, max = 0.0f;
  void add(float v) {
    amaxBits = std::max(amaxBits, bitsOf(v) & 0x7FFFFFFFu);
    min = std::fmin(min, v);
    max = std::fmax(max, v);
  }
};

/// What a block of a format needs for its elements, for ScalarOps.
struct BlockScale {
  E8M0Scale<ScalarOps> e8m0;
  SMScale<ScalarOps> sm;
  E4M3Scale<ScalarOps> e4m3;
  Int8Scale<ScalarOps> int8;
};

/// Which axis the scales run along and how elements map to blocks.
struct Blocking {
  int64_t k; ///< Elements per block along A (A itself for channel/tensor).
  bool perChannel = false, perTensor = false;
};

/// Calls fn(o, block, j, begin, end) for every block: elements
/// x[o, begin..end, j].
template <typename Fn>
void forEachBlock(const View3 &v, const Blocking &blocking, Fn fn) {
  if (blocking.perTensor) {
    fn(0, 0, 0, 0, 0);
    return;
  }
  if (blocking.perChannel) {
    for (int64_t i = 0; i < v.a; ++i)
      fn(0, i, 0, i, i + 1);
    return;
  }
  int64_t nb = (v.a + blocking.k - 1) / blocking.k;
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t b = 0; b < nb; ++b)
      for (int64_t j = 0; j < v.inner; ++j)
        fn(o, b, j, b * blocking.k, std::min(v.a, (b + 1) * blocking.k));
}

/// Runs the element step `elem(flatIndex, scale, micro)` of every element
/// after computing its block's scale from the data.
class Driver {
public:
  Driver(const float *x, llvm::ArrayRef<int64_t> shape, int64_t axis,
         const FormatSpec &spec)
      : x(x), shape(shape), spec(spec),
        view(shape, spec.granularity == Granularity::Tensor ? 0 : axis) {
    blocking.k = spec.granularity == Granularity::Block ? spec.blockSize : 1;
    blocking.perChannel = spec.granularity == Granularity::Channel;
    blocking.perTensor = spec.granularity == Granularity::Tensor;
    total = numElements(shape);
    if (blocking.perTensor)
      view = View3({total}, 0);
  }

  /// Visits each element with its block's scale. For sm formats `micro` is
  /// the element's microexponent.
  template <typename ScaleFn, typename ElemFn>
  void run(ScaleFn onScale, ElemFn onElement) {
    ScalarOps o;
    // Tensor-wide statistics first.
    Stats all;
    for (int64_t i = 0; i < total; ++i)
      all.add(x[i]);
    float tensorScale = 1.0f;
    if (spec.tensorScale)
      tensorScale =
          tensorScaleFromAmax(o, o.bitsToF((int32_t)all.amaxBits), spec);
    this->tensorScale = tensorScale;
    // An MX format with a pre-scale quantizes y = x / s_t from here on.
    if (spec.tensorScale && spec.scale == ScaleKind::E8M0) {
      preScaled.resize(total);
      for (int64_t i = 0; i < total; ++i)
        preScaled[i] = preScale(o, x[i], tensorScale);
      x = preScaled.data();
    }

    // Per-channel statistics.
    std::vector<Stats> channels;
    if (blocking.perChannel) {
      channels.resize(view.a);
      for (int64_t oi = 0; oi < view.outer; ++oi)
        for (int64_t i = 0; i < view.a; ++i)
          for (int64_t j = 0; j < view.inner; ++j)
            channels[i].add(x[view.index(oi, i, j)]);
    }

    forEachBlock(
        view, blocking,
        [&](int64_t oi, int64_t b, int64_t j, int64_t begin, int64_t end) {
          BlockScale scale;
          Stats stats;
          if (blocking.perTensor)
            stats = all;
          else if (blocking.perChannel)
            stats = channels[b];
          else
            for (int64_t i = begin; i < end; ++i)
              stats.add(x[view.index(oi, i, j)]);
          float amax = o.bitsToF((int32_t)stats.amaxBits);
          switch (spec.scale) {
          case ScaleKind::E8M0:
            if (spec.element == ElementKind::SM) {
              int32_t rawE = (int32_t)(stats.amaxBits >> 23);
              scale.sm = smScaleFromMaxExponent(o, rawE, spec);
            } else {
              scale.e8m0 = e8m0ScaleFromAmax(o, (int32_t)stats.amaxBits, spec);
            }
            break;
          case ScaleKind::E4M3:
            scale.e4m3 = e4m3ScaleFromAmax(o, amax, tensorScale, spec);
            break;
          case ScaleKind::F32:
            if (spec.zeroPoint)
              scale.int8 = int8ScaleFromMinMax(o, stats.min, stats.max,
                                               o.fisNaNOrInf(amax), spec);
            else
              scale.int8 = int8ScaleFromAmax(o, amax);
            break;
          }
          onScale(oi, b, j, scale);
          if (blocking.perTensor) {
            for (int64_t i = 0; i < total; ++i)
              onElement(i, scale, 0);
            return;
          }
          if (blocking.perChannel) {
            for (int64_t o2 = 0; o2 < view.outer; ++o2)
              for (int64_t j2 = 0; j2 < view.inner; ++j2)
                onElement(view.index(o2, b, j2), scale, 0);
            return;
          }
          for (int64_t i = begin; i < end; ++i) {
            int32_t d = 0;
            if (spec.element == ElementKind::SM && spec.subBlockSize > 0) {
              int64_t subBegin = i - (i - begin) % spec.subBlockSize;
              int64_t subEnd = std::min(end, subBegin + spec.subBlockSize);
              int32_t subE = 0;
              for (int64_t t = subBegin; t < subEnd; ++t)
                subE = std::max<int32_t>(
                    subE, (bitsOf(x[view.index(oi, t, j)]) >> 23) & 0xFF);
              d = smMicroexponent(o, scale.sm.rawE, subE, spec);
            }
            onElement(view.index(oi, i, j), scale, d);
          }
        });
  }

  /// The input; after run() starts, the pre-scaled input of an MX format
  /// with a pre-scale.
  const float *x;
  llvm::ArrayRef<int64_t> shape;
  const FormatSpec &spec;
  View3 view;
  Blocking blocking;
  int64_t total = 0;
  float tensorScale = 1.0f;
  std::vector<float> preScaled;
};

/// Packs one code per element (C order) into the data part.
std::vector<uint8_t> pack(const std::vector<uint8_t> &codes,
                          llvm::ArrayRef<int64_t> shape, unsigned bits) {
  int64_t last = shape.empty() ? 1 : shape.back();
  int64_t rows =
      shape.empty() ? 1 : numElements(shape) / std::max<int64_t>(last, 1);
  if (last == 0)
    rows = 0;
  int64_t rowBytes = packedSize(last, bits);
  std::vector<uint8_t> out(rows * rowBytes, 0);
  for (int64_t r = 0; r < rows; ++r) {
    const uint8_t *in = codes.data() + r * last;
    uint8_t *dst = out.data() + r * rowBytes;
    for (int64_t i = 0; i < last; ++i) {
      uint32_t c = in[i];
      switch (bits) {
      case 4:
        dst[i / 2] |= (uint8_t)((c & 0xF) << (4 * (i % 2)));
        break;
      case 6: {
        int64_t g = i / 4, j = i % 4;
        uint32_t word = (c & 0x3F) << (6 * j);
        for (int byte = 0; byte < 3; ++byte)
          dst[g * 3 + byte] |= (uint8_t)(word >> (8 * byte));
        break;
      }
      default:
        dst[i] = (uint8_t)c;
      }
    }
  }
  return out;
}

std::vector<uint8_t> unpack(const std::vector<uint8_t> &data,
                            llvm::ArrayRef<int64_t> shape, unsigned bits) {
  int64_t last = shape.empty() ? 1 : shape.back();
  int64_t total = numElements(shape);
  int64_t rows = last ? total / last : 0;
  int64_t rowBytes = packedSize(last, bits);
  std::vector<uint8_t> codes(total);
  for (int64_t r = 0; r < rows; ++r) {
    const uint8_t *src = data.data() + r * rowBytes;
    for (int64_t i = 0; i < last; ++i) {
      uint32_t c;
      switch (bits) {
      case 4:
        c = (src[i / 2] >> (4 * (i % 2))) & 0xF;
        break;
      case 6: {
        int64_t g = i / 4, j = i % 4;
        uint32_t word =
            src[g * 3] | (src[g * 3 + 1] << 8) | (src[g * 3 + 2] << 16);
        c = (word >> (6 * j)) & 0x3F;
        break;
      }
      default:
        c = src[i];
      }
      codes[r * last + i] = (uint8_t)c;
    }
  }
  return codes;
}

/// Little-endian 4-byte values (f32 scales, i32 zero points) in a part.
template <typename T>
void put(std::vector<uint8_t> &bytes, int64_t i, T v) {
  std::memcpy(bytes.data() + sizeof(T) * i, &v, sizeof(T));
}
template <typename T>
T get(const std::vector<uint8_t> &bytes, int64_t i) {
  T v;
  std::memcpy(&v, bytes.data() + sizeof(T) * i, sizeof(T));
  return v;
}

/// Index of a block's scale in the scales part.
int64_t scaleIndex(const View3 &v, const FormatSpec &spec, int64_t o, int64_t b,
                   int64_t j) {
  if (spec.granularity != Granularity::Block)
    return spec.granularity == Granularity::Channel ? b : 0;
  int64_t nb = (v.a + spec.blockSize - 1) / spec.blockSize;
  return (o * nb + b) * v.inner + j;
}

} // namespace

QuantizedArray mx::quantizeArray(const float *x, llvm::ArrayRef<int64_t> shape,
                                 int64_t axis, const FormatSpec &spec) {
  StorageLayout layout = getStorageLayout(shape, axis, spec);
  QuantizedArray q;
  for (const StorageLayout::Part &p : layout.parts)
    q.parts.emplace_back(numElements(p.shape) * (p.isF32 || p.isI32 ? 4 : 1));
  int64_t total = numElements(shape);
  std::vector<uint8_t> codes(total);
  size_t microIndex = 1, tensorIndex = 1, zpIndex = 1;
  for (size_t i = 0; i < layout.parts.size(); ++i) {
    if (layout.parts[i].name == "microexponents")
      microIndex = i;
    if (layout.parts[i].name == "tensor_scale")
      tensorIndex = i;
    if (layout.parts[i].name == "zero_points")
      zpIndex = i;
  }
  ScalarOps o;
  Driver driver(x, shape, axis, spec);
  View3 view(shape, axis);
  int64_t nsub = spec.subBlockSize > 0
                     ? (view.a + spec.subBlockSize - 1) / spec.subBlockSize
                     : 0;
  driver.run(
      [&](int64_t oi, int64_t b, int64_t j, const BlockScale &s) {
        int64_t idx = scaleIndex(view, spec, oi, b, j);
        switch (spec.scale) {
        case ScaleKind::E8M0:
          q.parts[1][idx] =
              (uint8_t)(spec.element == ElementKind::SM ? smScaleCode(o, s.sm)
                                                        : s.e8m0.code);
          break;
        case ScaleKind::E4M3:
          q.parts[1][idx] = (uint8_t)s.e4m3.code;
          break;
        case ScaleKind::F32:
          put<float>(q.parts[1], idx, s.int8.scale);
          if (spec.zeroPoint)
            put<int32_t>(q.parts[zpIndex], idx, (int32_t)s.int8.zeroPoint);
          break;
        }
      },
      [&](int64_t i, const BlockScale &s, int32_t d) {
        int32_t code = 0;
        switch (spec.scale) {
        case ScaleKind::E8M0:
          if (spec.element == ElementKind::SM) {
            code =
                encodeSMElement(o, driver.x[i], s.sm.bigE, d, s.sm.isNaN, spec);
            if (spec.subBlockSize > 0) {
              // Element i = (oi, t, j): its sub-block index along A.
              int64_t j = i % view.inner;
              int64_t t = (i / view.inner) % view.a;
              int64_t oi = i / (view.inner * view.a);
              q.parts[microIndex]
                     [(oi * nsub + t / spec.subBlockSize) * view.inner + j] =
                  (uint8_t)d;
            }
          } else {
            code = encodeE8M0Element(o, driver.x[i], s.e8m0, spec);
          }
          break;
        case ScaleKind::E4M3:
          code = encodeE4M3ScaledElement(o, driver.x[i], s.e4m3, spec);
          break;
        case ScaleKind::F32:
          code = encodeInt8Element(o, x[i], s.int8, spec);
          break;
        }
        codes[i] = (uint8_t)code;
      });
  if (spec.tensorScale)
    put<float>(q.parts[tensorIndex], 0, driver.tensorScale);
  q.parts[0] = pack(codes, shape, layout.elementBits);
  return q;
}

void mx::dequantizeArray(const QuantizedArray &q, llvm::ArrayRef<int64_t> shape,
                         int64_t axis, const FormatSpec &spec, float *out) {
  StorageLayout layout = getStorageLayout(shape, axis, spec);
  std::vector<uint8_t> codes = unpack(q.parts[0], shape, layout.elementBits);
  ScalarOps o;
  bool perTensor = spec.granularity == Granularity::Tensor;
  View3 view = perTensor ? View3({numElements(shape)}, 0) : View3(shape, axis);
  float tensorScale = 1.0f;
  size_t micro = 0, zp = 0;
  for (size_t i = 0; i < layout.parts.size(); ++i) {
    if (layout.parts[i].name == "tensor_scale")
      tensorScale = get<float>(q.parts[i], 0);
    if (layout.parts[i].name == "microexponents")
      micro = i;
    if (layout.parts[i].name == "zero_points")
      zp = i;
  }
  int64_t nsub = spec.subBlockSize > 0
                     ? (view.a + spec.subBlockSize - 1) / spec.subBlockSize
                     : 0;
  for (int64_t oi = 0; oi < view.outer; ++oi)
    for (int64_t t = 0; t < view.a; ++t)
      for (int64_t j = 0; j < view.inner; ++j) {
        int64_t i = view.index(oi, t, j);
        int64_t b =
            spec.granularity == Granularity::Block ? t / spec.blockSize : t;
        int64_t si = scaleIndex(view, spec, oi, b, j);
        int32_t code = codes[i];
        float v = 0.0f;
        switch (spec.scale) {
        case ScaleKind::E8M0:
          if (spec.element == ElementKind::SM) {
            int32_t e = q.parts[1][si];
            int32_t d =
                spec.subBlockSize > 0
                    ? q.parts[micro]
                             [(oi * nsub + t / spec.subBlockSize) * view.inner +
                              j]
                    : 0;
            v = decodeSMElement(o, code, e, d, e == 0xFF, spec);
          } else {
            v = decodeE8M0Element(
                o, code, e8m0ScaleFromCode(o, q.parts[1][si], spec), spec);
            if (spec.tensorScale)
              v = v * tensorScale;
          }
          break;
        case ScaleKind::E4M3:
          v = decodeE4M3ScaledElement(
              o, code, e4m3ScaleFromCode(o, q.parts[1][si], tensorScale), spec);
          break;
        case ScaleKind::F32: {
          Int8Scale<ScalarOps> s;
          s.scale = get<float>(q.parts[1], si);
          s.isNaN = o.fisNaNOrInf(s.scale);
          s.zeroPoint = 0.0f;
          if (spec.zeroPoint) {
            s.hasZeroPoint = true;
            s.zeroPoint = (float)get<int32_t>(q.parts[zp], si);
          }
          v = decodeInt8Element(o, code, s, spec);
          break;
        }
        }
        out[i] = v;
      }
}

void mx::fakeQuantArray(const float *x, llvm::ArrayRef<int64_t> shape,
                        int64_t axis, const FormatSpec &spec, float *out) {
  ScalarOps o;
  Driver driver(x, shape, axis, spec);
  driver.run([](int64_t, int64_t, int64_t, const BlockScale &) {},
             [&](int64_t i, const BlockScale &s, int32_t d) {
               switch (spec.scale) {
               case ScaleKind::E8M0:
                 out[i] =
                     spec.element == ElementKind::SM
                         ? fakeQuantSMElement(o, driver.x[i], s.sm.bigE, d,
                                              s.sm.isNaN, spec)
                         : fakeQuantE8M0Element(o, driver.x[i], s.e8m0, spec);
                 // The pre-scale of an MX format: multiplied back.
                 if (spec.tensorScale)
                   out[i] = out[i] * driver.tensorScale;
                 break;
               case ScaleKind::E4M3:
                 out[i] =
                     fakeQuantE4M3ScaledElement(o, driver.x[i], s.e4m3, spec);
                 break;
               case ScaleKind::F32:
                 out[i] = fakeQuantInt8Element(o, driver.x[i], s.int8, spec);
                 break;
               }
             });
}
