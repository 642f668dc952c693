//===- Options.cpp - What a tuning is asked to do -------------------------===//

#include "tl/Tuner/Options.h"
#include "tl/Tuner/Cache.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"

#include <cmath>
#include <thread>

using namespace mlir::tl;

/// Each enum's names, in one table that both directions read.
template <typename Enum> using Name = std::pair<Enum, const char *>;

static const Name<Target> kTargetNames[] = {{Target::Auto, "auto"},
                                            {Target::Cuda, "cuda"},
                                            {Target::Hip, "hip"},
                                            {Target::Host, "host"}};
static const Name<ReferenceKind> kReferenceNames[] = {
    {ReferenceKind::Auto, "auto"},
    {ReferenceKind::Device, "device"},
    {ReferenceKind::Host, "host"},
    {ReferenceKind::None, "none"}};

template <typename Enum, size_t N>
static const char *nameIn(const Name<Enum> (&table)[N], Enum value) {
  for (const auto &[e, name] : table)
    if (e == value)
      return name;
  return table[0].second;
}

template <typename Enum, size_t N>
static std::optional<Enum> parseIn(const Name<Enum> (&table)[N],
                                   llvm::StringRef name) {
  for (const auto &[e, text] : table)
    if (name == text)
      return e;
  return std::nullopt;
}

const char *mlir::tl::targetName(Target target) {
  return nameIn(kTargetNames, target);
}
std::optional<Target> mlir::tl::parseTarget(llvm::StringRef name) {
  return parseIn(kTargetNames, name);
}
const char *mlir::tl::referenceName(ReferenceKind kind) {
  return nameIn(kReferenceNames, kind);
}
std::optional<ReferenceKind> mlir::tl::parseReference(llvm::StringRef name) {
  return parseIn(kReferenceNames, name);
}

std::string ProfileOptions::keyText() const {
  std::string text = llvm::formatv(
      "warmup={0} rep={1} supply={2} seed={3} rtol={4} atol={5} ratio={6} "
      "skip={7} threads={8} prune={9} warmup_ms={10} rep_ms={11} "
      "timeout={12}",
      warmup, rep, tlrt::supplyTypeName(supply), seed, tolerance.rtol,
      tolerance.atol, tolerance.maxMismatchedRatio, skipCheck, hostThreads,
      pruneRatio, warmupMs, repMs, timeoutSeconds);
  for (const std::string &f : inputFiles)
    text += " input=" + sha256Hex(readFile(f).value_or(f));
  for (const std::string &f : refFiles)
    text += " ref=" + sha256Hex(readFile(f).value_or(f));
  for (int o : outIdx)
    text += " out=" + std::to_string(o);
  if (!checkIdentity.empty())
    text += " check=" + sha256Hex(checkIdentity);
  text += std::string(" reference=") + referenceName(reference);
  return text;
}

std::optional<std::string> mlir::tl::checkRanges(const TuneOptions &o) {
  // NaN fails every comparison, so the checks are written as what is
  // allowed.
  const ProfileOptions &p = o.profile;
  if (!(p.warmup >= 0 && p.warmup <= 1000000 && p.rep >= 1 && p.rep <= 1000000))
    return std::string("--warmup must be 0 to 1000000 and --rep 1 to 1000000");
  if (!(p.warmupMs >= 0 && p.repMs >= 0 && p.warmupMs <= 600000 &&
        p.repMs <= 600000))
    return std::string(
        "--warmup-ms and --rep-ms must be 0 to 600000 (10 minutes)");
  if (!(o.compileTimeoutSeconds >= 0 && o.compileTimeoutSeconds <= 86400))
    return std::string("--compile-timeout must be 0 (no limit) to 86400 s");
  if (!(p.timeoutSeconds > 0 && p.timeoutSeconds <= 86400))
    return std::string("--timeout must be more than 0 and at most 86400 s");
  if (p.hostThreads > 1024)
    return std::string("--host-threads must be at most 1024");
  if (!(p.pruneRatio == 0 || p.pruneRatio >= 1))
    return std::string("--prune-ratio must be 0 (off) or >= 1");
  const tlrt::Tolerance &t = p.tolerance;
  if (!(t.rtol >= 0 && t.atol >= 0 && std::isfinite(t.rtol) &&
        std::isfinite(t.atol)))
    return std::string("--rtol and --atol must be finite and >= 0");
  if (!(t.maxMismatchedRatio >= 0 && t.maxMismatchedRatio <= 1))
    return std::string("--max-mismatched-ratio must be between 0 and 1");
  if (o.expand.maxConfigs < 1)
    return std::string("--max-configs must be at least 1");
  if (o.target == Target::Hip) {
    if (std::optional<std::string> bad = checkMma(o.target, o.hip.mma))
      return bad;
    // Empty: the chip of the HIP device found.
    if (!o.hip.chip.empty() && !llvm::StringRef(o.hip.chip).starts_with("gfx"))
      return "--chip " + o.hip.chip +
             " is not an AMD chip (gfx90a, gfx942, ...) for --target hip";
    return std::nullopt;
  }
  return checkMma(o.target, o.cuda.mma);
}

std::optional<std::string> mlir::tl::checkMma(Target target,
                                              const std::string &mma) {
  bool nvidia = mma == "wgmma" || mma == "mma.sync";
  bool amd = mma == "mfma";
  bool any = mma == "auto" || mma == "simt";
  switch (target) {
  case Target::Hip:
    if (any || amd)
      return std::nullopt;
    return "--mma must be auto, mfma or simt for --target hip, not '" + mma +
           "'";
  case Target::Auto:
    // Either GPU may be found.
    if (any || amd || nvidia)
      return std::nullopt;
    return "--mma must be auto, wgmma, mma.sync, mfma or simt, not '" + mma +
           "'";
  default:
    if (any || nvidia)
      return std::nullopt;
    return "--mma must be auto, wgmma, mma.sync or simt, not '" + mma + "'";
  }
}

/// The guide's CPU variables: unset (or empty) gives `fallback`; a value out
/// of range or not a number is the user's mistake, said as such.
static std::optional<double> cpuVariable(const char *name, bool fraction,
                                         double fallback, std::string &error) {
  std::optional<std::string> v = llvm::sys::Process::GetEnv(name);
  if (!v || llvm::StringRef(*v).trim().empty())
    return fallback;
  double d;
  bool number = !llvm::StringRef(*v).trim().getAsDouble(d) && std::isfinite(d);
  bool ok = number && (fraction ? d > 0 && d <= 1
                                : d == -1 || (d >= 1 && d <= kMaxCompileJobs &&
                                              d == std::floor(d)));
  if (ok)
    return d;
  error = llvm::formatv("{0}={1} is not {2}", name, *v,
                        fraction ? "a fraction in (0, 1]"
                                 : "-1 or an integer from 1 to 1024")
              .str();
  return std::nullopt;
}

std::optional<unsigned> mlir::tl::compileJobs(uint64_t requested,
                                              std::string &error) {
  unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  if (requested > kMaxCompileJobs) {
    error = "--jobs asks for " + std::to_string(requested) +
            " compile threads; at most " + std::to_string(kMaxCompileJobs) +
            " are allowed (this machine has " + std::to_string(cpus) + " CPUs)";
    return std::nullopt;
  }
  if (requested)
    return static_cast<unsigned>(requested);
  std::optional<double> utilization, counts, maxCount;
  if (!(utilization = cpuVariable("TILELANG_AUTO_TUNING_CPU_UTILITIES", true,
                                  0.9, error)) ||
      !(counts =
            cpuVariable("TILELANG_AUTO_TUNING_CPU_COUNTS", false, -1, error)) ||
      !(maxCount = cpuVariable("TILELANG_AUTO_TUNING_MAX_CPU_COUNT", false, -1,
                               error)))
    return std::nullopt;
  unsigned jobs = *counts > 0 ? static_cast<unsigned>(*counts)
                              : static_cast<unsigned>(cpus * *utilization);
  if (*maxCount > 0)
    jobs = std::min(jobs, static_cast<unsigned>(*maxCount));
  return std::max(1u, jobs);
}
