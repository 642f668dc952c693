"""``tilemlir.jit``: a kernel factory compiled for the values it is called with.

``@tilemlir.jit(out_idx=[-1])`` on a factory ``f(M, N, K, block_M=128, ...)``
that returns a ``@T.prim_func``: calling it with sizes traces the factory
once more (its integer arguments become the template's parameters, their
values the defaults), compiles the kernel through the C API (parallel
compile, the same pipeline tl-opt runs) and returns a JITKernel that runs on
numpy arrays or torch tensors: CPU ones for the host target, CUDA ones (on
torch's current stream) for the GPU. Compiled kernels are kept in memory per
argument tuple and on disk under $TILELANG_CACHE_DIR/kernels/<hash>/.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import hashlib
import inspect
import json
import os
import shutil
import tempfile
import warnings

from . import _capi
from . import language as T
from ._capi import TileMLIRError

_TARGETS = {"auto": "auto", "cuda": "cuda", "host": "host", "cpu": "host",
            "llvm": "host", "c": "host", "hip": "hip"}


def _target_name(target):
    t = str(target).split()[0].lower()
    if t not in _TARGETS:
        raise ValueError(f"target '{target}' is not one of auto, cuda, hip, host")
    return _TARGETS[t]


def cache_dir():
    """$TILELANG_CACHE_DIR, else ~/.tilelang/cache (as the C++ side)."""
    return os.environ.get("TILELANG_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".tilelang", "cache")


def _cache_disabled():
    return os.environ.get("TILELANG_DISABLE_CACHE", "").strip().lower() in ("1", "true", "yes", "on")


def _check_backend(backend):
    """TileLang's execution backends all mean the one launcher here (the C
    API's); another name is a mistake."""
    if backend not in ("auto", "tvm_ffi", "cython", "nvrtc", "torch", "ctypes", "dlpack"):
        raise ValueError(f"execution_backend '{backend}' is not one of auto, tvm_ffi, "
                         "cython, nvrtc, torch, ctypes, dlpack")
    return backend


# TileLang's pass_configs that have a TileMLIR counterpart: the C API
# option each one turns off when true (and on when false).
_PASS_CONFIGS = {"tl.disable_tma_lower": "Tma",
                 "tl.disable_warp_specialized": "WarpSpecialize"}


def _check_pass_configs(pass_configs):
    """TileLang's pass_configs: those with a counterpart set the lowering's
    option (_PASS_CONFIGS); the others switch TVM passes, which TileMLIR does
    not have: accepted, and said to have no effect."""
    configs = dict(pass_configs or {})
    for key in _PASS_CONFIGS:
        if key in configs and not isinstance(configs[key], bool):
            raise TypeError(f"pass_configs[{key!r}] must be True or False, "
                            f"not {configs[key]!r}")
    other = sorted(str(k) for k in configs if k not in _PASS_CONFIGS)
    if other:
        warnings.warn(f"pass_configs {other} have no effect in TileMLIR (its pipeline "
                      "has no TVM passes to switch)", stacklevel=3)
    return configs


def _apply_pass_configs(o, configs):
    """Sets the C API options `configs` (checked) have counterparts for."""
    for key, option in _PASS_CONFIGS.items():
        if key in configs:
            o.set(option, not configs[key])
    return o


def resolve_target(target):
    """auto -> cuda when the NVIDIA driver publishes a GPU, else host."""
    if target != "auto":
        return target
    return "cuda" if os.path.exists("/proc/driver/nvidia/version") else "host"


def _machine_key(target):
    """What a compiled kernel depends on beyond its IR: the target, and for
    host code the CPU's features (its x86-64 level is chosen from them)."""
    target = resolve_target(target)
    if target != "host":
        return [target, os.environ.get("CUDA_VISIBLE_DEVICES", "")]
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "")
    except OSError:
        pass
    return [target, os.environ.get("TILEMLIR_HOST_CPU", ""),
            hashlib.sha256(flags.encode()).hexdigest()]


def _work_dir():
    base = os.environ.get("TILELANG_TMP_DIR") or os.path.join(cache_dir(), "tmp")
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix="py-", dir=base)


# dtype names in kernel.json -> numpy and torch names. numpy has no
# bfloat16 or fp8: such tensors are their bit patterns in uint16 / uint8
# arrays (what ml_dtypes stores, and .npy files carry).
_NP = {"f16": "float16", "f32": "float32", "f64": "float64", "i8": "int8",
       "i16": "int16", "i32": "int32", "i64": "int64",
       "bf16": "uint16", "f8E4M3FN": "uint8", "f8E5M2": "uint8"}
_TORCH = dict(_NP, bf16="bfloat16", f8E4M3FN="float8_e4m3fn", f8E5M2="float8_e5m2")


def _is_torch(x):
    return type(x).__module__.startswith("torch")


def _describe(x):
    """(shape, dtype name, data pointer, is_cuda, device index) of an array."""
    if _is_torch(x):
        if not x.is_contiguous():
            raise ValueError("a non-contiguous torch tensor: pass .contiguous()")
        return (tuple(x.shape), str(x.dtype).replace("torch.", ""), x.data_ptr(),
                x.is_cuda, x.device.index if x.is_cuda else -1)
    if hasattr(x, "__array_interface__"):
        if not x.flags["C_CONTIGUOUS"]:
            raise ValueError("a non-contiguous numpy array: pass numpy.ascontiguousarray(x)")
        return tuple(x.shape), str(x.dtype), x.ctypes.data, False, -1
    raise TypeError(f"a {type(x).__name__} is neither a numpy array nor a torch tensor")


class JITKernel:
    """A compiled kernel: ``kernel(A, B)`` returns the out_idx outputs;
    ``kernel(A, B, C)`` writes C in place."""

    def __init__(self, directory, out_idx=None, impl=None, bound=None, config=None):
        self.directory = os.path.abspath(directory)
        with open(os.path.join(self.directory, "kernel.json")) as f:
            self.metadata = json.load(f)
        self.config = dict(config if config is not None else self.metadata.get("config", {}))
        n = len(self.metadata["args"])
        out_idx = [] if out_idx is None else ([out_idx] if isinstance(out_idx, int) else list(out_idx))
        for i in out_idx:
            if not -n <= i < n:
                raise ValueError(f"out_idx {i} does not name one of the kernel's {n} arguments")
        self.out_idx = sorted(i % n for i in out_idx)
        self.impl, self.bound = impl, bound
        self._handles = {}
        self.is_cuda = os.path.exists(os.path.join(self.directory, "kernel.cubin"))

    def _handle(self, device):
        if device not in self._handles:
            err, L = _capi.Handle(), _capi.runtime()
            self._handles[device] = _capi.check(
                L.tlKernelLoad(_capi.ref(self.directory), device, ctypes.byref(err)), err, L)
        return self._handles[device]

    def __del__(self):
        for h in getattr(self, "_handles", {}).values():
            if _capi._runtime is not None:
                _capi._runtime.tlKernelDestroy(h)

    def _allocate(self, spec, like):
        shape, dtype = tuple(spec["shape"]), spec["dtype"]
        if like is not None and _is_torch(like):
            import torch
            return torch.empty(shape, dtype=getattr(torch, _TORCH[dtype]), device=like.device)
        import numpy
        return numpy.empty(shape, dtype=_NP[dtype])

    def __call__(self, *args):
        specs = self.metadata["args"]
        n, ins = len(specs), len(specs) - len(self.out_idx)
        if len(args) not in (n, ins):
            raise TypeError(f"{self.metadata['name']} takes {ins} inputs (and returns "
                            f"{len(self.out_idx)} outputs) or all {n} arguments; got {len(args)}")
        allocate = len(args) == ins
        full, it = [], iter(args)
        tensors = [a for a in args if not isinstance(a, (int, float))]
        like = tensors[0] if tensors else None
        for i, spec in enumerate(specs):
            full.append(self._allocate(spec, like) if allocate and i in self.out_idx else next(it))
        slots, argv, device, stream = [], [], None, None
        for i, (spec, x) in enumerate(zip(specs, full)):
            if spec["kind"] == "scalar":
                c = {"f32": ctypes.c_float, "f64": ctypes.c_double, "i32": ctypes.c_int32,
                     "i64": ctypes.c_int64}[spec["dtype"]](x)
                slots.append(c)
                argv.append(ctypes.cast(ctypes.pointer(c), ctypes.c_void_p))
                continue
            shape, dtype, ptr, cuda, dev = _describe(x)
            want = (_TORCH if _is_torch(x) else _NP).get(spec["dtype"])
            if list(shape) != list(spec["shape"]) or dtype != want:
                bits = "" if _is_torch(x) or want == _TORCH.get(spec["dtype"]) else \
                    f" (numpy has no {_TORCH[spec['dtype']]}: its bit patterns, as {want})"
                raise TypeError(f"argument {i} of {self.metadata['name']} must be "
                                f"{want} {tuple(spec['shape'])}{bits}, not {dtype} {shape}")
            if cuda != self.is_cuda:
                raise TypeError(f"argument {i}: a {'CUDA' if self.is_cuda else 'host'} kernel "
                                f"needs {'CUDA' if self.is_cuda else 'CPU'} tensors")
            if cuda:
                if device not in (None, dev):
                    raise TypeError("the tensors are on different CUDA devices")
                device = dev
            p = ctypes.c_void_p(ptr)
            slots.append(p)
            argv.append(ctypes.cast(ctypes.pointer(p), ctypes.c_void_p))
        if self.is_cuda:
            import torch
            stream = torch.cuda.current_stream(device).cuda_stream
        array = (ctypes.c_void_p * len(argv))(*argv)
        err, handle = _capi.Handle(), self._handle(device or 0)
        if not _capi.runtime().tlKernelLaunch(handle, array, ctypes.c_void_p(stream or 0),
                                              ctypes.byref(err)):
            _capi.check(_capi.Handle(), err, _capi.runtime())
        if allocate:
            outs = [full[i] for i in self.out_idx]
            return outs[0] if len(outs) == 1 else outs
        return None

    def get_kernel_source(self):
        """The PTX (CUDA) or the kernel's tl IR."""
        for name in ("kernel.ptx", "kernel.mlir"):
            path = os.path.join(self.directory, name)
            if os.path.exists(path):
                with open(path) as f:
                    return f.read()
        return ""


class JITImpl:
    """The decorated factory. Calling it returns a JITKernel."""

    def __init__(self, func, out_idx=None, target="auto", execution_backend="auto",
                 pass_configs=None, verbose=False, **ignored):
        self.func = func
        self.signature = inspect.signature(func)
        self.out_idx = out_idx
        self.target = _target_name(target)
        self.execution_backend = _check_backend(execution_backend)
        self.pass_configs = _check_pass_configs(pass_configs)
        self.verbose = verbose
        self._kernels = {}
        functools.update_wrapper(self, func)

    def bind(self, *args, **kwargs):
        """The factory's arguments with defaults applied, by name."""
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.func.__name__}: {e}") from None
        bound.apply_defaults()
        return dict(bound.arguments)

    def tunables(self, bound):
        """The integer arguments: the template's parameters."""
        return [k for k, v in bound.items() if isinstance(v, int) and not isinstance(v, bool)]

    def trace(self, bound):
        """The template: the factory traced with its integer arguments as
        parameters (their values the defaults)."""
        params = [T.Param(k, bound[k]) for k in self.tunables(bound)]
        values = {k: next((p for p in params if p.name == k), v) for k, v in bound.items()}
        with T.template(params, self.func.__name__):
            prim = self.func(**values)
        if not isinstance(prim, T.PrimFunc):
            raise TypeError(f"{self.func.__name__} must return a @T.prim_func, "
                            f"not {type(prim).__name__}")
        return prim

    def template_file(self, prim, work):
        path = os.path.join(work, f"{prim.name}.mlir")
        with open(path, "w") as f:
            f.write(prim.ir)
        return path

    def options(self, input_path, pass_configs=None):
        o = _capi.Options()
        o.set("Input", input_path).set("Target", resolve_target(self.target))
        return _apply_pass_configs(o, self.pass_configs if pass_configs is None else pass_configs)

    def _compile_into(self, prim, configs, work, out):
        opts = self.options(self.template_file(prim, work))
        err = _capi.Handle()
        L = _capi.lib()
        res = _capi.check(L.tlCompileConfigs(
            opts.handle, _capi.ref(json.dumps(configs) if configs else ""),
            _capi.ref(out), ctypes.byref(err)), err)
        try:
            failures = [(L.tlCompileResultGetName(res, i).text(),
                         L.tlCompileResultGetError(res, i).text())
                        for i in range(L.tlCompileResultGetNumKernels(res))]
        finally:
            L.tlCompileResultDestroy(res)
        failures = [f for f in failures if f[1]]
        if failures:
            raise TileMLIRError("; ".join(f"{n}: {e}" for n, e in failures))

    def _compile(self, bound, configs=None):
        """Compiles `configs` (dicts of parameter values; None: the call's
        values) and returns one JITKernel per config, in order."""
        prim = self.trace(bound)
        key = hashlib.sha256(json.dumps(
            [prim.ir, _machine_key(self.target), configs,
             _capi.lib().tlGetVersion().text(),
             sorted([k, repr(v)] for k, v in self.pass_configs.items())],
            sort_keys=True).encode()).hexdigest()
        cached = not _cache_disabled()
        out = os.path.join(cache_dir(), "kernels", key)
        if not cached or not os.path.exists(os.path.join(out, "index.json")):
            work = _work_dir()
            fresh = os.path.join(work, "out")
            try:
                self._compile_into(prim, configs, work, fresh)
                if cached:
                    os.makedirs(os.path.dirname(out), exist_ok=True)
                    if not os.path.exists(out):
                        os.rename(fresh, out)  # atomic: a reader sees all or nothing
                else:
                    out = fresh  # kept for this process, removed at exit
                    atexit.register(shutil.rmtree, work, True)
            finally:
                if cached:
                    shutil.rmtree(work, ignore_errors=True)
        with open(os.path.join(out, "index.json")) as f:
            index = json.load(f)
        return [JITKernel(os.path.join(out, k["dir"]), self.out_idx, self, bound)
                for k in index["kernels"]]

    def __call__(self, *args, **kwargs):
        bound = self.bind(*args, **kwargs)
        key = tuple(sorted((k, repr(v)) for k, v in bound.items()))
        if key not in self._kernels:
            self._kernels[key] = self._compile(bound)[0]
        return self._kernels[key]

    def compile(self, *args, **kwargs):
        return self(*args, **kwargs)

    def par_compile(self, configs, num_workers=None, ignore_error=False):
        """Compiles every config (dicts of the factory's arguments) in
        parallel; a JITKernel per config, in order."""
        configs = [dict(c) for c in configs]
        if not configs:
            return []
        groups = {}
        for i, c in enumerate(configs):
            bound = self.bind(**c)
            base = {k: v for k, v in bound.items() if k not in self.tunables(bound)}
            groups.setdefault(repr(sorted(base.items())), []).append((i, bound))
        kernels = [None] * len(configs)
        for members in groups.values():
            bound0 = members[0][1]
            space = [{k: b[k] for k in self.tunables(b)} for _, b in members]
            for (i, b), k in zip(members, self._compile(bound0, space)):
                kernels[i] = k
                k.bound = b
        return kernels


def jit(func=None, *, out_idx=None, target="auto", execution_backend="auto",
        pass_configs=None, verbose=False, **kwargs):
    """``@tilemlir.jit`` or ``@tilemlir.jit(out_idx=[-1], target='auto')``."""
    def wrap(f):
        return JITImpl(f, out_idx=out_idx, target=target, execution_backend=execution_backend,
                       pass_configs=pass_configs, verbose=verbose, **kwargs)
    return wrap(func) if func is not None else wrap
