//===- NpyTest.cpp - Tests for the .npy reader and writer -----------------===//
//
// Part of the mx project.
//
//===----------------------------------------------------------------------===//

#include "mx/Runtime/Npy.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace mx::npy;
using namespace std::string_literals;

namespace {

constexpr DType kAllDTypes[] = {DType::F32, DType::F64, DType::F16, DType::BF16,
                                DType::I8,  DType::I16, DType::I32, DType::I64,
                                DType::U8,  DType::Bool};

/// Returns the message of \p result's error (and consumes it), or "" if
/// \p result holds a value.
template <typename T>
std::string errorMessage(llvm::Expected<T> result) {
  if (result)
    return "";
  return llvm::toString(result.takeError());
}

std::string errorMessage(llvm::Error err) {
  return llvm::toString(std::move(err));
}

/// Parses \p bytes with the name "in.npy" and returns the error message.
std::string parseError(llvm::StringRef bytes,
                       std::optional<DType> v2As = DType::BF16) {
  return errorMessage(parse(bytes, "in.npy", v2As));
}

/// Builds a .npy file with the given raw header text (padded like numpy
/// does) and data.
std::string makeNpy(llvm::StringRef header, llvm::StringRef data = "",
                    unsigned major = 1) {
  std::string text = header.str();
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + text.size() + 1) % 64 != 0)
    text += ' ';
  text += '\n';
  std::string result = "\x93NUMPY";
  result += static_cast<char>(major);
  result += '\0';
  result += static_cast<char>(text.size() & 0xff);
  result += static_cast<char>((text.size() >> 8) & 0xff);
  if (major != 1)
    result += std::string(2, '\0');
  return result + text + data.str();
}

/// Builds a standard header dict for \p descr and \p shape.
std::string dictFor(llvm::StringRef descr, llvm::StringRef shape,
                    llvm::StringRef fortran = "False") {
  return ("{'descr': '" + descr + "', 'fortran_order': " + fortran +
          ", 'shape': " + shape + ", }")
      .str();
}

Array makeArray(DType dtype, llvm::ArrayRef<int64_t> shape) {
  Array array;
  array.dtype = dtype;
  array.shape.assign(shape.begin(), shape.end());
  int64_t bytes = array.numElements() * dtypeSize(dtype);
  array.data.resize(bytes);
  for (int64_t i = 0; i < bytes; ++i)
    array.data[i] = static_cast<uint8_t>(i * 37 + 11);
  if (dtype == DType::Bool)
    for (uint8_t &byte : array.data)
      byte &= 1;
  return array;
}

/// Offset of the array data in a serialized .npy file.
size_t dataOffset(llvm::StringRef bytes) {
  if (bytes[6] == 1)
    return 10 + (static_cast<uint8_t>(bytes[8]) |
                 (static_cast<uint8_t>(bytes[9]) << 8));
  return 12 + (static_cast<uint8_t>(bytes[8]) |
               (static_cast<uint8_t>(bytes[9]) << 8) |
               (static_cast<uint8_t>(bytes[10]) << 16) |
               (static_cast<uint8_t>(bytes[11]) << 24));
}

//===----------------------------------------------------------------------===//
// DType helpers
//===----------------------------------------------------------------------===//

TEST(NpyTest, DTypeInfo) {
  EXPECT_EQ(dtypeName(DType::F32), "float32");
  EXPECT_EQ(dtypeName(DType::BF16), "bfloat16");
  EXPECT_EQ(dtypeName(DType::Bool), "bool");
  EXPECT_EQ(dtypeSize(DType::F64), 8u);
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeDescr(DType::BF16), "<V2");
  for (DType dtype : kAllDTypes) {
    EXPECT_EQ(dtypeFromName(dtypeName(dtype)), dtype);
    EXPECT_NE(dtypeSize(dtype), 0u);
  }
  EXPECT_EQ(dtypeFromName("complex64"), std::nullopt);
}

TEST(NpyTest, NumElements) {
  EXPECT_EQ(makeArray(DType::F32, {}).numElements(), 1);
  EXPECT_EQ(makeArray(DType::F32, {0}).numElements(), 0);
  EXPECT_EQ(makeArray(DType::F32, {2, 3, 4}).numElements(), 24);
  Array bad;
  bad.shape = {2, -1};
  EXPECT_EQ(bad.numElements(), -1);
  bad.shape = {int64_t(1) << 40, int64_t(1) << 40};
  EXPECT_EQ(bad.numElements(), -1);
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST(NpyTest, RoundTripAllDTypesAndShapes) {
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {0}, {1}, {5}, {2, 3}, {3, 0, 2}, {1, 1, 1, 4}, {7, 11}};
  for (DType dtype : kAllDTypes) {
    for (const std::vector<int64_t> &shape : shapes) {
      SCOPED_TRACE(std::string(dtypeName(dtype)) + " rank " +
                   std::to_string(shape.size()));
      Array array = makeArray(dtype, shape);
      ASSERT_FALSE(errorMessage(verify(array)).size());
      std::string bytes = serialize(array);
      ASSERT_FALSE(bytes.empty());
      EXPECT_EQ(bytes[6], 1) << "expected format version 1.0";
      size_t offset = dataOffset(bytes);
      EXPECT_EQ(offset % 64, 0u);
      EXPECT_EQ(bytes[offset - 1], '\n');
      EXPECT_EQ(bytes.size(), offset + array.data.size());

      llvm::Expected<Array> parsed = parse(bytes, "mem");
      ASSERT_TRUE(static_cast<bool>(parsed))
          << llvm::toString(parsed.takeError());
      EXPECT_EQ(parsed->dtype, dtype);
      EXPECT_EQ(parsed->shape, array.shape);
      EXPECT_EQ(parsed->data, array.data);
      EXPECT_EQ(parsed->numElements(), array.numElements());
    }
  }
}

TEST(NpyTest, RoundTripThroughFile) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("npytest", "npy", path));
  for (DType dtype : kAllDTypes) {
    Array array = makeArray(dtype, {3, 4});
    ASSERT_EQ(errorMessage(writeFile(path, array)), "");
    llvm::Expected<Array> read = readFile(path);
    ASSERT_TRUE(static_cast<bool>(read)) << llvm::toString(read.takeError());
    EXPECT_EQ(read->dtype, dtype);
    EXPECT_EQ(read->shape, array.shape);
    EXPECT_EQ(read->data, array.data);
  }
  llvm::sys::fs::remove(path);
}

TEST(NpyTest, LargeHeaderUsesVersion2) {
  // 30000 dimensions of size 1 need a header longer than 65535 bytes.
  Array array = makeArray(DType::I16, std::vector<int64_t>(30000, 1));
  std::string bytes = serialize(array);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes[6], 2);
  EXPECT_EQ(dataOffset(bytes) % 64, 0u);
  llvm::Expected<Array> parsed = parse(bytes, "big.npy");
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->shape.size(), 30000u);
  EXPECT_EQ(parsed->data, array.data);
}

//===----------------------------------------------------------------------===//
// Files written by NumPy 1.24.2
//===----------------------------------------------------------------------===//

/// Decodes a hex string generated by the Python script below.
std::string hex(llvm::StringRef text) { return llvm::fromHex(text); }

// Each sample below was produced with:
//   import io, numpy as np
//   def dump(a, version=None):
//       f = io.BytesIO()
//       if version is None: np.save(f, a)
//       else: np.lib.format.write_array(f, a, version=version)
//       print(f.getvalue().hex())
// followed by the dump(...) call quoted above each constant.

// dump(np.arange(6, dtype=np.float32).reshape(2, 3))
const char *kF32x2x3 =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f"
    "6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a000000000000803f0000004000004040"
    "000080400000a040";

// dump(np.array(-7, dtype=np.int64))
const char *kI64Scalar =
    "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f"
    "6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200af9ffffffffffffff";

// dump(np.array([True, False, False, True]))
const char *kBool4 =
    "934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f"
    "6f72646572273a2046616c73652c20277368617065273a2028342c292c207d2020202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a01000001";

// dump(np.zeros((0, 3), dtype=np.uint8))
const char *kU8x0x3 =
    "934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f"
    "6f72646572273a2046616c73652c20277368617065273a2028302c2033292c207d202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a";

// dump(np.array([1.0, -2.0, 0.5], dtype=np.float16))
const char *kF16x3 =
    "934e554d5059010076007b276465736372273a20273c6632272c2027666f727472616e5f"
    "6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a003c00c00038";

// dump(np.array([-1, 2], dtype=np.int8))
const char *kI8x2 =
    "934e554d5059010076007b276465736372273a20277c6931272c2027666f727472616e5f"
    "6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200aff02";

// dump(np.array([1, -1], dtype=np.int16), (2, 0))
const char *kI16V2 =
    "934e554d50590200740000007b276465736372273a20273c6932272c2027666f72747261"
    "6e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a0100ffff";

// dump(np.array([1.5], dtype=np.float64), (3, 0))
const char *kF64V3 =
    "934e554d50590300740000007b276465736372273a20273c6638272c2027666f72747261"
    "6e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a000000000000f83f";

// dump(np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))
const char *kFortranI32 =
    "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f"
    "6f72646572273a20547275652c20277368617065273a2028322c2033292c207d20202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a00000000030000000100000004000000"
    "0200000005000000";

// dump(np.array([1.0], dtype='>f4'))
const char *kBigEndianF32 =
    "934e554d5059010076007b276465736372273a20273e6634272c2027666f727472616e5f"
    "6f72646572273a2046616c73652c20277368617065273a2028312c292c207d2020202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a3f800000";

// dump(np.zeros(2, dtype='V2'))
const char *kVoid2 =
    "934e554d5059010076007b276465736372273a20277c5632272c2027666f727472616e5f"
    "6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020"
    "202020202020202020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020200a00000000";

template <typename T>
std::vector<T> values(const Array &array) {
  std::vector<T> result(array.data.size() / sizeof(T));
  std::memcpy(result.data(), array.data.data(), array.data.size());
  return result;
}

Array parseOk(llvm::StringRef bytes) {
  llvm::Expected<Array> parsed = parse(bytes, "numpy.npy");
  if (!parsed) {
    ADD_FAILURE() << llvm::toString(parsed.takeError());
    return Array();
  }
  return std::move(*parsed);
}

TEST(NpyTest, ReadNumpyFiles) {
  Array f32 = parseOk(hex(kF32x2x3));
  EXPECT_EQ(f32.dtype, DType::F32);
  EXPECT_EQ(f32.shape, (llvm::SmallVector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(f32),
            (std::vector<float>{0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f}));

  Array scalar = parseOk(hex(kI64Scalar));
  EXPECT_EQ(scalar.dtype, DType::I64);
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.numElements(), 1);
  EXPECT_EQ(values<int64_t>(scalar), (std::vector<int64_t>{-7}));

  Array boolean = parseOk(hex(kBool4));
  EXPECT_EQ(boolean.dtype, DType::Bool);
  EXPECT_EQ(boolean.data, (std::vector<uint8_t>{1, 0, 0, 1}));

  Array empty = parseOk(hex(kU8x0x3));
  EXPECT_EQ(empty.dtype, DType::U8);
  EXPECT_EQ(empty.shape, (llvm::SmallVector<int64_t>{0, 3}));
  EXPECT_EQ(empty.numElements(), 0);
  EXPECT_TRUE(empty.data.empty());

  Array f16 = parseOk(hex(kF16x3));
  EXPECT_EQ(f16.dtype, DType::F16);
  EXPECT_EQ(values<uint16_t>(f16),
            (std::vector<uint16_t>{0x3c00, 0xc000, 0x3800}));

  Array i8 = parseOk(hex(kI8x2));
  EXPECT_EQ(i8.dtype, DType::I8);
  EXPECT_EQ(values<int8_t>(i8), (std::vector<int8_t>{-1, 2}));

  Array i16 = parseOk(hex(kI16V2));
  EXPECT_EQ(i16.dtype, DType::I16);
  EXPECT_EQ(values<int16_t>(i16), (std::vector<int16_t>{1, -1}));

  Array f64 = parseOk(hex(kF64V3));
  EXPECT_EQ(f64.dtype, DType::F64);
  EXPECT_EQ(values<double>(f64), (std::vector<double>{1.5}));

  // '|V2' is read as bfloat16 by default, or as the requested 2-byte type.
  Array void2 = parseOk(hex(kVoid2));
  EXPECT_EQ(void2.dtype, DType::BF16);
  EXPECT_EQ(void2.shape, (llvm::SmallVector<int64_t>{2}));
  llvm::Expected<Array> asF16 = parse(hex(kVoid2), "v.npy", DType::F16);
  ASSERT_TRUE(static_cast<bool>(asF16)) << llvm::toString(asF16.takeError());
  EXPECT_EQ(asF16->dtype, DType::F16);
}

TEST(NpyTest, WriterMatchesNumpyBytes) {
  // Version 1.0 files written by np.save must be reproduced byte for byte.
  for (const char *sample :
       {kF32x2x3, kI64Scalar, kBool4, kU8x0x3, kF16x3, kI8x2}) {
    std::string bytes = hex(sample);
    EXPECT_EQ(serialize(parseOk(bytes)), bytes);
  }
}

TEST(NpyTest, AcceptedHeaderVariants) {
  // Keys in any order, double quotes, no trailing comma, Python 2 longs,
  // extra whitespace, alternative 1-byte descrs and the 'bfloat16' descr.
  struct Case {
    std::string header;
    DType dtype;
    llvm::SmallVector<int64_t> shape;
  };
  const Case cases[] = {
      {"{'shape': (2,), 'descr': '<f4', 'fortran_order': False}",
       DType::F32,
       {2}},
      {"{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (1, 2)}",
       DType::I32,
       {1, 2}},
      {"{'descr':'<i2','fortran_order':False,'shape':(3L,),}", DType::I16, {3}},
      {"  {\n 'descr' : '<i1' , 'fortran_order' : False , 'shape' : ( 2 , ) "
       "}  ",
       DType::I8,
       {2}},
      {dictFor("<u1", "(2,)"), DType::U8, {2}},
      {dictFor("<b1", "(2,)"), DType::Bool, {2}},
      {dictFor("bfloat16", "(1,)"), DType::BF16, {1}},
      {dictFor("<V2", "(1,)"), DType::BF16, {1}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.header);
    int64_t numElements = 1;
    for (int64_t dim : c.shape)
      numElements *= dim;
    std::string data(numElements * dtypeSize(c.dtype), '\x01');
    llvm::Expected<Array> parsed = parse(makeNpy(c.header, data), "h.npy");
    ASSERT_TRUE(static_cast<bool>(parsed))
        << llvm::toString(parsed.takeError());
    EXPECT_EQ(parsed->dtype, c.dtype);
    EXPECT_EQ(parsed->shape, c.shape);
  }
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// Expects \p message to start with "in.npy: " and contain \p phrase.
void expectError(const std::string &message, llvm::StringRef phrase) {
  EXPECT_TRUE(llvm::StringRef(message).starts_with("in.npy: ")) << message;
  EXPECT_NE(message.find(phrase.str()), std::string::npos)
      << "message: " << message << "\nexpected phrase: " << phrase.str();
}

TEST(NpyTest, ErrorBadMagic) {
  expectError(parseError(""), "not a .npy file (bad magic)");
  expectError(parseError("PK\x03\x04 this is a zip"),
              "not a .npy file (bad magic)");
  expectError(parseError("\x93NUMPX\x01\x00"s), "bad magic");
  expectError(parseError("\x93NUM"), "truncated header");
}

TEST(NpyTest, ErrorUnsupportedVersion) {
  std::string bytes = hex(kF32x2x3);
  bytes[6] = 4;
  expectError(parseError(bytes), "unsupported .npy format version 4.0");
  bytes[6] = 1;
  bytes[7] = 1;
  expectError(parseError(bytes), "unsupported .npy format version 1.1");
  bytes[6] = 0;
  bytes[7] = 0;
  expectError(parseError(bytes), "unsupported .npy format version 0.0");
}

TEST(NpyTest, ErrorTruncatedHeader) {
  std::string bytes = hex(kF32x2x3);
  expectError(parseError(llvm::StringRef(bytes).take_front(7)),
              "truncated header");
  expectError(parseError(llvm::StringRef(bytes).take_front(9)),
              "truncated header");
  expectError(parseError(llvm::StringRef(bytes).take_front(50)),
              "truncated header: expected 118 bytes, found 40");
}

TEST(NpyTest, ErrorHeaderNotADict) {
  expectError(parseError(makeNpy("[1, 2]")), "header is not a dict");
  expectError(parseError(makeNpy("('descr', '<f4')")), "header is not a dict");
  expectError(parseError(makeNpy("'<f4'")), "header is not a dict");
}

TEST(NpyTest, ErrorMalformedHeader) {
  const std::string headers[] = {
      "",
      "{",
      "{'descr': '<f4' 'fortran_order': False, 'shape': ()}",
      "{'descr': '<f4, 'fortran_order': False, 'shape': ()}",
      "{'descr': '<f4', 'fortran_order': Flase, 'shape': ()}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (0x10,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': ()} garbage",
      "{'descr': '<f4', 'fortran_order': False, 'shape': ()}}",
      "{'descr' '<f4', 'fortran_order': False, 'shape': ()}",
      "{'descr': '<\\x66\\x34', 'fortran_order': False, 'shape': ()}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': ()}\x01",
      "{'descr': '<f4', 'fortran_order': False, 'shape': " +
          std::string(100, '(') + std::string(100, ')') + "}",
  };
  for (const std::string &header : headers) {
    SCOPED_TRACE(header);
    expectError(parseError(makeNpy(header)), "malformed header");
  }
  // Raw header bytes without the numpy padding.
  std::string raw = "\x93NUMPY\x01\x00\x05\x00{'a':"s;
  expectError(parseError(raw), "malformed header");
}

TEST(NpyTest, ErrorKeys) {
  expectError(parseError(makeNpy("{'descr': '<f4', 'shape': ()}")),
              "header is missing key 'fortran_order'");
  expectError(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False}")),
              "header is missing key 'shape'");
  expectError(parseError(makeNpy("{'fortran_order': False, 'shape': ()}")),
              "header is missing key 'descr'");
  expectError(parseError(makeNpy("{}")), "header is missing key");
  expectError(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                                 "'shape': (), 'extra': 1}")),
              "unexpected key 'extra' in header");
  expectError(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                                 "'shape': (), 1: 2}")),
              "unexpected key 1 in header");
  expectError(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                                 "'shape': (), 'descr': '<f4'}")),
              "duplicate key 'descr' in header");
}

TEST(NpyTest, ErrorBigEndian) {
  expectError(parseError(hex(kBigEndianF32)),
              "big-endian arrays are not supported");
  expectError(parseError(makeNpy(dictFor(">i8", "()"), std::string(8, '\0'))),
              "big-endian arrays are not supported");
  expectError(parseError(makeNpy(dictFor(">V2", "()"), std::string(2, '\0'))),
              "big-endian arrays are not supported");
}

TEST(NpyTest, ErrorFortranOrder) {
  expectError(parseError(hex(kFortranI32)),
              "fortran_order arrays are not supported; save with "
              "np.ascontiguousarray");
  expectError(parseError(makeNpy(dictFor("<f4", "()", "0"), "abcd")),
              "'fortran_order' must be True or False");
}

TEST(NpyTest, ErrorUnsupportedDTypes) {
  expectError(parseError(makeNpy(dictFor("|O", "(1,)"), "xxxxxxxx")),
              "object arrays are not supported");
  expectError(parseError(makeNpy("{'descr': [('a', '<f4'), ('b', '<i4')], "
                                 "'fortran_order': False, 'shape': (1,), }",
                                 "xxxxxxxx")),
              "structured dtypes are not supported");
  for (const char *descr : {"<U5", "<c8", "<u4", "<f16", "<M8[ns]", "|S3", "",
                            "<", "f4", "|f4", "=f4", "<V4", "|V1"}) {
    SCOPED_TRACE(descr);
    expectError(parseError(makeNpy(dictFor(descr, "()"), "xxxx")),
                "unsupported dtype");
  }
  expectError(parseError(makeNpy("{'descr': 4, 'fortran_order': False, "
                                 "'shape': ()}")),
              "'descr' must be a string");
}

TEST(NpyTest, ErrorRawVoid) {
  // '<V2' is only accepted as a 2-byte type when the caller allows it.
  expectError(parseError(hex(kVoid2), std::nullopt), "raw void dtype '|V2'");
  expectError(parseError(makeNpy(dictFor("<V2", "()"), "xx"), std::nullopt),
              "raw void dtype '<V2'");
  expectError(parseError(hex(kVoid2), DType::F32), "invalid v2As dtype");
}

TEST(NpyTest, ErrorShape) {
  expectError(parseError(makeNpy(dictFor("<f4", "(2, -1)"))),
              "negative dimension -1 in shape (2, -1)");
  expectError(parseError(makeNpy(dictFor("<f4", "(99999999999999999999,)"))),
              "shape dimension 99999999999999999999 overflows int64");
  expectError(parseError(makeNpy(dictFor("<f4", "(9223372036854775808,)"))),
              "overflows int64");
  // Products that overflow int64, in elements or in bytes.
  expectError(parseError(makeNpy(dictFor("<f4", "(4294967296, 4294967296)"))),
              "overflows");
  expectError(parseError(makeNpy(dictFor("<f8", "(2305843009213693952,)"))),
              "overflows");
  // Like NumPy, zero-sized dimensions do not hide an overflowing product.
  expectError(
      parseError(makeNpy(dictFor("|u1", "(4294967296, 0, 4294967296)"))),
      "overflows");
  expectError(parseError(makeNpy(dictFor("<f4", "3"))),
              "'shape' must be a tuple of ints");
  expectError(parseError(makeNpy(dictFor("<f4", "(3)"))),
              "'shape' must be a tuple of ints");
  expectError(parseError(makeNpy(dictFor("<f4", "[3]"))),
              "'shape' must be a tuple of ints");
  expectError(parseError(makeNpy(dictFor("<f4", "(3, 'a')"))),
              "'shape' must be a tuple of ints");
  expectError(parseError(makeNpy(dictFor("<f4", "(3, None)"))),
              "'shape' must be a tuple of ints");
}

TEST(NpyTest, ErrorDataSize) {
  std::string bytes = hex(kF32x2x3);
  EXPECT_EQ(parseError(llvm::StringRef(bytes).drop_back(4)),
            "in.npy: truncated data: expected 24 bytes, found 20");
  EXPECT_EQ(
      parseError(makeNpy(dictFor("<f4", "(32, 32)"), std::string(100, '\0'))),
      "in.npy: truncated data: expected 4096 bytes, found 100");
  expectError(parseError(bytes + "junk"),
              "trailing data: expected 24 bytes of array data, found 28");
  expectError(parseError(hex(kU8x0x3) + "x"), "trailing data");
}

TEST(NpyTest, ErrorReadFile) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("npytest", dir));
  llvm::SmallString<128> missing(dir);
  llvm::sys::path::append(missing, "missing.npy");
  std::string message = errorMessage(readFile(missing));
  EXPECT_TRUE(llvm::StringRef(message).starts_with(missing.str().str() + ": "))
      << message;
  EXPECT_NE(message.find("cannot read file"), std::string::npos) << message;

  // Errors from parsing a file are prefixed with its path.
  llvm::SmallString<128> bad(dir);
  llvm::sys::path::append(bad, "bad.npy");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(bad, ec);
    ASSERT_FALSE(ec);
    os << "not numpy";
  }
  message = errorMessage(readFile(bad));
  EXPECT_EQ(message, bad.str().str() + ": not a .npy file (bad magic)");
  llvm::sys::fs::remove(bad);
  llvm::sys::fs::remove(dir);
}

TEST(NpyTest, ErrorInvalidArray) {
  Array array = makeArray(DType::F32, {2, 3});
  array.data.pop_back();
  EXPECT_NE(errorMessage(verify(array)).find("data has 23 bytes"),
            std::string::npos);
  EXPECT_EQ(serialize(array), "");
  std::string message = errorMessage(writeFile("/nonexistent/x.npy", array));
  EXPECT_EQ(message.rfind("/nonexistent/x.npy: invalid array", 0), 0u)
      << message;

  array = makeArray(DType::F32, {2});
  array.shape = {-2};
  EXPECT_NE(errorMessage(verify(array)).find("negative dimension"),
            std::string::npos);
  EXPECT_EQ(serialize(array), "");

  array.shape = {int64_t(1) << 62};
  EXPECT_NE(errorMessage(verify(array)).find("overflows"), std::string::npos);
  EXPECT_EQ(serialize(array), "");

  array = makeArray(DType::F32, {2});
  array.dtype = static_cast<DType>(99);
  EXPECT_NE(errorMessage(verify(array)).find("invalid dtype"),
            std::string::npos);
  EXPECT_EQ(serialize(array), "");
}

TEST(NpyTest, ErrorWriteFile) {
  Array array = makeArray(DType::F32, {2});
  std::string message =
      errorMessage(writeFile("/nonexistent-dir/sub/out.npy", array));
  EXPECT_EQ(message.rfind("/nonexistent-dir/sub/out.npy: cannot write file", 0),
            0u)
      << message;
}

} // namespace
