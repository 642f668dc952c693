// --strategy random --budget N: N configs of the kept space, drawn with
// --seed, are the only ones compiled and run; the same seed tunes the same
// configs (and hits the same cache entry); an unknown strategy is an error
// that names the choices.
// RUN: rm -rf %t && mkdir -p %t
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --strategy=random --budget=3 --seed=5 --json > %t/a.json
// RUN: grep -c '"status"' %t/a.json | FileCheck %s --check-prefix=COUNT
// COUNT: 3
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --strategy=random --budget=3 --seed=5 --json > %t/b.json
// RUN: FileCheck %s --check-prefix=CACHED < %t/b.json
// CACHED: "from_cache": true
// RUN: grep -A6 '"config"' %t/a.json > %t/a.configs
// RUN: env TILELANG_CACHE_DIR=%t/fresh tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --warmup=1 --rep=2 --strategy=random --budget=3 --seed=5 --json | grep -A6 '"config"' > %t/c.configs
// RUN: diff %t/a.configs %t/c.configs
// RUN: not tl-tune %examples/matmul.mlir --target=host --instantiate=M=64,N=64,K=64 --strategy=annealing --no-cache 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: tl-tune: unknown --strategy 'annealing'; use exhaustive or random
