//===- Dialects.cpp - The tl dialect through the C API --------------------===//

#include "tl-c/Dialects.h"
#include "tl-c/Passes.h"

#include "tl/Dialect/TL/IR/TLDialect.h"
#include "tl/InitAll.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(TL, tl, mlir::tl::TLDialect)

void tlRegisterAllDialects(MlirDialectRegistry registry) {
  mlir::tl::registerAllDialects(*unwrap(registry));
}

void tlRegisterAllPasses(void) { mlir::tl::registerAllPasses(); }

MlirStringRef tlGetVersion(void) {
  return wrap(llvm::StringRef(TL_VERSION_STRING));
}
