// RUN: tl-opt %s --split-input-file --verify-diagnostics --tl-convert-to-gpu

// expected-error @below {{'tmpl' is a template; run tl-expand-configs first}}
tl.func @tmpl() attributes {params = [#tl.param<"x" : index = 1>]} {
  tl.return
}

// -----

// expected-error @below {{the CUDA target launches one tl.kernel per tl.func; 'none' has 0}}
tl.func @none() {
  tl.return
}

// -----

tl.func @broadcast(%X: memref<32x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx) in (%c1) threads %c32 {
    %f = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
    %m = tl.alloc_fragment() : memref<32xf32, #tl.memory<fragment>>
    tl.parallel (%i, %j) in (%c32, %c32) {
      // expected-error @below {{reads a fragment at indices other than the enclosing tl.parallel's; the CUDA lowering supports owner-local access only}}
      %v = memref.load %m[%i] : memref<32xf32, #tl.memory<fragment>>
      memref.store %v, %f[%i, %j] : memref<32x32xf32, #tl.memory<fragment>>
    }
    tl.copy %f to %X[%c0, %c0] : memref<32x32xf32, #tl.memory<fragment>>, memref<32x32xf32>
  }
  tl.return
}
