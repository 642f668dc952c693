//===- Supply.cpp - Kernel inputs: generators and .npy files --------------===//

#include "tl/Runtime/Supply.h"

#include "ReadFile.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>

using namespace tlrt;

std::optional<SupplyType> tlrt::parseSupplyType(const std::string &name) {
  static const struct {
    const char *name;
    SupplyType type;
  } table[] = {
      {"auto", SupplyType::Auto},       {"integer", SupplyType::Integer},
      {"uniform", SupplyType::Uniform}, {"normal", SupplyType::Normal},
      {"randn", SupplyType::Randn},     {"zero", SupplyType::Zero},
      {"one", SupplyType::One}};
  std::string lower;
  for (char c : name)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto &entry : table)
    if (lower == entry.name)
      return entry.type;
  return std::nullopt;
}

const char *tlrt::supplyTypeName(SupplyType type) {
  switch (type) {
  case SupplyType::Auto:
    return "auto";
  case SupplyType::Integer:
    return "integer";
  case SupplyType::Uniform:
    return "uniform";
  case SupplyType::Normal:
    return "normal";
  case SupplyType::Randn:
    return "randn";
  case SupplyType::Zero:
    return "zero";
  case SupplyType::One:
    return "one";
  }
  return "?";
}

/// Elements [begin, end) of the values of chunk `chunk`'s generator.
static void fillChunk(void *data, DType dtype, size_t begin, size_t end,
                      SupplyType type, uint64_t seed, uint64_t chunk) {
  // Chunk 0 draws from `seed` itself; the others from a splitmix64 step of
  // (seed, chunk), so that chunks are independent streams.
  uint64_t z = seed + chunk * 0x9e3779b97f4a7c15ull;
  if (chunk) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
  }
  std::mt19937_64 rng(z);
  std::uniform_int_distribution<int> ints(-2, 2);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (size_t i = begin; i < end; ++i) {
    double v = 0;
    switch (type) {
    case SupplyType::Integer:
      v = ints(rng);
      break;
    case SupplyType::Uniform:
      v = uniform(rng);
      break;
    case SupplyType::Normal:
    case SupplyType::Randn:
      v = normal(rng);
      break;
    case SupplyType::Zero:
      v = 0;
      break;
    case SupplyType::One:
      v = 1;
      break;
    case SupplyType::Auto:
      break;
    }
    storeElement(data, dtype, i, v);
  }
}

void tlrt::fillBuffer(void *data, DType dtype, size_t count, SupplyType type,
                      uint64_t seed) {
  if (type == SupplyType::Auto)
    type = isFloat(dtype) ? SupplyType::Uniform : SupplyType::Integer;
  // Fixed-size chunks, each its own stream: the values do not depend on
  // how many threads generate them.
  constexpr size_t kChunk = size_t(1) << 20;
  size_t chunks = (count + kChunk - 1) / kChunk;
  size_t threads = std::min<size_t>(
      chunks, std::max(1u, std::thread::hardware_concurrency()));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t c; (c = next.fetch_add(1)) < chunks;)
      fillChunk(data, dtype, c * kChunk, std::min(count, (c + 1) * kChunk),
                type, seed, c);
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t)
    pool.emplace_back(work);
  work();
  for (std::thread &t : pool)
    t.join();
}

size_t NpyArray::numElements() const {
  size_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<size_t>(d);
  return n;
}

static const char *npyDescr(DType dtype) {
  switch (dtype) {
  case DType::F16:
    return "<f2";
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::I8:
    return "|i1";
  case DType::I16:
    return "<i2";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  default:
    return nullptr;
  }
}

namespace {
/// A strict reader of the header dictionary numpy writes:
/// {'descr': '<f4', 'fortran_order': False, 'shape': (64, 64), }
class NpyHeaderParser {
public:
  explicit NpyHeaderParser(const std::string &text) : s(text) {}

  /// Fills descr, fortran and shape; false with `error` (no file name).
  bool parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape,
             std::string &error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    if (!expect('{', error))
      return false;
    while (true) {
      space();
      if (peek() == '}')
        break;
      std::string key;
      if (!string(key, error) || !expect(':', error))
        return false;
      space();
      if (key == "descr") {
        if (!string(descr, error))
          return false;
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (!boolean(fortran, error))
          return false;
        haveOrder = true;
      } else if (key == "shape") {
        if (!tuple(shape, error))
          return false;
        haveShape = true;
      } else {
        error = "unexpected key '" + key + "' in the header";
        return false;
      }
      if (!afterItem('}', "the header", error))
        return false;
    }
    ++pos;
    space();
    if (pos != s.size()) {
      error = "unexpected text after the header dictionary";
      return false;
    }
    if (!haveDescr || !haveOrder || !haveShape) {
      error = "the header lacks 'descr', 'fortran_order' or 'shape'";
      return false;
    }
    return true;
  }

private:
  const std::string &s;
  size_t pos = 0;

  char peek() const { return pos < s.size() ? s[pos] : '\0'; }
  void space() {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\n' ||
                              s[pos] == '\t' || s[pos] == '\r'))
      ++pos;
  }
  /// After an item of a dict or tuple: a ',' (consumed) or `close` (left
  /// for the loop to end on).
  bool afterItem(char close, const char *where, std::string &error) {
    space();
    if (peek() == ',') {
      ++pos;
      return true;
    }
    if (peek() == close)
      return true;
    error = std::string("expected ',' or '") + close + "' in " + where +
            " at byte " + std::to_string(pos);
    return false;
  }
  bool expect(char c, std::string &error) {
    space();
    if (peek() != c) {
      error = std::string("expected '") + c + "' in the header at byte " +
              std::to_string(pos);
      return false;
    }
    ++pos;
    return true;
  }
  bool string(std::string &out, std::string &error) {
    space();
    char quote = peek();
    if (quote != '\'' && quote != '"') {
      error = "expected a quoted string in the header at byte " +
              std::to_string(pos);
      return false;
    }
    size_t close = s.find(quote, pos + 1);
    if (close == std::string::npos) {
      error = "unterminated string in the header";
      return false;
    }
    out = s.substr(pos + 1, close - pos - 1);
    pos = close + 1;
    return true;
  }
  bool boolean(bool &out, std::string &error) {
    if (s.compare(pos, 4, "True") == 0) {
      out = true;
      pos += 4;
      return true;
    }
    if (s.compare(pos, 5, "False") == 0) {
      out = false;
      pos += 5;
      return true;
    }
    error = "fortran_order must be True or False";
    return false;
  }
  bool tuple(std::vector<int64_t> &shape, std::string &error) {
    shape.clear();
    if (!expect('(', error))
      return false;
    while (true) {
      space();
      if (peek() == ')')
        break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) {
        error = "the shape holds a value that is not a non-negative integer "
                "at byte " +
                std::to_string(pos);
        return false;
      }
      int64_t dim = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        if (__builtin_mul_overflow(dim, int64_t(10), &dim) ||
            __builtin_add_overflow(dim, int64_t(s[pos] - '0'), &dim)) {
          error = "a dimension of the shape does not fit in 64 bits";
          return false;
        }
        ++pos;
      }
      if (shape.size() == 32) {
        error = "the shape has more than 32 dimensions";
        return false;
      }
      shape.push_back(dim);
      if (!afterItem(')', "the shape", error))
        return false;
    }
    ++pos;
    return true;
  }
};
} // namespace

bool tlrt::parseNpy(const std::string &bytes, const std::string &name,
                    NpyArray &array, std::string &error) {
  auto fail = [&](const std::string &what) {
    error = name + ": " + what;
    return false;
  };
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
    return fail("not a .npy file (bad magic)");
  unsigned version = static_cast<unsigned char>(bytes[6]);
  if (version < 1 || version > 3)
    return fail("unsupported .npy version " + std::to_string(version) +
                " (1 to 3 are known)");
  auto byte = [&](size_t i) {
    return static_cast<uint64_t>(static_cast<unsigned char>(bytes[i]));
  };
  uint64_t headerLen = 0, headerStart = version == 1 ? 10 : 12;
  if (bytes.size() < headerStart)
    return fail("truncated .npy header");
  headerLen = version == 1
                  ? byte(8) | byte(9) << 8
                  : byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
  if (headerLen > bytes.size() - headerStart)
    return fail("truncated .npy header");
  std::string header = bytes.substr(headerStart, headerLen);
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  std::string why;
  if (!NpyHeaderParser(header).parse(descr, fortran, shape, why))
    return fail("malformed .npy header: " + why);
  bool found = false;
  for (DType d : {DType::F16, DType::F32, DType::F64, DType::I8, DType::I16,
                  DType::I32, DType::I64})
    if (descr == npyDescr(d) || (descr == "<i1" && d == DType::I8)) {
      array.dtype = d;
      found = true;
    }
  array.bitPatterns = descr == "<u2" || descr == "|u1" || descr == "<u1";
  if (array.bitPatterns) {
    array.dtype = descr == "<u2" ? DType::I16 : DType::I8;
    found = true;
  }
  if (!found)
    return fail("unsupported dtype '" + descr +
                "' (use float16/32/64 or int8/16/32/64, little-endian; "
                "bfloat16 and fp8 as their bit patterns in uint16 / uint8)");
  if (fortran)
    return fail("Fortran-order arrays are not supported; save with "
                "numpy.ascontiguousarray");
  uint64_t count = 1, size = 0;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(count, static_cast<uint64_t>(d), &count))
      return fail("its shape has more elements than 64 bits can count");
  if (__builtin_mul_overflow(count, dtypeSize(array.dtype), &size))
    return fail("its shape has more bytes than 64 bits can count");
  uint64_t available = bytes.size() - headerStart - headerLen;
  if (size != available)
    return fail("its shape needs " + std::to_string(size) +
                " bytes of data but the file holds " +
                std::to_string(available));
  array.shape = std::move(shape);
  array.data.assign(bytes.begin() + headerStart + headerLen, bytes.end());
  return true;
}

bool tlrt::holdsValuesOf(const NpyArray &array, DType dtype) {
  if (!array.bitPatterns)
    return array.dtype == dtype;
  return array.dtype == DType::I16
             ? dtype == DType::BF16
             : dtype == DType::F8E4M3FN || dtype == DType::F8E5M2;
}

bool tlrt::readNpy(const std::string &path, NpyArray &array,
                   std::string &error) {
  std::string bytes;
  return detail::readWholeFile(path, bytes, error) &&
         parseNpy(bytes, path, array, error);
}

bool tlrt::writeNpy(const std::string &path, const NpyArray &array,
                    std::string &error) {
  const char *descr = npyDescr(array.dtype);
  if (!descr) {
    error = std::string("cannot write dtype ") + dtypeName(array.dtype) +
            " to .npy";
    return false;
  }
  std::string shape = "(";
  for (int64_t d : array.shape)
    shape += std::to_string(d) + ",";
  shape += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  out.write("\x93NUMPY\x01\x00", 8);
  unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff),
                          static_cast<unsigned char>(header.size() >> 8)};
  out.write(reinterpret_cast<char *>(len), 2);
  out << header;
  out.write(reinterpret_cast<const char *>(array.data.data()),
            array.data.size());
  return static_cast<bool>(out);
}
