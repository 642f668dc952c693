"""The guide's autotuner: ``AutoTuner.from_kernel(...).set_*().run()``, the
``@tilemlir.autotune`` decorator, and ``set_autotune_inputs``.

The tuning itself is tl-tune's, through the C API: the factory is traced
once into a template whose integer arguments are parameters, the configs
become its space, and the C++ tuner expands, compiles in parallel, runs every
candidate in a worker process (a fault or a hang costs only that candidate,
never this Python process), validates, times and caches, in the same disk
cache as tl-tune.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import enum
import inspect
import json
import os
import shutil
import sys
import threading

from .. import _capi
from .._capi import TileMLIRError
from ..jit import (JITImpl, JITKernel, _check_backend, _check_pass_configs, _target_name,
                   _work_dir, resolve_target)
from .param import AutotuneResult, CompileArgs, ProfileArgs, SearchArgs

__all__ = ["AutoTuner", "autotune", "set_autotune_inputs", "AutotuneResult",
           "CompileArgs", "TensorSupplyType"]


class TensorSupplyType(enum.Enum):
    """How inputs are generated when none are given (TileLang's names)."""

    Auto = "auto"
    Integer = "integer"
    Uniform = "uniform"
    Normal = "normal"
    Randn = "randn"
    Zero = "zero"
    One = "one"


_inputs = threading.local()


@contextlib.contextmanager
def set_autotune_inputs(*tensors):
    """Every config is measured on these inputs (all the kernel's arguments,
    or only its inputs)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    old = getattr(_inputs, "tensors", None)
    _inputs.tensors = tensors
    try:
        yield
    finally:
        _inputs.tensors = old


def _save_npy(x, path):
    try:
        import numpy
    except ImportError as e:  # pragma: no cover - numpy comes with torch
        raise TileMLIRError("fixed inputs and ref_prog outputs need numpy") from e
    if type(x).__module__.startswith("torch"):
        import torch
        x = x.detach().cpu().contiguous()
        # .npy has no bfloat16 or fp8: their bit patterns, in uint16 / uint8.
        if x.dtype == torch.bfloat16:
            x = x.view(torch.int16).numpy().view(numpy.uint16)
        elif x.element_size() == 1 and x.is_floating_point():
            x = x.view(torch.uint8).numpy()
        else:
            x = x.numpy()
    numpy.save(path, numpy.ascontiguousarray(x))
    return path


class AutoTuner:
    """Tunes one kernel factory over a list of configs."""

    def __init__(self, fn, configs):
        if isinstance(fn, JITKernel):
            if fn.impl is None:
                raise TypeError("from_kernel needs a kernel made by a @tilemlir.jit factory")
            self.impl, self.bound = fn.impl, dict(fn.bound)
        elif isinstance(fn, JITImpl):
            self.impl, self.bound = fn, None
        else:
            raise TypeError("AutoTuner tunes a @tilemlir.jit factory or a kernel it made")
        self.configs = configs
        self.compile_args = CompileArgs(out_idx=self.impl.out_idx, target=self.impl.target)
        self.profile_args = ProfileArgs()
        self.search_args = SearchArgs()
        self._call_args = None

    @classmethod
    def from_kernel(cls, kernel, configs):
        return cls(kernel, configs)

    def set_compile_args(self, out_idx=None, target="auto", execution_backend="auto",
                         target_host=None, verbose=False, pass_configs=None):
        self.compile_args = CompileArgs(out_idx if out_idx is not None else self.impl.out_idx,
                                        _target_name(target), _check_backend(execution_backend),
                                        target_host, verbose, _check_pass_configs(pass_configs))
        return self

    def set_profile_args(self, warmup=25, rep=100, timeout=30, supply_type=None, ref_prog=None,
                         supply_prog=None, rtol=1e-2, atol=1e-2, max_mismatched_ratio=0.01,
                         skip_check=False, manual_check_prog=None, cache_input_tensors=False):
        self.profile_args = ProfileArgs(warmup, rep, timeout, supply_type, ref_prog,
                                        supply_prog, rtol, atol, max_mismatched_ratio,
                                        skip_check, manual_check_prog, cache_input_tensors)
        return self

    def set_search_args(self, strategy="exhaustive", budget=None, seed=0):
        """How the space is searched (TileMLIR's, not TileLang's): strategy
        "exhaustive", "random", "halving" or "model" (Bayesian optimisation);
        budget an int (that many configs) or seconds as "60s" / a float;
        the seed makes a search reproducible."""
        self.search_args = SearchArgs.of(strategy, budget, seed)
        return self

    # -- the space ---------------------------------------------------------

    def _space(self, bound):
        configs = self.configs
        if callable(configs):
            args, kwargs = self._call_args or ((), {})
            configs = configs(*args, **kwargs) if (args or kwargs) else configs(
                **{k: bound[k] for k in inspect.signature(configs).parameters if k in bound})
        configs = [dict(c) for c in (configs or [])]
        if not configs:
            raise TileMLIRError("No configurations to tune: give configs as a non-empty "
                                "list of dicts or a callable returning one")
        tunable = set(self.impl.tunables(bound))
        for i, c in enumerate(configs):
            unknown = sorted(set(c) - tunable)
            if unknown:
                raise TileMLIRError(
                    f"config {i} sets {', '.join(repr(u) for u in unknown)}, which "
                    f"{'is' if len(unknown) == 1 else 'are'} not an integer argument of "
                    f"{self.impl.func.__name__} (its tunable arguments: "
                    f"{', '.join(sorted(tunable))})")
            for k, v in c.items():
                if not isinstance(v, int) or isinstance(v, bool):
                    raise TileMLIRError(f"config {i}: {k} = {v!r}; config values are integers")
        return configs

    # -- inputs and reference ---------------------------------------------

    def _out_idx(self):
        """out_idx as given (as tl-tune's --out-idx: keys compare equal)."""
        out = self.compile_args.out_idx
        return [-1] if out is None else ([out] if isinstance(out, int) else list(out))

    def _outputs(self, n):
        return sorted(i % n for i in self._out_idx())

    def _inputs(self, prim, outputs):
        """Fixed inputs (set_autotune_inputs), else supply_prog's, else None."""
        n = len(prim.args)
        fixed = getattr(_inputs, "tensors", None)
        if fixed is None and self.profile_args.supply_prog is not None:
            fixed = tuple(self.profile_args.supply_prog(prim.args))
        if fixed is None:
            return None
        if len(fixed) == n:
            return [x for i, x in enumerate(fixed) if i not in outputs]
        if len(fixed) == n - len(outputs):
            return list(fixed)
        raise TileMLIRError(f"{len(fixed)} input tensors given; {prim.name} takes {n} "
                            f"arguments, {n - len(outputs)} of them inputs")

    def _ref_is_checker(self, n_inputs):
        """ref_prog called with every argument (inputs and outputs) is a
        checker; called with the inputs, it returns the expected outputs."""
        ref = self.profile_args.ref_prog
        if ref is None:
            return False
        try:
            arity = len(inspect.signature(ref).parameters)
        except (TypeError, ValueError):
            return False
        return arity != n_inputs

    def _references(self, inputs, outputs):
        """The expected outputs, from ref_prog on the inputs (None: none)."""
        ref = self.profile_args.ref_prog
        if ref is None or self.profile_args.skip_check or self._ref_is_checker(len(inputs)):
            return None
        got = ref(*inputs)
        got = list(got) if isinstance(got, (list, tuple)) else [got]
        if len(got) != len(outputs):
            raise TileMLIRError(f"ref_prog returned {len(got)} outputs; the kernel has "
                                f"{len(outputs)} (out_idx)")
        return got

    def _checker(self, prim, inputs, outputs, refs):
        """The check of each candidate's outputs in this process: ref_prog as
        a checker (called with every argument; False or an exception rejects),
        or manual_check_prog(outputs, expected outputs) (an exception or
        False rejects). None when neither is asked for."""
        p = self.profile_args
        checker = self._ref_is_checker(len(inputs))
        if p.skip_check or not (checker or p.manual_check_prog is not None):
            return None, ""
        specs = _arg_specs(prim, self.bound)
        like = next((x for x in inputs if type(x).__module__.startswith("torch")), None)

        def judge(candidate, outputs_file):
            outs = _read_outputs(outputs_file, [specs[i] for i in outputs], like)
            full, it_in, it_out = [], iter(inputs), iter(outs)
            for i in range(len(specs)):
                full.append(next(it_out) if i in outputs else next(it_in))
            try:
                if checker:
                    verdict = p.ref_prog(*full)
                    if verdict is not None and not bool(verdict):
                        return "ref_prog returned False for its outputs"
                if p.manual_check_prog is not None:
                    expected = refs if refs is None or len(refs) > 1 else refs[0]
                    verdict = p.manual_check_prog(outs if len(outs) > 1 else outs[0], expected)
                    if verdict is not None and not bool(verdict):
                        return "manual_check_prog returned False for its outputs"
            except Exception as e:  # the user's check said no
                return f"{type(e).__name__}: {e}"
            return ""

        identity = "\n".join(_source_of(f) for f in (p.ref_prog, p.manual_check_prog) if f)
        return judge, identity

    # -- the run ------------------------------------------------------------

    def run(self, warmup=None, rep=None, timeout=None, benchmark_multi_gpu=False,
            benchmark_devices=None):
        """Tunes; the AutotuneResult of the best valid candidate.

        As in TileLang, candidates are benchmarked on one GPU unless
        ``benchmark_multi_gpu`` is set (every visible GPU of device 0's model)
        or ``benchmark_devices`` lists the GPUs' ordinals (one model); each
        GPU has its own worker, and the finalists are timed again on one."""
        if self.bound is None:
            raise TileMLIRError("AutoTuner.from_kernel(factory, ...) needs the factory's "
                                "arguments: pass factory(M, N, K) (a kernel) instead")
        p = self.profile_args
        counts = (p.warmup if warmup is None else warmup, p.rep if rep is None else rep,
                  p.timeout if timeout is None else timeout)
        space = self._space(self.bound)
        prim = self.impl.trace(self.bound)
        outputs = self._outputs(len(prim.args))
        inputs = self._inputs(prim, outputs)
        if inputs is None and not p.skip_check and (p.ref_prog or p.manual_check_prog):
            inputs = self._generated_inputs(prim, outputs)
        refs = self._references(inputs, outputs) if inputs is not None else None
        judge, identity = (self._checker(prim, inputs, outputs, refs)
                           if inputs is not None else (None, ""))
        work = _work_dir()
        try:
            o = self._options(prim, space, counts, work)
            o.set("Devices", _devices_option(benchmark_multi_gpu, benchmark_devices))
            for i, x in enumerate(inputs or []):
                o.add("AddInputFile", _save_npy(x, os.path.join(work, f"input{i}.npy")))
            # A check in Python replaces the comparison with a reference
            # (manual_check_prog gets the expected outputs itself).
            o.set("SkipCheck", bool(p.skip_check or judge is not None))
            if judge is None:
                for i, x in enumerate(refs or []):
                    o.add("AddRefFile", _save_npy(x, os.path.join(work, f"ref{i}.npy")))
            callback = _check_callback(judge)  # alive until tlTune returns
            if callback is not None:
                _capi.lib().tlTuneOptionsSetCheckCallback(o.handle, callback, None,
                                                          _capi.ref(identity))
            err = _capi.Handle()
            L = _capi.lib()
            r = _capi.check(L.tlTune(o.handle, ctypes.byref(err)), err)
            try:
                result = AutotuneResult._from_handle(r, JITKernel, outputs, func=prim)
            finally:
                L.tlTuneResultDestroy(r)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if result.kernel is None:
            statuses = {}
            for c in result.candidates:
                statuses[c["status"]] = statuses.get(c["status"], 0) + 1
            first = next((c.get("message", "") for c in result.candidates if c.get("message")), "")
            raise TileMLIRError(f"no candidate of {prim.name} passed ({statuses}); {first}")
        result.kernel.impl = self.impl
        result.kernel.bound = dict(self.bound, **result.config)
        return result

    def _options(self, prim, space, counts, work):
        """The C API options of this tuning (inputs and checks aside)."""
        p = self.profile_args
        warmup, rep, timeout = counts
        configs = (self.compile_args.pass_configs if self.compile_args.pass_configs
                   else self.impl.pass_configs)
        o = self.impl.options(self.impl.template_file(prim, work), configs)
        o.set("Target", resolve_target(self.compile_args.target))
        with open(os.path.join(work, "configs.json"), "w") as f:
            json.dump(space, f)
        o.set("ConfigsFile", os.path.join(work, "configs.json"))
        o.set("Warmup", int(warmup)).set("Rep", int(rep)).set("Timeout", float(timeout))
        search = self.search_args
        o.set("Strategy", search.strategy).set("Seed", search.seed)
        if search.budget_configs:
            o.set("Budget", search.budget_configs)
        if search.budget_seconds:
            o.set("BudgetSeconds", search.budget_seconds)
        o.tolerance(p.rtol, p.atol, p.max_mismatched_ratio)
        supply = p.supply_type.value if isinstance(p.supply_type, TensorSupplyType) else (
            p.supply_type or "auto")
        o.set("SupplyType", str(supply)).set("LogFile", "autotuner.log")
        o.out_idx(self._out_idx())
        if _no_disk_cache():
            # The best's files live here for the rest of this process.
            keep = _work_dir()
            atexit.register(shutil.rmtree, keep, True)
            o.set("OutputDir", keep)
        return o

    def _generated_inputs(self, prim, outputs):
        """Inputs for ref_prog when none were given: generated here (seeded)
        and handed to the tuner, so that both see the same data; torch
        tensors (on the GPU for a CUDA target) when the caller uses torch,
        else numpy arrays."""
        specs = [spec for i, spec in enumerate(_arg_specs(prim, self.bound)) if i not in outputs]
        shapes, dtypes = [s for s, _ in specs], [d for _, d in specs]
        if "torch" in sys.modules:
            import torch
            device = "cuda" if resolve_target(self.compile_args.target) == "cuda" else "cpu"
            g = torch.Generator(device=device).manual_seed(0)
            return [torch.randn(s, generator=g, device=device).to(getattr(torch, str(d)))
                    for s, d in zip(shapes, dtypes)]
        import numpy
        rng = numpy.random.default_rng(0)
        return [_to_numpy_dtype(rng.standard_normal(s).astype("float32"), str(d))
                for s, d in zip(shapes, dtypes)]


def _numpy_name(dtype):
    """numpy's dtype for a DSL dtype: bfloat16 and fp8 are their bit
    patterns (uint16, uint8), as tilemlir.jit passes them."""
    return {"bfloat16": "uint16", "float8_e4m3fn": "uint8", "float8_e5m2": "uint8"}.get(dtype, dtype)


def _to_numpy_dtype(x, dtype):
    """float32 `x` as a numpy array of DSL dtype `dtype` (bfloat16: its bits,
    rounded to nearest even)."""
    import numpy
    if dtype == "bfloat16":
        bits = x.astype(numpy.float32).view(numpy.uint32)
        bits = bits + numpy.uint32(0x7FFF) + ((bits >> numpy.uint32(16)) & numpy.uint32(1))
        return (bits >> numpy.uint32(16)).astype(numpy.uint16)
    if _numpy_name(dtype) != dtype:
        raise TileMLIRError(f"numpy cannot make {dtype} inputs: pass torch tensors or "
                            "fixed inputs (set_autotune_inputs)")
    return x.astype(dtype)


def _check_callback(judge):
    """`judge(candidate, outputs_file)` -> message ("" accepts) as the C
    API's TlCheckOutputsCallback; None without a judge."""
    if judge is None:
        return None

    def callback(user, candidate, outputs_file, message, size):
        why = judge(candidate, outputs_file.text())
        if why:
            data = why.encode()[: size - 1] + b"\0"
            ctypes.memmove(message, data, len(data))
        return not why
    return _capi.CheckCallback(callback)


def _arg_specs(prim, bound):
    """Each argument's (shape, dtype) with the call's values."""
    return [([bound[d.name] if hasattr(d, "name") else d for d in a["shape"]], str(a["dtype"]))
            for a in prim.args]


def _read_outputs(path, specs, like):
    """The outputs' bytes in `path`, as torch tensors on `like`'s device when
    the inputs are torch tensors, else numpy arrays."""
    with open(path, "rb") as f:
        data = f.read()
    out, offset = [], 0
    for shape, dtype in specs:
        count = 1
        for d in shape:
            count *= d
        if like is not None:
            import torch
            t = getattr(torch, dtype)
            size = count * torch.empty((), dtype=t).element_size()
            x = torch.frombuffer(bytearray(data[offset:offset + size]), dtype=t)
            out.append(x.reshape(shape).to(like.device))
        else:
            import numpy
            x = numpy.frombuffer(data, dtype=_numpy_name(dtype), count=count, offset=offset)
            size = x.nbytes
            out.append(x.reshape(shape).copy())
        offset += size
    return out


def _source_of(fn):
    """A check's identity for the cache key: its source and closure values."""
    try:
        text = inspect.getsource(fn)
    except (OSError, TypeError):
        text = getattr(fn, "__qualname__", repr(fn))
    cells = getattr(fn, "__closure__", None) or ()
    return text + "".join(repr(c.cell_contents) for c in cells)


def _devices_option(multi_gpu, devices):
    """The C API's devices: TileLang's benchmark_devices (ordinals) or
    benchmark_multi_gpu (every GPU of one model), else GPU 0."""
    if devices is not None:
        try:
            ordinals = [int(d) for d in devices]
        except (TypeError, ValueError):
            raise TileMLIRError(f"benchmark_devices={devices!r}: give GPU ordinals, "
                                "such as [0, 1]") from None
        if not ordinals:
            raise TileMLIRError("benchmark_devices=[]: name at least one GPU")
        return ",".join(str(d) for d in ordinals)
    return "all" if multi_gpu else "0"


def _no_disk_cache():
    env = {k: os.environ.get(k, "").strip().lower() for k in
           ("TILELANG_DISABLE_CACHE", "TILELANG_AUTO_TUNING_DISABLE_CACHE")}
    return any(v in ("1", "true", "yes", "on") for v in env.values())


class AutotuneImpl:
    """``@autotune`` over ``@jit``: tunes once per argument tuple, keeps the
    best kernel in this process."""

    def __init__(self, impl, configs, profile, search):
        self.impl, self.configs, self.profile, self.search = impl, configs, profile, search
        self._best = {}
        self.results = {}

    def __call__(self, *args, **kwargs):
        bound = self.impl.bind(*args, **kwargs)
        key = tuple(sorted((k, repr(v)) for k, v in bound.items()))
        if key not in self._best:
            tuner = AutoTuner(self.impl, self.configs)
            tuner.bound, tuner._call_args = bound, (args, kwargs)
            tuner.profile_args, tuner.search_args = self.profile, self.search
            result = tuner.run()
            self.results[key] = result
            self._best[key] = result.kernel
        return self._best[key]


def autotune(configs=None, warmup=25, rep=100, timeout=100, supply_type=None, ref_prog=None,
             supply_prog=None, rtol=1e-2, atol=1e-2, max_mismatched_ratio=0.01,
             skip_check=False, manual_check_prog=None, cache_input_tensors=False,
             strategy="exhaustive", budget=None, seed=0):
    """``@tilemlir.autotune(configs=...)`` stacked on ``@tilemlir.jit``;
    strategy, budget and seed as AutoTuner.set_search_args takes them."""
    profile = ProfileArgs(warmup, rep, timeout, supply_type, ref_prog, supply_prog, rtol,
                          atol, max_mismatched_ratio, skip_check, manual_check_prog,
                          cache_input_tensors)
    search = SearchArgs.of(strategy, budget, seed)

    def decorator(fn):
        impl = fn if isinstance(fn, JITImpl) else JITImpl(fn)
        return AutotuneImpl(impl, configs, profile, search)
    return decorator
