"""TileLang's ``T.*`` surface (``import tilemlir.language as T``), emitting tl IR.

A kernel is traced, not parsed: ``@T.prim_func`` runs the function's body once
with symbolic values, and each ``T.*`` call appends the tl op it stands for,
located at the user's file and line (``loc("kernel.py":12:1)``), so that an
error the C++ side finds names the Python line.

Values of the factory's integer arguments are the template's parameters
(``tl.param``): tl-expand-configs substitutes a config's values, so one
traced template serves every config. Arithmetic and comparisons on them, on
block indices and on loop variables build expressions; Python cannot branch
on them (``if block_M > 64`` is an error that says so).
"""

from __future__ import annotations

import builtins
import contextlib
import inspect
import os
import threading

__all__ = [
    "prim_func", "Tensor", "Buffer", "Kernel", "alloc_shared", "alloc_fragment",
    "clear", "fill", "copy", "gemm", "Pipelined", "Parallel", "reduce_sum",
    "reduce_max", "reduce_min", "reduce_abssum", "reduce_absmax", "ceildiv",
    "exp", "exp2", "log", "sqrt", "max", "min", "abs", "cast", "PrimFunc",
    "KernelError", "float16", "bfloat16", "float32", "float64", "int8", "int16",
    "int32", "int64",
]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# dtype names as TileLang and torch spell them -> tl element types.
_DTYPES = {
    "float16": "f16", "half": "f16", "f16": "f16",
    "bfloat16": "bf16", "bf16": "bf16",
    "float32": "f32", "float": "f32", "f32": "f32",
    "float64": "f64", "double": "f64", "f64": "f64",
    "int8": "i8", "i8": "i8", "int16": "i16", "i16": "i16",
    "int32": "i32", "i32": "i32", "int64": "i64", "i64": "i64",
    "float8_e4m3": "f8E4M3FN", "float8_e4m3fn": "f8E4M3FN", "e4m3_float8": "f8E4M3FN",
    "float8_e5m2": "f8E5M2", "e5m2_float8": "f8E5M2",
}
float16, bfloat16, float32, float64 = "float16", "bfloat16", "float32", "float64"
int8, int16, int32, int64 = "int8", "int16", "int32", "int64"


class KernelError(Exception):
    """A mistake in a kernel, reported at the user's file and line."""


def _user_frame():
    """The innermost frame outside this package: where the user wrote the call."""
    frame = inspect.currentframe()
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if not path.startswith(_PACKAGE_DIR + os.sep) and path != contextlib.__file__:
            return frame
        frame = frame.f_back
    return None


def _where():
    frame = _user_frame()
    return (frame.f_code.co_filename, frame.f_lineno) if frame else ("<unknown>", 0)


def _error(message):
    file, line = _where()
    return KernelError(f"{file}:{line}: {message}")


def _element_type(dtype):
    name = getattr(dtype, "name", None) or str(dtype).replace("torch.", "")
    if name not in _DTYPES:
        raise _error(f"dtype '{dtype}' is not one of {', '.join(sorted(set(_DTYPES)))}")
    return _DTYPES[name]


def _is_float(ty):
    return ty.startswith(("f", "bf"))


# ---------------------------------------------------------------------------
# The builder: the IR of the function being traced
# ---------------------------------------------------------------------------

_state = threading.local()


def _builder():
    b = getattr(_state, "builder", None)
    if b is None:
        raise _error("T.* calls build a kernel: use them inside a @T.prim_func")
    return b


class _Builder:
    def __init__(self):
        self.lines = []
        self.indent = 1
        self.counter = 0
        # Per open region: expression -> SSA name (values of enclosing regions
        # dominate the inner ones; inner ones are forgotten when the region ends).
        self.scopes = [{}]
        self.parallel_depth = 0

    def fresh(self, hint="v"):
        self.counter += 1
        return f"%{hint}{self.counter}"

    def loc(self):
        file, line = _where()
        return f'loc("{file}":{line}:1)'

    def emit(self, text):
        self.lines.append("  " * self.indent + f"{text} {self.loc()}")

    def open(self, text):
        self.lines.append("  " * self.indent + text + " {")
        self.indent += 1
        self.scopes.append({})

    def close(self):
        self.scopes.pop()
        self.indent -= 1
        self.lines.append("  " * self.indent + "} " + self.loc())

    def lookup(self, key):
        for scope in reversed(self.scopes):
            if key in scope:
                return scope[key]
        return None

    def remember(self, key, name):
        self.scopes[-1][key] = name


# ---------------------------------------------------------------------------
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
# Buffers and regions
# ---------------------------------------------------------------------------

class _Tile:
    """A tensor argument (global memory) or a tile (shared or fragment)."""

    def __init__(self, name, shape, elem, space):
        self.name, self.shape, self.elem, self.space = name, shape, elem, space

    @property
    def rank(self):
        return len(self.shape)

    def memref(self):
        dims = "".join(
            (f"{d}x" if isinstance(d, int) and not isinstance(d, bool) else "?x")
            for d in self.shape)
        space = "" if self.space == "global" else f", #tl.memory<{self.space}>"
        return f"memref<{dims}{self.elem}{space}>"

    def _indices(self, key):
        key = key if isinstance(key, tuple) else (key,)
        if len(key) != self.rank:
            raise _error(f"{self.name} has {self.rank} dimensions; "
                         f"{len(key)} indices given")
        out = []
        for k in key:
            if isinstance(k, slice):
                if k.step not in (None, 1):
                    raise _error("strided slices are not supported")
                k = 0 if k.start is None else k.start
            out.append(_index(k))
        return out

    def __getitem__(self, key):
        b = _builder()
        indices = self._indices(key)
        if b.parallel_depth:  # an element, inside T.Parallel
            name = b.fresh()
            ids = ", ".join(i.ssa(b) for i in indices)
            b.emit(f"{name} = memref.load {self.ssa()}[{ids}] : {self.memref()}")
            return SSA(name, self.elem)
        return Region(self, indices)

    def __setitem__(self, key, value):
        b = _builder()
        if not b.parallel_depth:
            raise _error(f"{self.name}[...] = ... stores one element: write it "
                         "inside T.Parallel (tiles are copied with T.copy)")
        indices = self._indices(key)
        value = _as_expr(value, self.elem)
        if value.ty != self.elem:
            raise _error(f"storing a {value.ty} value into {self.name} of "
                         f"{self.elem}: use T.cast")
        ids = ", ".join(i.ssa(b) for i in indices)
        v = value.ssa(b)
        b.emit(f"memref.store {v}, {self.ssa()}[{ids}] : {self.memref()}")

    def ssa(self):
        return f"%{self.name}"


class Region:
    """``A[i, j]`` outside T.Parallel: the tile of A starting at (i, j)."""

    def __init__(self, buffer, offsets):
        self.buffer, self.offsets = buffer, offsets


class Tensor:
    """``T.Tensor((M, K), dtype)``: a kernel argument's type (an annotation)."""

    def __init__(self, shape, dtype="float32"):
        self.shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        for d in self.shape:
            if not isinstance(d, (int, Param)) or isinstance(d, bool):
                raise _error(f"a tensor dimension is an integer or an integer "
                             f"argument of the factory, not {d!r}")
        self.elem = _element_type(dtype)
        self.dtype = dtype


Buffer = Tensor  # TileLang spells the annotation either way


def _alloc(op, space, shape, dtype):
    b = _builder()
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    dims = [_index(d) for d in shape]
    name = b.fresh("buf")[1:]
    buf = _Tile(name, [None] * len(dims), _element_type(dtype), space)
    sizes = ", ".join(d.ssa(b) for d in dims)
    b.emit(f"%{name} = tl.{op}({sizes}) : {buf.memref()}")
    return buf


def alloc_shared(shape, dtype, scope=None):
    """A tile in the block's shared memory."""
    return _alloc("alloc_shared", "shared", shape, dtype)


def alloc_fragment(shape, dtype, scope=None):
    """A tile in registers, spread over the block's threads."""
    return _alloc("alloc_fragment", "fragment", shape, dtype)


def _tile(x, what):
    if isinstance(x, _Tile):
        return x, []
    if isinstance(x, Region):
        return x.buffer, x.offsets
    raise _error(f"{what} must be a tensor, a tile, or a tensor indexed at a "
                 f"tile's corner (A[i, j]), not {type(x).__name__}")


def copy(src, dst):
    """Copies a tile: global <-> shared <-> fragment."""
    b = _builder()
    s, so = _tile(src, "T.copy's source")
    d, do = _tile(dst, "T.copy's destination")
    soff = f"[{', '.join(o.ssa(b) for o in so)}]" if so else ""
    doff = f"[{', '.join(o.ssa(b) for o in do)}]" if do else ""
    b.emit(f"tl.copy {s.ssa()}{soff} to {d.ssa()}{doff} : {s.memref()}, {d.memref()}")


def gemm(A, B, C, transpose_A=False, transpose_B=False, clear_accum=False, policy=None,
         k_pack=None, wg_wait=None):
    """C += op(A) @ op(B) on tiles."""
    b = _builder()
    for x, what in ((A, "A"), (B, "B"), (C, "C")):
        if not isinstance(x, _Tile):
            raise _error(f"T.gemm's {what} must be a tile (T.alloc_shared or "
                         "T.alloc_fragment)")
    attrs = [n for n, on in (("transpose_a", transpose_A), ("transpose_b", transpose_B),
                             ("clear_accum", clear_accum)) if on]
    attr = f" {{{', '.join(attrs)}}}" if attrs else ""
    b.emit(f"tl.gemm {A.ssa()}, {B.ssa()}, {C.ssa()}{attr} : "
           f"{A.memref()}, {B.memref()}, {C.memref()}")


def clear(buffer):
    """Zeroes a tile."""
    b = _builder()
    b.emit(f"tl.clear {buffer.ssa()} : {buffer.memref()}")


def fill(buffer, value):
    """Sets every element of a tile to ``value``."""
    b = _builder()
    v = _as_expr(value, buffer.elem)
    b.emit(f"tl.fill {buffer.ssa()}, {v.ssa(b)} : {buffer.memref()}, {v.ty}")


def _reduce(kind):
    def fn(buffer, out, dim=-1, clear=True):
        b = _builder()
        d = dim + buffer.rank if dim < 0 else dim
        if not 0 <= d < buffer.rank:
            raise _error(f"dim {dim} is out of range for a tile of rank {buffer.rank}")
        attr = "" if clear else " {accumulate}"
        b.emit(f"tl.reduce {kind} {buffer.ssa()}, {out.ssa()} dim {d}{attr} : "
               f"{buffer.memref()}, {out.memref()}")
    fn.__name__ = f"reduce_{kind}"
    return fn


reduce_sum, reduce_max, reduce_min = _reduce("sum"), _reduce("max"), _reduce("min")
reduce_abssum, reduce_absmax = _reduce("abssum"), _reduce("absmax")


# ---------------------------------------------------------------------------
# Regions: kernels and loops
# ---------------------------------------------------------------------------

@contextlib.contextmanager
def Kernel(*grid, threads=128, prelude=None):
    """``with T.Kernel(gx, gy, threads=128) as (bx, by):`` a grid of blocks."""
    b = _builder()
    if not 1 <= len(grid) <= 3:
        raise _error("T.Kernel takes 1 to 3 grid extents")
    if isinstance(threads, (tuple, list)):
        raise _error("threads as an (x, y) tuple is not supported; give their product")
    sizes = ", ".join(_index(g).ssa(b) for g in grid)
    t = _index(threads).ssa(b)
    ivs = [SSA(b.fresh("b")) for _ in grid]
    b.open(f"tl.kernel ({', '.join(i.name for i in ivs)}) in ({sizes}) threads {t}")
    yield ivs[0] if len(ivs) == 1 else tuple(ivs)
    b.close()


def Pipelined(start, stop=None, num_stages=2, order=None, stage=None, group=None):
    """``for ko in T.Pipelined(n, num_stages=3):`` a software-pipelined loop."""
    b = _builder()
    lo, hi = (0, start) if stop is None else (start, stop)
    lo, hi, s = _index(lo).ssa(b), _index(hi).ssa(b), _index(num_stages).ssa(b)
    iv = SSA(b.fresh("k"))
    b.open(f"tl.pipelined {iv.name} = {lo} to {hi} num_stages {s}")
    yield iv
    b.close()


def Parallel(*extents):
    """``for i, j in T.Parallel(M, N):`` an elementwise loop nest over a tile."""
    b = _builder()
    sizes = ", ".join(_index(e).ssa(b) for e in extents)
    ivs = [SSA(b.fresh("i")) for _ in extents]
    b.open(f"tl.parallel ({', '.join(i.name for i in ivs)}) in ({sizes})")
    b.parallel_depth += 1
    yield ivs[0] if len(ivs) == 1 else tuple(ivs)
    b.parallel_depth -= 1
    b.close()


# ---------------------------------------------------------------------------
# prim_func
# ---------------------------------------------------------------------------

class PrimFunc:
    """A traced kernel: its tl IR (``script()``), its name and its parameters."""

    def __init__(self, name, ir, params, args, source_file, source_line):
        self.name, self.ir, self.params, self.args = name, ir, params, args
        self.source_file, self.source_line = source_file, source_line

    def script(self):
        return self.ir

    __str__ = script


def _params():
    """The parameters of the template being traced (set by tilemlir.jit)."""
    return getattr(_state, "params", [])


@contextlib.contextmanager
def template(params, name=None):
    """Traces prim_funcs with `params` (Param objects) declared, named `name`
    (the factory's name) instead of their own."""
    old = getattr(_state, "params", None), getattr(_state, "name", None)
    _state.params, _state.name = list(params), name
    try:
        yield
    finally:
        _state.params, _state.name = old


def prim_func(fn):
    """Traces ``fn``: its annotations (``T.Tensor``) are the arguments, its
    body the kernel. Returns a PrimFunc."""
    if getattr(_state, "builder", None) is not None:
        raise _error("a @T.prim_func inside another one")
    sig = inspect.signature(fn)
    file, line = fn.__code__.co_filename, fn.__code__.co_firstlineno
    params = _params()
    name = getattr(_state, "name", None) or fn.__name__
    args, decls, buffers = [], [], []
    for arg, p in sig.parameters.items():
        ann = p.annotation
        if not isinstance(ann, Tensor):
            raise KernelError(f"{file}:{line}: argument '{arg}' needs a T.Tensor((...), "
                              f"dtype) annotation")
        shape = [d.name if isinstance(d, Param) else d for d in ann.shape]
        buf = _Tile(arg, [d if isinstance(d, int) else None for d in shape],
                    ann.elem, "global")
        entries = ", ".join(f'"{d}"' if isinstance(d, str) else str(d) for d in shape)
        decls.append(f"%{arg}: {buf.memref()} {{tl.shape = [{entries}]}}")
        args.append({"name": arg, "shape": ann.shape, "dtype": ann.dtype})
        buffers.append(buf)
    b = _Builder()
    _state.builder = b
    try:
        for p in params:
            b.lines.append(f'  %p_{p.name} = tl.param "{p.name}" : index')
        fn(*buffers)
        b.lines.append("  tl.return")
    finally:
        _state.builder = None
    decl = ", ".join(
        f'#tl.param<"{p.name}" : index = {p.default}>' for p in params)
    attrs = f" attributes {{params = [{decl}]}}" if params else ""
    header = f'tl.func @{name}({", ".join(decls)}){attrs} {{'
    ir = "\n".join([header] + b.lines + [f'}} loc("{file}":{line}:1)', ""])
    return PrimFunc(name, ir, params, args, file, line)
