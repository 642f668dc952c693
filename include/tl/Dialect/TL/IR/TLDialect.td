//===- TLDialect.td - The tile-language dialect ------------*- tablegen -*-===//
//
// The `tl` dialect: TileLang's tile primitives as MLIR operations, with the
// performance knobs of a kernel left open as declared, tunable parameters.
//
//===----------------------------------------------------------------------===//

#ifndef TL_DIALECT_TL_IR_TLDIALECT_TD
#define TL_DIALECT_TL_IR_TLDIALECT_TD

include "mlir/IR/OpBase.td"

def TL_Dialect : Dialect {
  let name = "tl";
  let cppNamespace = "::mlir::tl";
  let summary = "Tile-level GPU kernels with tunable parameters";
  let description = [{
    The `tl` dialect expresses a GPU kernel at the level of tiles, the way
    TileLang does: a kernel launches a grid of blocks (`tl.kernel`), each block
    allocates tiles in shared memory (`tl.alloc_shared`) and in registers
    distributed over its threads (`tl.alloc_fragment`), moves tiles between
    global, shared and fragment memory (`tl.copy`), computes on them
    (`tl.gemm`, `tl.parallel`, `tl.reduce`, `tl.fill`, `tl.clear`) and
    overlaps loads with compute in a software-pipelined loop
    (`tl.pipelined`).

    A kernel is written once, as a template (`tl.func`) whose performance
    knobs (tile sizes, pipeline stages, thread counts) and problem sizes are
    declared parameters read with `tl.param`. A config space attribute on the
    template (`#tl.product` or `#tl.configs`) lists the settings worth trying.
    Specialization replaces each parameter by a constant; canonicalization
    then makes every shape static.

    Memory spaces are part of buffer types: a `memref` without memory space
    (or with `#tl.memory<global>`) is a global tensor, `#tl.memory<shared>`
    a block's shared-memory tile, `#tl.memory<fragment>` a register tile
    distributed over the block's threads.
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Registers the attributes (in TLAttrs.cpp, beside their storage).
    void registerAttributes();
  }];
  let hasConstantMaterializer = 1;
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

class TL_Op<string mnemonic, list<Trait> traits = []>
    : Op<TL_Dialect, mnemonic, traits>;

#endif // TL_DIALECT_TL_IR_TLDIALECT_TD
