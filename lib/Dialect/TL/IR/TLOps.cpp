//===- TLOps.cpp - tl dialect operations: functions, kernels, loops -------===//
//
// The ops that structure a program (tl.func and its parameters, tl.kernel
// and how its blocks are arranged, tl.parallel, tl.pipelined); the ops on
// tiles (allocation, copy, gemm, fill, reduce) are in TLTileOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "tl/Dialect/TL/IR/TLOps.h"

#include "ShapeStrings.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::tl;
using mlir::tl::detail::shapeString;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// `type` as written in IR, without the quotes a diagnostic adds.
static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

/// Parses `(%i, %j) in (%a, %b)`: region arguments of index type and their
/// operands.
static ParseResult
parseIndexedRegionHeader(OpAsmParser &parser,
                         SmallVectorImpl<OpAsmParser::Argument> &args,
                         SmallVectorImpl<OpAsmParser::UnresolvedOperand> &ops) {
  Type index = parser.getBuilder().getIndexType();
  if (parser.parseArgumentList(args, OpAsmParser::Delimiter::Paren) ||
      parser.parseKeyword("in") ||
      parser.parseOperandList(ops, OpAsmParser::Delimiter::Paren))
    return failure();
  for (OpAsmParser::Argument &arg : args)
    arg.type = index;
  if (args.size() != ops.size())
    return parser.emitError(parser.getCurrentLocation())
           << "expected as many indices (" << args.size() << ") as extents ("
           << ops.size() << ")";
  return success();
}

static void printIndexedRegionHeader(OpAsmPrinter &p, ValueRange args,
                                     ValueRange ops) {
  p << " (";
  llvm::interleaveComma(args, p, [&](Value v) { p.printOperand(v); });
  p << ") in (" << ops << ")";
}

//===----------------------------------------------------------------------===//
// FuncOp
//===----------------------------------------------------------------------===//

void FuncOp::build(OpBuilder &builder, OperationState &state, StringRef name,
                   FunctionType type) {
  state.addAttribute(SymbolTable::getSymbolAttrName(),
                     builder.getStringAttr(name));
  state.addAttribute(getFunctionTypeAttrName(state.name), TypeAttr::get(type));
  Region *body = state.addRegion();
  Block *entry = new Block();
  body->push_back(entry);
  for (Type input : type.getInputs())
    entry->addArgument(input, state.location);
}

ParseResult FuncOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildFuncType =
      [](Builder &builder, ArrayRef<Type> argTypes, ArrayRef<Type> results,
         function_interface_impl::VariadicFlag,
         std::string &) { return builder.getFunctionType(argTypes, results); };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildFuncType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void FuncOp::print(OpAsmPrinter &p) {
  function_interface_impl::printFunctionOp(
      p, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

ParamAttr FuncOp::lookupParam(StringRef name) {
  if (!getParamsAttr())
    return {};
  for (Attribute attr : getParamsAttr()) {
    auto param = cast<ParamAttr>(attr);
    if (param.getName().getValue() == name)
      return param;
  }
  return {};
}

SmallVector<ParamAttr> FuncOp::getParamDecls() {
  SmallVector<ParamAttr> params;
  if (getParamsAttr())
    for (Attribute attr : getParamsAttr())
      params.push_back(cast<ParamAttr>(attr));
  return params;
}

ConfigSpaceAttrInterface FuncOp::getConfigSpace() {
  return dyn_cast_if_present<ConfigSpaceAttrInterface>(getConfigsAttr());
}

/// "M, N, K" for diagnostics.
static std::string paramNameList(ArrayRef<ParamAttr> params) {
  if (params.empty())
    return "none";
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(params, os,
                        [&](ParamAttr p) { os << p.getName().getValue(); });
  return s;
}

LogicalResult FuncOp::verify() {
  if (!getFunctionType().getResults().empty())
    return emitOpError() << "kernels return nothing; write results to a "
                            "global tensor argument instead";

  SmallVector<ParamAttr> params = getParamDecls();
  llvm::StringSet<> names;
  for (ParamAttr param : params)
    if (!names.insert(param.getName().getValue()).second)
      return emitOpError() << "declares parameter '"
                           << param.getName().getValue() << "' twice";

  // Arguments: global tensors and scalars; `tl.shape` ties dims to params.
  for (auto [i, type] : llvm::enumerate(getArgumentTypes())) {
    auto memref = dyn_cast<MemRefType>(type);
    if (!memref) {
      if (!type.isIntOrIndexOrFloat())
        return emitOpError() << "argument " << i << " has type " << type
                             << "; kernel arguments are global tensors "
                                "(memref) or integer/float scalars";
      continue;
    }
    std::optional<MemorySpace> space = getMemorySpace(memref);
    if (!space)
      return emitOpError() << "argument " << i << " has memory space "
                           << memref.getMemorySpace()
                           << ", which tl does not know; give global tensors "
                              "no memory space or #tl.memory<global>";
    if (*space != MemorySpace::Global)
      return emitOpError() << "argument " << i << " is in "
                           << stringifyMemorySpace(*space)
                           << " memory; kernel arguments are global tensors";
    Attribute shapeAttr = getArgAttr(i, getShapeAttrName());
    if (!shapeAttr)
      continue;
    auto shape = dyn_cast<ArrayAttr>(shapeAttr);
    if (!shape || shape.size() != static_cast<size_t>(memref.getRank()))
      return emitOpError() << "argument " << i << ": '" << getShapeAttrName()
                           << "' must list one entry per dimension ("
                           << memref.getRank() << ")";
    for (auto [dim, entry] : llvm::enumerate(shape)) {
      int64_t size = memref.getDimSize(dim);
      if (auto name = dyn_cast<StringAttr>(entry)) {
        if (!lookupParam(name.getValue()))
          return emitOpError()
                 << "argument " << i << " dimension " << dim << " is sized by '"
                 << name.getValue()
                 << "', which is not a declared parameter (declared: "
                 << paramNameList(params) << ")";
        if (!ShapedType::isDynamic(size))
          return emitOpError() << "argument " << i << " dimension " << dim
                               << " is sized by parameter '" << name.getValue()
                               << "' but its type fixes it to " << size
                               << "; write '?' in the type";
      } else if (auto value = dyn_cast<IntegerAttr>(entry)) {
        if (size != value.getInt())
          return emitOpError()
                 << "argument " << i << " dimension " << dim << ": '"
                 << getShapeAttrName() << "' says " << value.getInt()
                 << " but the type says " << shapeString(memref.getShape());
      } else {
        return emitOpError() << "argument " << i << ": '" << getShapeAttrName()
                             << "' entries are parameter names or integers";
      }
    }
  }

  // The config space names declared parameters and allowed values only.
  if (ConfigSpaceAttrInterface space = getConfigSpace()) {
    if (params.empty())
      return emitOpError() << "has a config space but declares no parameters";
    LogicalResult result = success();
    space.walkEntries([&](StringAttr key, Attribute value) {
      if (failed(result))
        return;
      ParamAttr param = lookupParam(key.getValue());
      if (!param) {
        result = emitOpError()
                 << "config names unknown parameter '" << key.getValue()
                 << "'; the template's parameters are "
                 << paramNameList(params);
        return;
      }
      int64_t v = cast<IntegerAttr>(value).getInt();
      if (!param.allows(v)) {
        InFlightDiagnostic diag = emitOpError();
        diag << "config sets '" << key.getValue() << "' to " << v
             << ", which is not one of its allowed values [";
        llvm::interleaveComma(param.getAllowedValues(), diag);
        diag << "]";
        result = diag;
      }
    });
    if (failed(result))
      return failure();
  }
  if (getConfigAttr() && !params.empty())
    return emitOpError() << "is both a template (it declares parameters) and "
                            "a specialized kernel (it carries a config)";
  return success();
}

LogicalResult FuncOp::verifyRegions() {
  if (getBody().empty())
    return emitOpError() << "needs a body";
  return success();
}

//===----------------------------------------------------------------------===//
// ParamOp
//===----------------------------------------------------------------------===//

LogicalResult ParamOp::verify() {
  auto func = (*this)->getParentOfType<FuncOp>();
  if (!func)
    return emitOpError() << "must be nested in a tl.func template";
  ParamAttr param = func.lookupParam(getName());
  if (!param)
    return emitOpError() << "parameter '" << getName()
                         << "' is used but not declared; declared parameters: "
                         << paramNameList(func.getParamDecls())
                         << "; add #tl.param<\"" << getName()
                         << "\" : " << typeString(getType())
                         << "> to the template's params";
  if (param.getType() != getType())
    return emitOpError() << "reads parameter '" << getName() << "' as "
                         << getType() << " but it is declared "
                         << param.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// CeilDivOp
//===----------------------------------------------------------------------===//

LogicalResult CeilDivOp::verify() {
  APInt rhs;
  if (matchPattern(getRhs(), m_ConstantInt(&rhs)) && !rhs.isStrictlyPositive())
    return emitOpError() << "divisor is " << rhs.getSExtValue()
                         << "; tl.ceildiv needs a positive divisor";
  return success();
}

OpFoldResult CeilDivOp::fold(FoldAdaptor adaptor) {
  auto lhs = dyn_cast_if_present<IntegerAttr>(adaptor.getLhs());
  auto rhs = dyn_cast_if_present<IntegerAttr>(adaptor.getRhs());
  if (rhs && rhs.getValue().isOne())
    return getLhs();
  if (!lhs || !rhs || !rhs.getValue().isStrictlyPositive() ||
      lhs.getValue().isNegative())
    return {};
  // l / r rounded up without computing l + r - 1, which overflows near
  // INT64_MAX.
  int64_t l = lhs.getValue().getSExtValue(), r = rhs.getValue().getSExtValue();
  return IntegerAttr::get(getType(), l / r + (l % r != 0));
}

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

void KernelOp::build(OpBuilder &builder, OperationState &state, ValueRange grid,
                     Value threads) {
  state.addOperands(grid);
  state.addOperands(threads);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value g : grid)
    block->addArgument(builder.getIndexType(), g.getLoc());
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(block);
  YieldOp::create(builder, state.location);
}

/// How deeply tl.kernel / tl.parallel / tl.pipelined may nest in parsed
/// text: the parser recurses per level, and input nested tens of thousands
/// deep would overflow its stack instead of getting an error.
static constexpr int kMaxRegionNesting = 2048;

/// Parses the body region of a tl region op, bounding the nesting depth.
static ParseResult parseNestedRegion(OpAsmParser &parser, Region &body,
                                     ArrayRef<OpAsmParser::Argument> args) {
  static thread_local int depth = 0;
  if (depth >= kMaxRegionNesting)
    return parser.emitError(parser.getCurrentLocation())
           << "tl regions nested deeper than " << kMaxRegionNesting
           << " levels; flatten the loops";
  ++depth;
  ParseResult result = parser.parseRegion(body, args);
  --depth;
  return result;
}

ParseResult KernelOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::Argument> indices;
  SmallVector<OpAsmParser::UnresolvedOperand> grid;
  OpAsmParser::UnresolvedOperand threads;
  Type index = parser.getBuilder().getIndexType();
  if (parseIndexedRegionHeader(parser, indices, grid) ||
      parser.parseKeyword("threads") || parser.parseOperand(threads) ||
      parser.resolveOperands(grid, index, result.operands) ||
      parser.resolveOperand(threads, index, result.operands) ||
      parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  Region *body = result.addRegion();
  if (parseNestedRegion(parser, *body, indices))
    return failure();
  KernelOp::ensureTerminator(*body, parser.getBuilder(), result.location);
  return success();
}

void KernelOp::print(OpAsmPrinter &p) {
  printIndexedRegionHeader(p, getBlockIndices(), getGrid());
  p << " threads " << getThreads();
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs());
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/false);
}

LogicalResult KernelOp::verify() {
  if (getGrid().empty() || getGrid().size() > 3)
    return emitOpError() << "launches a " << getGrid().size()
                         << "-D grid; grids have 1 to 3 dimensions";
  if (getBody().getNumArguments() != getGrid().size())
    return emitOpError() << "has " << getBody().getNumArguments()
                         << " block indices for a " << getGrid().size()
                         << "-D grid";
  if ((*this)->getParentOfType<KernelOp>())
    return emitOpError() << "is nested in another tl.kernel; a kernel launches "
                            "from the host only";
  for (auto [d, g] : llvm::enumerate(getGrid())) {
    APInt blocks;
    if (matchPattern(g, m_ConstantInt(&blocks)) && !blocks.isStrictlyPositive())
      return emitOpError() << "launches " << blocks.getSExtValue()
                           << " blocks in grid dimension " << d
                           << "; every dimension needs at least one";
  }
  APInt threads;
  if (matchPattern(getThreads(), m_ConstantInt(&threads)) &&
      !threads.isStrictlyPositive())
    return emitOpError() << "launches " << threads.getSExtValue()
                         << " threads per block; it needs at least one";
  return success();
}

//===----------------------------------------------------------------------===//
// ClusterOp, UseSwizzleOp
//===----------------------------------------------------------------------===//

/// What tl.cluster and tl.use_swizzle share: they arrange the blocks of
/// the enclosing kernel's 2-D grid (`arranges`), once a kernel (`one`).
template <typename Op>
static LogicalResult verifyBlockArrangement(Op op, StringRef arranges,
                                            StringRef one) {
  auto kernel = cast<KernelOp>(op->getParentOp());
  if (kernel.getGrid().size() != 2)
    return op.emitOpError()
           << arranges << " of a 2-D grid; this kernel's "
           << "grid has " << kernel.getGrid().size() << " dimensions";
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode())
    if (isa<Op>(prev))
      return op.emitOpError() << "is the second in its kernel; a kernel has "
                              << "one " << one;
  return success();
}

LogicalResult ClusterOp::verify() {
  if (failed(verifyBlockArrangement(*this, "clusters the block rows",
                                    "cluster shape")))
    return failure();
  APInt rows;
  if (matchPattern(getRows(), m_ConstantInt(&rows)) &&
      (!rows.isStrictlyPositive() || rows.getSExtValue() > 8 ||
       !rows.isPowerOf2()))
    return emitOpError() << "clusters " << rows.getSExtValue()
                         << " block rows; use 1, 2, 4 or 8 (1: no clusters)";
  return success();
}

LogicalResult UseSwizzleOp::verify() {
  if (failed(
          verifyBlockArrangement(*this, "renumbers the blocks", "block order")))
    return failure();
  APInt panel;
  if (matchPattern(getPanel(), m_ConstantInt(&panel)) &&
      !panel.isStrictlyPositive())
    return emitOpError() << "groups " << panel.getSExtValue()
                         << " rows; the panel needs at least one (1: the "
                            "launch order)";
  return success();
}

LogicalResult PersistentOp::verify() {
  for (Operation *prev = getOperation()->getPrevNode(); prev;
       prev = prev->getPrevNode())
    if (isa<PersistentOp>(prev))
      return emitOpError() << "is the second in its kernel; a kernel is "
                              "persistent once";
  APInt enabled;
  if (matchPattern(getEnabled(), m_ConstantInt(&enabled)) &&
      (enabled.getSExtValue() < 0 || enabled.getSExtValue() > 2))
    return emitOpError() << "is set to " << enabled.getSExtValue()
                         << "; use 1 (persistent), 2 (persistent, two tiles "
                            "at a time) or 0 (the grid as written)";
  return success();
}

//===----------------------------------------------------------------------===//
// ParallelOp
//===----------------------------------------------------------------------===//

void ParallelOp::build(OpBuilder &builder, OperationState &state,
                       ValueRange extents) {
  state.addOperands(extents);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value e : extents)
    block->addArgument(builder.getIndexType(), e.getLoc());
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(block);
  YieldOp::create(builder, state.location);
}

ParseResult ParallelOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::Argument> indices;
  SmallVector<OpAsmParser::UnresolvedOperand> extents;
  if (parseIndexedRegionHeader(parser, indices, extents) ||
      parser.resolveOperands(extents, parser.getBuilder().getIndexType(),
                             result.operands) ||
      parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  Region *body = result.addRegion();
  if (parseNestedRegion(parser, *body, indices))
    return failure();
  ParallelOp::ensureTerminator(*body, parser.getBuilder(), result.location);
  return success();
}

void ParallelOp::print(OpAsmPrinter &p) {
  printIndexedRegionHeader(p, getInductionVars(), getExtents());
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs());
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/false);
}

LogicalResult ParallelOp::verify() {
  if (getExtents().empty())
    return emitOpError() << "needs at least one extent";
  if (getBody().getNumArguments() != getExtents().size())
    return emitOpError() << "has " << getBody().getNumArguments()
                         << " indices for " << getExtents().size()
                         << " extents";
  if (!(*this)->getParentOfType<KernelOp>())
    return emitOpError() << "must be nested in a tl.kernel";
  return success();
}

//===----------------------------------------------------------------------===//
// PipelinedOp
//===----------------------------------------------------------------------===//

void PipelinedOp::build(OpBuilder &builder, OperationState &state, Value lower,
                        Value upper, Value numStages) {
  state.addOperands({lower, upper, numStages});
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  block->addArgument(builder.getIndexType(), state.location);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(block);
  YieldOp::create(builder, state.location);
}

// tl.pipelined %iv = %lb to %ub num_stages %s { ... }
ParseResult PipelinedOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::Argument iv;
  OpAsmParser::UnresolvedOperand lower, upper, stages;
  Type index = parser.getBuilder().getIndexType();
  if (parser.parseArgument(iv) || parser.parseEqual() ||
      parser.parseOperand(lower) || parser.parseKeyword("to") ||
      parser.parseOperand(upper) || parser.parseKeyword("num_stages") ||
      parser.parseOperand(stages) ||
      parser.resolveOperand(lower, index, result.operands) ||
      parser.resolveOperand(upper, index, result.operands) ||
      parser.resolveOperand(stages, index, result.operands) ||
      parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  iv.type = index;
  Region *body = result.addRegion();
  if (parseNestedRegion(parser, *body, {iv}))
    return failure();
  PipelinedOp::ensureTerminator(*body, parser.getBuilder(), result.location);
  return success();
}

void PipelinedOp::print(OpAsmPrinter &p) {
  p << ' ' << getInductionVar() << " = " << getLower() << " to " << getUpper()
    << " num_stages " << getNumStages();
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs());
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/false);
}

LogicalResult PipelinedOp::verify() {
  if (getBody().getNumArguments() != 1)
    return emitOpError() << "needs exactly one induction variable";
  if (!(*this)->getParentOfType<KernelOp>())
    return emitOpError() << "must be nested in a tl.kernel";
  APInt stages;
  if (matchPattern(getNumStages(), m_ConstantInt(&stages)) &&
      !stages.isStrictlyPositive())
    return emitOpError() << "has num_stages = " << stages.getSExtValue()
                         << "; a pipeline needs at least 1 stage";
  return success();
}

#define GET_OP_CLASSES
#include "tl/Dialect/TL/IR/TLOps.cpp.inc"
