//===- DType.cpp - Element types the runtime handles ----------------------===//

#include "tl/Runtime/DType.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace tlrt;

std::optional<DType> tlrt::parseDType(const std::string &name) {
  static const struct {
    const char *name;
    DType dtype;
  } table[] = {{"f16", DType::F16},
               {"bf16", DType::BF16},
               {"f32", DType::F32},
               {"f64", DType::F64},
               {"i8", DType::I8},
               {"i16", DType::I16},
               {"i32", DType::I32},
               {"i64", DType::I64},
               {"f8E4M3FN", DType::F8E4M3FN},
               {"f8E5M2", DType::F8E5M2}};
  for (const auto &entry : table)
    if (name == entry.name)
      return entry.dtype;
  return std::nullopt;
}

const char *tlrt::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::I8:
    return "i8";
  case DType::I16:
    return "i16";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::F8E4M3FN:
    return "f8E4M3FN";
  case DType::F8E5M2:
    return "f8E5M2";
  }
  return "?";
}

size_t tlrt::dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::I8:
  case DType::F8E4M3FN:
  case DType::F8E5M2:
    return 1;
  case DType::F16:
  case DType::BF16:
  case DType::I16:
    return 2;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::I64:
    return 8;
  }
  return 0;
}

bool tlrt::isFloat(DType dtype) {
  switch (dtype) {
  case DType::I8:
  case DType::I16:
  case DType::I32:
  case DType::I64:
    return false;
  default:
    return true;
  }
}

// IEEE half and bfloat16 <-> float, round to nearest even.
static float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else { // subnormal: renormalize
      int e = -1;
      do {
        ++e;
        man <<= 1;
      } while (!(man & 0x400));
      bits = sign | ((127 - 15 - e) << 23) | ((man & 0x3ff) << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

static uint16_t floatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint32_t sign = (bits >> 16) & 0x8000u;
  uint32_t absBits = bits & 0x7fffffffu;
  if (absBits >= 0x7f800000u) // inf or nan
    return sign | 0x7c00u | (absBits > 0x7f800000u ? 0x200u : 0);
  if (absBits >= 0x477ff000u) // rounds to >= 65520: overflow to inf
    return sign | 0x7c00u;
  if (absBits < 0x38800000u) { // below the smallest normal half: subnormal
    float a;
    std::memcpy(&a, &absBits, 4);
    // Scale so that the half subnormal quantum (2^-24) becomes 1, round.
    float scaled = a * 16777216.0f;
    uint32_t q = static_cast<uint32_t>(std::nearbyint(scaled));
    return sign | q;
  }
  uint32_t exp = ((absBits >> 23) - 127 + 15);
  uint32_t man = absBits & 0x7fffffu;
  uint32_t half = (exp << 10) | (man >> 13);
  uint32_t rest = man & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1)))
    ++half;
  return sign | half;
}

static float bf16ToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

static uint16_t floatToBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  uint32_t rounding = 0x7fffu + ((bits >> 16) & 1);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

template <typename T> static T saturate(double v) {
  if (std::isnan(v))
    return 0;
  double lo = static_cast<double>(std::numeric_limits<T>::min());
  double hi = static_cast<double>(std::numeric_limits<T>::max());
  return static_cast<T>(std::nearbyint(std::fmin(std::fmax(v, lo), hi)));
}

/// All 65536 halves as floats: loading f16 outputs for validation is a table
/// lookup (millions of elements per candidate).
const float *tlrt::halfToFloatTable() {
  static const std::vector<float> table = [] {
    std::vector<float> t(65536);
    for (uint32_t h = 0; h < 65536; ++h)
      t[h] = halfToFloat(static_cast<uint16_t>(h));
    return t;
  }();
  return table.data();
}

double tlrt::loadElement(const void *data, DType dtype, size_t i) {
  switch (dtype) {
  case DType::F16:
    return halfToFloatTable()[static_cast<const uint16_t *>(data)[i]];
  case DType::BF16:
    return bf16ToFloat(static_cast<const uint16_t *>(data)[i]);
  case DType::F32:
    return static_cast<const float *>(data)[i];
  case DType::F64:
    return static_cast<const double *>(data)[i];
  case DType::I8:
    return static_cast<const int8_t *>(data)[i];
  case DType::I16:
    return static_cast<const int16_t *>(data)[i];
  case DType::I32:
    return static_cast<const int32_t *>(data)[i];
  case DType::I64:
    return static_cast<double>(static_cast<const int64_t *>(data)[i]);
  case DType::F8E4M3FN:
  case DType::F8E5M2:
    break;
  }
  return std::nan("");
}

void tlrt::storeElement(void *data, DType dtype, size_t i, double v) {
  switch (dtype) {
  case DType::F16:
    static_cast<uint16_t *>(data)[i] = floatToHalf(static_cast<float>(v));
    return;
  case DType::BF16:
    static_cast<uint16_t *>(data)[i] = floatToBf16(static_cast<float>(v));
    return;
  case DType::F32:
    static_cast<float *>(data)[i] = static_cast<float>(v);
    return;
  case DType::F64:
    static_cast<double *>(data)[i] = v;
    return;
  case DType::I8:
    static_cast<int8_t *>(data)[i] = saturate<int8_t>(v);
    return;
  case DType::I16:
    static_cast<int16_t *>(data)[i] = saturate<int16_t>(v);
    return;
  case DType::I32:
    static_cast<int32_t *>(data)[i] = saturate<int32_t>(v);
    return;
  case DType::I64:
    static_cast<int64_t *>(data)[i] = saturate<int64_t>(v);
    return;
  case DType::F8E4M3FN:
  case DType::F8E5M2:
    return;
  }
}
