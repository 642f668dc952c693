"""The region ops: ``with T.Kernel(...)``, ``for ko in T.Pipelined(...)``,
``for i, j in T.Parallel(...)``."""

from __future__ import annotations

import contextlib

from ._builder import _builder, _error
from ._expr import SSA, _index

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
