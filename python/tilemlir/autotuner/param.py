"""The tuning's result and its files: ``AutotuneResult`` with
``save_to_disk`` / ``load_from_disk``, and ``CompileArgs``."""

from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import shutil
from typing import Any, Optional

from .. import _capi


@dataclasses.dataclass
class CompileArgs:
    """How the best kernel is compiled and called (set_compile_args)."""

    out_idx: Optional[Any] = None
    target: str = "auto"
    execution_backend: str = "auto"
    target_host: Any = None
    verbose: bool = False
    pass_configs: Optional[dict] = None


@dataclasses.dataclass
class ProfileArgs:
    """How candidates are run, timed and checked (set_profile_args)."""

    warmup: int = 25
    rep: int = 100
    timeout: float = 30
    supply_type: Any = None
    ref_prog: Any = None
    supply_prog: Any = None
    rtol: float = 1e-2
    atol: float = 1e-2
    max_mismatched_ratio: float = 0.01
    skip_check: bool = False
    manual_check_prog: Any = None
    cache_input_tensors: bool = False


STRATEGIES = ("exhaustive", "random", "halving", "model")


@dataclasses.dataclass
class SearchArgs:
    """How the space is searched (AutoTuner.set_search_args): the strategy,
    a budget in configs or seconds (0: none), the seed."""

    strategy: str = "exhaustive"
    budget_configs: int = 0
    budget_seconds: float = 0
    seed: int = 0

    @classmethod
    def of(cls, strategy="exhaustive", budget=None, seed=0):
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy {strategy!r} is not one of {', '.join(STRATEGIES)}")
        configs, seconds = 0, 0.0
        try:
            if isinstance(budget, str) and budget.endswith("s"):
                seconds = float(budget[:-1])
            elif isinstance(budget, float):
                seconds = budget
            elif isinstance(budget, (int, str)):
                configs = int(budget)
            elif budget is not None:
                raise ValueError
        except ValueError:
            raise ValueError(f"budget {budget!r}: give a number of configs (200) or "
                             f"seconds (\"60s\" or 60.0)") from None
        if configs < 0 or seconds < 0 or (budget is not None and not (configs or seconds)):
            raise ValueError(f"budget {budget!r} must be positive")
        if int(seed) < 0:
            raise ValueError(f"seed {seed!r} must not be negative")
        return cls(strategy, configs, seconds, int(seed))


# The files of a result (as the C++ side writes them into a cache entry).
_RESULT_FILES = ("best_config.json", "latency.json", "kernel.json", "kernel.so",
                 "kernel.cubin", "kernel.ptx", "kernel.mlir", "candidates.jsonl",
                 "best.txt", "key.json")


@dataclasses.dataclass
class AutotuneResult:
    """``latency`` (ms), ``config`` (dict), ``kernel`` (JITKernel), and every
    candidate's record (``candidates``: dicts as candidates.jsonl holds them)."""

    latency: Optional[float] = None
    config: Optional[dict] = None
    ref_latency: Optional[float] = None
    libcode: Optional[str] = None
    func: Any = None
    kernel: Any = None
    candidates: list = dataclasses.field(default_factory=list)
    from_cache: bool = False
    directory: Optional[str] = None
    tuning_seconds: float = 0.0

    def save_to_disk(self, path, verbose=False):
        """Writes the result's files (best config, latency, the binary and its
        kernel.json, every candidate's record) into `path`."""
        if not self.directory:
            raise ValueError("this result has no files to save (tuned with the disk "
                             "cache off and no output directory)")
        path = os.fspath(path)
        os.makedirs(path, exist_ok=True)
        for name in _RESULT_FILES:
            src = os.path.join(self.directory, name)
            if os.path.exists(src) and os.path.abspath(src) != os.path.abspath(os.path.join(path, name)):
                shutil.copyfile(src, os.path.join(path, name))
        if verbose:
            print(f"tilemlir: saved the best of {len(self.candidates)} candidates to {path}")

    @classmethod
    def load_from_disk(cls, path, compile_args=None):
        """The result saved in `path`; its kernel called as `compile_args` says."""
        from ..jit import JITKernel

        compile_args = compile_args or CompileArgs()
        err = _capi.Handle()
        L = _capi.lib()
        r = _capi.check(L.tlLoadResult(_capi.ref(os.fspath(path)), ctypes.byref(err)), err)
        try:
            return cls._from_handle(r, JITKernel, compile_args.out_idx)
        finally:
            L.tlTuneResultDestroy(r)

    @classmethod
    def _from_handle(cls, r, kernel_class, out_idx, func=None):
        L = _capi.lib()
        records = [json.loads(L.tlTuneResultGetCandidate(r, i).text())
                   for i in range(L.tlTuneResultGetNumCandidates(r))]
        best = L.tlTuneResultGetBestIndex(r)
        directory = L.tlTuneResultGetBestDir(r).text() or None
        config = json.loads(L.tlTuneResultGetBestConfig(r).text()) if best >= 0 else None
        kernel = kernel_class(directory, out_idx, config=config) if best >= 0 and directory else None
        return cls(latency=L.tlTuneResultGetBestLatencyMs(r) if best >= 0 else None,
                   config=config, func=func, kernel=kernel, candidates=records,
                   from_cache=L.tlTuneResultIsFromCache(r), directory=directory,
                   tuning_seconds=L.tlTuneResultGetTuningSeconds(r))
