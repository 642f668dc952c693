"""Prints a tl kernel whose body nests N tl.parallel loops, or (with
--attribute) a tl.func whose attribute nests N array brackets.

  python3 deep_nesting.py N [--attribute]
"""
import sys

n = int(sys.argv[1])
if "--attribute" in sys.argv:
    print("tl.func @deep() attributes {x = " + "[" * n + "]" * n + "} {")
    print("tl.return")
    print("}")
    sys.exit(0)
print("tl.func @deep(%X: memref<4xf32>) {")
print("%c0 = arith.constant 0 : index")
print("%c1 = arith.constant 1 : index")
print("tl.kernel (%b) in (%c1) threads %c1 {")
print("%f = tl.alloc_fragment() : memref<4xf32, #tl.memory<fragment>>")
for i in range(n):
    print("tl.parallel (%%i%d) in (%%c1) {" % i)
print("%z = arith.constant 0.0 : f32")
print("memref.store %z, %f[%c0] : memref<4xf32, #tl.memory<fragment>>")
print("}\n" * n, end="")
print("tl.copy %f to %X[%c0] : memref<4xf32, #tl.memory<fragment>>, memref<4xf32>")
print("}")
print("tl.return")
print("}")
