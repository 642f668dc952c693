//===- Workload.h - The inputs every candidate runs on ----------*- C++ -*-===//
//
// A tuning's workload: the inputs (read from .npy files and held, or
// described by a seeded generator and made where they are used: in the
// worker, in the host reference's process; identical across candidates and
// worker restarts), which arguments are outputs, and the reference outputs
// when they were given.
// ArgumentBinding turns buffers into the argument array a kernel launch
// takes; the worker, the host reference and --load all bind through it.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_WORKLOAD_H
#define TL_TUNER_WORKLOAD_H

#include "tl/Runtime/Kernel.h"
#include "tl/Runtime/Supply.h"
#include "tl/Tuner/Options.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

/// A reference output: its values in their own element type.
struct Reference {
  tlrt::DType dtype;
  std::vector<unsigned char> data;
};

/// An input that is generated rather than held: fillBuffer's supply type
/// and seed. At 8192^3 the inputs are 256 MB: generating them where they
/// are needed costs less than carrying them there.
struct GeneratedInput {
  tlrt::SupplyType supply = tlrt::SupplyType::Auto;
  uint64_t seed = 0;
};

struct Workload {
  tlrt::KernelInfo signature;
  /// Per argument: the bytes of an input read from a file; empty for a
  /// generated input, an output or a scalar.
  std::vector<std::vector<unsigned char>> hostArgs;
  std::vector<std::optional<GeneratedInput>> generated; // per argument
  std::vector<double> scalarValues;                     // per arg (scalars)
  std::vector<size_t> outputs;                          // argument indices
  std::vector<Reference> reference;                     // per output, if given
  /// Where the host reference writes the outputs' bytes, one after the
  /// other, when they were not given.
  std::string referenceFile;

  bool isOutput(size_t arg) const;
  /// Tensor argument `arg`'s initial bytes: the held ones, or generated
  /// into `scratch` (an output: zeros).
  const unsigned char *initialBytes(size_t arg,
                                    std::vector<unsigned char> &scratch) const;
};

/// Builds the inputs from the signature in `kernelJson` (any compiled
/// config's, or the reference's: one template, one signature) as
/// `profile` asks, and reads its --ref outputs; false with `error` naming
/// the option or file at fault.
bool buildWorkload(const ProfileOptions &profile, const std::string &kernelJson,
                   Workload &workload, std::string &error);

/// What a worker process needs, as the file a worker started with exec
/// (tl-worker) reads: the workload, the device, and how outputs are
/// compared. Writer and reader side by side. Generated inputs travel as
/// their generator.
struct WorkerSetup {
  Workload work;
  /// The kind of device candidates run on ("cuda", "hip", "host", as
  /// tlrt::createDevice takes it); each worker is given its ordinal.
  std::string device = "host";
  unsigned hostThreads = 0;
  tlrt::Tolerance tolerance;
};

/// One JSON header line (the signature as kernel.json, outputs, scalars,
/// generators, the reference's file and dtypes, the device, the
/// tolerances), then the bytes of every held input and given reference
/// output, in order.
bool writeWorkerSetup(const WorkerSetup &setup, const std::string &path,
                      std::string &error);
/// nullopt with `error` naming the file and what is wrong with it.
std::optional<WorkerSetup> readWorkerSetup(const std::string &path,
                                           std::string &error);

/// False with `error` when `copies` host copies of every tensor of `info`
/// (one more for each output in `outputs`) need more than half of this
/// machine's memory: refused before anything is allocated.
bool fitsHostMemory(const tlrt::KernelInfo &info,
                    const std::vector<size_t> &outputs, uint64_t copies,
                    std::string &error);

/// The argument array of one launch: args[i] points at argument i's value
/// (a tensor's data pointer, or a scalar's storage).
class ArgumentBinding {
public:
  /// Binds every argument of `info`: tensors to `tensor(i)` (null fails the
  /// binding), scalars to `scalar(i)` stored in their dtype.
  bool bind(const tlrt::KernelInfo &info,
            const std::function<void *(size_t)> &tensor,
            const std::function<double(size_t)> &scalar);
  void **argv() { return args.data(); }
  void *pointer(size_t i) const { return pointers[i]; }

private:
  std::vector<void *> pointers, args;
  std::vector<uint64_t> scalars;
};

} // namespace mlir::tl

#endif // TL_TUNER_WORKLOAD_H
