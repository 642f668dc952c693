//===- Supply.cpp - Kernel inputs: generators and .npy files --------------===//

#include "tl/Runtime/Supply.h"

#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

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

void tlrt::fillBuffer(void *data, DType dtype, size_t count, SupplyType type,
                      uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> ints(-2, 2);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  if (type == SupplyType::Auto)
    type = isFloat(dtype) ? SupplyType::Uniform : SupplyType::Integer;
  for (size_t i = 0; i < count; ++i) {
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

bool tlrt::readNpy(const std::string &path, NpyArray &array,
                   std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  char magic[6];
  unsigned char version[2];
  in.read(magic, 6);
  in.read(reinterpret_cast<char *>(version), 2);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    error = path + " is not a .npy file (bad magic)";
    return false;
  }
  uint32_t headerLen = 0;
  if (version[0] == 1) {
    unsigned char len[2];
    in.read(reinterpret_cast<char *>(len), 2);
    headerLen = len[0] | (len[1] << 8);
  } else {
    unsigned char len[4];
    in.read(reinterpret_cast<char *>(len), 4);
    headerLen = len[0] | (len[1] << 8) | (len[2] << 16) | (len[3] << 24);
  }
  std::string header(headerLen, '\0');
  in.read(header.data(), headerLen);
  if (!in) {
    error = path + ": truncated .npy header";
    return false;
  }
  auto field = [&](const std::string &key) -> std::string {
    size_t at = header.find("'" + key + "'");
    if (at == std::string::npos)
      return "";
    size_t colon = header.find(':', at);
    return colon == std::string::npos ? "" : header.substr(colon + 1);
  };
  std::string descr = field("descr");
  size_t q1 = descr.find('\''), q2 = descr.find('\'', q1 + 1);
  descr = q1 == std::string::npos ? "" : descr.substr(q1 + 1, q2 - q1 - 1);
  bool found = false;
  for (DType d : {DType::F16, DType::F32, DType::F64, DType::I8, DType::I16,
                  DType::I32, DType::I64})
    if (descr == npyDescr(d) || (descr == "<i1" && d == DType::I8)) {
      array.dtype = d;
      found = true;
    }
  if (!found) {
    error = path + ": unsupported dtype '" + descr +
            "' (use float16/32/64 or int8/16/32/64, little-endian)";
    return false;
  }
  if (field("fortran_order").find("True") == 0 ||
      field("fortran_order").find(" True") == 0) {
    error = path + ": Fortran-order arrays are not supported; save with "
                   "numpy.ascontiguousarray";
    return false;
  }
  std::string shape = field("shape");
  size_t open = shape.find('('), close = shape.find(')');
  array.shape.clear();
  std::stringstream dims(shape.substr(open + 1, close - open - 1));
  std::string item;
  while (std::getline(dims, item, ','))
    if (item.find_first_not_of(" ") != std::string::npos)
      array.shape.push_back(std::stoll(item));
  size_t bytes = array.numElements() * dtypeSize(array.dtype);
  array.data.resize(bytes);
  in.read(reinterpret_cast<char *>(array.data.data()), bytes);
  if (static_cast<size_t>(in.gcount()) != bytes) {
    error = path + ": holds fewer elements than its shape says";
    return false;
  }
  return true;
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
