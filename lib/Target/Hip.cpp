//===- Hip.cpp - Compile tl kernels to HSACO ------------------------------===//

#include "tl/Target/Hip.h"

#include "tl/Conversion/Passes.h"
#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Target/GpuModule.h"
#include "tl/Target/KernelMetadata.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/BinaryFormat/MsgPackDocument.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::tl;

/// The lowering's options from the compile's (one place, so that the cache
/// key sees what the lowering gets); the code object is made apart.
static void fillLowering(const HipCompileOptions &options,
                         LowerToROCDLOptions &lower) {
  lower.chip = options.chip;
  lower.optLevel = options.optLevel;
  lower.mma = options.mma;
  lower.format = "none";
}

/// The register, spill and memory figures the code object `hsaco` records
/// for kernel `symbol` (its AMDGPU metadata note, a MessagePack map per
/// kernel), by their names without the leading dot.
static LogicalResult
readCodeObjectResources(StringRef hsaco, StringRef symbol,
                        std::map<std::string, int64_t> &out,
                        std::string &error) {
  auto fail = [&](const Twine &why) {
    error = ("cannot read the code object's metadata: " + why).str();
    return failure();
  };
  auto elf = llvm::object::ELF64LEFile::create(hsaco);
  if (!elf)
    return fail(llvm::toString(elf.takeError()));
  auto sections = elf->sections();
  if (!sections)
    return fail(llvm::toString(sections.takeError()));
  for (const auto &section : *sections) {
    if (section.sh_type != llvm::ELF::SHT_NOTE)
      continue;
    llvm::Error err = llvm::Error::success();
    for (const auto &note : elf->notes(section, err)) {
      if (note.getName() != "AMDGPU" ||
          note.getType() != llvm::ELF::NT_AMDGPU_METADATA)
        continue;
      llvm::msgpack::Document doc;
      ArrayRef<uint8_t> desc = note.getDesc(section.sh_addralign);
      if (!doc.readFromBlob(
              StringRef(reinterpret_cast<const char *>(desc.data()),
                        desc.size()),
              /*Multi=*/false))
        return fail("its metadata note is not MessagePack");
      auto &root = doc.getRoot().getMap(/*Convert=*/true);
      auto &kernels = root["amdhsa.kernels"].getArray(/*Convert=*/true);
      for (auto &kernel : kernels) {
        auto &fields = kernel.getMap(/*Convert=*/true);
        if (fields[".name"].getString() != symbol)
          continue;
        for (auto &[key, value] : fields) {
          StringRef name = key.getString();
          if (value.getKind() == llvm::msgpack::Type::UInt &&
              (name.ends_with("_count") || name.ends_with("_size")))
            out[name.drop_front().str()] =
                static_cast<int64_t>(value.getUInt());
        }
        return success();
      }
    }
    if (err)
      return fail(llvm::toString(std::move(err)));
  }
  return fail("no AMDGPU metadata for kernel '" + symbol + "'");
}

std::string mlir::tl::describeCompile(const HipCompileOptions &options) {
  LowerToROCDLOptions lower;
  fillLowering(options, lower);
  std::string text = "tl-lower-to-rocdl";
  llvm::raw_string_ostream os(text);
  lower.print(os);
  os << " gpu-module-to-binary format=bin ld.lld";
  return text;
}

LogicalResult mlir::tl::compileHipKernel(ModuleOp module, StringRef dir,
                                         const HipCompileOptions &options,
                                         std::string &error) {
  FailureOr<FuncOp> kernel = getSingleKernel(module, error);
  if (failed(kernel))
    return failure();
  std::string name = kernel->getSymName().str();
  FailureOr<tlrt::KernelInfo> metadata =
      describeKernel(*kernel, options.chip, name, error);
  if (failed(metadata))
    return failure();
  LowerToROCDLOptions lower;
  fillLowering(options, lower);
  if (failed(verifyPipelineOptions(lower, error)))
    return failure();
  std::string toolkit = findRocmToolkit(options.toolkit, error);
  if (toolkit.empty())
    return failure();

  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  buildLowerToROCDLPipeline(pm, lower);
  if (failed(runCapturing(pm, module, error))) {
    error = "lowering to ROCDL failed: " + error;
    return failure();
  }
  // The dynamic LDS the launch gives the kernel, from the lowering.
  if (failed(readLoweredLaunch(module, *metadata, error)) ||
      failed(checkDeadline(options.deadline, "the lowering to ROCDL", error)))
    return failure();
  FailureOr<std::string> hsaco =
      serializeGpuModule(module, "bin", toolkit, error);
  if (failed(hsaco)) {
    error = "making the code object failed: " + error;
    return failure();
  }
  if (failed(readCodeObjectResources(*hsaco, metadata->symbol,
                                     metadata->binaryResources, error)))
    return failure();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "cannot create " + dir.str() + ": " + ec.message();
    return failure();
  }
  // kernel.json last: a directory with it holds a complete kernel.
  if (failed(writeFile((dir + "/kernel.hsaco").str(), *hsaco, error)))
    return failure();
  return writeKernelMetadata(dir, *metadata, error);
}
