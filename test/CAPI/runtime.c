/*===- runtime.c - Compiled kernels through libTileMLIRRuntime alone ------===*\
|*                                                                            *|
|* Linked against the runtime library only (no LLVM, no MLIR: the readelf     *|
|* line says so): loads a kernel tl-compile wrote, launches it on buffers of  *|
|* its own and checks the answer; bad input comes back as a message.          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

// clang-format off (FileCheck lines must stay whole)
// RUN: rm -rf %t && tl-compile %S/Inputs/scale.mlir --target=host --instantiate=N=100 --constraint=block==32 -o %t
// RUN: tl-capi-runtime-test %t/scale_block32 2>&1 | FileCheck %s
// RUN: llvm-readelf -d %tl_lib_dir/libTileMLIRRuntime.so | FileCheck %s --check-prefix=LIB --implicit-check-not=libLLVM --implicit-check-not=libMLIR
// LIB: Shared library: [libc.so.6]
// Nor linked in statically: no LLVM or MLIR code inside, only the
// project's own mlir::tl (libTileMLIRCAPI defines about 150,000 others).
// RUN: llvm-nm -C --defined-only %tl_lib_dir/libTileMLIRRuntime.so > %t.syms
// RUN: not grep -P " (llvm::|mlir::(?!tl::))" %t.syms

#include "tl-c/Runtime.h"

#include <stdio.h>
#include <string.h>

static MlirStringRef s(const char *text) {
  MlirStringRef r = {text, strlen(text)};
  return r;
}

/// Prints and destroys `error`.
static void report(const char *what, TlError error) {
  MlirStringRef m = tlErrorGetMessage(error);
  printf("%s: error: %.*s\n", what, (int)m.length, m.data);
  tlErrorDestroy(error);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: tl-capi-runtime-test <kernel dir>\n");
    return 2;
  }
  TlError error = {NULL};
  // CHECK: bad kernel: error: cannot read /no/such/kernel/kernel.json: give a compiled kernel's or a tuning result's directory
  TlKernel k = tlKernelLoad(s("/no/such/kernel"), 0, &error);
  if (tlKernelIsNull(k))
    report("bad kernel", error);
  k = tlKernelLoad(s(argv[1]), 0, &error);
  if (tlKernelIsNull(k)) {
    report("kernel", error);
    return 1;
  }
  // CHECK: kernel: 2 args, metadata names scale_block32: 1
  printf("kernel: %d args, metadata names scale_block32: %d\n",
         (int)tlKernelGetNumArgs(k),
         strstr(tlKernelGetMetadata(k).data, "\"scale_block32\"") != NULL);
  float x[100], y[100];
  for (int i = 0; i < 100; ++i) {
    x[i] = (float)i;
    y[i] = -1;
  }
  float *xp = x, *yp = y;
  void *args[] = {&xp, &yp};
  int launched = tlKernelLaunch(k, args, NULL, &error);
  int right = 0;
  for (int i = 0; i < 100; ++i)
    right += y[i] == 2.0f * i;
  // CHECK: launch: 1, 100 of 100 right
  printf("launch: %d, %d of 100 right\n", launched, right);
  // CHECK: null args: error: tlKernelLaunch: args is NULL
  if (!tlKernelLaunch(k, NULL, NULL, &error))
    report("null args", error);
  tlKernelDestroy(k);
  return 0;
}
