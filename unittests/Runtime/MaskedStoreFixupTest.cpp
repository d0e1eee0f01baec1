//===- MaskedStoreFixupTest.cpp - Single-lane masked store rewrite --------===//
//
// Part of the mx project.
//
//===----------------------------------------------------------------------===//

#include "mx/Runtime/MaskedStoreFixup.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>

namespace {

/// @f after the rewrite of a masked store of `trunc %w` to %p (align 4)
/// under `mask` (an <8 x i1> operand), as text; `count` the stores
/// rewritten.
std::string rewrite(const std::string &mask, unsigned &count) {
  static llvm::LLVMContext context;
  std::string source = R"(
declare void @llvm.masked.store.v8i8.p0(<8 x i8>, ptr, <8 x i1>)
define void @f(<8 x i32> %w, ptr %p, <8 x i1> %m) {
  %v = trunc <8 x i32> %w to <8 x i8>
  call void @llvm.masked.store.v8i8.p0(<8 x i8> %v, ptr align 4 %p, <8 x i1> )" +
                       mask + R"()
  ret void
}
)";
  llvm::SMDiagnostic err;
  std::unique_ptr<llvm::Module> module =
      llvm::parseAssemblyString(source, err, context);
  if (!module) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    err.print("test", os);
    ADD_FAILURE() << msg;
    return "";
  }
  count = mx::expandSingleLaneMaskedStores(*module);
  std::string out;
  llvm::raw_string_ostream os(out);
  EXPECT_FALSE(llvm::verifyModule(*module, &os)) << out;
  module->getFunction("f")->print(os);
  return out;
}

/// A constant <8 x i1> with `lanes` set.
std::string laneMask(std::initializer_list<int> lanes) {
  std::string text = "<";
  for (int i = 0; i < 8; ++i) {
    bool set = std::find(lanes.begin(), lanes.end(), i) != lanes.end();
    text += std::string(i ? ", " : "") + (set ? "i1 true" : "i1 false");
  }
  return text + ">";
}

bool contains(const std::string &text, const char *part) {
  return text.find(part) != std::string::npos;
}

} // namespace

// The form LLVM 22's x86 backend stores four bytes for: one byte now.
TEST(MaskedStoreFixup, LaneZeroBecomesByteStore) {
  unsigned n = 0;
  std::string out = rewrite(laneMask({0}), n);
  EXPECT_EQ(n, 1u);
  EXPECT_FALSE(contains(out, "masked.store")) << out;
  EXPECT_TRUE(contains(out, "extractelement <8 x i8> %v, i64 0")) << out;
  EXPECT_TRUE(contains(out, "store i8 %")) << out;
  EXPECT_TRUE(contains(out, "ptr %p, align 1")) << out;
}

// Another single lane: its element at its offset.
TEST(MaskedStoreFixup, OtherLaneStoresAtItsOffset) {
  unsigned n = 0;
  std::string out = rewrite(laneMask({3}), n);
  EXPECT_EQ(n, 1u);
  EXPECT_TRUE(contains(out, "extractelement <8 x i8> %v, i64 3")) << out;
  EXPECT_TRUE(contains(out, "getelementptr i8, ptr %p, i64 3")) << out;
}

// No lane: nothing is stored.
TEST(MaskedStoreFixup, EmptyMaskStoresNothing) {
  unsigned n = 0;
  std::string out = rewrite("zeroinitializer", n);
  EXPECT_EQ(n, 1u);
  EXPECT_FALSE(contains(out, "store")) << out;
}

// Two lanes, or a mask known only at run time: compiled correctly, kept.
TEST(MaskedStoreFixup, OtherMasksAreKept) {
  unsigned n = 0;
  EXPECT_TRUE(contains(rewrite(laneMask({0, 1}), n), "masked.store"));
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(contains(rewrite("%m", n), "masked.store"));
  EXPECT_EQ(n, 0u);
}
