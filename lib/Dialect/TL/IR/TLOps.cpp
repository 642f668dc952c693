//===- TLOps.cpp - tl dialect operations ----------------------------------===//

#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::tl;

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

static StringRef stringifySpace(std::optional<MemorySpace> space) {
  return space ? stringifyMemorySpace(*space) : "unknown";
}

/// Checks that `value` is a buffer in one of `allowed` memory spaces; `role`
/// names it in the diagnostic.
static LogicalResult verifySpace(Operation *op, Value value, StringRef role,
                                 ArrayRef<MemorySpace> allowed, StringRef fix) {
  auto type = cast<MemRefType>(value.getType());
  std::optional<MemorySpace> space = getMemorySpace(type);
  if (space && llvm::is_contained(allowed, *space))
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << role << " is in " << stringifySpace(space)
                            << " memory; it must be in ";
  llvm::interleave(
      allowed, diag, [&](MemorySpace s) { diag << stringifyMemorySpace(s); },
      " or ");
  return diag << " memory" << (fix.empty() ? "" : "; ") << fix;
}

/// Dimensions `a` and `b` agree unless both are static and differ.
static bool dimsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

static void printShape(raw_ostream &os, ArrayRef<int64_t> shape) {
  os << "[";
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  os << "]";
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printShape(os, shape);
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

//===----------------------------------------------------------------------===//
// Alloc ops
//===----------------------------------------------------------------------===//

template <typename AllocOpTy> static LogicalResult verifyAlloc(AllocOpTy op) {
  MemRefType type = op.getBuffer().getType();
  std::optional<MemorySpace> space = getMemorySpace(type);
  MemorySpace expected = AllocOpTy::getMemorySpace();
  if (space != expected)
    return op.emitOpError() << "allocates in " << stringifySpace(space)
                            << " memory; its result type needs #tl.memory<"
                            << stringifyMemorySpace(expected) << ">";
  if (static_cast<int64_t>(op.getDynamicSizes().size()) !=
      type.getNumDynamicDims())
    return op.emitOpError()
           << "has " << op.getDynamicSizes().size() << " size operands for "
           << type.getNumDynamicDims() << " dynamic dimensions of " << type;
  if (!type.getLayout().isIdentity())
    return op.emitOpError() << "allocates with a layout; tiles are allocated "
                               "with the identity layout";
  for (int64_t dim : type.getShape())
    if (!ShapedType::isDynamic(dim) && dim <= 0)
      return op.emitOpError() << "allocates a tile with a dimension of size "
                              << dim << "; tile sizes are positive";
  if (!op->template getParentOfType<KernelOp>())
    return op.emitOpError() << "must be nested in a tl.kernel (tiles belong to "
                               "a block)";
  return success();
}

LogicalResult AllocSharedOp::verify() { return verifyAlloc(*this); }
LogicalResult AllocFragmentOp::verify() { return verifyAlloc(*this); }

namespace {
/// Folds constant size operands into the result type and casts back to the
/// original type for the users (which fold the cast away in turn):
///   tl.alloc_shared(%c64, %n) : memref<?x?xf16, S>
/// becomes
///   %a = tl.alloc_shared(%n) : memref<64x?xf16, S>
///   memref.cast %a : memref<64x?xf16, S> to memref<?x?xf16, S>
template <typename AllocOpTy>
struct FoldConstantAllocSizes : OpRewritePattern<AllocOpTy> {
  using OpRewritePattern<AllocOpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(AllocOpTy op,
                                PatternRewriter &rewriter) const override {
    MemRefType type = op.getBuffer().getType();
    SmallVector<int64_t> shape;
    SmallVector<Value> dynamicSizes;
    bool changed = false;
    auto sizeIt = op.getDynamicSizes().begin();
    for (int64_t dim : type.getShape()) {
      if (!ShapedType::isDynamic(dim)) {
        shape.push_back(dim);
        continue;
      }
      Value size = *sizeIt++;
      APInt constant;
      if (matchPattern(size, m_ConstantInt(&constant)) &&
          constant.isStrictlyPositive()) {
        shape.push_back(constant.getSExtValue());
        changed = true;
      } else {
        shape.push_back(ShapedType::kDynamic);
        dynamicSizes.push_back(size);
      }
    }
    if (!changed)
      return failure();
    auto newType = MemRefType::get(shape, type.getElementType(),
                                   type.getLayout(), type.getMemorySpace());
    auto newOp =
        AllocOpTy::create(rewriter, op.getLoc(), newType, dynamicSizes);
    newOp->setAttrs(op->getAttrs());
    rewriter.replaceOpWithNewOp<memref::CastOp>(op, type, newOp);
    return success();
  }
};
} // namespace

void AllocSharedOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                MLIRContext *context) {
  results.add<FoldConstantAllocSizes<AllocSharedOp>>(context);
}

void AllocFragmentOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                  MLIRContext *context) {
  results.add<FoldConstantAllocSizes<AllocFragmentOp>>(context);
}

//===----------------------------------------------------------------------===//
// CopyOp
//===----------------------------------------------------------------------===//

static bool isConvertible(Type from, Type to) {
  if (from == to)
    return true;
  if (isa<FloatType>(from) && isa<FloatType>(to))
    return true;
  return from.isSignlessInteger() && to.isSignlessInteger();
}

LogicalResult CopyOp::verify() {
  auto srcType = cast<MemRefType>(getSource().getType());
  auto dstType = cast<MemRefType>(getDest().getType());
  std::optional<MemorySpace> srcSpace = getMemorySpace(srcType);
  std::optional<MemorySpace> dstSpace = getMemorySpace(dstType);
  if (!srcSpace || !dstSpace)
    return emitOpError() << "copies between buffers whose memory space is not "
                            "a #tl.memory";
  if (*srcSpace == MemorySpace::Global && *dstSpace == MemorySpace::Global)
    return emitOpError() << "copies global to global; stage the tile through "
                            "shared or fragment memory";
  if (!getSourceOffsets().empty() && !getDestOffsets().empty())
    return emitOpError() << "indexes both sides; index the larger buffer and "
                            "give the tile whole";
  if (!isConvertible(srcType.getElementType(), dstType.getElementType()))
    return emitOpError() << "copies " << srcType.getElementType() << " to "
                         << dstType.getElementType()
                         << "; element types must match or both be floats "
                            "(or both integers)";

  bool srcIndexed = !getSourceOffsets().empty();
  bool dstIndexed = !getDestOffsets().empty();
  if (!srcIndexed && !dstIndexed) {
    if (srcType.getRank() != dstType.getRank() ||
        !llvm::all_of(
            llvm::zip(srcType.getShape(), dstType.getShape()),
            [](auto p) { return dimsAgree(std::get<0>(p), std::get<1>(p)); }))
      return emitOpError() << "copies a " << shapeString(srcType.getShape())
                           << " tile into a " << shapeString(dstType.getShape())
                           << " tile; whole-tile copies need equal shapes";
    return success();
  }

  MemRefType indexed = srcIndexed ? srcType : dstType;
  MemRefType tile = srcIndexed ? dstType : srcType;
  size_t numOffsets =
      srcIndexed ? getSourceOffsets().size() : getDestOffsets().size();
  if (numOffsets != static_cast<size_t>(indexed.getRank()))
    return emitOpError() << "indexes a rank-" << indexed.getRank()
                         << " buffer with " << numOffsets << " offsets";
  if (tile.getRank() > indexed.getRank())
    return emitOpError() << "copies a rank-" << tile.getRank()
                         << " tile at an offset into a rank-"
                         << indexed.getRank()
                         << " buffer; the tile's rank cannot exceed it";
  if (getMemorySpace(tile) == MemorySpace::Global)
    return emitOpError() << "uses a global tensor as the tile; the tile side "
                            "must be shared or fragment memory";
  return success();
}

LogicalResult CopyOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

/// Whether `ab` inputs may accumulate into `c`.
static bool isSupportedGemmTypes(Type ab, Type c) {
  if (ab.isF16())
    return c.isF16() || c.isF32();
  if (ab.isBF16() || isa<Float8E4M3FNType, Float8E5M2Type>(ab))
    return c.isF32();
  if (ab.isF32() || ab.isF64())
    return c == ab;
  if (ab.isSignlessInteger(8))
    return c.isSignlessInteger(32);
  return false;
}

LogicalResult GemmOp::verify() {
  auto aType = cast<MemRefType>(getA().getType());
  auto bType = cast<MemRefType>(getB().getType());
  auto cType = cast<MemRefType>(getC().getType());
  StringRef stage = "copy it into a tl.alloc_shared tile first";
  if (failed(verifySpace(*this, getA(), "operand A",
                         {MemorySpace::Shared, MemorySpace::Fragment},
                         stage)) ||
      failed(verifySpace(*this, getB(), "operand B",
                         {MemorySpace::Shared, MemorySpace::Fragment},
                         stage)) ||
      failed(verifySpace(*this, getC(), "accumulator C",
                         {MemorySpace::Fragment},
                         "allocate it with tl.alloc_fragment")))
    return failure();
  if (aType.getRank() != 2 || bType.getRank() != 2 || cType.getRank() != 2)
    return emitOpError() << "multiplies rank-2 tiles only; got ranks "
                         << aType.getRank() << ", " << bType.getRank() << ", "
                         << cType.getRank();
  if (aType.getElementType() != bType.getElementType())
    return emitOpError() << "multiplies " << aType.getElementType() << " by "
                         << bType.getElementType()
                         << "; A and B need the same element type";
  if (!isSupportedGemmTypes(aType.getElementType(), cType.getElementType()))
    return emitOpError() << "cannot accumulate " << aType.getElementType()
                         << " products into " << cType.getElementType()
                         << "; supported: f16 -> f16|f32, bf16|f8 -> f32, "
                            "f32 -> f32, f64 -> f64, i8 -> i32";

  // A is MxK (KxM when transposed), B is KxN (NxK when transposed).
  int64_t m = aType.getDimSize(getTransposeA() ? 1 : 0);
  int64_t ka = aType.getDimSize(getTransposeA() ? 0 : 1);
  int64_t kb = bType.getDimSize(getTransposeB() ? 1 : 0);
  int64_t n = bType.getDimSize(getTransposeB() ? 0 : 1);
  if (!dimsAgree(ka, kb) || !dimsAgree(m, cType.getDimSize(0)) ||
      !dimsAgree(n, cType.getDimSize(1)))
    return emitOpError() << "has mismatched shapes: A "
                         << shapeString(aType.getShape())
                         << (getTransposeA() ? " (transposed)" : "") << ", B "
                         << shapeString(bType.getShape())
                         << (getTransposeB() ? " (transposed)" : "") << ", C "
                         << shapeString(cType.getShape())
                         << "; need A: MxK, B: KxN, C: MxN";
  return success();
}

LogicalResult GemmOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

//===----------------------------------------------------------------------===//
// ClearOp / FillOp
//===----------------------------------------------------------------------===//

static constexpr StringLiteral kWriteGlobalFix =
    "write a global tensor with tl.copy from a tile";

LogicalResult ClearOp::verify() {
  return verifySpace(*this, getBuffer(), "the tile",
                     {MemorySpace::Shared, MemorySpace::Fragment},
                     kWriteGlobalFix);
}

LogicalResult ClearOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

LogicalResult FillOp::verify() {
  if (failed(verifySpace(*this, getBuffer(), "the tile",
                         {MemorySpace::Shared, MemorySpace::Fragment},
                         kWriteGlobalFix)))
    return failure();
  Type elementType = cast<MemRefType>(getBuffer().getType()).getElementType();
  if (getValue().getType() != elementType)
    return emitOpError() << "fills a tile of " << elementType
                         << " with a value of type " << getValue().getType();
  return success();
}

LogicalResult FillOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  auto srcType = cast<MemRefType>(getSource().getType());
  auto dstType = cast<MemRefType>(getDest().getType());
  StringRef fix = "reduce a shared or fragment tile";
  if (failed(verifySpace(*this, getSource(), "the source",
                         {MemorySpace::Shared, MemorySpace::Fragment}, fix)) ||
      failed(verifySpace(*this, getDest(), "the destination",
                         {MemorySpace::Shared, MemorySpace::Fragment}, fix)))
    return failure();
  int64_t dim = getDim();
  if (dim < 0 || dim >= srcType.getRank())
    return emitOpError() << "reduces dimension " << dim << " of a rank-"
                         << srcType.getRank() << " tile";
  if (srcType.getElementType() != dstType.getElementType())
    return emitOpError() << "reduces " << srcType.getElementType() << " into "
                         << dstType.getElementType()
                         << "; element types must match";
  SmallVector<int64_t> expected(srcType.getShape());
  expected.erase(expected.begin() + dim);
  if (dstType.getRank() != static_cast<int64_t>(expected.size()) ||
      !llvm::all_of(llvm::zip(expected, dstType.getShape()), [](auto p) {
        return dimsAgree(std::get<0>(p), std::get<1>(p));
      }))
    return emitOpError() << "reduces a " << shapeString(srcType.getShape())
                         << " tile along dimension " << dim << " into a "
                         << shapeString(dstType.getShape())
                         << " tile; expected " << shapeString(expected);
  return success();
}

LogicalResult ReduceOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

#define GET_OP_CLASSES
#include "tl/Dialect/TL/IR/TLOps.cpp.inc"
