//===- Passes.td - tl transformation passes ----------------*- tablegen -*-===//

#ifndef TL_DIALECT_TL_TRANSFORMS_PASSES_TD
#define TL_DIALECT_TL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TLExpandConfigs : Pass<"tl-expand-configs", "::mlir::ModuleOp"> {
  let summary = "Expand kernel templates into one specialized module per config";
  let description = [{
    For every `tl.func` template in the module (or the one named by `func`),
    enumerates its config space, and for every config:

    1. checks the config against the template's constraints (the `tl.constraints`
       attribute, a list of expressions, and the `constraint` option), dropping
       a config that breaks one before anything is built;
    2. clones the template, replaces every `tl.param` by its constant (from the
       config, then the instantiation values, then the parameter's default),
       makes the global tensor arguments' shapes static from their `tl.shape`,
       and canonicalizes until every tile shape, grid size, thread count and
       stage count is static;
    3. computes the kernel's resources (shared memory, threads, registers per
       thread) and checks them and the lowering's shape rules against the
       target chip; a config that breaks a limit is dropped with a remark
       naming the config, the limit, the value and the bound.

    Each kept config becomes a nested `builtin.module` holding the specialized
    `tl.func`; both are named from the template and the config
    (`matmul_block_M128_block_N64_...`) and carry the config (`tl.config`),
    its index in the space (`tl.config_index`), the target (`tl.target`) and
    the resources (`tl.resources`). The template is removed. A remark on the
    template reports the counts: configs in the space, kept, dropped per
    reason. `report` writes the same as JSON: every config, kept or dropped,
    with its reason and resources.

    The space comes from the template's `configs` attribute, or from the JSON
    file `configs-file` (a list of objects, the shape of TileLang's
    `configs=` list of dicts), which takes precedence. Without either, the
    template is instantiated once with its defaults. Product spaces are
    enumerated in the template's parameter declaration order, the first
    declared parameter varying slowest.

    Example: `tl-opt --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 target=sm_90a" matmul.mlir`
  }];
  let options = [
    Option<"instantiate", "instantiate", "std::string", /*default=*/"",
           "Values of the non-tuned parameters, `NAME=VALUE,...` (they "
           "override the template's `tl.instantiate` attribute)">,
    Option<"configsFile", "configs-file", "std::string", /*default=*/"",
           "JSON file with the config space: a list of {parameter: value} "
           "objects">,
    Option<"target", "target", "std::string", /*default=*/"\"sm_90a\"",
           "Chip whose limits the configs are checked against: sm_80, sm_86, "
           "sm_89, sm_90, sm_90a, gfx90a, gfx942, host">,
    Option<"constraint", "constraint", "std::string", /*default=*/"",
           "Expression over parameters every config must satisfy, e.g. "
           "`block_M * block_K <= 8192 && threads % 32 == 0`">,
    Option<"funcName", "func", "std::string", /*default=*/"",
           "Expand only this template (default: every template)">,
    Option<"report", "report", "std::string", /*default=*/"",
           "Write the expanded space as JSON to this file (`-` for stdout)">,
    Option<"maxConfigs", "max-configs", "int64_t", /*default=*/"100000",
           "Refuse a config space larger than this (before enumerating it)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

#endif // TL_DIALECT_TL_TRANSFORMS_PASSES_TD
