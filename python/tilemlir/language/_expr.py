"""Scalar expressions of a kernel: parameters, constants, indices, and
arithmetic, comparisons, casts and math functions on them."""

from __future__ import annotations

import builtins

from ._builder import _element_type, _error, _is_float

# Scalar expressions
# ---------------------------------------------------------------------------

class Expr:
    """A scalar value of the kernel: a parameter, a constant, an index, or an
    expression of them. ``ty`` is its tl type (index, i32, f32, ...)."""

    ty = "index"

    def ssa(self, b):  # the SSA name, emitting what it needs
        raise NotImplementedError

    # Arithmetic builds expressions.
    def _bin(self, op, other, swap=False):
        other = _as_expr(other, self.ty)
        a, c = (other, self) if swap else (self, other)
        return BinOp(op, a, c)

    def __add__(self, o): return self._bin("add", o)
    def __radd__(self, o): return self._bin("add", o, True)
    def __sub__(self, o): return self._bin("sub", o)
    def __rsub__(self, o): return self._bin("sub", o, True)
    def __mul__(self, o): return self._bin("mul", o)
    def __rmul__(self, o): return self._bin("mul", o, True)
    def __floordiv__(self, o): return self._bin("floordiv", o)
    def __rfloordiv__(self, o): return self._bin("floordiv", o, True)
    def __truediv__(self, o): return self._bin("div", o)
    def __rtruediv__(self, o): return self._bin("div", o, True)
    def __mod__(self, o): return self._bin("mod", o)
    def __rmod__(self, o): return self._bin("mod", o, True)
    def __neg__(self): return BinOp("sub", _as_expr(0, self.ty), self)
    def __lt__(self, o): return self._bin("lt", o)
    def __le__(self, o): return self._bin("le", o)
    def __gt__(self, o): return self._bin("gt", o)
    def __ge__(self, o): return self._bin("ge", o)

    def __eq__(self, o):  # noqa: D105  (an expression, as in TileLang)
        return self._bin("eq", o)

    def __ne__(self, o):
        return self._bin("ne", o)

    __hash__ = object.__hash__

    def __bool__(self):
        raise _error("a kernel value has no Python truth value: Python cannot "
                     "branch on it (use T.max/T.min or arithmetic instead)")

    def __index__(self):
        raise _error("a kernel value is not a Python int")


class Param(Expr):
    """A template parameter: the factory's integer argument ``name``."""

    def __init__(self, name, default):
        self.name, self.default = name, default

    def ssa(self, b):
        return f"%p_{self.name}"

    def __repr__(self):
        return f"Param({self.name}={self.default})"


class Const(Expr):
    def __init__(self, value, ty="index"):
        self.value, self.ty = value, ty

    def ssa(self, b):
        key = ("const", self.value, self.ty)
        name = b.lookup(key)
        if name is None:
            name = b.fresh("c")
            if _is_float(self.ty):
                text = repr(float(self.value))
                if text in ("inf", "-inf", "nan"):
                    raise _error(f"constant {text} cannot be written as a tl literal")
                b.emit(f"{name} = arith.constant {text} : {self.ty}")
            else:
                b.emit(f"{name} = arith.constant {int(self.value)} : {self.ty}")
            b.remember(key, name)
        return name


class SSA(Expr):
    """A value the builder already named (block index, loop variable, load)."""

    def __init__(self, name, ty="index"):
        self.name, self.ty = name, ty

    def ssa(self, b):
        return self.name


_INT_OPS = {"add": "arith.addi", "sub": "arith.subi", "mul": "arith.muli",
            "floordiv": "arith.floordivsi", "mod": "arith.remsi"}
_FLOAT_OPS = {"add": "arith.addf", "sub": "arith.subf", "mul": "arith.mulf",
              "div": "arith.divf"}
_CMP = {"lt": ("slt", "olt"), "le": ("sle", "ole"), "gt": ("sgt", "ogt"),
        "ge": ("sge", "oge"), "eq": ("eq", "oeq"), "ne": ("ne", "une")}


class BinOp(Expr):
    def __init__(self, op, a, b):
        if a.ty != b.ty:
            raise _error(f"'{op}' of a {a.ty} and a {b.ty} value: use T.cast")
        self.op, self.a, self.b = op, a, b
        self.ty = "i1" if op in _CMP else a.ty
        if not _is_float(a.ty) and op == "div":
            raise _error("'/' of integer kernel values: use '//' (floor division)")
        if _is_float(a.ty) and op in ("floordiv", "mod"):
            raise _error(f"'{op}' of floating-point kernel values")

    def ssa(self, b):
        key = ("bin", self.op, id(self.a), id(self.b))
        name = b.lookup(key)
        if name is not None:
            return name
        x, y = self.a.ssa(b), self.b.ssa(b)
        name = b.fresh()
        t = self.a.ty
        if self.op in _CMP:
            pred = _CMP[self.op][1 if _is_float(t) else 0]
            op = "arith.cmpf" if _is_float(t) else "arith.cmpi"
            b.emit(f"{name} = {op} {pred}, {x}, {y} : {t}")
        else:
            op = (_FLOAT_OPS if _is_float(t) else _INT_OPS)[self.op]
            b.emit(f"{name} = {op} {x}, {y} : {t}")
        b.remember(key, name)
        return name


class Call(Expr):
    """A one-op expression: ceildiv, max, min, math functions, casts, selects."""

    def __init__(self, text, args, ty):
        self.text, self.args, self.ty = text, args, ty

    def ssa(self, b):
        names = [a.ssa(b) for a in self.args]
        name = b.fresh()
        b.emit(f"{name} = " + self.text.format(*names, ty=self.ty,
                                               src=self.args[0].ty))
        return name


def _as_expr(value, ty="index"):
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool):
        raise _error("a bool is not a kernel value")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not _is_float(ty):
            raise _error(f"the float {value} where an integer ({ty}) is expected")
        return Const(value, ty)
    raise _error(f"{type(value).__name__} '{value}' is not a kernel value")


def _index(value):
    e = _as_expr(value, "index")
    if e.ty != "index":
        raise _error(f"an index is expected here, not a {e.ty} value")
    return e


def ceildiv(a, b):
    """ceil(a / b) of non-negative integers."""
    if isinstance(a, int) and isinstance(b, int):
        return -(-a // b)
    a, b = _index(a), _index(b)
    return Call("tl.ceildiv {0}, {1} : {ty}", [a, b], "index")


def _pair(name, float_op, int_op):
    def fn(a, b):
        if not isinstance(a, Expr) and not isinstance(b, Expr):
            return getattr(builtins, name)(a, b)
        ty = a.ty if isinstance(a, Expr) else b.ty
        a, b = _as_expr(a, ty), _as_expr(b, ty)
        if a.ty != b.ty:
            raise _error(f"T.{name} of a {a.ty} and a {b.ty} value: use T.cast")
        op = float_op if _is_float(ty) else int_op
        return Call(op + " {0}, {1} : {ty}", [a, b], ty)
    fn.__name__ = name
    return fn


max = _pair("max", "arith.maximumf", "arith.maxsi")  # noqa: A001
min = _pair("min", "arith.minimumf", "arith.minsi")  # noqa: A001


def _math(name, op):
    def fn(x):
        x = _as_expr(x, "f32")
        if not _is_float(x.ty):
            raise _error(f"T.{name} of a {x.ty} value: it takes floating point")
        return Call(op + " {0} : {ty}", [x], x.ty)
    fn.__name__ = name
    return fn


exp = _math("exp", "math.exp")
exp2 = _math("exp2", "math.exp2")
log = _math("log", "math.log")
sqrt = _math("sqrt", "math.sqrt")


def abs(x):  # noqa: A001
    x = _as_expr(x, "f32")
    return Call(("math.absf" if _is_float(x.ty) else "math.absi") + " {0} : {ty}", [x], x.ty)


def cast(x, dtype):
    """``x`` converted to ``dtype`` (float widths, float <-> int)."""
    to = _element_type(dtype)
    x = _as_expr(x, to)
    src = x.ty
    if src == to:
        return x
    width = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64, "f8E4M3FN": 8, "f8E5M2": 8,
             "i8": 8, "i16": 16, "i32": 32, "i64": 64, "index": 64}
    if _is_float(src) and _is_float(to):
        op = "arith.extf" if width[to] > width[src] else "arith.truncf"
    elif _is_float(src):
        op = "arith.fptosi"
    elif _is_float(to):
        op = "arith.sitofp"
    elif src == "index" or to == "index":
        op = "arith.index_cast"
    else:
        op = "arith.extsi" if width[to] > width[src] else "arith.trunci"
    return Call(op + " {0} : {src} to {ty}", [x], to)


# ---------------------------------------------------------------------------
