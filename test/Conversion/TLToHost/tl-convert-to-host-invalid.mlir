// RUN: tl-opt %s --split-input-file --verify-diagnostics --tl-convert-to-host

// expected-error @below {{'tmpl' is a template; run tl-expand-configs first}}
tl.func @tmpl() attributes {params = [#tl.param<"x" : index = 1>]} {
  tl.return
}

// -----

// expected-error @below {{the host target runs one tl.kernel per tl.func; 'two' has 2}}
tl.func @two(%X: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  tl.kernel (%b) in (%c1) threads %c1 {
    %f = tl.alloc_fragment() : memref<4xf32, #tl.memory<fragment>>
    tl.copy %f to %X[%b] : memref<4xf32, #tl.memory<fragment>>, memref<4xf32>
  }
  tl.kernel (%b) in (%c1) threads %c1 {
    %f = tl.alloc_fragment() : memref<4xf32, #tl.memory<fragment>>
    tl.copy %f to %X[%b] : memref<4xf32, #tl.memory<fragment>>, memref<4xf32>
  }
  tl.return
}

// -----

tl.func @dyn(%X: memref<8xf32>, %n: index) {
  %c1 = arith.constant 1 : index
  tl.kernel (%b) in (%c1) threads %c1 {
    // expected-error @below {{tile shape is not static; specialize the template (tl-expand-configs) first}}
    %f = tl.alloc_fragment(%n) : memref<?xf32, #tl.memory<fragment>>
    tl.copy %f to %X[%b] : memref<?xf32, #tl.memory<fragment>>, memref<8xf32>
  }
  tl.return
}

// -----

// expected-error @below {{argument 0 of 'dyn_arg' has the dynamic shape 'memref<?xf32>'; specialize the template (tl-expand-configs) first}}
tl.func @dyn_arg(%X: memref<?xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  tl.kernel (%b) in (%c1) threads %c1 {
    %f = tl.alloc_fragment() : memref<4xf32, #tl.memory<fragment>>
    tl.copy %f to %X[%c0] : memref<4xf32, #tl.memory<fragment>>, memref<?xf32>
  }
  tl.return
}
