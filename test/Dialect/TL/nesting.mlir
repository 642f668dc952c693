// tl regions nest at most 2048 deep in parsed text: deeper input (which
// would overflow the parser's stack) is an error; 2,000 levels still lower.
// RUN: %python %S/Inputs/deep_nesting.py 2049 > %t.deep.mlir
// RUN: not tl-opt %t.deep.mlir 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: %python %S/Inputs/deep_nesting.py 2000 > %t.ok.mlir
// RUN: tl-opt %t.ok.mlir --tl-lower-to-host | FileCheck %s --check-prefix=OK

// Any text nested deeper than 2560 brackets is refused before it is parsed
// (MLIR's parser overflowed its stack near 7,000 levels), by every tool; a
// string literal's brackets do not count.
// RUN: %python %S/Inputs/deep_nesting.py 7000 --attribute > %t.attr.mlir
// RUN: not tl-opt %t.attr.mlir 2>&1 | FileCheck %s --check-prefix=ATTR
// RUN: not tl-compile %t.attr.mlir --target=host -o %t.out 2>&1 | FileCheck %s --check-prefix=ATTR
// RUN: not tl-tune %t.attr.mlir --target=host 2>&1 | FileCheck %s --check-prefix=ATTR
// RUN: %python %S/Inputs/deep_nesting.py 2500 --attribute | tl-opt | FileCheck %s --check-prefix=ATTR-OK
// RUN: %python -c "print('tl.func @s() attributes {x = \"' + '[' * 7000 + '\"} { tl.return }')" | tl-opt | FileCheck %s --check-prefix=STRING
// ATTR: nesting.mlir.tmp.attr.mlir:1:2592: error: brackets nested deeper than 2560 levels; the MLIR parser would overflow its stack: nest less (flatten the loops, split the attribute)
// ATTR-OK: tl.func @deep() attributes {x = {{\[+}}
// STRING: tl.func @s() attributes {x = "{{\[\[\[}}

// DEEP: error: custom op 'tl.parallel' tl regions nested deeper than 2048 levels; flatten the loops
// OK: llvm.func @deep_packed
