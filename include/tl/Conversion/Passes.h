//===- Passes.h - tl conversion passes --------------------------*- C++ -*-===//

#ifndef TL_CONVERSION_PASSES_H
#define TL_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tl {

#define GEN_PASS_DECL
#include "tl/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tl/Conversion/Passes.h.inc"

/// Options of the `tl-lower-to-host` pipeline.
struct LowerToHostOptions : public PassPipelineOptions<LowerToHostOptions> {
  PassOptions::Option<unsigned> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes of the gemm micro-kernel's vectors"),
      llvm::cl::init(8)};
};

/// tl-convert-to-host, then the upstream lowerings to the LLVM dialect (bare
/// pointer calling convention), then tl-host-entry-points: specialized tl
/// kernels to an LLVM-dialect module ready for translation to LLVM IR.
void buildLowerToHostPipeline(OpPassManager &pm,
                              const LowerToHostOptions &options);

/// Registers the named pipelines (`tl-lower-to-host`).
void registerTLPipelines();

} // namespace mlir::tl

#endif // TL_CONVERSION_PASSES_H
