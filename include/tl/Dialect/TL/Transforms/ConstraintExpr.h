//===- ConstraintExpr.h - Constraints over template parameters -*- C++ -*-===//
//
// A small C-like integer expression language over parameter names, used to
// filter configs before anything is built:
//
//   block_M * block_K <= 8192 && threads % 32 == 0
//
// Operators, loosest first: `||`, `&&`, `== !=`, `< <= > >=`, `+ -`,
// `* / %`, unary `- !`; parentheses; decimal integers; identifiers name
// parameters. Comparisons and logic yield 0 or 1; a config passes when the
// expression is non-zero. Arithmetic is 64-bit and checked: an overflow
// is an error, not a wrapped value. Expressions nest at most kMaxDepth
// deep, so neither the parser nor the evaluator can exhaust the stack.
//
//===----------------------------------------------------------------------===//

#ifndef TL_DIALECT_TL_TRANSFORMS_CONSTRAINTEXPR_H
#define TL_DIALECT_TL_TRANSFORMS_CONSTRAINTEXPR_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir::tl {

class ConstraintExpr {
public:
  /// How deeply operators and parentheses may nest.
  static constexpr int kMaxDepth = 256;

  /// Parses `text`; on failure returns null and sets `error` to a message
  /// with the column of the problem.
  static std::unique_ptr<ConstraintExpr> parse(StringRef text,
                                               std::string &error);

  /// Evaluates with `lookup` giving each identifier's value. Returns nullopt
  /// and sets `error` when an identifier is unknown, a division by zero
  /// happens or a result does not fit in 64 bits.
  std::optional<int64_t>
  evaluate(function_ref<std::optional<int64_t>(StringRef)> lookup,
           std::string &error) const;

  /// The identifiers the expression reads, in order of appearance.
  ArrayRef<std::string> getIdentifiers() const { return identifiers; }
  StringRef getText() const { return text; }

  struct Node {
    enum Kind { Int, Ident, Unary, Binary } kind;
    std::string op; // operator spelling for Unary / Binary
    int64_t value = 0;
    std::string name;
    int lhs = -1, rhs = -1; // indices into `nodes`
    int depth = 1;          // of the subtree rooted here
  };

private:
  std::string text;
  SmallVector<Node> nodes;
  int root = -1;
  SmallVector<std::string> identifiers;

  friend class ConstraintParser;
};

} // namespace mlir::tl

#endif // TL_DIALECT_TL_TRANSFORMS_CONSTRAINTEXPR_H
