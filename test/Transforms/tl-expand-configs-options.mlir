// Bad pass options: each error names the option, the input and the fix.
// RUN: not tl-opt %s --tl-expand-configs="target=sm_75" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not tl-opt %s --tl-expand-configs="instantiate=M" 2>&1 | FileCheck %s --check-prefix=INSTANTIATE
// RUN: not tl-opt %s --tl-expand-configs="configs-file=%S/Inputs/does-not-exist.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not tl-opt %s --tl-expand-configs="configs-file=%S/Inputs/bad.json" 2>&1 | FileCheck %s --check-prefix=BADJSON
// RUN: not tl-opt %s --tl-expand-configs="configs-file=%S/Inputs/empty.json" 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not tl-opt %s --tl-expand-configs="configs-file=%S/Inputs/unknown-key.json" 2>&1 | FileCheck %s --check-prefix=UNKNOWNKEY
// RUN: not tl-opt %s --tl-expand-configs="constraint='block_M >'" 2>&1 | FileCheck %s --check-prefix=CONSTRAINT
// RUN: not tl-opt %s --tl-expand-configs="func=nope" 2>&1 | FileCheck %s --check-prefix=FUNC
// RUN: not tl-opt %s --tl-expand-configs="report=/nonexistent-dir/report.json" 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not tl-opt %s --tl-expand-configs="instantiate=block_M=64,block_M=128" 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: %python -c "print('(' * 10000 + '1' + ')' * 10000)" > %t.deep
// RUN: not tl-opt %s --tl-expand-configs="constraint='$(cat %t.deep)'" 2>&1 | FileCheck %s --check-prefix=DEEP
// RUN: not tl-opt %s --tl-expand-configs="constraint='(-9223372036854775807 - 1) / -1 > 0'" 2>&1 | FileCheck %s --check-prefix=OVERFLOW

// TARGET: error: tl-expand-configs: unknown target 'sm_75'; known targets: sm_80, sm_86, sm_89, sm_90, sm_90a, gfx90a, gfx942, host
// INSTANTIATE: error: tl-expand-configs: instantiate: expected NAME=INTEGER, got 'M' (example: instantiate=M=4096,N=4096,K=4096)
// MISSING: error: tl-expand-configs: configs-file '{{.*}}does-not-exist.json': cannot open input file
// BADJSON: error: tl-expand-configs: configs-file '{{.*}}bad.json' is not valid JSON: [2:0, byte=15]: Expected , or } after object property
// EMPTY: error: No configurations to tune: the config space of 'small' is empty
// UNKNOWNKEY: error: config 0 {block_M = 64, block_Q = 2}: the config names unknown parameter 'block_Q'; the template's parameters are block_M, block_N
// CONSTRAINT: error: tl-expand-configs: constraint 'block_M >' column 10: expected a value at the end
// FUNC: error: tl-expand-configs: no template named 'nope' (a tl.func with params) in the module
// REPORT: error: tl-expand-configs: cannot write report '/nonexistent-dir/report.json'
// TWICE: error: tl-expand-configs: instantiate: 'block_M' is given twice; give each parameter once
// DEEP: error: tl-expand-configs: constraint '{{.*}}' column 257: nested deeper than 256 levels; split it into several constraints
// OVERFLOW: remark: config 0 {} dropped: constraint '(-9223372036854775807 - 1) / -1 > 0' overflows 64 bits computing -9223372036854775808 / -1

tl.func @small() attributes {params = [#tl.param<"block_M" : index = 64>,
                                       #tl.param<"block_N" : index = 64>]} {
  tl.return
}
