//===- Npy.cpp - NumPy .npy file reader and writer ------------------------===//
//
// Part of the mx project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Implements the .npy reader and writer declared in mx/Runtime/Npy.h.
///
/// File layout (numpy/lib/format.py):
///   "\x93NUMPY" major minor HEADER_LEN HEADER DATA
/// where HEADER_LEN is a little-endian uint16 (version 1.0) or uint32
/// (versions 2.0 and 3.0) and HEADER is the repr of a Python dict literal
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
/// padded with spaces and terminated by '\n'. Version 3.0 only differs from
/// 2.0 in that the header is UTF-8 instead of latin-1, which does not matter
/// for the ASCII-only descrs this library accepts.
///
/// The header is parsed by a small recursive-descent parser for the subset of
/// Python literal syntax that np.save can produce (strings, integers, True,
/// False, None, tuples, lists and dicts), so that malformed headers are
/// rejected instead of being half-matched.
///
//===----------------------------------------------------------------------===//

#include "mx/Runtime/Npy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <limits>

using namespace llvm;
using namespace mx;
using namespace mx::npy;

//===----------------------------------------------------------------------===//
// DType helpers
//===----------------------------------------------------------------------===//

static constexpr DType kAllDTypes[] = {
    DType::F32, DType::F64, DType::F16, DType::BF16, DType::I8,
    DType::I16, DType::I32, DType::I64, DType::U8,   DType::Bool};

StringRef mx::npy::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "float32";
  case DType::F64:
    return "float64";
  case DType::F16:
    return "float16";
  case DType::BF16:
    return "bfloat16";
  case DType::I8:
    return "int8";
  case DType::I16:
    return "int16";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  case DType::U8:
    return "uint8";
  case DType::Bool:
    return "bool";
  }
  return "<invalid dtype>";
}

std::optional<DType> mx::npy::dtypeFromName(StringRef name) {
  for (DType dtype : kAllDTypes)
    if (dtypeName(dtype) == name)
      return dtype;
  return std::nullopt;
}

unsigned mx::npy::dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
  case DType::I16:
    return 2;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  }
  return 0;
}

StringRef mx::npy::dtypeDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::F16:
    return "<f2";
  case DType::BF16:
    return "<V2";
  case DType::I8:
    return "|i1";
  case DType::I16:
    return "<i2";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  case DType::U8:
    return "|u1";
  case DType::Bool:
    return "|b1";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

/// Formats \p shape the way Python's repr formats a tuple of ints.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string result = "(";
  for (auto [index, dim] : llvm::enumerate(shape)) {
    if (index != 0)
      result += ", ";
    result += std::to_string(dim);
  }
  if (shape.size() == 1)
    result += ",";
  result += ")";
  return result;
}

/// Computes the number of elements and bytes of an array of \p shape with
/// elements of \p elemSize bytes. Like NumPy, the overflow check ignores
/// zero-sized dimensions, so that e.g. (0, 2**62, 2**62) is rejected even
/// though it has no elements. Returns an error message on failure.
static std::optional<std::string> computeSizes(ArrayRef<int64_t> shape,
                                               unsigned elemSize,
                                               int64_t &numElements,
                                               int64_t &numBytes) {
  int64_t nonZeroProduct = 1;
  bool hasZero = false;
  for (int64_t dim : shape) {
    if (dim < 0)
      return "negative dimension " + std::to_string(dim) + " in shape " +
             formatShape(shape);
    if (dim == 0) {
      hasZero = true;
      continue;
    }
    if (MulOverflow(nonZeroProduct, dim, nonZeroProduct))
      return "shape " + formatShape(shape) +
             " overflows: the number of elements does not fit in int64";
  }
  int64_t bytes;
  if (MulOverflow(nonZeroProduct, static_cast<int64_t>(elemSize), bytes) ||
      static_cast<uint64_t>(bytes) > std::numeric_limits<size_t>::max())
    return "shape " + formatShape(shape) +
           " overflows: the array byte size does not fit in int64";
  numElements = hasZero ? 0 : nonZeroProduct;
  numBytes = hasZero ? 0 : bytes;
  return std::nullopt;
}

int64_t Array::numElements() const {
  unsigned elemSize = dtypeSize(dtype);
  int64_t numElements, numBytes;
  if (computeSizes(shape, elemSize == 0 ? 1 : elemSize, numElements, numBytes))
    return -1;
  return numElements;
}

Error mx::npy::verify(const Array &array) {
  unsigned elemSize = dtypeSize(array.dtype);
  if (elemSize == 0)
    return createStringError(inconvertibleErrorCode(),
                             "invalid array: invalid dtype value %d",
                             static_cast<int>(array.dtype));
  int64_t numElements, numBytes;
  if (std::optional<std::string> message =
          computeSizes(array.shape, elemSize, numElements, numBytes))
    return createStringError(inconvertibleErrorCode(),
                             "invalid array: " + *message);
  if (array.data.size() != static_cast<uint64_t>(numBytes))
    return createStringError(
        inconvertibleErrorCode(),
        "invalid array: data has " + std::to_string(array.data.size()) +
            " bytes, but shape " + formatShape(array.shape) + " of " +
            dtypeName(array.dtype) + " needs " + std::to_string(numBytes));
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Python literal parser
//===----------------------------------------------------------------------===//

namespace {

/// A value of the Python literal subset used in .npy headers.
struct PyValue {
  enum class Kind { None, Bool, Int, Str, Tuple, List, Dict };
  Kind kind = Kind::None;
  /// Str: the contents. Int: the decimal digits with an optional leading '-'.
  std::string text;
  /// Int: the value, valid only if intFits.
  int64_t intValue = 0;
  bool intFits = true;
  /// Bool: the value.
  bool boolValue = false;
  /// Tuple / List: the elements. Dict: keys and values interleaved.
  std::vector<PyValue> items;
};

/// Maximum nesting depth of tuples / lists / dicts, to bound recursion.
constexpr unsigned kMaxNestingDepth = 32;

/// Recursive-descent parser for a single Python literal.
class LiteralParser {
public:
  explicit LiteralParser(StringRef text) : text(text) {}

  /// Parses the whole text as one literal, optionally surrounded by
  /// whitespace.
  Expected<PyValue> parse() {
    PyValue value;
    if (Error err = parseValue(value, 0))
      return Expected<PyValue>(std::move(err));
    skipWhitespace();
    if (pos != text.size())
      return fail("unexpected " + describeCurrent() + " after the literal");
    return value;
  }

private:
  static bool isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
  }
  static bool isIdentifierChar(char c) {
    return isAlnum(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
  }

  void skipWhitespace() {
    while (pos < text.size() && isWhitespace(text[pos]))
      ++pos;
  }

  bool atEnd() const { return pos >= text.size(); }

  std::string describeCurrent() const {
    if (atEnd())
      return "end of header";
    char c = text[pos];
    if (isPrint(c))
      return std::string("'") + c + "'";
    return "byte 0x" + utohexstr(static_cast<unsigned char>(c), false, 2);
  }

  Error fail(const Twine &message) const {
    return createStringError(inconvertibleErrorCode(),
                             "malformed header: " + message + " at offset " +
                                 Twine(pos));
  }

  Error parseValue(PyValue &out, unsigned depth) {
    skipWhitespace();
    if (atEnd())
      return fail("unexpected end of header");
    char c = text[pos];
    if (c == '\'' || c == '"')
      return parseString(out);
    if (c == '(' || c == '[' || c == '{') {
      if (depth >= kMaxNestingDepth)
        return fail("literal nested too deeply");
      if (c == '{')
        return parseDict(out, depth + 1);
      return parseSequence(out, depth + 1);
    }
    if (isDigit(c) || c == '-' || c == '+')
      return parseInt(out);
    if (isAlpha(c) || c == '_')
      return parseName(out);
    return fail("unexpected " + describeCurrent());
  }

  Error parseString(PyValue &out) {
    char quote = text[pos++];
    size_t start = pos;
    while (true) {
      if (atEnd() || text[pos] == '\n' || text[pos] == '\r')
        return fail("unterminated string");
      char c = text[pos];
      if (c == '\\')
        return fail("escape sequences in strings are not supported");
      if (c == quote)
        break;
      ++pos;
    }
    out.kind = PyValue::Kind::Str;
    out.text = text.slice(start, pos).str();
    ++pos; // Closing quote.
    return Error::success();
  }

  Error parseInt(PyValue &out) {
    bool negative = false;
    if (text[pos] == '-' || text[pos] == '+') {
      negative = text[pos] == '-';
      ++pos;
      skipWhitespace();
    }
    if (atEnd() || !isDigit(text[pos]))
      return fail("expected digits after sign");
    size_t start = pos;
    uint64_t magnitude = 0;
    bool overflow = false;
    while (!atEnd() && isDigit(text[pos])) {
      unsigned digit = text[pos] - '0';
      if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10)
        overflow = true;
      else
        magnitude = magnitude * 10 + digit;
      ++pos;
    }
    StringRef digits = text.slice(start, pos);
    // Python 2 era writers may emit long literals such as "3L".
    if (!atEnd() && (text[pos] == 'L' || text[pos] == 'l'))
      ++pos;
    if (!atEnd() && (isIdentifierChar(text[pos]) || text[pos] == '.'))
      return fail("unsupported numeric literal");
    out.kind = PyValue::Kind::Int;
    out.text = (negative ? "-" : "") + digits.str();
    uint64_t limit =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) +
        (negative ? 1 : 0);
    out.intFits = !overflow && magnitude <= limit;
    if (out.intFits)
      out.intValue = negative ? static_cast<int64_t>(0 - magnitude)
                              : static_cast<int64_t>(magnitude);
    return Error::success();
  }

  Error parseName(PyValue &out) {
    size_t start = pos;
    while (!atEnd() && isIdentifierChar(text[pos]))
      ++pos;
    StringRef name = text.slice(start, pos);
    if (name == "True" || name == "False") {
      out.kind = PyValue::Kind::Bool;
      out.boolValue = name == "True";
      return Error::success();
    }
    if (name == "None") {
      out.kind = PyValue::Kind::None;
      return Error::success();
    }
    pos = start;
    return fail("unexpected name '" + name + "'");
  }

  /// Parses "(...)" or "[...]". A parenthesized single value without a
  /// trailing comma is not a tuple in Python, and is returned as is.
  Error parseSequence(PyValue &out, unsigned depth) {
    char open = text[pos++];
    char close = open == '(' ? ')' : ']';
    std::vector<PyValue> items;
    bool sawComma = false;
    while (true) {
      skipWhitespace();
      if (!atEnd() && text[pos] == close) {
        ++pos;
        break;
      }
      PyValue item;
      if (Error err = parseValue(item, depth))
        return err;
      items.push_back(std::move(item));
      skipWhitespace();
      if (!atEnd() && text[pos] == ',') {
        ++pos;
        sawComma = true;
        continue;
      }
      if (!atEnd() && text[pos] == close) {
        ++pos;
        break;
      }
      return fail(Twine("expected ',' or '") + Twine(close) + "', found " +
                  describeCurrent());
    }
    if (open == '(' && items.size() == 1 && !sawComma) {
      out = std::move(items.front());
      return Error::success();
    }
    out.kind = open == '(' ? PyValue::Kind::Tuple : PyValue::Kind::List;
    out.items = std::move(items);
    return Error::success();
  }

  Error parseDict(PyValue &out, unsigned depth) {
    ++pos; // '{'
    out.kind = PyValue::Kind::Dict;
    while (true) {
      skipWhitespace();
      if (!atEnd() && text[pos] == '}') {
        ++pos;
        return Error::success();
      }
      PyValue key, value;
      if (Error err = parseValue(key, depth))
        return err;
      skipWhitespace();
      if (atEnd() || text[pos] != ':')
        return fail("expected ':' after dict key, found " + describeCurrent());
      ++pos;
      if (Error err = parseValue(value, depth))
        return err;
      out.items.push_back(std::move(key));
      out.items.push_back(std::move(value));
      skipWhitespace();
      if (!atEnd() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (!atEnd() && text[pos] == '}') {
        ++pos;
        return Error::success();
      }
      return fail("expected ',' or '}', found " + describeCurrent());
    }
  }

  StringRef text;
  size_t pos = 0;
};

} // namespace

/// Returns a Python-like repr of \p value for use in error messages.
static void printRepr(const PyValue &value, raw_ostream &os) {
  switch (value.kind) {
  case PyValue::Kind::None:
    os << "None";
    return;
  case PyValue::Kind::Bool:
    os << (value.boolValue ? "True" : "False");
    return;
  case PyValue::Kind::Int:
    os << value.text;
    return;
  case PyValue::Kind::Str:
    os << '\'';
    for (char c : value.text) {
      if (isPrint(c) && c != '\'' && c != '\\')
        os << c;
      else
        os << "\\x" << utohexstr(static_cast<unsigned char>(c), true, 2);
    }
    os << '\'';
    return;
  case PyValue::Kind::Tuple:
  case PyValue::Kind::List: {
    bool isTuple = value.kind == PyValue::Kind::Tuple;
    os << (isTuple ? '(' : '[');
    for (auto [index, item] : llvm::enumerate(value.items)) {
      if (index != 0)
        os << ", ";
      printRepr(item, os);
    }
    if (isTuple && value.items.size() == 1)
      os << ',';
    os << (isTuple ? ')' : ']');
    return;
  }
  case PyValue::Kind::Dict:
    os << '{';
    for (size_t i = 0; i + 1 < value.items.size(); i += 2) {
      if (i != 0)
        os << ", ";
      printRepr(value.items[i], os);
      os << ": ";
      printRepr(value.items[i + 1], os);
    }
    os << '}';
    return;
  }
}

static std::string repr(const PyValue &value) {
  constexpr size_t kMaxLength = 80;
  std::string result;
  raw_string_ostream os(result);
  printRepr(value, os);
  os.flush();
  if (result.size() > kMaxLength)
    result = result.substr(0, kMaxLength) + "...";
  return result;
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

static constexpr char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicSize = sizeof(kMagic) - 1;
/// The data offset numpy aligns to when writing.
static constexpr size_t kArrayAlign = 64;
/// Width numpy reserves for the growth axis in the header
/// (GROWTH_AXIS_MAX_DIGITS in numpy/lib/format.py).
static constexpr size_t kGrowthAxisMaxDigits = 21;

static Error makeError(StringRef name, const Twine &message) {
  return createStringError(inconvertibleErrorCode(), name + ": " + message);
}

/// Maps a descr string to a DType, or returns an error message.
static Expected<DType> parseDescr(StringRef descr, std::optional<DType> v2As) {
  auto error = [&](const Twine &message) -> Error {
    return createStringError(inconvertibleErrorCode(), message);
  };
  if (descr == "bfloat16")
    return DType::BF16;

  char byteOrder = '|';
  StringRef type = descr;
  if (!type.empty() && StringRef("<>|=").contains(type.front())) {
    byteOrder = type.front();
    type = type.drop_front();
  }

  std::optional<DType> dtype;
  bool isVoid2 = false;
  if (type == "f4")
    dtype = DType::F32;
  else if (type == "f8")
    dtype = DType::F64;
  else if (type == "f2")
    dtype = DType::F16;
  else if (type == "i1")
    dtype = DType::I8;
  else if (type == "i2")
    dtype = DType::I16;
  else if (type == "i4")
    dtype = DType::I32;
  else if (type == "i8")
    dtype = DType::I64;
  else if (type == "u1")
    dtype = DType::U8;
  else if (type == "b1")
    dtype = DType::Bool;
  else if (type == "V2")
    isVoid2 = true;
  else if (type.starts_with("O"))
    return error("object arrays are not supported (descr '" + descr + "')");

  if (isVoid2) {
    // A raw 2-byte void type: this is how np.save stores ml_dtypes.bfloat16.
    if (byteOrder == '>')
      return error("big-endian arrays are not supported (descr '" + descr +
                   "')");
    if (!v2As)
      return error("raw void dtype '" + descr +
                   "' is not accepted; pass a 2-byte type such as bfloat16 "
                   "as v2As to read it (ml_dtypes.bfloat16 is saved as '<V2')");
    if (dtypeSize(*v2As) != 2)
      return error(Twine("invalid v2As dtype '") + dtypeName(*v2As) +
                   "': raw void dtype '" + descr +
                   "' can only be read as a 2-byte type");
    return *v2As;
  }
  if (!dtype)
    return error("unsupported dtype '" + descr +
                 "'; supported: float32, float64, float16, bfloat16, int8, "
                 "int16, int32, int64, uint8, bool");
  // Byte order is irrelevant for single-byte types.
  if (dtypeSize(*dtype) == 1)
    return *dtype;
  if (byteOrder == '>')
    return error("big-endian arrays are not supported (descr '" + descr +
                 "'); save with a.astype(a.dtype.newbyteorder('<'))");
  if (byteOrder != '<')
    return error("unsupported dtype '" + descr +
                 "': multi-byte types must be explicitly little-endian ('<')");
  return *dtype;
}

/// Interprets the parsed header dict. Error messages have no name prefix.
static Error interpretHeader(const PyValue &header, std::optional<DType> v2As,
                             Array &array) {
  auto error = [](const Twine &message) -> Error {
    return createStringError(inconvertibleErrorCode(), message);
  };
  if (header.kind != PyValue::Kind::Dict)
    return error("header is not a dict: " + repr(header));

  const PyValue *descr = nullptr, *fortranOrder = nullptr, *shape = nullptr;
  for (size_t i = 0; i + 1 < header.items.size(); i += 2) {
    const PyValue &key = header.items[i];
    const PyValue *value = &header.items[i + 1];
    const PyValue **slot = nullptr;
    if (key.kind == PyValue::Kind::Str) {
      if (key.text == "descr")
        slot = &descr;
      else if (key.text == "fortran_order")
        slot = &fortranOrder;
      else if (key.text == "shape")
        slot = &shape;
    }
    if (!slot)
      return error("unexpected key " + repr(key) + " in header");
    if (*slot)
      return error("duplicate key " + repr(key) + " in header");
    *slot = value;
  }
  if (!descr)
    return error("header is missing key 'descr'");
  if (!fortranOrder)
    return error("header is missing key 'fortran_order'");
  if (!shape)
    return error("header is missing key 'shape'");

  // descr
  if (descr->kind == PyValue::Kind::List)
    return error("structured dtypes are not supported (descr " + repr(*descr) +
                 ")");
  if (descr->kind != PyValue::Kind::Str)
    return error("'descr' must be a string, got " + repr(*descr));
  Expected<DType> dtype = parseDescr(descr->text, v2As);
  if (!dtype)
    return dtype.takeError();

  // fortran_order
  if (fortranOrder->kind != PyValue::Kind::Bool)
    return error("'fortran_order' must be True or False, got " +
                 repr(*fortranOrder));
  if (fortranOrder->boolValue)
    return error("fortran_order arrays are not supported; save with "
                 "np.ascontiguousarray");

  // shape
  if (shape->kind != PyValue::Kind::Tuple ||
      !llvm::all_of(shape->items, [](const PyValue &dim) {
        return dim.kind == PyValue::Kind::Int;
      }))
    return error("'shape' must be a tuple of ints, got " + repr(*shape));
  array.dtype = *dtype;
  array.shape.clear();
  for (const PyValue &dim : shape->items) {
    if (!dim.intFits)
      return error("shape dimension " + dim.text +
                   " overflows int64 in shape " + repr(*shape));
    array.shape.push_back(dim.intValue);
  }
  return Error::success();
}

Expected<Array> mx::npy::parse(StringRef buffer, StringRef nameForErrors,
                               std::optional<DType> v2As) {
  StringRef name = nameForErrors;
  if (!buffer.starts_with(StringRef(kMagic, kMagicSize))) {
    if (StringRef(kMagic, kMagicSize).starts_with(buffer) && !buffer.empty())
      return makeError(name, "truncated header: file is only " +
                                 Twine(buffer.size()) + " bytes");
    return makeError(name, "not a .npy file (bad magic)");
  }
  if (buffer.size() < kMagicSize + 2)
    return makeError(name, "truncated header: missing format version");
  unsigned major = static_cast<unsigned char>(buffer[kMagicSize]);
  unsigned minor = static_cast<unsigned char>(buffer[kMagicSize + 1]);
  if (minor != 0 || major < 1 || major > 3)
    return makeError(name, "unsupported .npy format version " + Twine(major) +
                               "." + Twine(minor) +
                               " (supported: 1.0, 2.0, 3.0)");

  size_t lengthSize = major == 1 ? 2 : 4;
  size_t prefixSize = kMagicSize + 2 + lengthSize;
  if (buffer.size() < prefixSize)
    return makeError(name, "truncated header: missing header length");
  const char *lengthPtr = buffer.data() + kMagicSize + 2;
  uint64_t headerSize =
      lengthSize == 2
          ? support::endian::read16le(lengthPtr)
          : static_cast<uint64_t>(support::endian::read32le(lengthPtr));
  uint64_t available = buffer.size() - prefixSize;
  if (available < headerSize)
    return makeError(name, "truncated header: expected " + Twine(headerSize) +
                               " bytes, found " + Twine(available));

  StringRef headerText = buffer.substr(prefixSize, headerSize);
  Expected<PyValue> header = LiteralParser(headerText).parse();
  if (!header)
    return makeError(name, toString(header.takeError()));

  Array array;
  if (Error err = interpretHeader(*header, v2As, array))
    return makeError(name, toString(std::move(err)));

  int64_t numElements, numBytes;
  if (std::optional<std::string> message = computeSizes(
          array.shape, dtypeSize(array.dtype), numElements, numBytes))
    return makeError(name, *message);

  StringRef data = buffer.drop_front(prefixSize + headerSize);
  uint64_t expected = static_cast<uint64_t>(numBytes);
  if (data.size() < expected)
    return makeError(name, "truncated data: expected " + Twine(expected) +
                               " bytes, found " + Twine(data.size()));
  if (data.size() > expected)
    return makeError(name, "trailing data: expected " + Twine(expected) +
                               " bytes of array data, found " +
                               Twine(data.size()));
  array.data.assign(data.bytes_begin(), data.bytes_end());
  return array;
}

Expected<Array> mx::npy::readFile(StringRef path, std::optional<DType> v2As) {
  std::string name = path == "-" ? std::string("<stdin>") : path.str();
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                   /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(name, "cannot read file: " + buffer.getError().message());
  return parse((*buffer)->getBuffer(), name, v2As);
}

Expected<std::vector<Array>> mx::npy::readFiles(ArrayRef<std::string> paths) {
  std::vector<Array> arrays;
  arrays.reserve(paths.size());
  for (const std::string &path : paths) {
    Expected<Array> array = readFile(path);
    if (!array)
      return array.takeError();
    arrays.push_back(std::move(*array));
  }
  return std::move(arrays);
}

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

/// Returns the magic, version, header length and header for \p array, exactly
/// as numpy's format._write_array_header produces them. \p array must verify.
static std::string makeHeader(const Array &array) {
  std::string dict =
      "{'descr': '" + dtypeDescr(array.dtype).str() +
      "', 'fortran_order': False, 'shape': " + formatShape(array.shape) + ", }";
  // numpy leaves room for the first axis to grow in place.
  if (!array.shape.empty())
    dict.append(kGrowthAxisMaxDigits -
                    std::min(kGrowthAxisMaxDigits,
                             std::to_string(array.shape.front()).size()),
                ' ');

  // The header ends with '\n' and is space-padded so that the data starts at
  // a multiple of kArrayAlign. Like numpy, always add at least one space.
  size_t textSize = dict.size() + 1;
  auto paddedSize = [&](size_t lengthSize) {
    size_t prefix = kMagicSize + 2 + lengthSize;
    return textSize + kArrayAlign - (prefix + textSize) % kArrayAlign;
  };
  unsigned major = 1;
  size_t headerSize = paddedSize(2);
  if (headerSize > std::numeric_limits<uint16_t>::max()) {
    major = 2;
    headerSize = paddedSize(4);
  }

  std::string result(kMagic, kMagicSize);
  result.push_back(static_cast<char>(major));
  result.push_back(0);
  char length[4];
  if (major == 1) {
    support::endian::write16le(length, static_cast<uint16_t>(headerSize));
    result.append(length, 2);
  } else {
    support::endian::write32le(length, static_cast<uint32_t>(headerSize));
    result.append(length, 4);
  }
  result += dict;
  result.append(headerSize - textSize, ' ');
  result.push_back('\n');
  return result;
}

std::string mx::npy::serialize(const Array &array) {
  if (Error err = verify(array)) {
    consumeError(std::move(err));
    return std::string();
  }
  std::string result = makeHeader(array);
  result.append(reinterpret_cast<const char *>(array.data.data()),
                array.data.size());
  return result;
}

Error mx::npy::writeFile(StringRef path, const Array &array) {
  if (Error err = verify(array))
    return makeError(path, toString(std::move(err)));
  std::string header = makeHeader(array);
  Error err = writeToOutput(path, [&](raw_ostream &os) -> Error {
    os << header;
    os.write(reinterpret_cast<const char *>(array.data.data()),
             array.data.size());
    return Error::success();
  });
  if (err)
    return makeError(path, "cannot write file: " + toString(std::move(err)));
  return Error::success();
}
