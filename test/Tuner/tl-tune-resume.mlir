// Resumable runs: each record that settles is appended to the journal of
// <tmp>/resume/<key>/; a tuning killed before it stored its entry (here by
// the test hook TL_TUNE_TEST_KILL_AFTER, a SIGKILL after N journal lines)
// leaves it, and the same tuning restarted restores those records instead
// of compiling and running their configs again, and ends with every config
// of an uninterrupted run. The work directory is gone afterwards.
// RUN: rm -rf %t && mkdir -p %t
// RUN: env TILELANG_CACHE_DIR=%t/cache TL_TUNE_TEST_KILL_AFTER=3 tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --budget=5 --json > %t/killed.json || true
// RUN: cat %t/cache/tmp/resume/*/journal.jsonl | count 3
// A line a kill cut short is skipped, and the next run's lines start on
// lines of their own.
// RUN: sh -c 'for f in %t/cache/tmp/resume/*/journal.jsonl; do printf "{\"index\":7,\"ker" >> "$f"; done'
// RUN: env TILELANG_CACHE_DIR=%t/cache TL_TUNE_TEST_KILL_AFTER=1 tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --budget=5 --json > %t/killed2.json || true
// RUN: cat %t/cache/tmp/resume/*/journal.jsonl | count 5
// RUN: tail -n 1 %t/cache/tmp/resume/*/journal.jsonl | FileCheck %s --check-prefix=WHOLE
// WHOLE: {"check_passed":{{.*}}"status":
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --budget=5 --json 2> %t/resumed.err > %t/resumed.json
// RUN: FileCheck %s --check-prefix=RESUMED < %t/resumed.err
// RESUMED: tl-tune: resuming an interrupted tuning: {{[1-4]}} of 16 configs' records restored from {{.*}}/journal.jsonl
// RUN: not ls %t/cache/tmp/resume
// RUN: env TILELANG_CACHE_DIR=%t/fresh tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --budget=5 --json > %t/whole.json
// RUN: grep -o '"kernel": "[A-Za-z0-9_]*"' %t/resumed.json > %t/resumed.kernels
// RUN: grep -o '"kernel": "[A-Za-z0-9_]*"' %t/whole.json > %t/whole.kernels
// RUN: diff %t/resumed.kernels %t/whole.kernels
// RUN: count 5 < %t/whole.kernels
// RUN: grep -c '"status": "ok"' %t/resumed.json | FileCheck %s --check-prefix=OK
// OK: {{^[1-5]$}}
