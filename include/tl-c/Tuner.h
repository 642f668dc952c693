/*===- tl-c/Tuner.h - The autotuner through the C API -------------*- C -*-===*\
|*                                                                            *|
|* The tuner behind an opaque options handle with one setter per option (the  *|
|* shape of CIRCT's circt-c/Firtool.h): tune a template and read the result   *|
|* (best config, latency, every candidate's record, the binary's directory),  *|
|* compile a config space without tuning (the guide's par_compile), load a    *|
|* saved result; errors and compiled kernels as tl-c/Runtime.h says.          *|
|*                                                                            *|
|* Strings in are MlirStringRef (copied); strings out are valid while the     *|
|* handle that gave them lives. A call that fails returns a null handle (or   *|
|* false) and, when `error` is not NULL, sets *error to a TlError the caller  *|
|* destroys; nothing aborts the caller's process.                             *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef TL_C_TUNER_H
#define TL_C_TUNER_H

#include "tl-c/Runtime.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TL_DEFINE_C_API_STRUCT(name)                                           \
  struct name {                                                                \
    void *ptr;                                                                 \
  };                                                                           \
  typedef struct name name

TL_DEFINE_C_API_STRUCT(TlTuneOptions);
TL_DEFINE_C_API_STRUCT(TlTuneResult);
TL_DEFINE_C_API_STRUCT(TlCompileResult);

#undef TL_DEFINE_C_API_STRUCT

//===----------------------------------------------------------------------===//
// Options (tl-tune's command-line options, one setter each)
//===----------------------------------------------------------------------===//

MLIR_CAPI_EXPORTED TlTuneOptions tlTuneOptionsCreate(void);
MLIR_CAPI_EXPORTED void tlTuneOptionsDestroy(TlTuneOptions options);

/// The template's .mlir file.
MLIR_CAPI_EXPORTED void tlTuneOptionsSetInput(TlTuneOptions o,
                                              MlirStringRef path);
// Expansion (tl-expand-configs' options).
MLIR_CAPI_EXPORTED void tlTuneOptionsSetInstantiate(TlTuneOptions o,
                                                    MlirStringRef values);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetConfigsFile(TlTuneOptions o,
                                                    MlirStringRef path);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetConstraint(TlTuneOptions o,
                                                   MlirStringRef expression);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetFunc(TlTuneOptions o,
                                             MlirStringRef name);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetMaxConfigs(TlTuneOptions o, int64_t n);
// Compilation.
/// "auto", "cuda", "hip" or "host" (another name fails the run that uses it).
MLIR_CAPI_EXPORTED void tlTuneOptionsSetTarget(TlTuneOptions o,
                                               MlirStringRef target);
/// The chip (empty: the device's; compiling without one, sm_90a or gfx942).
MLIR_CAPI_EXPORTED void tlTuneOptionsSetChip(TlTuneOptions o,
                                             MlirStringRef chip);
/// The GPUs candidates run on, one worker each: "all" (or empty: every
/// visible device of device 0's model) or ordinals "0,1".
MLIR_CAPI_EXPORTED void tlTuneOptionsSetDevices(TlTuneOptions o,
                                                MlirStringRef devices);
/// "auto", "wgmma", "mma.sync" or "simt" ("auto", "mfma" or "simt" on HIP).
MLIR_CAPI_EXPORTED void tlTuneOptionsSetMma(TlTuneOptions o, MlirStringRef mma);
/// On sm_90a: TMA loads for pipelined wgmma operands (default true), a
/// producer warpgroup for them (default false).
MLIR_CAPI_EXPORTED void tlTuneOptionsSetTma(TlTuneOptions o, bool tma);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetWarpSpecialize(TlTuneOptions o,
                                                       bool warpSpecialize);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetJobs(TlTuneOptions o, uint64_t jobs);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetCompileTimeout(TlTuneOptions o,
                                                       double seconds);
// Profiling and validation.
MLIR_CAPI_EXPORTED void tlTuneOptionsSetWarmup(TlTuneOptions o, int runs);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetRep(TlTuneOptions o, int runs);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetWarmupMs(TlTuneOptions o, double ms);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetRepMs(TlTuneOptions o, double ms);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetPruneRatio(TlTuneOptions o,
                                                   double ratio);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetTimeout(TlTuneOptions o,
                                                double seconds);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetHostThreads(TlTuneOptions o,
                                                    unsigned threads);
/// "auto", "integer", "uniform", "normal", "randn", "zero" or "one".
MLIR_CAPI_EXPORTED void tlTuneOptionsSetSupplyType(TlTuneOptions o,
                                                   MlirStringRef type);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetSeed(TlTuneOptions o, uint64_t seed);
/// The search: "exhaustive" (default), "random", "halving" or "model"
/// (tl-tune --strategy; another name fails the run), drawn with the seed.
MLIR_CAPI_EXPORTED void tlTuneOptionsSetStrategy(TlTuneOptions o,
                                                 MlirStringRef strategy);
/// The search's budget: at most `configs` configs (0: no limit) ...
MLIR_CAPI_EXPORTED void tlTuneOptionsSetBudget(TlTuneOptions o,
                                               uint64_t configs);
/// ... and no config proposed after `seconds` of search (0: no limit).
MLIR_CAPI_EXPORTED void tlTuneOptionsSetBudgetSeconds(TlTuneOptions o,
                                                      double seconds);
/// Appends a .npy file for the next input tensor / output reference.
MLIR_CAPI_EXPORTED void tlTuneOptionsAddInputFile(TlTuneOptions o,
                                                  MlirStringRef path);
MLIR_CAPI_EXPORTED void tlTuneOptionsAddRefFile(TlTuneOptions o,
                                                MlirStringRef path);
/// The output arguments (negative: from the end); default {-1}.
MLIR_CAPI_EXPORTED void tlTuneOptionsSetOutIdx(TlTuneOptions o,
                                               const int *indices, intptr_t n);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetTolerance(TlTuneOptions o, double rtol,
                                                  double atol,
                                                  double maxMismatchedRatio);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetSkipCheck(TlTuneOptions o, bool skip);
/// What candidates are checked against without reference files: "auto",
/// "device", "host" or "none" (tl-tune's --reference).
MLIR_CAPI_EXPORTED void tlTuneOptionsSetReference(TlTuneOptions o,
                                                  MlirStringRef reference);

/// The caller's own check of each candidate's outputs (a Python ref_prog, a
/// manual_check_prog): called once per candidate that ran, in the calling
/// thread, with the candidate's index and a file holding its outputs' bytes
/// one after the other (in argument order, each as kernel.json says);
/// returning false rejects the candidate (check_failed) with the message
/// written into `message` (at most `messageSize` bytes, NUL-terminated).
typedef bool (*TlCheckOutputsCallback)(void *userData, intptr_t candidate,
                                       MlirStringRef outputsFile, char *message,
                                       size_t messageSize);
/// Sets the check; `identity` (its source text, say) is part of the cache
/// key, so that another check does not reuse this one's results.
MLIR_CAPI_EXPORTED void
tlTuneOptionsSetCheckCallback(TlTuneOptions o, TlCheckOutputsCallback callback,
                              void *userData, MlirStringRef identity);
// Caching and results.
MLIR_CAPI_EXPORTED void tlTuneOptionsSetCacheDir(TlTuneOptions o,
                                                 MlirStringRef dir);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetNoCache(TlTuneOptions o, bool noCache);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetOutputDir(TlTuneOptions o,
                                                  MlirStringRef dir);
MLIR_CAPI_EXPORTED void tlTuneOptionsSetLogFile(TlTuneOptions o,
                                                MlirStringRef path);

//===----------------------------------------------------------------------===//
// Tuning and its result
//===----------------------------------------------------------------------===//

/// Tunes as tl-tune does. A tuning where every candidate failed is a result
/// (best index -1), not an error. The workers are forked from the calling
/// process: on a CUDA target, call it before the process initializes CUDA
/// itself (a forked child cannot use CUDA its parent initialized).
MLIR_CAPI_EXPORTED TlTuneResult tlTune(TlTuneOptions options, TlError *error);
/// Reads a result saved with an output directory (or a cache entry) back.
MLIR_CAPI_EXPORTED TlTuneResult tlLoadResult(MlirStringRef dir, TlError *error);
MLIR_CAPI_EXPORTED void tlTuneResultDestroy(TlTuneResult result);

MLIR_CAPI_EXPORTED bool tlTuneResultIsNull(TlTuneResult result);
/// The best candidate's index, or -1 when none passed.
MLIR_CAPI_EXPORTED intptr_t tlTuneResultGetBestIndex(TlTuneResult result);
/// The best config as a JSON object ("" when none passed).
MLIR_CAPI_EXPORTED MlirStringRef tlTuneResultGetBestConfig(TlTuneResult result);
/// The best candidate's median latency in ms (0 when none passed).
MLIR_CAPI_EXPORTED double tlTuneResultGetBestLatencyMs(TlTuneResult result);
/// The directory with the best binary and its kernel.json (the cache entry,
/// else the output directory; "" when it was neither cached nor saved).
MLIR_CAPI_EXPORTED MlirStringRef tlTuneResultGetBestDir(TlTuneResult result);
/// "host" or the chip.
MLIR_CAPI_EXPORTED MlirStringRef tlTuneResultGetTarget(TlTuneResult result);
MLIR_CAPI_EXPORTED bool tlTuneResultIsFromCache(TlTuneResult result);
MLIR_CAPI_EXPORTED double tlTuneResultGetTuningSeconds(TlTuneResult result);
MLIR_CAPI_EXPORTED intptr_t tlTuneResultGetNumCandidates(TlTuneResult result);
/// Candidate `i`'s record: one JSON object, as in candidates.jsonl.
MLIR_CAPI_EXPORTED MlirStringRef tlTuneResultGetCandidate(TlTuneResult result,
                                                          intptr_t i);

//===----------------------------------------------------------------------===//
// Compiling without tuning (par_compile)
//===----------------------------------------------------------------------===//

/// Compiles every config of the template (the options' expansion and
/// target, which must be cuda or host) into `outputDir`, in parallel.
/// `configsJson`, when not empty, is the space: a JSON list of
/// {parameter: value} objects. A config that fails is in the result.
MLIR_CAPI_EXPORTED TlCompileResult tlCompileConfigs(TlTuneOptions options,
                                                    MlirStringRef configsJson,
                                                    MlirStringRef outputDir,
                                                    TlError *error);
MLIR_CAPI_EXPORTED void tlCompileResultDestroy(TlCompileResult result);
MLIR_CAPI_EXPORTED bool tlCompileResultIsNull(TlCompileResult result);
MLIR_CAPI_EXPORTED intptr_t tlCompileResultGetNumKernels(TlCompileResult r);
MLIR_CAPI_EXPORTED MlirStringRef tlCompileResultGetName(TlCompileResult r,
                                                        intptr_t i);
MLIR_CAPI_EXPORTED MlirStringRef tlCompileResultGetConfig(TlCompileResult r,
                                                          intptr_t i);
/// The kernel's directory (binary + kernel.json).
MLIR_CAPI_EXPORTED MlirStringRef tlCompileResultGetDir(TlCompileResult r,
                                                       intptr_t i);
/// "" when config `i` compiled, else why not.
MLIR_CAPI_EXPORTED MlirStringRef tlCompileResultGetError(TlCompileResult r,
                                                         intptr_t i);

#ifdef __cplusplus
}
#endif

#endif // TL_C_TUNER_H
