//===- fuzz-npy.cpp - libFuzzer over the .npy reader ----------------------===//
//
// Input: the bytes of a .npy file, read as tl-tune reads --input and --ref
// files. Errors are expected; an exception, a crash, a huge allocation or a
// sanitizer report is a bug.
//
//===----------------------------------------------------------------------===//

#include "tl/Runtime/Supply.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tlrt::NpyArray array;
  std::string error;
  (void)tlrt::parseNpy(std::string(reinterpret_cast<const char *>(data), size),
                       "fuzz.npy", array, error);
  return 0;
}
