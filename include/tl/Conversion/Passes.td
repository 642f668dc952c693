//===- Passes.td - tl conversion passes --------------------*- tablegen -*-===//

#ifndef TL_CONVERSION_PASSES_TD
#define TL_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// TLToHost
//===----------------------------------------------------------------------===//

def ConvertTLToHost : Pass<"tl-convert-to-host", "::mlir::ModuleOp"> {
  let summary = "Lower specialized tl kernels to loops, vectors and func.func";
  let description = [{
    Turns every specialized `tl.func` (no parameters left, shapes static)
    into a `func.func` the host can run: the kernel's signature plus two
    `index` arguments, the first and one-past-last linear block to run, so
    that a runtime can split the grid across CPU threads.

    - `tl.kernel` becomes a loop over the linear block range, the block
      indices recovered x-fastest; one `tl.kernel` per `tl.func`;
    - tiles become `memref.alloc` buffers (64-byte aligned) hoisted to the
      function entry and reused by every block the call runs;
    - `tl.copy` becomes a loop nest with a fast path for tiles wholly inside
      the tensor and a checked path at the edges (zeros read past the end,
      nothing written past it);
    - `tl.gemm` becomes a register-blocked micro-kernel on `vector` FMAs
      (4 rows x 2 vectors of `vector-width` f32 lanes) when B is row-major
      and the tile divides, a vectorized dot product when B is transposed,
      and scalar loops otherwise, accumulating in C's element type;
    - `tl.parallel`, `tl.pipelined` (stages ignored), `tl.clear`,
      `tl.fill`, `tl.reduce` and `tl.ceildiv` become loops and arith.

    The entry function is marked `tl.entry`, and `tl.grid` records the grid.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "unsigned", /*default=*/"8",
           "f32 lanes of the vectors the gemm micro-kernel uses">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def TLHostEntryPoints : Pass<"tl-host-entry-points", "::mlir::ModuleOp"> {
  let summary = "Add a packed-argument C entry point to every lowered kernel";
  let description = [{
    Runs on LLVM-dialect modules produced from `tl-convert-to-host` with the
    bare-pointer calling convention. For every `llvm.func` marked
    `tl.entry`, adds `<name>_packed(ptr args, i64 begin, i64 end)`:
    `args[i]` points at the value of argument `i` (a buffer's data pointer,
    or a scalar), the convention of `cuLaunchKernel`'s `kernelParams`, so a
    runtime launches host and GPU kernels from one argument array.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // TL_CONVERSION_PASSES_TD
