//===- DynamicLibrary.h - Entry points of a dlopen'ed library ---*- C++ -*-===//
//
// Private to lib/Runtime: the GPU drivers are opened at run time (nothing
// links against CUDA or HIP), their entry points looked up by name.
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_RUNTIME_DYNAMICLIBRARY_H
#define TL_LIB_RUNTIME_DYNAMICLIBRARY_H

#include <dlfcn.h>

namespace tlrt::detail {

/// Points the function pointer `fn` at `name` in the dlopen'ed `lib`;
/// false (and `fn` null) when the library lacks it.
template <typename Fn> bool bindSymbol(void *lib, Fn &fn, const char *name) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  return fn != nullptr;
}

} // namespace tlrt::detail

#endif // TL_LIB_RUNTIME_DYNAMICLIBRARY_H
