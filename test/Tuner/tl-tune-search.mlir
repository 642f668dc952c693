// --strategy random --budget N: N configs of the kept space, drawn with
// --seed, are the only ones compiled and run; the same seed tunes the same
// configs (and hits the same cache entry); an unknown strategy is an error
// that names the choices.
// RUN: rm -rf %t && mkdir -p %t
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --strategy=random --budget=3 --seed=5 --json > %t/a.json
// RUN: grep -c '"status"' %t/a.json | FileCheck %s --check-prefix=COUNT
// COUNT: {{^}}3{{$}}
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --strategy=random --budget=3 --seed=5 --json > %t/b.json
// RUN: FileCheck %s --check-prefix=CACHED < %t/b.json
// CACHED: "from_cache": true
// RUN: grep -A6 '"config"' %t/a.json > %t/a.configs
// RUN: env TILELANG_CACHE_DIR=%t/fresh tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --strategy=random --budget=3 --seed=5 --json | grep -A6 '"config"' > %t/c.configs
// RUN: diff %t/a.configs %t/c.configs
// RUN: not tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --strategy=annealing --no-cache 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: tl-tune: unknown --strategy 'annealing'; use exhaustive, random, halving or model

// Successive halving: 4 screened with 3 runs, the best 2 with 9, then the
// full run for those; the other 2 say why they stopped.
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=20 --strategy=halving --budget=4 --json > %t/halving.json
// RUN: grep -c '"status"' %t/halving.json | FileCheck %s --check-prefix=FOUR
// FOUR: {{^}}4{{$}}
// RUN: grep -c 'not in the best 2 of rung 0' %t/halving.json | FileCheck %s --check-prefix=TWO
// TWO: {{^}}2{{$}}

// The model: a first batch drawn at random, then the configs of highest
// expected improvement, up to the budget.
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --strategy=model --budget=12 --json > %t/model.json
// RUN: grep -c '"status"' %t/model.json | FileCheck %s --check-prefix=TWELVE
// TWELVE: {{^}}12{{$}}

// A time budget: nothing is proposed once it is spent, but the first
// window (twice the compile jobs) always is.
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --jobs=1 --budget=0.001s --json > %t/seconds.json
// RUN: grep -c '"status"' %t/seconds.json | FileCheck %s --check-prefix=WINDOW
// WINDOW: {{^}}2{{$}}
// RUN: not tl-tune %examples/matmul.mlir --target=host --budget=10m --no-cache 2>&1 | FileCheck %s --check-prefix=BADBUDGET
// BADBUDGET: tl-tune: --budget '10m' is neither a number of configs (200) nor of seconds (60s)
