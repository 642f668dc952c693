//===- Host.cpp - Compile tl kernels to native shared objects -------------===//

#include "tl/Target/Host.h"

#include "tl/Conversion/Passes.h"
#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Target/CapturedDiagnostics.h"
#include "tl/Target/KernelMetadata.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

using namespace mlir;
using namespace mlir::tl;

static void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

/// A TargetMachine for this machine's CPU and features.
static std::unique_ptr<llvm::TargetMachine>
createHostTargetMachine(unsigned optLevel, std::string &error) {
  initializeNativeTarget();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string features;
  for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
    features += (enabled ? "+" : "-") + name.str() + ",";
  auto level = optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                               : llvm::CodeGenOptLevel::None;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features, llvm::TargetOptions(),
      llvm::Reloc::PIC_, std::nullopt, level));
}

FailureOr<std::string> mlir::tl::emitHostObject(Operation *llvmModule,
                                                unsigned optLevel,
                                                std::string &error) {
  std::unique_ptr<llvm::TargetMachine> tm =
      createHostTargetMachine(optLevel, error);
  if (!tm)
    return failure();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(llvmModule, llvmContext);
  if (!module) {
    error = "translation to LLVM IR failed";
    return failure();
  }
  module->setTargetTriple(tm->getTargetTriple());
  module->setDataLayout(tm->createDataLayout());
  auto optimize = makeOptimizingTransformer(optLevel, 0, tm.get());
  if (llvm::Error err = optimize(module.get())) {
    error = "LLVM optimization failed: " + llvm::toString(std::move(err));
    return failure();
  }
  SmallString<0> object;
  llvm::raw_svector_ostream stream(object);
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, stream, nullptr,
                              llvm::CodeGenFileType::ObjectFile)) {
    error = "the host target cannot emit object files";
    return failure();
  }
  codegen.run(*module);
  return std::string(object.str());
}

/// ld.lld: beside the running executable (a bundle), on PATH, or LLVM 22's.
static std::string findLinker(const HostCompileOptions &options) {
  if (!options.linker.empty())
    return options.linker;
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  if (!self.empty()) {
    SmallString<256> beside(llvm::sys::path::parent_path(self));
    llvm::sys::path::append(beside, "ld.lld");
    if (llvm::sys::fs::can_execute(beside))
      return std::string(beside);
  }
  for (StringRef name : {"ld.lld", "ld.lld-22"})
    if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(name))
      return *found;
  if (llvm::sys::fs::can_execute("/usr/lib/llvm-22/bin/ld.lld"))
    return "/usr/lib/llvm-22/bin/ld.lld";
  return "";
}

LogicalResult mlir::tl::linkSharedObject(StringRef objectPath, StringRef soPath,
                                         const HostCompileOptions &options,
                                         std::string &error) {
  std::string linker = findLinker(options);
  if (linker.empty()) {
    error = "no ld.lld found (looked beside the tool, on PATH and in "
            "/usr/lib/llvm-22/bin); install lld-22 or pass its path";
    return failure();
  }
  if (failed(runTool({linker, "-shared", "--no-undefined-version", "-o", soPath,
                      objectPath},
                     options.deadline, error))) {
    error = "linking " + soPath.str() + ": " + error;
    return failure();
  }
  return success();
}

void mlir::tl::preloadPipelineDialects(MLIRContext *ctx) {
  DialectRegistry registry;
  PassManager host(ctx, ModuleOp::getOperationName());
  buildLowerToHostPipeline(host, LowerToHostOptions());
  host.getDependentDialects(registry);
  PassManager cuda(ctx, ModuleOp::getOperationName());
  LowerToNVVMOptions nvvm;
  nvvm.format = "none";
  buildLowerToNVVMPipeline(cuda, nvvm);
  cuda.getDependentDialects(registry);
  ctx->appendDialectRegistry(registry);
  ctx->loadAllAvailableDialects();
}

LogicalResult mlir::tl::compileHostKernel(ModuleOp module, StringRef dir,
                                          const HostCompileOptions &options,
                                          std::string &error) {
  FailureOr<FuncOp> kernel = getSingleKernel(module, error);
  if (failed(kernel))
    return failure();
  std::string symbol = kernel->getSymName().str() + "_packed";
  FailureOr<llvm::json::Object> metadata =
      describeKernel(*kernel, "host", symbol, error);
  if (failed(metadata))
    return failure();

  // Diagnostics of the pipeline become the error message.
  CapturedDiagnostics diagnostics(module.getContext());
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  LowerToHostOptions lowerOptions;
  lowerOptions.vectorWidth = options.vectorWidth;
  buildLowerToHostPipeline(pm, lowerOptions);
  if (failed(pm.run(module))) {
    error = "lowering to the host failed: " + diagnostics.str();
    return failure();
  }
  if (failed(
          checkDeadline(options.deadline, "the lowering to the host", error)))
    return failure();
  FailureOr<std::string> object =
      emitHostObject(module, options.optLevel, error);
  if (failed(object))
    return failure();

  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "cannot create " + dir.str() + ": " + ec.message();
    return failure();
  }
  std::string objectPath = (dir + "/kernel.o").str();
  if (failed(writeFile(objectPath, *object, error)) ||
      failed(linkSharedObject(objectPath, (dir + "/kernel.so").str(), options,
                              error)))
    return failure();
  llvm::sys::fs::remove(objectPath);
  // kernel.json last: a directory with it holds a complete kernel.
  return writeKernelMetadata(dir, std::move(*metadata), error);
}
