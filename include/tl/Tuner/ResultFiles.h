//===- ResultFiles.h - A tuning's result on disk ----------------*- C++ -*-===//
//
// The guide's files of a result (best_config.json, latency.json, the
// binary and its kernel.json, kernel.mlir) plus candidates.jsonl, best.txt
// and key.json: written as a cache entry or to --output (save_to_disk),
// read back from either (load_from_disk).
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_RESULTFILES_H
#define TL_TUNER_RESULTFILES_H

#include "tl/Tuner/Cache.h"
#include "tl/Tuner/Records.h"

#include "mlir/Support/LLVM.h"

#include <map>
#include <string>
#include <vector>

namespace mlir::tl {

using ResultFiles = std::map<std::string, std::string>;

/// The files of a result whose best candidate `best` was compiled into
/// `bestDir` from `bestIR`, tuned under `key`.
ResultFiles makeResultFiles(const std::vector<CandidateRecord> &records,
                            int best, const std::string &bestDir,
                            const std::string &bestIR, const CacheKey &key);

/// Reads a result's records back; false with `why` when the files are not
/// a sound result (the cache entry is then rebuilt).
bool readResultFiles(const ResultFiles &files,
                     std::vector<CandidateRecord> &records, int &best,
                     std::string &why);

/// Checks that `dir` is, or can be made, a writable directory (before any
/// tuning, so that a bad --output costs nothing).
LogicalResult checkOutputDir(const std::string &dir, std::string &error);

/// Writes `files` into `dir` (the guide's save_to_disk).
LogicalResult saveResult(const std::string &dir, const ResultFiles &files,
                         std::string &error);

} // namespace mlir::tl

#endif // TL_TUNER_RESULTFILES_H
