//===- TLOps.td - tl dialect operations --------------------*- tablegen -*-===//

#ifndef TL_DIALECT_TL_IR_TLOPS_TD
#define TL_DIALECT_TL_IR_TLOPS_TD

include "tl/Dialect/TL/IR/TLDialect.td"
include "tl/Dialect/TL/IR/TLAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/RegionKindInterface.td"

def TL_Buffer : MemRefOf<[AnyType]>;

//===----------------------------------------------------------------------===//
// Templates and parameters
//===----------------------------------------------------------------------===//

def TL_FuncOp : TL_Op<"func", [
    AutomaticAllocationScope, FunctionOpInterface, IsolatedFromAbove
  ]> {
  let summary = "a tile kernel, or a kernel template with open parameters";
  let description = [{
    A device kernel. Its arguments are global tensors (memrefs) and scalars;
    it returns nothing. A template declares its parameters in `params` and
    may carry a config space in `configs`; its body reads parameters with
    `tl.param`. A global tensor argument may name its dimensions after
    parameters with the argument attribute `tl.shape` (an array of parameter
    names and integers), so that its shape becomes static when the template
    is specialized, the way `T.Tensor((M, K), dtype)` reads in TileLang.

    A specialized kernel has no `params`; it carries the config it was made
    from in `config`.

    ```mlir
    tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]})
        attributes {params = [#tl.param<"N" : index>,
                              #tl.param<"block" : index = 256 in [128, 256]>],
                    configs = #tl.product<{block = [128, 256]}>} {
      %n = tl.param "N" : index
      %b = tl.param "block" : index
      %g = tl.ceildiv %n, %b : index
      tl.kernel (%bx) in (%g) threads %b {
        ...
      }
      tl.return
    }
    ```
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    TypeAttrOf<FunctionType>:$function_type,
    OptionalAttr<StrAttr>:$sym_visibility,
    OptionalAttr<DictArrayAttr>:$arg_attrs,
    OptionalAttr<DictArrayAttr>:$res_attrs,
    OptionalAttr<TypedArrayAttrBase<TL_ParamAttr, "parameter declarations">>:$params,
    OptionalAttr<AnyAttrOf<[TL_ProductSpaceAttr, TL_ConfigListAttr]>>:$configs,
    OptionalAttr<DictionaryAttr>:$config
  );
  let regions = (region AnyRegion:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let builders = [OpBuilder<(ins "StringRef":$name, "FunctionType":$type)>];
  let extraClassDeclaration = [{
    /// The declaration of parameter `name`, or null.
    ::mlir::tl::ParamAttr lookupParam(::llvm::StringRef name);

    /// The config space, or null when the template has none.
    ::mlir::tl::ConfigSpaceAttrInterface getConfigSpace();

    /// The declared parameters (empty for a specialized kernel).
    ::llvm::SmallVector<::mlir::tl::ParamAttr> getParamDecls();

    //===------------------------------------------------------------------===//
    // FunctionOpInterface
    //===------------------------------------------------------------------===//
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    bool isDeclaration() { return false; }

    /// Name of the argument attribute that ties a tensor's dims to params.
    static ::llvm::StringRef getShapeAttrName() { return "tl.shape"; }
  }];
}

def TL_ReturnOp : TL_Op<"return", [Pure, HasParent<"FuncOp">, ReturnLike,
                                   Terminator]> {
  let summary = "end of a tl.func";
  let description = [{
    Terminates a `tl.func`. Kernels write their results to global tensors and
    return nothing.

    ```mlir
    tl.return
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def TL_ParamOp : TL_Op<"param", [Pure]> {
  let summary = "read a declared parameter of the enclosing template";
  let description = [{
    The value of parameter `name` of the enclosing `tl.func`. The parameter
    must be declared in the template's `params`, with the same type.
    Specialization replaces this op by a constant.

    ```mlir
    %block_M = tl.param "block_M" : index
    ```
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs AnySignlessIntegerOrIndex:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def TL_CeilDivOp : TL_Op<"ceildiv", [Pure, SameOperandsAndResultType]> {
  let summary = "ceiling division of non-negative integers";
  let description = [{
    `ceil(lhs / rhs)` for non-negative `lhs` and positive `rhs`, TileLang's
    `T.ceildiv`: the number of tiles of size `rhs` that cover `lhs`. Folds
    when both operands are constants.

    ```mlir
    %tiles = tl.ceildiv %N, %block_N : index
    ```
  }];
  let arguments = (ins AnySignlessIntegerOrIndex:$lhs,
                       AnySignlessIntegerOrIndex:$rhs);
  let results = (outs AnySignlessIntegerOrIndex:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
  let hasFolder = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Launch and loops
//===----------------------------------------------------------------------===//

def TL_YieldOp : TL_Op<"yield", [Pure, ReturnLike, Terminator,
    ParentOneOf<["KernelOp", "ParallelOp", "PipelinedOp"]>]> {
  let summary = "end of a tl region";
  let description = [{
    Terminates the body of `tl.kernel`, `tl.parallel` and `tl.pipelined`.
    It is implicit in the custom syntax.
  }];
  let assemblyFormat = "attr-dict";
}

def TL_KernelOp : TL_Op<"kernel", [
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects
  ]> {
  let summary = "launch a grid of thread blocks";
  let description = [{
    Runs its body once per block of a 1-, 2- or 3-D grid, with `threads`
    threads in each block: TileLang's `T.Kernel(gx, gy, threads=...)`. The
    body's arguments are the block indices, x first.

    ```mlir
    tl.kernel (%bx, %by) in (%grid_x, %grid_y) threads %threads {
      ...
    }
    ```
  }];
  let arguments = (ins Variadic<Index>:$grid, Index:$threads);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "ValueRange":$grid, "Value":$threads)>];
  let extraClassDeclaration = [{
    ::mlir::Block::BlockArgListType getBlockIndices() {
      return getBody().getArguments();
    }
  }];
}

def TL_UseSwizzleOp : TL_Op<"use_swizzle", [HasParent<"KernelOp">]> {
  let summary = "visit a 2-D grid's blocks in groups of rows, for L2 reuse";
  let description = [{
    Renumbers the enclosing kernel's block indices so that blocks launched
    one after another cover `panel` rows of the grid (y) column by column,
    instead of whole rows: the blocks running at one time share the tiles
    of A and B they read, in L2 (Triton's grouped order, the role of
    TileLang's `T.use_swizzle(panel_size)`). Every block index pair is still
    visited once; the last group has the remaining rows. A panel of 1 keeps
    the launch order. A tunable knob like the tile sizes; the host target
    ignores it (the order of blocks on the CPU does not matter).

    ```mlir
    tl.kernel (%bx, %by) in (%grid_x, %grid_y) threads %threads {
      tl.use_swizzle %group_m
      ...
    }
    ```
  }];
  let arguments = (ins Index:$panel);
  let assemblyFormat = "$panel attr-dict";
  let hasVerifier = 1;
}

def TL_ClusterOp : TL_Op<"cluster", [HasParent<"KernelOp">]> {
  let summary = "launch a 2-D grid's blocks in clusters of block rows";
  let description = [{
    Launches the enclosing kernel's blocks in thread-block clusters of
    `rows` consecutive block rows (block index 1) of one column (sm_90 and
    later): the blocks of a cluster run at the same time on neighbouring
    SMs. A tile that all of them load (a `tl.copy` in a `tl.pipelined` loop
    whose source offsets do not depend on the row index, such as the B tile
    of a GEMM) is read from memory once per cluster: on sm_90a each block
    loads a slice of it through TMA and multicasts the slice into every
    block of the cluster (CUTLASS's and cuBLAS's cluster shapes). The grid's
    rows must be a multiple of `rows`, a power of two up to 8; 1 launches no
    clusters. A tunable knob like the tile sizes; the host target ignores
    it, and the resource model drops it on chips without clusters.

    ```mlir
    tl.kernel (%bx, %by) in (%grid_x, %grid_y) threads %threads {
      tl.cluster %cluster_m
      ...
    }
    ```
  }];
  let arguments = (ins Index:$rows);
  let assemblyFormat = "$rows attr-dict";
  let hasVerifier = 1;
}

def TL_PersistentOp : TL_Op<"persistent", [HasParent<"KernelOp">]> {
  let summary = "run the grid's tiles on as many blocks as the GPU holds";
  let description = [{
    With `enabled` 1 the enclosing kernel is persistent: the runtime
    launches as many blocks as run at one time (SMs x resident blocks of
    the kernel, at most the grid's) and each loops over the grid's block
    indices in launch order (tile `t`, `t + blocks`, ...; `tl.use_swizzle`
    renumbers them as it does a launch). On sm_90a a persistent kernel
    whose pipelined loop loads through TMA and keeps a wgmma group in
    flight runs a producer warpgroup (warp specialization) that keeps
    loading the next tile's stages while the consumers store the current
    tile's results: the prologue and epilogue of one tile overlap the main
    loop of the next (CUTLASS's persistent warp-specialized GEMM). With 2
    the kernel also runs two tiles at a time, one on each of two groups of
    the kernel's `threads` (CUTLASS's ping-pong): the producer loads their
    tiles in turn, the groups take turns on the tensor cores, and one
    group's epilogue runs under the other's main loop; sm_90a kernels that
    are warp-specialized only (the resource model drops the others). 0
    launches the grid as written. A tunable knob like the tile sizes; the
    host target ignores it, the AMD lowering folds it to 0, and it does not
    combine with `tl.cluster` (the resource model drops such configs).

    ```mlir
    tl.kernel (%bx, %by) in (%grid_x, %grid_y) threads %threads {
      tl.persistent %persistent
      ...
    }
    ```
  }];
  let arguments = (ins Index:$enabled);
  let assemblyFormat = "$enabled attr-dict";
  let hasVerifier = 1;
}

def TL_ParallelOp : TL_Op<"parallel", [
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects
  ]> {
  let summary = "an elementwise loop nest over a tile";
  let description = [{
    Runs its body for every index in `[0, extents)`, with no order between
    iterations: TileLang's `T.Parallel`. The lowering distributes the
    iterations over the block's threads, each thread owning the fragment
    elements it touches.

    ```mlir
    tl.parallel (%i, %j) in (%block_M, %block_N) {
      %v = memref.load %C_f[%i, %j] : memref<128x128xf32, #tl.memory<fragment>>
      %r = arith.maximumf %v, %zero : f32
      memref.store %r, %C_f[%i, %j] : memref<128x128xf32, #tl.memory<fragment>>
    }
    ```
  }];
  let arguments = (ins Variadic<Index>:$extents);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "ValueRange":$extents)>];
  let extraClassDeclaration = [{
    ::mlir::Block::BlockArgListType getInductionVars() {
      return getBody().getArguments();
    }
  }];
}

def TL_PipelinedOp : TL_Op<"pipelined", [
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects
  ]> {
  let summary = "a software-pipelined loop";
  let description = [{
    A loop from `lower` to `upper` (step 1) whose copies into shared memory
    are overlapped with compute over `num_stages` stages: while iteration
    `k` computes, the loads of iterations `k+1 .. k+num_stages-1` are in
    flight, each in its own copy of the shared buffers. TileLang's
    `T.Pipelined(n, num_stages=...)`. `num_stages = 1` is a plain loop.

    ```mlir
    tl.pipelined %ko = %c0 to %k_tiles num_stages %stages {
      ...
    }
    ```
  }];
  let arguments = (ins Index:$lower, Index:$upper, Index:$num_stages);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "Value":$lower, "Value":$upper,
                                 "Value":$numStages)>];
  let extraClassDeclaration = [{
    ::mlir::Value getInductionVar() { return getBody().getArgument(0); }
  }];
}

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

class TL_AllocOp<string mnemonic, string space> : TL_Op<mnemonic, [
    MemoryEffects<[MemAlloc<DefaultResource, 0, FullEffect>]>
  ]> {
  let arguments = (ins Variadic<Index>:$dynamicSizes);
  let results = (outs Res<TL_Buffer, "", [MemAlloc<DefaultResource, 0, FullEffect>]>:$buffer);
  let assemblyFormat = "`(` $dynamicSizes `)` attr-dict `:` type($buffer)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    static ::mlir::tl::MemorySpace getMemorySpace() {
      return ::mlir::tl::MemorySpace::}] # space # [{;
    }
  }];
}

def TL_AllocSharedOp : TL_AllocOp<"alloc_shared", "Shared"> {
  let summary = "allocate a tile in the block's shared memory";
  let description = [{
    A tile in shared memory, visible to every thread of the block, live for
    the enclosing `tl.kernel`: TileLang's `T.alloc_shared`. One size operand
    per dynamic dimension of the result; constant sizes fold into the type.

    ```mlir
    %A_s = tl.alloc_shared(%block_M, %block_K) : memref<?x?xf16, #tl.memory<shared>>
    %B_s = tl.alloc_shared() : memref<32x128xf16, #tl.memory<shared>>
    ```
  }];
}

def TL_AllocFragmentOp : TL_AllocOp<"alloc_fragment", "Fragment"> {
  let summary = "allocate a register tile distributed over the block's threads";
  let description = [{
    A tile held in registers, its elements distributed over the threads of
    the block (each element owned by one thread): TileLang's
    `T.alloc_fragment`. Used as a gemm accumulator and for elementwise and
    reduction work.

    ```mlir
    %C_f = tl.alloc_fragment(%block_M, %block_N) : memref<?x?xf32, #tl.memory<fragment>>
    ```
  }];
}

def TL_CopyOp : TL_Op<"copy", [AttrSizedOperandSegments]> {
  let summary = "copy a tile between global, shared and fragment memory";
  let description = [{
    Copies a tile, TileLang's `T.copy`. One side may be indexed at a tile
    offset (`%A[%i, %j]`); the tile's extent is then the shape of the other
    side, which maps to the indexed buffer's trailing dimensions (a leading
    dimension not covered by the tile has extent 1). Without offsets both
    sides have the same shape.

    The copy is defined at the edges: elements of the tile past the end of
    the indexed buffer read as zero, and are not written when the indexed
    buffer is the destination. Element types may differ between two
    floating-point types (or two integer types): values are converted, as
    when an fp32 accumulator is written to an fp16 tensor.

    ```mlir
    tl.copy %A[%row, %col] to %A_s : memref<4096x4096xf16>, memref<128x32xf16, #tl.memory<shared>>
    tl.copy %C_f to %C[%row, %col] : memref<128x128xf32, #tl.memory<fragment>>, memref<4096x4096xf16>
    ```
  }];
  let arguments = (ins
    Arg<TL_Buffer, "source", [MemRead]>:$source,
    Variadic<Index>:$sourceOffsets,
    Arg<TL_Buffer, "destination", [MemWrite]>:$dest,
    Variadic<Index>:$destOffsets
  );
  let assemblyFormat = [{
    $source (`[` $sourceOffsets^ `]`)? `to` $dest (`[` $destOffsets^ `]`)?
    attr-dict `:` type($source) `,` type($dest)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// The buffer that is not indexed (the tile), or the destination when
    /// neither side is indexed.
    ::mlir::Value getTile() {
      return getSourceOffsets().empty() ? getSource() : getDest();
    }
  }];
}

def TL_GemmOp : TL_Op<"gemm"> {
  let summary = "tile matrix multiply-accumulate";
  let description = [{
    `C += op(A) * op(B)`, where `op` transposes when `transpose_a` /
    `transpose_b` is set: TileLang's `T.gemm`. `A` and `B` live in shared or
    fragment memory, `C` in fragment memory. With `clear_accum`, `C` is
    zeroed first. Supported element types (A and B alike -> C): f16 -> f16
    or f32, bf16 -> f32, f32 -> f32, f64 -> f64, i8 -> i32, and the fp8
    types f8E4M3FN / f8E5M2 -> f32.

    ```mlir
    tl.gemm %A_s, %B_s, %C_f : memref<128x32xf16, #tl.memory<shared>>,
        memref<32x128xf16, #tl.memory<shared>>, memref<128x128xf32, #tl.memory<fragment>>
    tl.gemm %Q_s, %K_s, %S_f {transpose_b} : ...
    ```
  }];
  let arguments = (ins
    Arg<TL_Buffer, "A", [MemRead]>:$a,
    Arg<TL_Buffer, "B", [MemRead]>:$b,
    Arg<TL_Buffer, "accumulator", [MemRead, MemWrite]>:$c,
    UnitAttr:$transpose_a,
    UnitAttr:$transpose_b,
    UnitAttr:$clear_accum
  );
  let assemblyFormat = [{
    $a `,` $b `,` $c attr-dict `:` type($a) `,` type($b) `,` type($c)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def TL_ClearOp : TL_Op<"clear"> {
  let summary = "zero a tile";
  let description = [{
    Sets every element of a shared or fragment tile to zero: `T.clear`.

    ```mlir
    tl.clear %C_f : memref<128x128xf32, #tl.memory<fragment>>
    ```
  }];
  let arguments = (ins Arg<TL_Buffer, "tile", [MemWrite]>:$buffer);
  let assemblyFormat = "$buffer attr-dict `:` type($buffer)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def TL_FillOp : TL_Op<"fill"> {
  let summary = "set every element of a tile to a value";
  let description = [{
    Sets every element of a shared or fragment tile to `value`: `T.fill`.

    ```mlir
    tl.fill %m_f, %neg_inf : memref<128xf32, #tl.memory<fragment>>, f32
    ```
  }];
  let arguments = (ins Arg<TL_Buffer, "tile", [MemWrite]>:$buffer,
                       AnyType:$value);
  let assemblyFormat = "$buffer `,` $value attr-dict `:` type($buffer) `,` type($value)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def TL_ReduceOp : TL_Op<"reduce"> {
  let summary = "reduce a tile along one dimension";
  let description = [{
    Reduces `source` along dimension `dim` with the combiner `kind` into
    `dest`, whose shape is the source's without `dim`: TileLang's
    `T.reduce_sum` / `reduce_max` / `reduce_min` / `reduce_abssum` /
    `reduce_absmax`. `dest` is overwritten, unless `accumulate` is set, in
    which case the reduction is combined with what `dest` holds (TileLang's
    `clear=False`).

    ```mlir
    tl.reduce max %S_f, %m_f dim 1 : memref<128x64xf32, #tl.memory<fragment>>, memref<128xf32, #tl.memory<fragment>>
    ```
  }];
  let arguments = (ins
    TL_ReduceKind:$kind,
    Arg<TL_Buffer, "source", [MemRead]>:$source,
    Arg<TL_Buffer, "destination", [MemRead, MemWrite]>:$dest,
    I64Attr:$dim,
    UnitAttr:$accumulate
  );
  let assemblyFormat = [{
    $kind $source `,` $dest `dim` $dim attr-dict `:` type($source) `,` type($dest)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // TL_DIALECT_TL_IR_TLOPS_TD
