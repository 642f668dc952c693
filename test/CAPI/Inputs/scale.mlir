// y = 2 * x over N elements, in blocks of 32 or 64: the C API test's template.
tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]}, %Y: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>,
                          #tl.param<"block" : index = 32 in [32, 64]>],
                configs = #tl.product<{block = [32, 64]}>} {
  %two = arith.constant 2.0 : f32
  %n = tl.param "N" : index
  %b = tl.param "block" : index
  %g = tl.ceildiv %n, %b : index
  tl.kernel (%bx) in (%g) threads %b {
    %f = tl.alloc_fragment(%b) : memref<?xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %b : index
    tl.copy %X[%row] to %f : memref<?xf32>, memref<?xf32, #tl.memory<fragment>>
    tl.parallel (%i) in (%b) {
      %v = memref.load %f[%i] : memref<?xf32, #tl.memory<fragment>>
      %w = arith.mulf %v, %two : f32
      memref.store %w, %f[%i] : memref<?xf32, #tl.memory<fragment>>
    }
    tl.copy %f to %Y[%row] : memref<?xf32, #tl.memory<fragment>>, memref<?xf32>
  }
  tl.return
}
