//===- tl-opt.cpp - The tl optimizer driver -------------------------------===//
//
// mlir-opt for the tl dialect: parses, verifies, runs any registered pass or
// pipeline, prints.
//
//===----------------------------------------------------------------------===//

#include "tl/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::tl::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::tl::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "TileMLIR optimizer driver\n", registry));
}
