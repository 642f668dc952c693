// tl regions nest at most 2048 deep in parsed text: deeper input (which
// would overflow the parser's stack) is an error; 2,000 levels still lower.
// RUN: %python %S/Inputs/deep_nesting.py 2049 > %t.deep.mlir
// RUN: not tl-opt %t.deep.mlir 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: %python %S/Inputs/deep_nesting.py 2000 > %t.ok.mlir
// RUN: tl-opt %t.ok.mlir --tl-lower-to-host | FileCheck %s --check-prefix=OK

// DEEP: error: custom op 'tl.parallel' tl regions nested deeper than 2048 levels; flatten the loops
// OK: llvm.func @deep_packed
