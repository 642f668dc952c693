//===- ConstraintExpr.cpp - Constraints over template parameters ----------===//

#include "tl/Dialect/TL/Transforms/ConstraintExpr.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include "llvm/Support/MathExtras.h"

#include <cctype>
#include <functional>
#include <limits>

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl {
/// Recursive-descent parser, one function per precedence level.
class ConstraintParser {
public:
  ConstraintParser(ConstraintExpr &expr, std::string &error)
      : expr(expr), error(error), s(expr.text) {}

  bool run() {
    expr.root = parseBinary(0);
    if (expr.root < 0)
      return false;
    skipSpace();
    if (pos != s.size())
      return fail("unexpected '" + s.substr(pos, 1).str() + "'");
    return true;
  }

private:
  ConstraintExpr &expr;
  std::string &error;
  StringRef s;
  size_t pos = 0;
  bool failed = false;

  bool fail(const std::string &message) {
    if (failed)
      return false; // keep the first error
    failed = true;
    error =
        llvm::formatv("constraint '{0}' column {1}: {2}", s, pos + 1, message)
            .str();
    return false;
  }

  void skipSpace() {
    while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos])))
      ++pos;
  }

  /// Adds `node`; fails when the tree would nest deeper than kMaxDepth.
  int add(ConstraintExpr::Node node) {
    for (int child : {node.lhs, node.rhs})
      if (child >= 0)
        node.depth = std::max(node.depth, expr.nodes[child].depth + 1);
    if (node.depth > ConstraintExpr::kMaxDepth)
      return fail(llvm::formatv("nested deeper than {0} levels; split it into "
                                "several constraints",
                                ConstraintExpr::kMaxDepth)
                      .str()),
             -1;
    expr.nodes.push_back(std::move(node));
    return static_cast<int>(expr.nodes.size()) - 1;
  }

  /// Operators by level, loosest first.
  static ArrayRef<StringRef> levelOps(int level) {
    static const SmallVector<SmallVector<StringRef>> levels = {
        {"||"},     {"&&"},         {"==", "!="}, {"<=", ">=", "<", ">"},
        {"+", "-"}, {"*", "/", "%"}};
    return levels[level];
  }
  static constexpr int kNumLevels = 6;

  int parseBinary(int level) {
    if (level == kNumLevels)
      return parseUnary();
    int lhs = parseBinary(level + 1);
    while (lhs >= 0) {
      skipSpace();
      StringRef matched;
      for (StringRef op : levelOps(level))
        if (s.substr(pos).starts_with(op)) {
          matched = op;
          break;
        }
      // `<` must not swallow the `<` of `<=` (listed first), and `|`/`&`
      // alone are not operators.
      if (matched.empty())
        return lhs;
      pos += matched.size();
      int rhs = parseBinary(level + 1);
      if (rhs < 0)
        return -1;
      ConstraintExpr::Node node{ConstraintExpr::Node::Binary, matched.str()};
      node.lhs = lhs;
      node.rhs = rhs;
      lhs = add(std::move(node));
      if (lhs < 0)
        return -1;
    }
    return lhs;
  }

  /// Counts the recursion of unary operators and parentheses, the two ways
  /// the parser recurses without bound.
  struct Nest {
    ConstraintParser &p;
    explicit Nest(ConstraintParser &p) : p(p) { ++p.nesting; }
    ~Nest() { --p.nesting; }
    bool tooDeep() const { return p.nesting > ConstraintExpr::kMaxDepth; }
  };
  int nesting = 0;

  int tooDeep() {
    return fail(llvm::formatv("nested deeper than {0} levels; split it into "
                              "several constraints",
                              ConstraintExpr::kMaxDepth)
                    .str()),
           -1;
  }

  int parseUnary() {
    skipSpace();
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '!')) {
      Nest nest(*this);
      if (nest.tooDeep())
        return tooDeep();
      std::string op(1, s[pos++]);
      int operand = parseUnary();
      if (operand < 0)
        return -1;
      ConstraintExpr::Node node{ConstraintExpr::Node::Unary, op};
      node.lhs = operand;
      return add(std::move(node));
    }
    return parsePrimary();
  }

  int parsePrimary() {
    skipSpace();
    if (pos >= s.size())
      return fail("expected a value at the end"), -1;
    char c = s[pos];
    if (c == '(') {
      Nest nest(*this);
      if (nest.tooDeep())
        return tooDeep();
      ++pos;
      int inner = parseBinary(0);
      if (inner < 0)
        return -1;
      skipSpace();
      if (pos >= s.size() || s[pos] != ')')
        return fail("expected ')'"), -1;
      ++pos;
      return inner;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])))
        ++pos;
      int64_t value;
      if (s.slice(start, pos).getAsInteger(10, value))
        return fail("integer out of range"), -1;
      ConstraintExpr::Node node{ConstraintExpr::Node::Int, ""};
      node.value = value;
      return add(std::move(node));
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = pos;
      while (
          pos < s.size() &&
          (std::isalnum(static_cast<unsigned char>(s[pos])) || s[pos] == '_'))
        ++pos;
      ConstraintExpr::Node node{ConstraintExpr::Node::Ident, ""};
      node.name = s.slice(start, pos).str();
      if (!llvm::is_contained(expr.identifiers, node.name))
        expr.identifiers.push_back(node.name);
      return add(std::move(node));
    }
    return fail("unexpected '" + std::string(1, c) + "'"), -1;
  }
};
} // namespace mlir::tl

std::unique_ptr<ConstraintExpr> ConstraintExpr::parse(StringRef text,
                                                      std::string &error) {
  auto expr = std::make_unique<ConstraintExpr>();
  expr->text = text.str();
  ConstraintParser parser(*expr, error);
  if (!parser.run())
    return nullptr;
  return expr;
}

std::optional<int64_t>
ConstraintExpr::evaluate(function_ref<std::optional<int64_t>(StringRef)> lookup,
                         std::string &error) const {
  auto overflow = [&](StringRef op, int64_t l,
                      std::optional<int64_t> r) -> std::optional<int64_t> {
    std::string what = r ? llvm::formatv("{0} {1} {2}", l, op, *r).str()
                         : llvm::formatv("{0}({1})", op, l).str();
    error = "constraint '" + text + "' overflows 64 bits computing " + what;
    return std::nullopt;
  };
  std::function<std::optional<int64_t>(int)> eval =
      [&](int index) -> std::optional<int64_t> {
    const Node &node = nodes[index];
    switch (node.kind) {
    case Node::Int:
      return node.value;
    case Node::Ident: {
      std::optional<int64_t> value = lookup(node.name);
      if (!value)
        error = "constraint '" + text + "' reads '" + node.name +
                "', which is not a parameter of the template";
      return value;
    }
    case Node::Unary: {
      std::optional<int64_t> v = eval(node.lhs);
      if (!v)
        return std::nullopt;
      if (node.op == "!")
        return static_cast<int64_t>(*v == 0);
      if (*v == std::numeric_limits<int64_t>::min())
        return overflow("-", *v, std::nullopt);
      return -*v;
    }
    case Node::Binary: {
      std::optional<int64_t> l = eval(node.lhs);
      if (!l)
        return std::nullopt;
      // Short-circuit logic.
      if (node.op == "&&" && *l == 0)
        return 0;
      if (node.op == "||" && *l != 0)
        return 1;
      std::optional<int64_t> r = eval(node.rhs);
      if (!r)
        return std::nullopt;
      StringRef op = node.op;
      if ((op == "/" || op == "%") && *r == 0) {
        error = "constraint '" + text + "' divides by zero";
        return std::nullopt;
      }
      if (op == "||" || op == "&&")
        return static_cast<int64_t>(*r != 0);
      if (op == "==")
        return static_cast<int64_t>(*l == *r);
      if (op == "!=")
        return static_cast<int64_t>(*l != *r);
      if (op == "<")
        return static_cast<int64_t>(*l < *r);
      if (op == "<=")
        return static_cast<int64_t>(*l <= *r);
      if (op == ">")
        return static_cast<int64_t>(*l > *r);
      if (op == ">=")
        return static_cast<int64_t>(*l >= *r);
      int64_t out;
      if (op == "+")
        return llvm::AddOverflow(*l, *r, out) ? overflow("+", *l, *r) : out;
      if (op == "-")
        return llvm::SubOverflow(*l, *r, out) ? overflow("-", *l, *r) : out;
      if (op == "*")
        return llvm::MulOverflow(*l, *r, out) ? overflow("*", *l, *r) : out;
      // INT64_MIN / -1 is the one quotient that does not fit.
      if (*l == std::numeric_limits<int64_t>::min() && *r == -1)
        return overflow(op, *l, *r);
      return op == "/" ? *l / *r : *l % *r;
    }
    }
    llvm_unreachable("unknown constraint node");
  };
  return eval(root);
}
