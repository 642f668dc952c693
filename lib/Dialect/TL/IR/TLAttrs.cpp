//===- TLAttrs.cpp - tl dialect attributes --------------------------------===//

#include "tl/Dialect/TL/IR/TLAttrs.h"
#include "tl/Dialect/TL/IR/TLDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::tl;

#include "tl/Dialect/TL/IR/TLAttrInterfaces.cpp.inc"
#include "tl/Dialect/TL/IR/TLEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "tl/Dialect/TL/IR/TLAttrs.cpp.inc"

void TLDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "tl/Dialect/TL/IR/TLAttrs.cpp.inc"
      >();
}

std::optional<MemorySpace> mlir::tl::getMemorySpace(MemRefType type) {
  Attribute space = type.getMemorySpace();
  if (!space)
    return MemorySpace::Global;
  if (auto tlSpace = dyn_cast<MemorySpaceAttr>(space))
    return tlSpace.getValue();
  return std::nullopt;
}

Attribute mlir::tl::getMemorySpaceAttr(MLIRContext *ctx, MemorySpace space) {
  return MemorySpaceAttr::get(ctx, space);
}

//===----------------------------------------------------------------------===//
// ParamAttr
//===----------------------------------------------------------------------===//

// #tl.param<"name" : type (= default)? (in [v, ...])?>
Attribute ParamAttr::parse(AsmParser &parser, Type) {
  MLIRContext *ctx = parser.getContext();
  std::string name;
  Type type;
  if (parser.parseLess() || parser.parseString(&name) || parser.parseColon() ||
      parser.parseType(type))
    return {};
  std::optional<int64_t> defaultValue;
  if (succeeded(parser.parseOptionalEqual())) {
    int64_t value;
    if (parser.parseInteger(value))
      return {};
    defaultValue = value;
  }
  SmallVector<int64_t> allowed;
  if (succeeded(parser.parseOptionalKeyword("in"))) {
    if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
          int64_t value;
          if (parser.parseInteger(value))
            return failure();
          allowed.push_back(value);
          return success();
        }))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<ParamAttr>(ctx, StringAttr::get(ctx, name), type,
                                      defaultValue, allowed);
}

void ParamAttr::print(AsmPrinter &printer) const {
  printer << "<\"" << getName().getValue() << "\" : " << getType();
  if (getDefaultValue())
    printer << " = " << *getDefaultValue();
  if (!getAllowedValues().empty()) {
    printer << " in [";
    llvm::interleaveComma(getAllowedValues(), printer);
    printer << "]";
  }
  printer << ">";
}

/// `value` is representable in the signless integer (or index) `type`:
/// its signed range, and 0/1 for i1.
static bool fitsParamType(Type type, int64_t value) {
  unsigned width = type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
  return width >= 64 || llvm::isIntN(width, value) ||
         (width == 1 && (value == 0 || value == 1));
}

LogicalResult ParamAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                StringAttr name, Type type,
                                std::optional<int64_t> defaultValue,
                                ArrayRef<int64_t> allowedValues) {
  if (!name || name.getValue().empty())
    return emitError() << "a tl parameter needs a non-empty name";
  if (!type.isSignlessIntOrIndex())
    return emitError() << "parameter '" << name.getValue() << "' has type "
                       << type << "; parameters are signless integers or index";
  // Every value must be representable in the parameter's type: an i8
  // parameter cannot take 1000 (it would silently become -24).
  unsigned width = type.isIndex() ? 64 : type.getIntOrFloatBitWidth();
  auto fits = [&](int64_t v) { return fitsParamType(type, v); };
  auto range = [&] {
    if (width == 1)
      return std::string("0 or 1");
    return std::to_string(llvm::minIntN(width)) + " to " +
           std::to_string(llvm::maxIntN(width));
  };
  if (defaultValue && !fits(*defaultValue))
    return emitError() << "default " << *defaultValue << " of parameter '"
                       << name.getValue() << "' does not fit its type " << type
                       << " (" << range() << "); widen the type or change "
                       << "the default";
  for (int64_t value : allowedValues)
    if (!fits(value))
      return emitError() << "parameter '" << name.getValue() << "' allows "
                         << value << ", which does not fit its "
                         << "type " << type << " (" << range() << ")";
  llvm::SmallDenseSet<int64_t> seen;
  for (int64_t value : allowedValues)
    if (!seen.insert(value).second)
      return emitError() << "parameter '" << name.getValue()
                         << "' lists the allowed value " << value << " twice";
  if (defaultValue && !allowedValues.empty() &&
      !llvm::is_contained(allowedValues, *defaultValue)) {
    InFlightDiagnostic diag = emitError();
    diag << "default " << *defaultValue << " of parameter '" << name.getValue()
         << "' is not one of its allowed values [";
    llvm::interleaveComma(allowedValues, diag);
    return diag << "]; change the default or add it to the allowed values";
  }
  return success();
}

bool ParamAttr::fits(int64_t value) const {
  return fitsParamType(getType(), value);
}

bool ParamAttr::allows(int64_t value) const {
  return getAllowedValues().empty() ||
         llvm::is_contained(getAllowedValues(), value);
}

//===----------------------------------------------------------------------===//
// Config spaces
//===----------------------------------------------------------------------===//

LogicalResult
ProductSpaceAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         DictionaryAttr values) {
  for (NamedAttribute entry : values) {
    auto list = dyn_cast<ArrayAttr>(entry.getValue());
    if (!list)
      return emitError() << "#tl.product entry '" << entry.getName().getValue()
                         << "' must be a list of integers";
    if (list.empty())
      return emitError() << "#tl.product entry '" << entry.getName().getValue()
                         << "' lists no values";
    if (!llvm::all_of(list, [](Attribute v) { return isa<IntegerAttr>(v); }))
      return emitError() << "#tl.product entry '" << entry.getName().getValue()
                         << "' must be a list of integers";
  }
  return success();
}

int64_t ProductSpaceAttr::size() const {
  if (getValues().empty())
    return 0;
  int64_t count = 1;
  for (NamedAttribute entry : getValues())
    if (llvm::MulOverflow(
            count,
            static_cast<int64_t>(cast<ArrayAttr>(entry.getValue()).size()),
            count))
      return std::numeric_limits<int64_t>::max();
  return count;
}

void ProductSpaceAttr::walkEntries(
    function_ref<void(StringAttr, Attribute)> fn) const {
  for (NamedAttribute entry : getValues())
    for (Attribute value : cast<ArrayAttr>(entry.getValue()))
      fn(entry.getName(), value);
}

void ProductSpaceAttr::enumerate(
    ArrayRef<ParamAttr> params,
    SmallVectorImpl<DictionaryAttr> &configs) const {
  if (getValues().empty())
    return;
  // Axes in the template's declaration order; keys that are not declared
  // parameters (rejected by the verifier) come last, in name order.
  SmallVector<NamedAttribute> axes;
  for (ParamAttr param : params)
    if (Attribute list = getValues().get(param.getName()))
      axes.emplace_back(param.getName(), list);
  for (NamedAttribute entry : getValues())
    if (!llvm::any_of(params, [&](ParamAttr p) {
          return p.getName() == entry.getName();
        }))
      axes.push_back(entry);

  SmallVector<size_t> index(axes.size(), 0);
  MLIRContext *ctx = getContext();
  while (true) {
    SmallVector<NamedAttribute> entries;
    for (auto [axis, i] : llvm::zip(axes, index))
      entries.emplace_back(axis.getName(), cast<ArrayAttr>(axis.getValue())[i]);
    configs.push_back(DictionaryAttr::get(ctx, entries));
    // Odometer: the last axis varies fastest.
    int pos = static_cast<int>(axes.size()) - 1;
    for (; pos >= 0; --pos) {
      if (++index[pos] < cast<ArrayAttr>(axes[pos].getValue()).size())
        break;
      index[pos] = 0;
    }
    if (pos < 0)
      return;
  }
}

LogicalResult
ConfigListAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       ArrayAttr configs) {
  for (auto [i, config] : llvm::enumerate(configs)) {
    auto dict = dyn_cast<DictionaryAttr>(config);
    if (!dict)
      return emitError() << "#tl.configs entry " << i
                         << " must be a dictionary of parameter values";
    for (NamedAttribute entry : dict)
      if (!isa<IntegerAttr>(entry.getValue()))
        return emitError() << "#tl.configs entry " << i << " sets '"
                           << entry.getName().getValue()
                           << "' to a non-integer value";
  }
  return success();
}

int64_t ConfigListAttr::size() const { return getConfigs().size(); }

void ConfigListAttr::walkEntries(
    function_ref<void(StringAttr, Attribute)> fn) const {
  for (Attribute config : getConfigs())
    for (NamedAttribute entry : cast<DictionaryAttr>(config))
      fn(entry.getName(), entry.getValue());
}

void ConfigListAttr::enumerate(ArrayRef<ParamAttr>,
                               SmallVectorImpl<DictionaryAttr> &configs) const {
  for (Attribute config : getConfigs())
    configs.push_back(cast<DictionaryAttr>(config));
}
