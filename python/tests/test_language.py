"""DSL -> tl IR: each T.* construct emits the op it stands for, the C++ side
parses and verifies what is emitted, and mistakes are reported at the
user's line."""

import subprocess

import pytest

import tilemlir
import tilemlir.language as T

import kernels


def ir_of(factory, *args, **kwargs):
    impl = tilemlir.jit(factory)
    return impl.trace(impl.bind(*args, **kwargs)).ir


def verify(tool, ir, tmp_path):
    path = tmp_path / "k.mlir"
    path.write_text(ir)
    run = subprocess.run([tool("tl-opt"), str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_gemm_template(tool, tmp_path):
    ir = ir_of(kernels.matmul, 256, 128, 64)
    # Every integer argument is a parameter; its value the default.
    assert '#tl.param<"M" : index = 256>' in ir
    assert '#tl.param<"block_M" : index = 64>' in ir
    assert '%A: memref<?x?xf32> {tl.shape = ["M", "K"]}' in ir
    for op in ("tl.ceildiv", "tl.kernel (", "threads %p_threads", "tl.alloc_shared(",
               "tl.alloc_fragment(", "tl.clear", "tl.pipelined", "num_stages %p_num_stages",
               "tl.copy %A[", "tl.gemm", "tl.copy %buf"):
        assert op in ir, op
    assert 'loc("' + kernels.__file__ in ir  # ops are located in the user's file
    out = verify(tool, ir, tmp_path)
    assert "tl.func @matmul" in out


def test_expansion_of_the_traced_template(tool, tmp_path):
    path = tmp_path / "m.mlir"
    path.write_text(ir_of(kernels.matmul, 128, 128, 128))
    run = subprocess.run([tool("tl-opt"), str(path),
                          "--tl-expand-configs=target=host"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    # One config (the call's values, as defaults): one specialized kernel,
    # its shapes static.
    assert run.stdout.count("module @matmul ") == 1
    assert "memref<128x128xf32>" in run.stdout


def test_parallel_reduce_math(tool, tmp_path):
    ir = ir_of(kernels.row_softmax_max, 64, 32)
    assert "tl.reduce max" in ir and "dim 1" in ir
    assert "tl.parallel (" in ir
    assert "memref.load" in ir and "memref.store" in ir
    assert "math.exp" in ir and "arith.subf" in ir
    verify(tool, ir, tmp_path)


def test_gemm_flags_fill_cast(tool, tmp_path):
    def f(M, N, K):
        @T.prim_func
        def k(A: T.Tensor((K, M), "float16"), B: T.Tensor((N, K), "float16"),
              C: T.Tensor((M, N), "float32")):
            with T.Kernel(1, threads=128) as bx:
                a = T.alloc_shared((K, M), "float16")
                b = T.alloc_shared((N, K), "float16")
                c = T.alloc_fragment((M, N), "float32")
                T.fill(c, 1.5)
                T.copy(A[0, 0], a)
                T.copy(B[0, 0], b)
                T.gemm(a, b, c, transpose_A=True, transpose_B=True)
                for i, j in T.Parallel(M, N):
                    c[i, j] = T.max(c[i, j], T.cast(T.cast(c[i, j], "float16"), "float32"))
                T.copy(c, C[0, 0])
        return k
    ir = ir_of(f, 64, 64, 32)
    assert "tl.gemm" in ir and "{transpose_a, transpose_b}" in ir
    assert "tl.fill" in ir and "arith.constant 1.5 : f32" in ir
    assert "arith.truncf" in ir and "arith.extf" in ir and "arith.maximumf" in ir
    verify(tool, ir, tmp_path)


@pytest.mark.parametrize("directive, op", [(T.use_swizzle, "tl.use_swizzle"),
                                           (T.persistent, "tl.persistent")])
def test_block_schedule(tool, tmp_path, directive, op):
    # The knob is a tunable parameter (default 1).
    def f(M, N, knob=1):
        @T.prim_func
        def k(A: T.Tensor((M, N), "float32")):
            with T.Kernel(T.ceildiv(N, 32), T.ceildiv(M, 32), threads=128) as (bx, by):
                directive(knob)
                c = T.alloc_fragment((32, 32), "float32")
                T.clear(c)
                T.copy(c, A[by * 32, bx * 32])
        return k
    ir = ir_of(f, 64, 64)
    assert op in ir
    verify(tool, ir, tmp_path)


def test_use_swizzle_disabled():
    assert "tl.use_swizzle" not in ir_of(_unswizzled, 64, 64)


def _unswizzled(M, N):
    @T.prim_func
    def k(A: T.Tensor((M, N), "float32")):
        with T.Kernel(2, 2, threads=128) as (bx, by):
            T.use_swizzle(8, enable=False)
            c = T.alloc_fragment((32, 32), "float32")
            T.clear(c)
            T.copy(c, A[by * 32, bx * 32])
    return k


def test_python_branch_on_a_parameter_is_an_error_at_the_users_line():
    def f(M, block=64):
        @T.prim_func
        def k(A: T.Tensor((M,), "float32")):
            with T.Kernel(T.ceildiv(M, block), threads=block) as bx:
                if block > 32:  # the line the error must name
                    pass
        return k
    line = f.__code__.co_firstlineno + 4
    with pytest.raises(T.KernelError) as e:
        ir_of(f, 128)
    assert f"{__file__}:{line}:" in str(e.value)
    assert "cannot branch" in str(e.value)


def test_bad_dtype_and_bad_index_are_errors_at_the_users_line():
    def f(M):
        @T.prim_func
        def k(A: T.Tensor((M,), "float17")):
            pass
        return k
    with pytest.raises(T.KernelError) as e:
        ir_of(f, 64)
    assert __file__ in str(e.value) and "float17" in str(e.value)

    def g(M):
        @T.prim_func
        def k(A: T.Tensor((M, M), "float32")):
            with T.Kernel(1, threads=128) as bx:
                s = T.alloc_shared((M, M), "float32")
                T.copy(A[0], s)  # one index for two dimensions
        return k
    with pytest.raises(T.KernelError) as e:
        ir_of(g, 64)
    assert "2 dimensions; 1 indices" in str(e.value)


def test_a_mistake_the_compiler_finds_names_the_python_line():
    def f(M, block=64):
        @T.prim_func
        def k(A: T.Tensor((M,), "float32"), B: T.Tensor((M,), "float32")):
            with T.Kernel(T.ceildiv(M, block), threads=block) as bx:
                T.copy(A[bx * block], B[bx * block])  # global to global
        return k
    line = f.__code__.co_firstlineno + 4
    with pytest.raises(tilemlir.TileMLIRError) as e:
        tilemlir.jit(f, target="host")(128)
    assert f"{__file__}:{line}:" in str(e.value)
