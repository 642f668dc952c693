//===- Specialize.cpp - Instantiate a kernel template ---------------------===//

#include "tl/Dialect/TL/Transforms/Specialize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::tl;

/// Entries of `config` in the template's parameter declaration order; keys
/// that are not declared come last.
static SmallVector<NamedAttribute> orderedEntries(FuncOp tmpl,
                                                  DictionaryAttr config) {
  SmallVector<NamedAttribute> entries;
  for (ParamAttr param : tmpl.getParamDecls())
    if (Attribute value = config.get(param.getName()))
      entries.emplace_back(param.getName(), value);
  for (NamedAttribute entry : config)
    if (!tmpl.lookupParam(entry.getName().getValue()))
      entries.push_back(entry);
  return entries;
}

std::string mlir::tl::formatConfig(FuncOp tmpl, DictionaryAttr config) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "{";
  llvm::interleaveComma(orderedEntries(tmpl, config), os,
                        [&](NamedAttribute entry) {
                          os << entry.getName().getValue() << " = ";
                          if (auto i = dyn_cast<IntegerAttr>(entry.getValue()))
                            os << i.getInt();
                          else
                            os << entry.getValue();
                        });
  os << "}";
  return s;
}

std::string mlir::tl::specializedName(FuncOp tmpl, DictionaryAttr config) {
  std::string name = tmpl.getSymName().str();
  for (NamedAttribute entry : orderedEntries(tmpl, config)) {
    name += "_" + entry.getName().getValue().str();
    int64_t value = cast<IntegerAttr>(entry.getValue()).getInt();
    // The magnitude in unsigned arithmetic: -INT64_MIN does not fit int64_t.
    uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value)
                                   : static_cast<uint64_t>(value);
    name += (value < 0 ? "n" : "") + std::to_string(magnitude);
  }
  return name;
}

FailureOr<ParamValues>
mlir::tl::resolveParamValues(FuncOp tmpl, DictionaryAttr config,
                             DictionaryAttr instantiation, std::string &error) {
  llvm::raw_string_ostream os(error);
  auto checkKeys = [&](DictionaryAttr dict, StringRef what) {
    for (NamedAttribute entry : dict) {
      if (tmpl.lookupParam(entry.getName().getValue()))
        continue;
      os << what << " names unknown parameter '" << entry.getName().getValue()
         << "'; the template's parameters are ";
      llvm::interleaveComma(tmpl.getParamDecls(), os,
                            [&](ParamAttr p) { os << p.getName().getValue(); });
      return failure();
    }
    return success();
  };
  if (failed(checkKeys(config, "the config")) ||
      failed(checkKeys(instantiation, "the instantiation")))
    return failure();

  ParamValues values;
  for (ParamAttr param : tmpl.getParamDecls()) {
    StringRef name = param.getName().getValue();
    Attribute fromConfig = config.get(name);
    Attribute fromInstance = instantiation.get(name);
    if (fromConfig && fromInstance) {
      os << "parameter '" << name
         << "' is both set by the instantiation and tuned by the config "
            "space; drop it from one of them";
      return failure();
    }
    int64_t value;
    if (Attribute given = fromConfig ? fromConfig : fromInstance) {
      auto integer = dyn_cast<IntegerAttr>(given);
      if (!integer) {
        os << "parameter '" << name << "' is set to " << given
           << "; parameters take integers";
        return failure();
      }
      value = integer.getInt();
    } else if (param.getDefaultValue()) {
      value = *param.getDefaultValue();
    } else {
      os << "parameter '" << name
         << "' has no value: give it when instantiating (e.g. " << name
         << "=1024) or declare a default";
      return failure();
    }
    if (!param.fits(value)) {
      os << "parameter '" << name << "' = " << value
         << " does not fit its type " << param.getType();
      return failure();
    }
    if (!param.allows(value)) {
      os << "parameter '" << name << "' = " << value
         << " is not one of its allowed values [";
      llvm::interleaveComma(param.getAllowedValues(), os);
      os << "]";
      return failure();
    }
    values[param.getName()] = value;
  }
  return values;
}

FrozenRewritePatternSet mlir::tl::getSpecializationPatterns(MLIRContext *ctx) {
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  return FrozenRewritePatternSet(std::move(patterns));
}

/// Explains why `kernel` is not fully static, or returns an empty string.
static std::string findNonStatic(FuncOp kernel) {
  std::string why;
  llvm::raw_string_ostream os(why);
  auto isConstant = [](Value v) { return matchPattern(v, m_Constant()); };
  kernel.walk([&](Operation *op) {
    if (!why.empty())
      return WalkResult::interrupt();
    APInt lhs;
    if (auto param = dyn_cast<ParamOp>(op)) {
      os << "parameter '" << param.getName() << "' is still read";
    } else if (auto div = dyn_cast<CeilDivOp>(op);
               div && matchPattern(div.getLhs(), m_ConstantInt(&lhs)) &&
               lhs.isNegative()) {
      os << "tl.ceildiv divides " << lhs.getSExtValue()
         << ": sizes and counts must not be negative (check the parameters)";
    } else if (auto launch = dyn_cast<KernelOp>(op)) {
      if (!llvm::all_of(launch.getGrid(), isConstant))
        os << "the grid size of a tl.kernel is not a constant";
      else if (!isConstant(launch.getThreads()))
        os << "the thread count of a tl.kernel is not a constant";
      for (auto [d, g] : llvm::enumerate(launch.getGrid())) {
        APInt blocks;
        if (why.empty() && matchPattern(g, m_ConstantInt(&blocks)) &&
            !blocks.isStrictlyPositive())
          os << "the grid of a tl.kernel has " << blocks.getSExtValue()
             << " blocks in dimension " << d
             << "; every dimension needs at least one (check the parameters)";
      }
      APInt threads;
      if (why.empty() &&
          matchPattern(launch.getThreads(), m_ConstantInt(&threads)) &&
          !threads.isStrictlyPositive())
        os << "a tl.kernel launches " << threads.getSExtValue()
           << " threads per block; it needs at least one";
    } else if (auto loop = dyn_cast<PipelinedOp>(op)) {
      if (!isConstant(loop.getNumStages()))
        os << "the num_stages of a tl.pipelined is not a constant";
    } else if (auto loop = dyn_cast<ParallelOp>(op)) {
      if (!llvm::all_of(loop.getExtents(), isConstant))
        os << "the extents of a tl.parallel are not constants";
    } else if (isa<AllocSharedOp, AllocFragmentOp>(op)) {
      auto type = cast<MemRefType>(op->getResult(0).getType());
      APInt size;
      for (Value operand : op->getOperands())
        if (why.empty() && matchPattern(operand, m_ConstantInt(&size)) &&
            !size.isStrictlyPositive())
          os << "a tile of type " << type << " is sized " << size.getSExtValue()
             << "; tile sizes must be positive (check the parameters)";
      if (why.empty() && !type.hasStaticShape())
        os << "a tile of type " << type << " keeps a dynamic size";
    }
    return why.empty() ? WalkResult::advance() : WalkResult::interrupt();
  });
  return why;
}

FailureOr<FuncOp> mlir::tl::specializeTemplate(
    FuncOp tmpl, const ParamValues &values, StringRef name,
    const FrozenRewritePatternSet &patterns, std::string &error) {
  MLIRContext *ctx = tmpl.getContext();
  auto kernel = cast<FuncOp>(tmpl->clone());
  kernel.setSymName(name);
  kernel.removeParamsAttr();
  kernel.removeConfigsAttr();
  kernel->removeAttr("tl.instantiate");
  kernel->removeAttr("tl.constraints");

  // Parameters become constants.
  SmallVector<ParamOp> params;
  kernel.walk([&](ParamOp op) { params.push_back(op); });
  IRRewriter rewriter(ctx);
  for (ParamOp op : params) {
    rewriter.setInsertionPoint(op);
    int64_t value = values.lookup(op.getNameAttr());
    rewriter.replaceOp(
        op, arith::ConstantOp::create(rewriter, op.getLoc(),
                                      IntegerAttr::get(op.getType(), value)));
  }

  // Global tensors sized by parameters get static types; a cast back to the
  // original type keeps every use valid until canonicalization folds it.
  Block &entry = kernel.getBody().front();
  SmallVector<Type> argTypes(kernel.getArgumentTypes());
  rewriter.setInsertionPointToStart(&entry);
  for (unsigned i = 0, e = kernel.getNumArguments(); i < e; ++i) {
    auto shape =
        kernel.getArgAttrOfType<ArrayAttr>(i, FuncOp::getShapeAttrName());
    if (!shape)
      continue;
    auto type = cast<MemRefType>(argTypes[i]);
    SmallVector<int64_t> dims;
    int64_t bytes = llvm::divideCeil(type.getElementTypeBitWidth(), 8);
    for (auto [d, dim] : llvm::enumerate(shape)) {
      auto param = dyn_cast<StringAttr>(dim);
      int64_t size =
          param ? values.lookup(param) : cast<IntegerAttr>(dim).getInt();
      std::string what = llvm::formatv("dimension {0} of argument {1}", d, i);
      if (param)
        what = "parameter '" + param.getValue().str() +
               "' = " + std::to_string(size) + " sizes " + what;
      if (size < 1) {
        error = what + "; tensor dimensions must be at least 1";
        kernel->erase();
        return failure();
      }
      if (llvm::MulOverflow(bytes, size, bytes)) {
        error = what + ", which makes the tensor larger than 2^63 bytes";
        kernel->erase();
        return failure();
      }
      dims.push_back(size);
    }
    auto staticType = MemRefType::get(dims, type.getElementType(),
                                      type.getLayout(), type.getMemorySpace());
    BlockArgument arg = entry.getArgument(i);
    arg.setType(staticType);
    auto cast = memref::CastOp::create(rewriter, arg.getLoc(), type, arg);
    arg.replaceAllUsesExcept(cast, cast);
    argTypes[i] = staticType;
    kernel.removeArgAttr(i, StringAttr::get(ctx, FuncOp::getShapeAttrName()));
  }
  kernel.setFunctionType(FunctionType::get(ctx, argTypes, {}));

  GreedyRewriteConfig config;
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Normal);
  (void)applyPatternsGreedily(kernel.getOperation(), patterns, config);

  error = findNonStatic(kernel);
  if (!error.empty()) {
    kernel->erase();
    return failure();
  }
  return kernel;
}
