//===- embed-opt.cpp - A framework's tool with tl inside ------------------===//
//
// What a framework that embeds TileMLIR writes: its own dialects (here two
// upstream ones stand for them) and tl registered side by side, every pass
// of both available, MLIR's opt driver around them.
//
//   embed-opt --tl-expand-configs="instantiate=M=4096,N=4096,K=4096" matmul.mlir
//
//===----------------------------------------------------------------------===//

#include "tl/Dialect/TL/IR/TLDialect.h"
#include "tl/InitAll.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  // The framework's dialects...
  registry.insert<mlir::func::FuncDialect, mlir::arith::ArithDialect>();
  mlir::registerTransformsPasses();
  // ...and TileMLIR's: the tl dialect, what its pipelines lower to, and
  // every tl pass and pipeline.
  mlir::tl::registerAllDialects(registry);
  mlir::tl::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "embed-opt: a framework with tl\n",
                        registry));
}
