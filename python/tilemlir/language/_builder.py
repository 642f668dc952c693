"""The builder of the traced kernel: dtypes, locations (the user's file and
line), errors, and the IR text of the function being traced."""

from __future__ import annotations

import contextlib
import inspect
import os
import threading

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
