//===- ResultFiles.cpp - A tuning's result on disk ------------------------===//

#include "tl/Tuner/ResultFiles.h"

#include "tl/Runtime/Kernel.h"
#include "tl/Target/KernelMetadata.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <unistd.h>

using namespace mlir;
using namespace mlir::tl;

static std::string jsonText(llvm::json::Value value, bool pretty = false) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (pretty)
    os << llvm::formatv("{0:2}", value);
  else
    os << value;
  return s;
}

static const std::string *find(const ResultFiles &files, const char *name) {
  auto it = files.find(name);
  return it == files.end() ? nullptr : &it->second;
}

ResultFiles
mlir::tl::makeResultFiles(const std::vector<CandidateRecord> &records, int best,
                          const std::string &bestDir, const std::string &bestIR,
                          const CacheKey &key) {
  const CandidateRecord &b = records[best];
  ResultFiles files;
  files["best_config.json"] = b.configJson;
  files["latency.json"] = jsonText(
      llvm::json::Object{{"latency_ms", b.medianMs},
                         {"samples_ms", llvm::json::Array(b.samples)}});
  for (const char *name :
       {"kernel.so", "kernel.cubin", "kernel.ptx", "kernel.json"})
    if (std::optional<std::string> c = readFile(bestDir + "/" + name))
      files[name] = *c;
  files["kernel.mlir"] = bestIR;
  std::string lines;
  for (const CandidateRecord &c : records)
    lines += recordLine(c) + "\n";
  files["candidates.jsonl"] = lines;
  files["best.txt"] = std::to_string(best);
  llvm::json::Object parts;
  for (const auto &[name, value] : key.parts())
    parts[name] = name == "template" ? sha256Hex(value) : value;
  files["key.json"] = jsonText(std::move(parts), /*pretty=*/true);
  return files;
}

bool mlir::tl::readResultFiles(const ResultFiles &files,
                               std::vector<CandidateRecord> &records, int &best,
                               std::string &why) {
  const std::string *jsonl = find(files, "candidates.jsonl");
  const std::string *bestText = find(files, "best.txt");
  const std::string *kernel = find(files, "kernel.json");
  tlrt::KernelInfo info;
  return parseCandidates(jsonl ? *jsonl : "", bestText ? *bestText : "",
                         records, best, why) &&
         tlrt::parseKernelInfo(kernel ? *kernel : "", info, why);
}

LogicalResult mlir::tl::checkOutputDir(const std::string &dir,
                                       std::string &error) {
  if (llvm::sys::fs::exists(dir) && !llvm::sys::fs::is_directory(dir)) {
    error = "--output " + dir + " is a file, not a directory";
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "--output " + dir + ": cannot create it: " + ec.message();
    return failure();
  }
  if (access(dir.c_str(), W_OK) != 0) {
    error = "--output " + dir + ": not writable";
    return failure();
  }
  return success();
}

LogicalResult mlir::tl::saveResult(const std::string &dir,
                                   const ResultFiles &files,
                                   std::string &error) {
  if (failed(checkOutputDir(dir, error)))
    return failure();
  for (const auto &[name, contents] : files)
    if (failed(writeFile(dir + "/" + name, contents, error)))
      return failure();
  return success();
}
