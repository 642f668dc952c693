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

import contextlib
import inspect

from ._builder import KernelError, _Builder, _error, _state
from ._expr import (Expr, Param, abs, cast, ceildiv, exp, exp2, log, max,  # noqa: A004
                    min, sqrt)
from ._regions import Kernel, Parallel, Pipelined
from ._tiles import (Buffer, Region, Tensor, _Tile, alloc_fragment, alloc_shared, clear,
                     copy, fill, gemm, reduce_absmax, reduce_abssum, reduce_max, reduce_min,
                     persistent, reduce_sum, use_swizzle)

__all__ = [
    "prim_func", "Tensor", "Buffer", "Kernel", "alloc_shared", "alloc_fragment",
    "clear", "fill", "copy", "gemm", "use_swizzle", "persistent", "Pipelined", "Parallel", "reduce_sum",
    "reduce_max", "reduce_min", "reduce_abssum", "reduce_absmax", "ceildiv",
    "exp", "exp2", "log", "sqrt", "max", "min", "abs", "cast", "PrimFunc",
    "KernelError", "Expr", "Region", "float16", "bfloat16", "float32", "float64", "int8", "int16",
    "int32", "int64",
]

float16, bfloat16, float32, float64 = "float16", "bfloat16", "float32", "float64"
int8, int16, int32, int64 = "int8", "int16", "int32", "int64"

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
