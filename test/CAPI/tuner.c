/*===- tuner.c - The C API, driven from C
-----------------------------------===*\
|*                                                                            *|
|* Registers tl next to an upstream dialect, runs tl-expand-configs through   *|
|* MLIR's C pass manager, tunes a template on the host (then again, from the  *|
|* cache), loads the saved result, compiles one config without tuning,        *|
|* launches it on buffers of its own and checks the answer; every bad input   *|
|* comes back as a message.                                                   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

// clang-format off (FileCheck lines must stay whole)
// RUN: rm -rf %t && mkdir -p %t
// RUN: tl-capi-test %S/Inputs/scale.mlir %t 2>&1 | FileCheck %s

#include "tl-c/Tuner.h"
#include "tl-c/Dialects.h"
#include "tl-c/Passes.h"

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MlirStringRef s(const char *text) {
  return mlirStringRefCreateFromCString(text);
}

static void printString(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stdout);
}

/// Prints and destroys `error`.
static void report(const char *what, TlError error) {
  MlirStringRef m = tlErrorGetMessage(error);
  printf("%s: error: %.*s\n", what, (int)m.length, m.data);
  tlErrorDestroy(error);
}

static void registerAndExpand(const char *input) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  tlRegisterAllDialects(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  MlirDialect tl =
      mlirDialectHandleLoadDialect(mlirGetDialectHandle__tl__(), ctx);
  MlirStringRef ns = mlirDialectGetNamespace(tl);
  // CHECK: dialect: tl
  printf("dialect: %.*s\n", (int)ns.length, ns.data);
  // CHECK: version: {{[0-9]+\.[0-9]+\.[0-9]+}}
  MlirStringRef version = tlGetVersion();
  printf("version: %.*s\n", (int)version.length, version.data);

  FILE *f = fopen(input, "rb");
  char source[1 << 14];
  size_t n = f ? fread(source, 1, sizeof(source) - 1, f) : 0;
  if (f)
    fclose(f);
  source[n] = 0;
  MlirModule module = mlirModuleCreateParse(ctx, s(source));
  if (mlirModuleIsNull(module)) {
    printf("parse failed\n");
    exit(1);
  }
  tlRegisterAllPasses();
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirLogicalResult parsed = mlirParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      s("builtin.module(tl-expand-configs{instantiate=N=64 target=host})"),
      printString, NULL);
  MlirLogicalResult ran =
      mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module));
  // CHECK: expanded: 1 1
  printf("expanded: %d %d\n", mlirLogicalResultIsSuccess(parsed),
         mlirLogicalResultIsSuccess(ran));
  // CHECK: module @scale_block32
  // CHECK: module @scale_block64
  mlirOperationPrint(mlirModuleGetOperation(module), printString, NULL);
  printf("\n");
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

static TlTuneOptions hostOptions(const char *input, const char *work) {
  char cache[4096];
  snprintf(cache, sizeof(cache), "%s/cache", work);
  TlTuneOptions o = tlTuneOptionsCreate();
  tlTuneOptionsSetInput(o, s(input));
  tlTuneOptionsSetInstantiate(o, s("N=4096"));
  tlTuneOptionsSetTarget(o, s("host"));
  // The CUDA lowering's switches (their defaults; no effect on the host).
  tlTuneOptionsSetTma(o, true);
  tlTuneOptionsSetWarpSpecialize(o, false);
  tlTuneOptionsSetStrategy(o, s("exhaustive"));
  tlTuneOptionsSetBudget(o, 0);
  tlTuneOptionsSetWarmup(o, 1);
  tlTuneOptionsSetRep(o, 3);
  tlTuneOptionsSetCacheDir(o, s(cache));
  return o;
}

static void badInputs(const char *input, const char *work) {
  TlError error = {NULL};
  TlTuneOptions o = hostOptions("/no/such/kernel.mlir", work);
  TlTuneResult r = tlTune(o, &error);
  // CHECK: missing input: error: {{.*}}/no/such/kernel.mlir
  if (tlTuneResultIsNull(r))
    report("missing input", error);
  tlTuneOptionsSetInput(o, s(input));
  tlTuneOptionsSetTarget(o, s("metal"));
  r = tlTune(o, &error);
  // CHECK: bad target: error: target must be auto, cuda, hip or host, not 'metal'
  if (tlTuneResultIsNull(r))
    report("bad target", error);
  tlTuneOptionsSetTarget(o, s("host"));
  tlTuneOptionsSetReference(o, s("gpu"));
  r = tlTune(o, &error);
  // CHECK: bad reference: error: reference must be auto, device, host or none, not 'gpu'
  if (tlTuneResultIsNull(r))
    report("bad reference", error);
  tlTuneOptionsSetReference(o, s("auto"));
  tlTuneOptionsSetRep(o, 0);
  r = tlTune(o, &error);
  // CHECK: bad rep: error: --warmup must be 0 to 1000000 and --rep 1 to 1000000
  if (tlTuneResultIsNull(r))
    report("bad rep", error);
  tlTuneOptionsDestroy(o);
  // CHECK: bad load: error: /no/such/result is not a saved tuning result
  r = tlLoadResult(s("/no/such/result"), &error);
  if (tlTuneResultIsNull(r))
    report("bad load", error);
  // CHECK: bad kernel: error: cannot read /no/such/kernel/kernel.json
  TlKernel k = tlKernelLoad(s("/no/such/kernel"), 0, &error);
  if (tlKernelIsNull(k))
    report("bad kernel", error);
  // A NULL error is allowed: the failure is still a null handle.
  // CHECK: quiet failure: 1
  printf("quiet failure: %d\n",
         tlTuneResultIsNull(tlLoadResult(s("/no"), NULL)));
}

static void printResult(const char *what, TlTuneResult r) {
  MlirStringRef config = tlTuneResultGetBestConfig(r);
  MlirStringRef target = tlTuneResultGetTarget(r);
  printf(
      "%s: target %.*s, cached %d, best %d %.*s, %s latency, %d candidates\n",
      what, (int)target.length, target.data, tlTuneResultIsFromCache(r),
      (int)tlTuneResultGetBestIndex(r), (int)config.length, config.data,
      tlTuneResultGetBestLatencyMs(r) > 0 ? "a" : "no",
      (int)tlTuneResultGetNumCandidates(r));
  for (intptr_t i = 0; i < tlTuneResultGetNumCandidates(r); ++i) {
    MlirStringRef record = tlTuneResultGetCandidate(r, i);
    printf("  %.*s\n", (int)record.length, record.data);
  }
}

static void tuneTwiceAndLoad(const char *input, const char *work) {
  TlError error = {NULL};
  TlTuneOptions o = hostOptions(input, work);
  TlTuneResult first = tlTune(o, &error);
  if (tlTuneResultIsNull(first)) {
    report("tune", error);
    exit(1);
  }
  // CHECK: first: target host, cached 0, best {{[01]}} {"block":{{32|64}}}, a latency, 2 candidates
  // CHECK: "status":"ok"
  // CHECK: "status":"ok"
  printResult("first", first);
  TlTuneResult second = tlTune(o, &error);
  // CHECK: second: target host, cached 1, best {{[01]}} {"block":{{32|64}}}, a latency, 2 candidates
  printResult("second", second);
  MlirStringRef dir = tlTuneResultGetBestDir(second);
  TlTuneResult loaded = tlLoadResult(dir, &error);
  if (tlTuneResultIsNull(loaded)) {
    report("load", error);
    exit(1);
  }
  // CHECK: loaded: target host, cached 1, best {{[01]}} {"block":{{32|64}}}, a latency, 2 candidates
  printResult("loaded", loaded);
  tlTuneResultDestroy(loaded);
  tlTuneResultDestroy(second);
  tlTuneResultDestroy(first);
  tlTuneOptionsDestroy(o);
}

static void compileAndLaunch(const char *input, const char *work) {
  char out[4096];
  snprintf(out, sizeof(out), "%s/compiled", work);
  TlError error = {NULL};
  TlTuneOptions o = hostOptions(input, work);
  tlTuneOptionsSetInstantiate(o, s("N=100"));
  // CHECK: bad config: error: {{.*}}parameter 'block' = 48 is not one of its allowed values [32, 64]
  TlCompileResult c =
      tlCompileConfigs(o, s("[{\"block\": 48}]"), s(out), &error);
  if (tlCompileResultIsNull(c))
    report("bad config", error);
  c = tlCompileConfigs(o, s("[{\"block\": 32}]"), s(out), &error);
  if (tlCompileResultIsNull(c)) {
    report("compile", error);
    exit(1);
  }
  // CHECK: compiled: 1 kernels
  // CHECK-NEXT: scale_block32 {"block":32} error ""
  printf("compiled: %d kernels\n", (int)tlCompileResultGetNumKernels(c));
  for (intptr_t i = 0; i < tlCompileResultGetNumKernels(c); ++i) {
    MlirStringRef name = tlCompileResultGetName(c, i);
    MlirStringRef config = tlCompileResultGetConfig(c, i);
    MlirStringRef why = tlCompileResultGetError(c, i);
    printf("%.*s %.*s error \"%.*s\"\n", (int)name.length, name.data,
           (int)config.length, config.data, (int)why.length, why.data);
  }
  char dir[4096];
  MlirStringRef d = tlCompileResultGetDir(c, 0);
  snprintf(dir, sizeof(dir), "%.*s", (int)d.length, d.data);
  TlKernel k = tlKernelLoad(s(dir), 0, &error);
  if (tlKernelIsNull(k)) {
    report("kernel", error);
    exit(1);
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
  tlCompileResultDestroy(c);
  tlTuneOptionsDestroy(o);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: tl-capi-test <scale.mlir> <work dir>\n");
    return 2;
  }
  registerAndExpand(argv[1]);
  badInputs(argv[1], argv[2]);
  tuneTwiceAndLoad(argv[1], argv[2]);
  compileAndLaunch(argv[1], argv[2]);
  return 0;
}
