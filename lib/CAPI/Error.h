//===- Error.h - TlError and strings across the C API -----------*- C++ -*-===//
//
// Private to lib/CAPI: a TlError owns its message (a std::string), made by
// `fail` and freed by tlErrorDestroy; strings cross as MlirStringRef.
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_CAPI_ERROR_H
#define TL_LIB_CAPI_ERROR_H

#include "tl-c/Runtime.h"

#include <string>

namespace mlir::tl::capi {

inline std::string str(MlirStringRef s) {
  return std::string(s.data, s.length);
}
inline MlirStringRef toRef(const std::string &s) {
  return mlirStringRefCreate(s.data(), s.size());
}

/// Sets *error (when asked for) and returns `null`.
template <typename Handle>
Handle fail(TlError *error, std::string message, Handle null = {nullptr}) {
  if (error)
    error->ptr = new std::string(std::move(message));
  return null;
}

} // namespace mlir::tl::capi

#endif // TL_LIB_CAPI_ERROR_H
