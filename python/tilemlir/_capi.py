"""The C API (include/tl-c/Tuner.h) through ctypes: no compiled extension.

The library is found, in order, at $TILEMLIR_LIBRARY, in the package's own
``_lib/`` (a wheel or an install that copied it there), or in a TileMLIR
build or install tree above the package (``build/lib``, ``lib``).

Compiled kernels (include/tl-c/Runtime.h) load and launch through
`runtime()`: the full library where it loads, else libTileMLIRRuntime.so
(found the same way, or at $TILEMLIR_RUNTIME_LIBRARY, which also takes
precedence), which needs neither LLVM nor MLIR: a machine that only runs
saved kernels carries that alone.
"""

from __future__ import annotations

import ctypes
import os


class TileMLIRError(RuntimeError):
    """An error the C++ side reported (bad input, a failed compile, ...)."""


class StringRef(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("length", ctypes.c_size_t)]

    def text(self):
        return ctypes.string_at(self.data, self.length).decode() if self.length else ""


class Handle(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p)]


# bool (*)(void *user, intptr_t candidate, MlirStringRef outputs, char *msg, size_t n)
CheckCallback = ctypes.CFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_ssize_t, StringRef,
                                 ctypes.c_void_p, ctypes.c_size_t)


def ref(text):
    """A StringRef over `text` (kept alive by the caller's reference)."""
    data = str(text).encode()
    buf = ctypes.create_string_buffer(data, len(data))
    r = StringRef(ctypes.cast(buf, ctypes.c_void_p), len(data))
    r._keep = buf  # noqa: SLF001
    return r


def _candidates(name, variable):
    env = os.environ.get(variable)
    if env:
        yield env
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, "_lib", name)
    d = here
    for _ in range(4):
        d = os.path.dirname(d)
        yield os.path.join(d, "build", "lib", name)
        yield os.path.join(d, "lib", name)


def _load(name, variable, target):
    tried = []
    for path in _candidates(name, variable):
        tried.append(path)
        if os.path.exists(path):
            return ctypes.CDLL(path)
    raise TileMLIRError(
        f"{name} not found (looked at " + ", ".join(tried) +
        f"): build TileMLIR (./scripts/build.sh {target}) or set {variable}")


_lib = None
_runtime = None


def lib():
    """The loaded C API library (loaded once)."""
    global _lib
    if _lib is None:
        _lib = _declare(_load("libTileMLIRCAPI.so", "TILEMLIR_LIBRARY", "TileMLIRCAPI"))
    return _lib


def runtime():
    """The library compiled kernels load and launch through (loaded once):
    $TILEMLIR_RUNTIME_LIBRARY when set, else the C API library where it
    loads, else libTileMLIRRuntime.so."""
    global _runtime
    if _runtime is None:
        why = None
        if not os.environ.get("TILEMLIR_RUNTIME_LIBRARY"):
            try:
                _runtime = lib()
                return _runtime
            except (TileMLIRError, OSError) as e:
                why = e
        try:
            _runtime = _declare_runtime(
                _load("libTileMLIRRuntime.so", "TILEMLIR_RUNTIME_LIBRARY", "TileMLIRRuntime"))
        except TileMLIRError as e:
            raise TileMLIRError(f"{e} (and the C API library: {why})" if why else str(e)) from None
    return _runtime


def _declare_runtime(L):
    S, H, P = StringRef, Handle, ctypes.POINTER(Handle)
    sig = {
        "tlErrorGetMessage": (S, [H]), "tlErrorDestroy": (None, [H]),
        "tlKernelLoad": (H, [S, ctypes.c_int, P]), "tlKernelDestroy": (None, [H]),
        "tlKernelGetMetadata": (S, [H]), "tlKernelGetNumArgs": (ctypes.c_ssize_t, [H]),
        "tlKernelLaunch": (ctypes.c_bool, [H, ctypes.POINTER(ctypes.c_void_p),
                                           ctypes.c_void_p, P]),
    }
    for name, (res, args) in sig.items():
        f = getattr(L, name)
        f.restype, f.argtypes = res, args
    return L


def _declare(L):
    _declare_runtime(L)
    S, H, P = StringRef, Handle, ctypes.POINTER(Handle)
    sig = {
        "tlGetVersion": (S, []),
        "tlTuneOptionsCreate": (H, []), "tlTuneOptionsDestroy": (None, [H]),
        "tlTune": (H, [H, P]), "tlLoadResult": (H, [S, P]),
        "tlTuneResultDestroy": (None, [H]),
        "tlTuneResultGetBestIndex": (ctypes.c_ssize_t, [H]),
        "tlTuneResultGetBestConfig": (S, [H]),
        "tlTuneResultGetBestLatencyMs": (ctypes.c_double, [H]),
        "tlTuneResultGetBestDir": (S, [H]), "tlTuneResultGetTarget": (S, [H]),
        "tlTuneResultIsFromCache": (ctypes.c_bool, [H]),
        "tlTuneResultGetTuningSeconds": (ctypes.c_double, [H]),
        "tlTuneResultGetNumCandidates": (ctypes.c_ssize_t, [H]),
        "tlTuneResultGetCandidate": (S, [H, ctypes.c_ssize_t]),
        "tlCompileConfigs": (H, [H, S, S, P]), "tlCompileResultDestroy": (None, [H]),
        "tlCompileResultGetNumKernels": (ctypes.c_ssize_t, [H]),
        "tlCompileResultGetName": (S, [H, ctypes.c_ssize_t]),
        "tlCompileResultGetConfig": (S, [H, ctypes.c_ssize_t]),
        "tlCompileResultGetDir": (S, [H, ctypes.c_ssize_t]),
        "tlCompileResultGetError": (S, [H, ctypes.c_ssize_t]),
        "tlTuneOptionsSetOutIdx": (None, [H, ctypes.POINTER(ctypes.c_int), ctypes.c_ssize_t]),
        "tlTuneOptionsSetTolerance": (None, [H, ctypes.c_double, ctypes.c_double,
                                             ctypes.c_double]),
        "tlTuneOptionsSetCheckCallback": (None, [H, CheckCallback, ctypes.c_void_p, S]),
    }
    for name in ("Input", "Instantiate", "ConfigsFile", "Constraint", "Func", "Target",
                 "Chip", "Devices", "Mma", "SupplyType", "Reference", "CacheDir", "OutputDir", "Strategy",
                 "LogFile"):
        sig[f"tlTuneOptionsSet{name}"] = (None, [H, S])
    for name in ("AddInputFile", "AddRefFile"):
        sig[f"tlTuneOptions{name}"] = (None, [H, S])
    for name, ty in (("MaxConfigs", ctypes.c_int64), ("Jobs", ctypes.c_uint64),
                     ("CompileTimeout", ctypes.c_double), ("Warmup", ctypes.c_int),
                     ("Rep", ctypes.c_int), ("WarmupMs", ctypes.c_double),
                     ("RepMs", ctypes.c_double), ("PruneRatio", ctypes.c_double),
                     ("Timeout", ctypes.c_double), ("HostThreads", ctypes.c_uint),
                     ("Seed", ctypes.c_uint64), ("SkipCheck", ctypes.c_bool),
                     ("Tma", ctypes.c_bool), ("WarpSpecialize", ctypes.c_bool),
                     ("Budget", ctypes.c_uint64), ("BudgetSeconds", ctypes.c_double),
                     ("NoCache", ctypes.c_bool)):
        sig[f"tlTuneOptionsSet{name}"] = (None, [H, ty])
    for name, (res, args) in sig.items():
        f = getattr(L, name)
        f.restype, f.argtypes = res, args
    return L


def check(handle, error, library=None):
    """`handle`, or TileMLIRError with the C++ side's message (`error` as
    `library`, default lib(), made it)."""
    if handle.ptr:
        return handle
    L = library or lib()
    message = L.tlErrorGetMessage(error).text()
    L.tlErrorDestroy(error)
    raise TileMLIRError(message)


class Options:
    """A TlTuneOptions handle; `set(name, value)` calls tlTuneOptionsSet<name>."""

    def __init__(self):
        self.handle = lib().tlTuneOptionsCreate()

    def __del__(self):
        if getattr(self, "handle", None) is not None and _lib is not None:
            _lib.tlTuneOptionsDestroy(self.handle)
            self.handle = None

    def set(self, name, value):
        f = getattr(lib(), f"tlTuneOptionsSet{name}")
        f(self.handle, ref(value) if isinstance(value, str) else value)
        return self

    def add(self, name, value):
        getattr(lib(), f"tlTuneOptions{name}")(self.handle, ref(value))
        return self

    def out_idx(self, indices):
        arr = (ctypes.c_int * len(indices))(*indices)
        lib().tlTuneOptionsSetOutIdx(self.handle, arr, len(indices))
        return self

    def tolerance(self, rtol, atol, ratio):
        lib().tlTuneOptionsSetTolerance(self.handle, rtol, atol, ratio)
        return self
