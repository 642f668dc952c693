"""Tensors and tiles, the regions of them ``A[i, j]`` names, and the tile
ops: alloc, copy, gemm, clear, fill, reductions."""

from __future__ import annotations

from ._builder import _builder, _element_type, _error
from ._expr import SSA, Param, _as_expr, _index

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


def use_swizzle(panel_size, order="row", enable=True):
    """Visits the kernel's 2-D grid in groups of ``panel_size`` rows,
    column by column, so that blocks running together share their tiles
    in L2 (``tl.use_swizzle``; Triton's grouped order). ``enable=False``
    or a panel of 1 keeps the launch order; a tunable parameter may set
    the panel."""
    if order != "row":
        raise _error(f"T.use_swizzle(order={order!r}): only 'row' groups "
                     "(rows of the grid, visited column by column) exist")
    if not enable:
        return
    b = _builder()
    b.emit(f"tl.use_swizzle {_index(panel_size).ssa(b)}")


def persistent(enable=True):
    """Makes the kernel persistent (``tl.persistent``): as many blocks as
    the GPU runs at once loop over the grid's tiles, and on Hopper a
    producer warpgroup loads the next tile while the consumers store this
    one; 2 also runs two tiles at a time, one on each of two groups of the
    kernel's threads, one group's epilogue under the other's main loop
    (ping-pong; Hopper only). ``enable`` may be 0/1/2, a bool or a tunable
    parameter; 0 launches the grid as written."""
    b = _builder()
    if isinstance(enable, bool):
        enable = int(enable)
    b.emit(f"tl.persistent {_index(enable).ssa(b)}")


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
