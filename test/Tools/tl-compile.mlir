// tl-compile builds every config in parallel; with several jobs on one
// context (the host pipeline loads dialects a pass manager would otherwise
// load while other configs compile).
// RUN: rm -rf %t && tl-compile %examples/matmul.mlir --target=host --instantiate=M=100,N=72,K=40 -j 2 -o %t 2>/dev/null | FileCheck %s
// RUN: ls %t/*/kernel.so | count 32
// RUN: FileCheck %s --check-prefix=INDEX < %t/index.json
// RUN: not tl-compile %examples/matmul.mlir --target=metal -o %t.bad 2>&1 | FileCheck %s --check-prefix=BAD
// CHECK: tl-compile: 32 of 32 configs compiled for host
// INDEX: "kernels": [
// INDEX: "status": "ok"
// INDEX: "target": "host"
// BAD: tl-compile: --target must be cuda or host, not 'metal'
