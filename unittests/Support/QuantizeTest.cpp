//===- QuantizeTest.cpp - C++ array quantization --------------------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Quantize.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace mx;

namespace {

std::vector<float> makeData(int64_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> exp(-30, 30);
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = std::ldexp(normal(gen), exp(gen) / 3);
  v[5] = 0.0f;
  v[7] = -0.0f;
  v[9] = 1e-40f; // f32 subnormal
  return v;
}

bool sameBits(float a, float b) {
  if (std::isnan(a) && std::isnan(b))
    return true;
  uint32_t x, y;
  std::memcpy(&x, &a, 4);
  std::memcpy(&y, &b, 4);
  return x == y;
}

FormatSpec preset(const char *name) { return *FormatSpec::getPreset(name); }

} // namespace

/// Fake quantization equals dequantize(quantize(x)) bit for bit, for every
/// preset, along every axis, with partial blocks.
TEST(QuantizeTest, FakeQuantIsDequantizeOfQuantize) {
  const int64_t shape[] = {6, 34, 12};
  std::vector<float> x = makeData(6 * 34 * 12, 1);
  for (llvm::StringRef name : FormatSpec::presetNames()) {
    FormatSpec spec = *FormatSpec::getPreset(name);
    for (int64_t axis = 0; axis < 3; ++axis) {
      if (!checkPackable(shape, axis, spec).empty())
        continue;
      std::vector<float> fake(x.size()), round(x.size());
      fakeQuantArray(x.data(), shape, axis, spec, fake.data());
      QuantizedArray q = quantizeArray(x.data(), shape, axis, spec);
      dequantizeArray(q, shape, axis, spec, round.data());
      for (size_t i = 0; i < x.size(); ++i)
        ASSERT_TRUE(sameBits(fake[i], round[i]))
            << name.str() << " axis " << axis << " element " << i << ": x "
            << x[i] << " fake " << fake[i] << " dequantized " << round[i];
    }
  }
}

TEST(QuantizeTest, WorkedVectors) {
  // E4M3 floor: 957 -> 896, rceil -> 960 (numerics.md section 2).
  float x[2] = {957.0f, 2.0f}, y[2];
  const int64_t shape[] = {2};
  fakeQuantArray(x, shape, 0, preset("mxfp8_e4m3"), y);
  EXPECT_EQ(y[0], 896.0f);
  FormatSpec rceil = preset("mxfp8_e4m3");
  rceil.scaleRule = ScaleRule::RCeil;
  fakeQuantArray(x, shape, 0, rceil, y);
  EXPECT_EQ(y[0], 960.0f);
  // E2M1 ties to even.
  float t[4] = {1.25f, 2.5f, 5.0f, 6.0f}, u[4];
  const int64_t tshape[] = {4};
  fakeQuantArray(t, tshape, 0, preset("mxfp4_e2m1"), u);
  EXPECT_EQ(u[0], 1.0f);
  EXPECT_EQ(u[1], 2.0f);
  EXPECT_EQ(u[2], 4.0f);
}

TEST(QuantizeTest, PackedLayout) {
  // E2M1: element 2i in the low nibble. 1.0 = code 2, 6.0 = code 7,
  // -0.5 = code 9 (sign 8 | 1); block max 6 keeps the scale at 2^0 (0x7F).
  float x[4] = {1.0f, 6.0f, -0.5f, 0.0f};
  const int64_t shape[] = {4};
  QuantizedArray q = quantizeArray(x, shape, 0, preset("mxfp4_e2m1"));
  ASSERT_EQ(q.parts.size(), 2u);
  ASSERT_EQ(q.parts[0].size(), 2u);
  EXPECT_EQ(q.parts[0][0], 0x72);
  EXPECT_EQ(q.parts[0][1], 0x09);
  ASSERT_EQ(q.parts[1].size(), 1u);
  EXPECT_EQ(q.parts[1][0], 127);

  // E3M2 (6-bit): four codes in three bytes, little-endian 24-bit word.
  float w[4] = {1.0f, 2.0f, 16.0f, 0.25f};
  QuantizedArray q6 = quantizeArray(w, shape, 0, preset("mxfp6_e3m2"));
  ASSERT_EQ(q6.parts[0].size(), 3u);
  // 16 = 2^4 fixes se = 0; codes: 1.0 = 0b01100 (12), 2.0 = 16, 16.0 = 28,
  // 0.25 = 4.
  uint32_t word = 12 | (16 << 6) | (28 << 12) | (4 << 18);
  EXPECT_EQ(q6.parts[0][0], word & 0xFF);
  EXPECT_EQ(q6.parts[0][1], (word >> 8) & 0xFF);
  EXPECT_EQ(q6.parts[0][2], (word >> 16) & 0xFF);
}

TEST(QuantizeTest, StorageLayouts) {
  const int64_t shape[] = {64, 100};
  StorageLayout mx4 = getStorageLayout(shape, 1, preset("mxfp4_e2m1"));
  ASSERT_EQ(mx4.parts.size(), 2u);
  EXPECT_EQ(mx4.parts[0].shape, (llvm::SmallVector<int64_t>{64, 50}));
  EXPECT_EQ(mx4.parts[1].shape, (llvm::SmallVector<int64_t>{64, 4}));
  StorageLayout mx6 = getStorageLayout(shape, 0, preset("mx6"));
  ASSERT_EQ(mx6.parts.size(), 3u);
  EXPECT_EQ(mx6.parts[1].shape, (llvm::SmallVector<int64_t>{4, 100}));
  EXPECT_EQ(mx6.parts[2].shape, (llvm::SmallVector<int64_t>{32, 100}));
  StorageLayout nv = getStorageLayout(shape, 1, preset("nvfp4"));
  ASSERT_EQ(nv.parts.size(), 3u);
  EXPECT_TRUE(nv.parts[2].shape.empty());
  EXPECT_TRUE(nv.parts[2].isF32);
  StorageLayout fp6 = getStorageLayout(shape, 1, preset("mxfp6_e2m3"));
  EXPECT_EQ(fp6.parts[0].shape, (llvm::SmallVector<int64_t>{64, 75}));
  StorageLayout i8 = getStorageLayout(shape, 1, preset("int8"));
  EXPECT_TRUE(i8.parts[1].shape.empty());
  EXPECT_TRUE(i8.parts[1].isF32);
}

TEST(QuantizeTest, Packable) {
  const int64_t shape[] = {32, 3, 5};
  EXPECT_EQ(checkPackable(shape, 2, preset("mxfp4_e2m1")), "");
  EXPECT_NE(checkPackable(shape, 0, preset("mxfp4_e2m1")), "");
  EXPECT_EQ(checkPackable(shape, 0, preset("mxfp8_e4m3")), "");
  FormatSpec odd = preset("mxfp4_e2m1");
  odd.blockSize = 3;
  EXPECT_NE(checkPackable(shape, 2, odd), "");
}

/// NaN in data quantized with a runtime INT8 scale makes the stored scale
/// NaN, with a zero point as without one, so every element decodes to NaN
/// (the asymmetric range skips NaN; its scale used to stay finite).
TEST(QuantizeTest, Int8NaNPoisonsTheTensor) {
  const int64_t shape[] = {2, 4};
  const float x[] = {1.0f, -2.0f, NAN, 3.0f, 0.5f, 0.0f, -1.0f, 2.0f};
  for (bool zeroPoint : {false, true}) {
    FormatSpec spec = preset("int8");
    if (zeroPoint) {
      spec.zeroPoint = true;
      spec.element = ElementKind::UI8;
    }
    QuantizedArray q = quantizeArray(x, shape, 0, spec);
    float out[8];
    dequantizeArray(q, shape, 0, spec, out);
    for (float v : out)
      EXPECT_TRUE(std::isnan(v)) << "zero point " << zeroPoint;
  }
}
