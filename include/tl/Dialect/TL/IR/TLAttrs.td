//===- TLAttrs.td - tl dialect attributes ------------------*- tablegen -*-===//

#ifndef TL_DIALECT_TL_IR_TLATTRS_TD
#define TL_DIALECT_TL_IR_TLATTRS_TD

include "tl/Dialect/TL/IR/TLDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def TL_MemorySpace : I32EnumAttr<"MemorySpace", "where a tile lives", [
    I32EnumAttrCase<"Global", 0, "global">,
    I32EnumAttrCase<"Shared", 1, "shared">,
    I32EnumAttrCase<"Fragment", 2, "fragment">
  ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::tl";
}

def TL_MemorySpaceAttr : EnumAttr<TL_Dialect, TL_MemorySpace, "memory"> {
  let summary = "memory space of a tl buffer";
  let description = [{
    The memory space of a `memref` used by `tl` ops: `global` (device
    memory; also the meaning of a memref with no memory space), `shared`
    (one block's shared memory) or `fragment` (registers, the tile
    distributed over the block's threads).

    ```mlir
    memref<128x32xf16, #tl.memory<shared>>
    memref<128x128xf32, #tl.memory<fragment>>
    ```
  }];
  let assemblyFormat = "`<` $value `>`";
}

def TL_ReduceKind : I32EnumAttr<"ReduceKind", "reduction combiner", [
    I32EnumAttrCase<"Sum", 0, "sum">,
    I32EnumAttrCase<"Max", 1, "max">,
    I32EnumAttrCase<"Min", 2, "min">,
    I32EnumAttrCase<"AbsSum", 3, "abssum">,
    I32EnumAttrCase<"AbsMax", 4, "absmax">
  ]> {
  let cppNamespace = "::mlir::tl";
}

//===----------------------------------------------------------------------===//
// Parameters and config spaces
//===----------------------------------------------------------------------===//

class TL_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<TL_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def TL_ParamAttr : TL_Attr<"Param", "param"> {
  let summary = "a declared parameter of a kernel template";
  let description = [{
    Declares one parameter of a `tl.func` template: its name, its type (an
    integer or `index`), an optional default and an optional list of allowed
    values. Parameters without a default (problem sizes such as `M`) must be
    given a value when the kernel is instantiated; tunable parameters carry a
    default, and their allowed values bound what a config may set.

    ```mlir
    #tl.param<"M" : index>
    #tl.param<"block_M" : index = 128 in [64, 128, 256]>
    #tl.param<"num_stages" : index = 3>
    ```
  }];
  let parameters = (ins
    "::mlir::StringAttr":$name,
    "::mlir::Type":$type,
    "std::optional<int64_t>":$defaultValue,
    ArrayRefParameter<"int64_t", "allowed values (empty: any)">:$allowedValues
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// True when `value` is an allowed value of this parameter.
    bool allows(int64_t value) const;
    /// True when `value` is representable in the parameter's type.
    bool fits(int64_t value) const;
  }];
}

def TL_ConfigSpaceAttrInterface : AttrInterface<"ConfigSpaceAttrInterface"> {
  let cppNamespace = "::mlir::tl";
  let description = [{
    A set of configurations of a kernel template: each configuration maps
    parameter names to integer values.
  }];
  let methods = [
    InterfaceMethod<[{
      Appends every configuration of the space, in the space's documented
      order, to `configs`. `params` are the template's parameters in
      declaration order.
    }], "void", "enumerate", (ins
      "::llvm::ArrayRef<::mlir::tl::ParamAttr>":$params,
      "::llvm::SmallVectorImpl<::mlir::DictionaryAttr>&":$configs)>,
    InterfaceMethod<"Number of configurations in the space (saturates at "
                    "INT64_MAX).",
      "int64_t", "size">,
    InterfaceMethod<[{
      Calls `fn(key, value)` for every (parameter name, value) the space
      mentions; used by verifiers.
    }], "void", "walkEntries", (ins
      "::llvm::function_ref<void(::mlir::StringAttr, ::mlir::Attribute)>":$fn)>
  ];
}

def TL_ProductSpaceAttr : TL_Attr<"ProductSpace", "product",
    [DeclareAttrInterfaceMethods<TL_ConfigSpaceAttrInterface>]> {
  let summary = "a config space given as per-parameter value lists";
  let description = [{
    The cartesian product of per-parameter value lists. Configurations are
    enumerated with the template's parameters in declaration order, the first
    declared parameter varying slowest (the order of the nested
    comprehension in TileLang's autotuning guide).

    ```mlir
    #tl.product<{block_M = [64, 128], block_K = [32, 64]}>
    ```
  }];
  let parameters = (ins "::mlir::DictionaryAttr":$values);
  let assemblyFormat = "`<` $values `>`";
  let genVerifyDecl = 1;
}

def TL_ConfigListAttr : TL_Attr<"ConfigList", "configs",
    [DeclareAttrInterfaceMethods<TL_ConfigSpaceAttrInterface>]> {
  let summary = "a config space given as an explicit list of configs";
  let description = [{
    An explicit list of configurations, like the `configs=` list of dicts of
    TileLang's `@autotune`. Enumerated in list order.

    ```mlir
    #tl.configs<[
      {block_M = 64, block_N = 128},
      {block_M = 128, block_N = 128}
    ]>
    ```
  }];
  let parameters = (ins "::mlir::ArrayAttr":$configs);
  let assemblyFormat = "`<` $configs `>`";
  let genVerifyDecl = 1;
}

#endif // TL_DIALECT_TL_IR_TLATTRS_TD
