//===- ExpandFloatConversions.cpp - f16/bf16 conversions without libcalls -===//
//
// tl-expand-float-conversions: arith.extf / arith.truncf between f32 and
// f16 or bf16 as integer arithmetic, so that a host kernel needs neither
// F16C nor AVX512-BF16 nor a compiler runtime library. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "tl/Conversion/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <type_traits>

namespace mlir::tl {
#define GEN_PASS_DEF_TLEXPANDFLOATCONVERSIONS
#include "tl/Conversion/Passes.h.inc"
} // namespace mlir::tl

using namespace mlir;

namespace {

/// `type`'s shape (scalar or vector) with element type `element`.
Type withElement(Type type, Type element) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(element);
  return element;
}

/// Builds integer and float constants of one shape.
struct Consts {
  PatternRewriter &rewriter;
  Location loc;
  Type shapeOf;

  Value integer(unsigned bits, uint64_t value) {
    Type type = withElement(shapeOf, rewriter.getIntegerType(bits));
    TypedAttr attr =
        rewriter.getIntegerAttr(getElementTypeOrSelf(type), APInt(bits, value));
    if (auto shaped = dyn_cast<ShapedType>(type))
      attr = DenseElementsAttr::get(shaped, attr);
    return arith::ConstantOp::create(rewriter, loc, attr);
  }
  Value f32(float value) {
    Type type = withElement(shapeOf, rewriter.getF32Type());
    TypedAttr attr = rewriter.getF32FloatAttr(value);
    if (auto shaped = dyn_cast<ShapedType>(type))
      attr = DenseElementsAttr::get(shaped, attr);
    return arith::ConstantOp::create(rewriter, loc, attr);
  }
};

bool isNarrow(Type element, bool expandF16) {
  return element.isBF16() || (expandF16 && element.isF16());
}

/// f16/bf16 <-> f64 in two steps through f32 (`OpTy` is arith.extf or
/// arith.truncf), so that the patterns below only see f32 on the wide side.
template <typename OpTy> struct SplitThroughF32 : OpRewritePattern<OpTy> {
  SplitThroughF32(MLIRContext *ctx, bool expandF16)
      : OpRewritePattern<OpTy>(ctx), expandF16(expandF16) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Type from = getElementTypeOrSelf(op.getIn().getType());
    Type to = getElementTypeOrSelf(op.getType());
    bool extends = std::is_same_v<OpTy, arith::ExtFOp>;
    Type narrow = extends ? from : to, wide = extends ? to : from;
    if (!isNarrow(narrow, expandF16) || wide.isF32())
      return failure();
    Value f32 = OpTy::create(rewriter, op.getLoc(),
                             withElement(op.getType(), rewriter.getF32Type()),
                             op.getIn());
    rewriter.replaceOpWithNewOp<OpTy>(op, op.getType(), f32);
    return success();
  }
  bool expandF16;
};

/// f16 -> f32: exponent rebiased, mantissa shifted; subnormals scaled
/// exactly through an integer-to-float conversion; inf and NaN kept.
struct ExpandF16ExtF : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getIn().getType()).isF16() ||
        !getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    Location loc = op.getLoc();
    Type type = op.getType();
    Consts c{rewriter, loc, type};
    Type i16 = withElement(type, rewriter.getI16Type());
    Type i32 = withElement(type, rewriter.getI32Type());
    Value bits = arith::BitcastOp::create(rewriter, loc, i16, op.getIn());
    Value w = arith::ExtUIOp::create(rewriter, loc, i32, bits);
    Value sign = arith::ShLIOp::create(
        rewriter, loc,
        arith::AndIOp::create(rewriter, loc, w, c.integer(32, 0x8000)),
        c.integer(32, 16));
    Value exp = arith::AndIOp::create(
        rewriter, loc,
        arith::ShRUIOp::create(rewriter, loc, w, c.integer(32, 10)),
        c.integer(32, 0x1f));
    Value mant = arith::AndIOp::create(rewriter, loc, w, c.integer(32, 0x3ff));
    Value mantHigh =
        arith::ShLIOp::create(rewriter, loc, mant, c.integer(32, 13));
    Value normal = arith::OrIOp::create(
        rewriter, loc,
        arith::ShLIOp::create(
            rewriter, loc,
            arith::AddIOp::create(rewriter, loc, exp, c.integer(32, 112)),
            c.integer(32, 23)),
        mantHigh);
    Value infNan = arith::OrIOp::create(rewriter, loc, mantHigh,
                                        c.integer(32, 0x7f800000));
    // A subnormal (or zero) is mant * 2^-24, exact in f32.
    Value scaled = arith::MulFOp::create(
        rewriter, loc, arith::SIToFPOp::create(rewriter, loc, type, mant),
        c.f32(0x1p-24f));
    Value subnormal = arith::BitcastOp::create(rewriter, loc, i32, scaled);
    Value isZeroExp = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, exp, c.integer(32, 0));
    Value isMaxExp = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, exp, c.integer(32, 0x1f));
    Value magnitude = arith::SelectOp::create(
        rewriter, loc, isZeroExp, subnormal,
        arith::SelectOp::create(rewriter, loc, isMaxExp, infNan, normal));
    Value result = arith::OrIOp::create(rewriter, loc, magnitude, sign);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, type, result);
    return success();
  }
};

/// f32 -> f16, rounding to nearest even: values past the f16 range become
/// infinity (NaN a quiet NaN), results in the subnormal range are rounded
/// by an f32 addition that aligns them, the rest by integer rounding.
struct ExpandF16TruncF : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getIn().getType()).isF32() ||
        !getElementTypeOrSelf(op.getType()).isF16())
      return failure();
    Location loc = op.getLoc();
    Type f32 = op.getIn().getType();
    Consts c{rewriter, loc, f32};
    Type i32 = withElement(f32, rewriter.getI32Type());
    Type i16 = withElement(f32, rewriter.getI16Type());
    using P = arith::CmpIPredicate;
    Value f = arith::BitcastOp::create(rewriter, loc, i32, op.getIn());
    Value sign =
        arith::AndIOp::create(rewriter, loc, f, c.integer(32, 0x80000000u));
    Value a = arith::XOrIOp::create(rewriter, loc, f, sign);
    // |x| >= 65536 (2^16) or inf/NaN.
    Value isNaN = arith::CmpIOp::create(rewriter, loc, P::ugt, a,
                                        c.integer(32, 0x7f800000));
    Value overflows = arith::CmpIOp::create(rewriter, loc, P::uge, a,
                                            c.integer(32, 0x47800000));
    Value overflowBits = arith::SelectOp::create(
        rewriter, loc, isNaN, c.integer(32, 0x7e00), c.integer(32, 0x7c00));
    // |x| < 2^-14: the f16 result is subnormal or zero. Adding 0.5 puts the
    // f16 mantissa in the low bits of the sum's, rounded to nearest even.
    Value isSubnormal = arith::CmpIOp::create(rewriter, loc, P::ult, a,
                                              c.integer(32, 0x38800000));
    Value aligned = arith::AddFOp::create(
        rewriter, loc, arith::BitcastOp::create(rewriter, loc, f32, a),
        c.f32(0.5f));
    Value subnormalBits = arith::SubIOp::create(
        rewriter, loc, arith::BitcastOp::create(rewriter, loc, i32, aligned),
        c.integer(32, 0x3f000000));
    // Normal: rebias the exponent, round the 13 dropped bits to even.
    Value odd = arith::AndIOp::create(
        rewriter, loc,
        arith::ShRUIOp::create(rewriter, loc, a, c.integer(32, 13)),
        c.integer(32, 1));
    Value rebiased =
        arith::AddIOp::create(rewriter, loc, a, c.integer(32, 0xC8000FFFu));
    Value normalBits = arith::ShRUIOp::create(
        rewriter, loc, arith::AddIOp::create(rewriter, loc, rebiased, odd),
        c.integer(32, 13));
    Value magnitude = arith::SelectOp::create(
        rewriter, loc, overflows, overflowBits,
        arith::SelectOp::create(rewriter, loc, isSubnormal, subnormalBits,
                                normalBits));
    Value bits = arith::OrIOp::create(
        rewriter, loc, magnitude,
        arith::ShRUIOp::create(rewriter, loc, sign, c.integer(32, 16)));
    Value narrow = arith::TruncIOp::create(rewriter, loc, i16, bits);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), narrow);
    return success();
  }
};

/// Defines the compiler-runtime conversions that LLVM's x86 backend may
/// still call where it legalizes f16/bf16 values itself (a phi of bf16
/// values, say, goes through f32 without AVX512-BF16), as weak functions
/// of the module whose bodies the patterns expand: the shared object then
/// needs nothing beyond libc. `f16` adds the f16 ones (CPUs without F16C);
/// f64 -> f16 is always there (F16C does not convert f64).
void defineRuntimeConversions(ModuleOp module, bool f16) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Type f16Type = b.getF16Type(), bf16 = b.getBF16Type(), f32 = b.getF32Type(),
       f64 = b.getF64Type();
  struct Helper {
    StringRef name;
    Type from, to;
    bool wanted;
  };
  Helper helpers[] = {{"__truncsfbf2", f32, bf16, true},
                      {"__truncdfbf2", f64, bf16, true},
                      {"__truncdfhf2", f64, f16Type, true},
                      {"__truncsfhf2", f32, f16Type, f16},
                      {"__extendhfsf2", f16Type, f32, f16}};
  Location loc = module.getLoc();
  for (const Helper &h : helpers) {
    if (!h.wanted || SymbolTable::lookupSymbolIn(module, h.name))
      continue;
    auto func = func::FuncOp::create(b, loc, h.name,
                                     b.getFunctionType({h.from}, {h.to}));
    func->setAttr("llvm.linkage",
                  LLVM::LinkageAttr::get(ctx, LLVM::Linkage::WeakODR));
    OpBuilder body = OpBuilder::atBlockEnd(func.addEntryBlock());
    Value v = func.getArgument(0);
    // Through f32, so that no body converts f64 directly (which would call
    // itself).
    if (h.from.isF64())
      v = arith::TruncFOp::create(body, loc, f32, v);
    if (h.to != f32)
      v = arith::TruncFOp::create(body, loc, h.to, v);
    else
      v = arith::ExtFOp::create(body, loc, f32, v);
    func::ReturnOp::create(body, loc, v);
  }
}

struct ExpandFloatConversionsPass
    : public tl::impl::TLExpandFloatConversionsBase<
          ExpandFloatConversionsPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    if (defineRuntime)
      defineRuntimeConversions(getOperation(), expandF16);
    RewritePatternSet patterns(ctx);
    patterns
        .add<SplitThroughF32<arith::ExtFOp>, SplitThroughF32<arith::TruncFOp>>(
            ctx, expandF16);
    arith::populateExpandBFloat16Patterns(patterns);
    if (expandF16)
      patterns.add<ExpandF16ExtF, ExpandF16TruncF>(ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
