// tl-tune --report DIR: the candidates' records and a report of them
// (index.html, PNG plots, report.json) from the tilemlir package; from the
// cache as well. Without Python the records are still written and the
// command says why the report is missing.
// RUN: rm -rf %t && mkdir -p %t
// RUN: env TILELANG_CACHE_DIR=%t/cache PYTHON=%python tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --constraint='block_M == 64 && block_N == 64 && num_stages == 2 && threads == 128' --warmup=1 --rep=2 --report %t/report | FileCheck %s
// CHECK: best: {"block_K":{{32|64}}
// CHECK: report: {{.*}}/report/index.html
// RUN: FileCheck %s --check-prefix=JSON < %t/report/report.json
// JSON: "candidates": 2,
// JSON: "latency.png": {
// JSON-NEXT: "points": 2,
// JSON: "knobs": [
// JSON-NEXT: "block_K"
// JSON-NEXT: ]
// Records carry when each finished: progress is over the tuning's seconds.
// JSON: "progress.png": {
// JSON-NEXT: "points": 2,
// JSON-NEXT: "axis": "seconds"
// RUN: test -f %t/report/latency.png && test -f %t/report/knobs.png && test -f %t/report/progress.png
// RUN: FileCheck %s --check-prefix=HTML < %t/report/index.html
// HTML: 2 candidates: 2 ok.
// HTML: <img src="latency.png"
// RUN: not env TILELANG_CACHE_DIR=%t/cache PYTHON=%t/no-python tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --constraint='block_M == 64 && block_N == 64 && num_stages == 2 && threads == 128' --warmup=1 --rep=2 --report %t/again 2>&1 | FileCheck %s --check-prefix=NOPY
// NOPY: from the disk cache
// NOPY: tl-tune: the report failed ({{.*}}no-python -m tilemlir.report): {{.+}}; the records are in {{.*}}again/candidates.jsonl
// RUN: test -s %t/again/candidates.jsonl
