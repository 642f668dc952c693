"""tilemlir.jit on the host: compiled kernels run on numpy arrays, are kept
in memory per argument tuple and on disk, and refuse wrong arguments."""

import os

import numpy as np
import pytest

import tilemlir

import kernels


def operands(M, N, K, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((M, K)).astype("float32"),
            rng.standard_normal((K, N)).astype("float32"))


def test_matmul_matches_numpy():
    k = tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)(128, 96, 64)
    A, B = operands(128, 96, 64)
    C = k(A, B)
    assert C.shape == (128, 96) and C.dtype == np.float32
    np.testing.assert_allclose(C, A @ B, rtol=1e-4, atol=1e-4)
    # All arguments given: C is written in place, nothing returned.
    D = np.zeros((128, 96), "float32")
    assert k(A, B, D) is None
    np.testing.assert_allclose(D, A @ B, rtol=1e-4, atol=1e-4)


def test_odd_sizes_and_other_kernels():
    k = tilemlir.jit(out_idx=[-1], target="host")(kernels.row_softmax_max)(40, 24)
    X = np.random.default_rng(1).standard_normal((40, 24)).astype("float32")
    np.testing.assert_allclose(k(X), np.exp(X - X.max(axis=1, keepdims=True)), rtol=1e-5)


def test_kernels_are_kept_in_memory_and_on_disk(monkeypatch):
    impl = tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)
    a = impl(64, 64, 64)
    assert impl(64, 64, 64) is a, "the same arguments give the same kernel"
    assert impl(64, 64, 64, block_M=32) is not a
    assert a.directory.startswith(os.environ["TILELANG_CACHE_DIR"])
    # A fresh factory (a new process would be the same) finds it on disk
    # without compiling.
    fresh = tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)
    monkeypatch.setattr(tilemlir.JITImpl, "_compile_into",
                        lambda *a: pytest.fail("compiled although it was on disk"))
    b = fresh(64, 64, 64)
    assert b.directory == a.directory


def test_cache_off_still_compiles(monkeypatch):
    monkeypatch.setenv("TILELANG_DISABLE_CACHE", "1")
    k = tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)(64, 64, 32)
    assert not os.path.exists(os.path.join(os.environ["TILELANG_CACHE_DIR"], "kernels"))
    A, B = operands(64, 64, 32)
    np.testing.assert_allclose(k(A, B), A @ B, rtol=1e-4, atol=1e-4)


def test_wrong_arguments_are_refused():
    k = tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)(64, 64, 32)
    A, B = operands(64, 64, 32)
    with pytest.raises(TypeError, match=r"argument 1 of matmul must be float32 \(32, 64\)"):
        k(A, A)
    with pytest.raises(TypeError, match="takes 2 inputs"):
        k(A)
    with pytest.raises(TypeError, match="float32"):
        k(A.astype("float64"), B)
    with pytest.raises(TypeError, match="matmul"):
        tilemlir.jit(kernels.matmul)(64)  # N and K missing


def test_par_compile():
    impl = tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)
    cfgs = [dict(M=64, N=64, K=64, block_M=32, block_N=64),
            dict(M=64, N=64, K=64, block_M=64, block_N=32, block_K=64)]
    ks = impl.par_compile(cfgs, num_workers=2)
    assert [k.config["block_M"] for k in ks] == [32, 64]
    assert ks[1].config["block_K"] == 64
    A, B = operands(64, 64, 64)
    for k in ks:
        np.testing.assert_allclose(k(A, B), A @ B, rtol=1e-4, atol=1e-4)


def test_an_impossible_config_is_a_message():
    # A block of 0 threads: the expansion refuses it, and the message says
    # why and where.
    impl = tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)
    with pytest.raises(tilemlir.TileMLIRError, match="launches 0 threads per block"):
        impl(64, 64, 64, threads=0)


def test_compile_args_a_tilelang_user_passes():
    with pytest.raises(ValueError, match="target 'metal' is not one of"):
        tilemlir.jit(kernels.matmul, target="metal")
    with pytest.raises(ValueError, match="execution_backend 'fast'"):
        tilemlir.jit(kernels.matmul, execution_backend="fast")
    with pytest.warns(UserWarning, match="have no effect"):
        tilemlir.jit(kernels.matmul, pass_configs={"tl.disable_dynamic_tail_split": True})
    tilemlir.jit(kernels.matmul, execution_backend="cython", pass_configs={})  # the guide's


def test_pass_configs_with_a_counterpart_set_the_lowering(tmp_path):
    # TileLang's tl.disable_tma_lower turns TMA off (CUDA compiles need no
    # GPU, only ptxas); keys without a counterpart are said to do nothing.
    ptxas = os.path.join(os.environ.get("CUDA_HOME", "/usr/local/cuda"), "bin", "ptxas")
    if not os.access(ptxas, os.X_OK):
        pytest.skip("no ptxas: CUDA compiles cannot run here")

    def ptx(pass_configs):
        impl = tilemlir.jit(out_idx=[-1], target="cuda", pass_configs=pass_configs)(
            kernels.matmul)
        (k,) = impl.par_compile([dict(M=256, N=256, K=256, block_M=128, block_N=128,
                                      block_K=64, num_stages=3, dtype="float16")])
        return k.get_kernel_source()

    default = ptx(None)
    assert "cp.async.bulk.tensor" in default and ".maxntid 128, 1, 1" in default
    without = ptx({"tl.disable_tma_lower": True})
    assert "cp.async.bulk.tensor" not in without and "cp.async.cg" in without
    # Not disabled: warp-specialized, a producer warpgroup after the 128.
    assert ".maxntid 256, 1, 1" in ptx({"tl.disable_warp_specialized": False})
    with pytest.warns(UserWarning, match=r"\['tl.enable_fast_math'\] have no effect"):
        tilemlir.jit(pass_configs={"tl.enable_fast_math": True, "tl.disable_tma_lower": True})(
            kernels.matmul)
    with pytest.raises(TypeError, match="must be True or False"):
        tilemlir.jit(pass_configs={"tl.disable_tma_lower": 1})(kernels.matmul)


def test_a_saved_kernel_runs_through_the_runtime_library_alone():
    """A compiled kernel's directory loads and runs in a process that has
    only libTileMLIRRuntime (no LLVM, no MLIR): a GPU node's deployment."""
    import subprocess
    import sys

    from tilemlir import _capi

    k = tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)(64, 48, 32)
    runtime = next(p for p in _capi._candidates("libTileMLIRRuntime.so", "TILEMLIR_RUNTIME_LIBRARY")
                   if os.path.exists(p))
    script = f"""
import ctypes
import numpy as np
from tilemlir import _capi
from tilemlir.jit import JITKernel
k = JITKernel({k.directory!r}, out_idx=[-1])
rng = np.random.default_rng(0)
A = rng.standard_normal((64, 32)).astype("float32")
B = rng.standard_normal((32, 48)).astype("float32")
np.testing.assert_allclose(k(A, B), A @ B, rtol=1e-4, atol=1e-4)
assert _capi._lib is None, "the C API library was loaded"
L, err = _capi.runtime(), _capi.Handle()
try:
    _capi.check(L.tlKernelLoad(_capi.ref("/no/such"), 0, ctypes.byref(err)), err, L)
    raise SystemExit("a missing kernel loaded")
except _capi.TileMLIRError as e:
    assert "cannot read /no/such/kernel.json" in str(e), e
print("ran", L._name)
"""
    env = dict(os.environ, TILEMLIR_RUNTIME_LIBRARY=runtime)
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"ran {runtime}"
