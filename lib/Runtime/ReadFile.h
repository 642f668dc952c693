//===- ReadFile.h - A whole file into memory --------------------*- C++ -*-===//
//
// Private to lib/Runtime: what every reader of a file (kernel.json, a code
// object, a .npy) starts with.
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_RUNTIME_READFILE_H
#define TL_LIB_RUNTIME_READFILE_H

#include <fstream>
#include <sstream>
#include <string>

namespace tlrt::detail {

/// The bytes of `path`; false and "cannot read <path>" in `error` when it
/// cannot be opened or read.
inline bool readWholeFile(const std::string &path, std::string &bytes,
                          std::string &error) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  if (in)
    buffer << in.rdbuf();
  if (!in || in.bad()) {
    error = "cannot read " + path;
    return false;
  }
  bytes = buffer.str();
  return true;
}

} // namespace tlrt::detail

#endif // TL_LIB_RUNTIME_READFILE_H
