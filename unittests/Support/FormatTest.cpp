//===- FormatTest.cpp - FormatSpec presets and consistency rules ----------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/Format.h"

#include "gtest/gtest.h"

using namespace mx;

TEST(FormatTest, EveryPresetIsValidAndNamed) {
  ASSERT_EQ(FormatSpec::presetNames().size(), 11u);
  for (llvm::StringRef name : FormatSpec::presetNames()) {
    std::optional<FormatSpec> spec = FormatSpec::getPreset(name);
    ASSERT_TRUE(spec) << name.str();
    EXPECT_EQ(spec->verify(), "") << name.str();
    EXPECT_EQ(spec->getPresetName(), name);
  }
  EXPECT_FALSE(FormatSpec::getPreset("mxfp3"));
}

TEST(FormatTest, BitsPerElement) {
  // numerics.md: MX9/MX6/MX4 average 9/6/4 bits; MX formats add 8/32.
  EXPECT_DOUBLE_EQ(FormatSpec::getPreset("mx9")->getBitsPerElement(), 9.0);
  EXPECT_DOUBLE_EQ(FormatSpec::getPreset("mx6")->getBitsPerElement(), 6.0);
  EXPECT_DOUBLE_EQ(FormatSpec::getPreset("mx4")->getBitsPerElement(), 4.0);
  EXPECT_DOUBLE_EQ(FormatSpec::getPreset("mxfp4_e2m1")->getBitsPerElement(),
                   4.25);
  EXPECT_DOUBLE_EQ(FormatSpec::getPreset("nvfp4")->getBitsPerElement(), 4.5);
  EXPECT_DOUBLE_EQ(FormatSpec::getPreset("int8")->getBitsPerElement(), 8.0);
}

TEST(FormatTest, BitsPerElementOfATensor) {
  auto preset = [](llvm::StringRef name) {
    return *FormatSpec::getPreset(name);
  };
  // Whole blocks: the per-block figure exactly.
  EXPECT_DOUBLE_EQ(preset("mxfp8_e4m3").getBitsPerElement(4 * 64, 64), 8.25);
  EXPECT_DOUBLE_EQ(preset("mx6").getBitsPerElement(2 * 32, 32), 6.0);
  // A started block pays a whole scale: 16 elements along the axis, one
  // 8-bit scale for a 32-element block.
  EXPECT_DOUBLE_EQ(preset("mxfp4_e2m1").getBitsPerElement(3 * 16, 16),
                   4.0 + 8.0 / 16);
  // MX9 with 3 elements along the axis: one scale, two sub-blocks of 2.
  EXPECT_DOUBLE_EQ(preset("mx9").getBitsPerElement(3, 3), 8.0 + (8.0 + 2) / 3);
  // NVFP4: 4 + 8/16, plus the f32 tensor scale over 64 elements.
  EXPECT_DOUBLE_EQ(preset("nvfp4").getBitsPerElement(64, 64), 4.5 + 32.0 / 64);
  // INT8 per tensor: one f32 scale; per channel: one per channel, and with
  // zero points an i32 each as stored.
  EXPECT_DOUBLE_EQ(preset("int8").getBitsPerElement(100, 10), 8.0 + 0.32);
  FormatSpec channel = preset("int8");
  channel.granularity = Granularity::Channel;
  EXPECT_DOUBLE_EQ(channel.getBitsPerElement(128 * 10, 10), 8.0 + 320.0 / 1280);
  channel.zeroPoint = true;
  channel.element = ElementKind::UI8;
  EXPECT_DOUBLE_EQ(channel.getBitsPerElement(128 * 10, 10), 8.0 + 640.0 / 1280);
  // Shapes that cannot be a tensor's.
  EXPECT_EQ(preset("mxfp8_e4m3").getBitsPerElement(0, 0), 0.0);
  EXPECT_EQ(preset("mxfp8_e4m3").getBitsPerElement(10, 3), 0.0);
  EXPECT_EQ(preset("mxfp8_e4m3").getBitsPerElement(10, 20), 0.0);
}

TEST(FormatTest, ElementTables) {
  const FloatElementInfo *e4m3 = getFloatElementInfo(ElementKind::F8E4M3FN);
  ASSERT_TRUE(e4m3);
  EXPECT_EQ(e4m3->emax, 8);
  EXPECT_EQ(e4m3->maxNormal, 448.0);
  const FloatElementInfo *e2m1 = getFloatElementInfo(ElementKind::F4E2M1FN);
  ASSERT_TRUE(e2m1);
  EXPECT_EQ(e2m1->emax, 2);
  EXPECT_EQ(e2m1->maxNormal, 6.0);
  EXPECT_EQ(getFloatElementInfo(ElementKind::I8), nullptr);
}

TEST(FormatTest, VerifierMessages) {
  FormatSpec s = *FormatSpec::getPreset("mxfp8_e4m3");
  s.blockSize = 0;
  EXPECT_EQ(s.verify(), "block size must be positive, got 0");

  s = *FormatSpec::getPreset("int8");
  s.scaleRule = ScaleRule::RCeil;
  EXPECT_NE(s.verify().find("scale rule 'rceil' does not apply"),
            std::string::npos);

  s = *FormatSpec::getPreset("mx6");
  s.subBlockSize = 3;
  EXPECT_EQ(s.verify(), "sub-block size 3 does not divide block size 16");

  s = *FormatSpec::getPreset("nvfp4");
  s.element = ElementKind::I8;
  EXPECT_NE(s.verify().find("element type i8 is not allowed with f8E4M3FN"),
            std::string::npos);
}

TEST(FormatTest, NamesRoundTrip) {
  for (auto kind :
       {ElementKind::F8E4M3FN, ElementKind::F8E5M2, ElementKind::F6E3M2FN,
        ElementKind::F6E2M3FN, ElementKind::F4E2M1FN, ElementKind::I8,
        ElementKind::UI8, ElementKind::SM})
    EXPECT_EQ(symbolizeElementKind(stringifyElementKind(kind)), kind);
  for (auto rule : {ScaleRule::Floor, ScaleRule::Ceil, ScaleRule::RCeil})
    EXPECT_EQ(symbolizeScaleRule(stringifyScaleRule(rule)), rule);
}
