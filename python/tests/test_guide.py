"""The guide's seven code samples, run in order in one namespace as a reader
runs them: on the host target with torch CPU tensors, and where there is a
CUDA GPU with the guide's CUDA tensors; then checks of what each produced.
guide/sampleN.py are the guide's code blocks with only the package name
changed (tilelang -> tilemlir). What the host needs changed, and nothing
else (`source`):

- device='cuda' -> device='cpu', and M = N = K = 1024 -> 128 (a 2-core CI
  machine tunes 32 configs three times);
- torch before 2.1 (Debian 12 ships 1.13) has no float16 matmul on the
  CPU: sample 2's ref_prog multiplies in float32 there;
- sample 5 is a sketch: its kernel body `...` becomes sample 1's body, and
  its configs name the sizes the factory needs (par_compile calls the
  factory with each config, as TileLang's does).
"""

import pathlib
import subprocess
import sys

import pytest

try:
    import torch
except ImportError as e:  # a missing torch fails the test, never skips it
    raise ImportError("the guide's samples need torch: scripts/setup.sh "
                      "installs Debian's python3-torch") from e

import tilemlir  # noqa: E402

GUIDE = pathlib.Path(__file__).parent / "guide"

SAMPLE1_BODY = """\
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_s = T.alloc_shared((block_M, block_K), 'float16')
            B_s = T.alloc_shared((block_K, block_N), 'float16')
            C_f = T.alloc_fragment((block_M, block_N), 'float32')
            T.clear(C_f)
            for ko in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[by * block_M, ko * block_K], A_s)
                T.copy(B[ko * block_K, bx * block_N], B_s)
                T.gemm(A_s, B_s, C_f)
            T.copy(C_f, C[by * block_M, bx * block_N])
"""


def source(n, device):
    src = (GUIDE / f"sample{n}.py").read_text()
    edits = []
    if device == "cpu":
        edits += [("device='cuda'", "device='cpu'"), ("M = N = K = 1024", "M = N = K = 128")]
    if device == "cpu" and tuple(int(v) for v in torch.__version__.split(".")[:2]) < (2, 1):
        edits.append(("(A @ B).to(C.dtype)", "(A.float() @ B.float()).to(C.dtype)"))
    if n == 5:
        edits += [("        ...\n", SAMPLE1_BODY), ("dict(block_M=", "dict(M=M, N=N, K=K, block_M=")]
    for old, new in edits:
        if old in src:
            src = src.replace(old, new)
    return src


def product(A, B):
    return A.float() @ B.float()


def assert_matmul(C, A, B):
    want = product(A, B)
    err = ((C.float() - want).abs().max() / want.abs().max()).item()
    assert err < 1e-2, f"max error / max |C| = {err:.2e}"


@pytest.mark.parametrize("device", [
    pytest.param("cpu", marks=pytest.mark.skipif(
        torch.cuda.is_available(), reason="target 'auto' is the GPU here")),
    pytest.param("cuda", marks=pytest.mark.skipif(
        not torch.cuda.is_available(), reason="no CUDA GPU: the guide's CUDA tensors"))])
def test_the_guides_samples_run(device):
    g = {"__name__": "__main__"}
    for n in range(1, 8):
        exec(compile(source(n, device), str(GUIDE / f"sample{n}.py"), "exec"), g)
        check = CHECKS.get(n)
        if check:
            check(g)


def kernels_of_the_space(g):
    """The guide's 32 configs are 32 kernels on a GPU; the host runs a
    pipelined loop without stages, so 16 of them are the same kernel as
    another there and are compiled and timed once."""
    return 32 if g["A"].is_cuda else 16


def after_sample1(g):
    A, B, C = g["A"], g["B"], g["C"]
    assert A.dtype == torch.float16
    assert_matmul(C, A, B)  # tuned_kernel(A, B, C) wrote C in place
    (result,) = g["matmul"].results.values()
    assert len(result.candidates) == kernels_of_the_space(g)
    assert {c["status"] for c in result.candidates} <= {"ok", "pruned"}
    assert g["tuned_kernel"].config in g["matmul_configs"](g["M"], g["N"], g["K"])


def after_sample2(g):
    artifact = g["artifact"]
    assert artifact.config == g["best_config"] and artifact.latency == g["best_latency"] > 0
    assert len(artifact.candidates) == kernels_of_the_space(g)
    assert {c["status"] for c in artifact.candidates} <= {"ok", "pruned"}, \
        "ref_prog accepted every candidate"
    A, B = g["A"], g["B"]
    C = torch.zeros_like(g["C"])
    g["best_kernel"](A, B, C)
    assert_matmul(C, A, B)


def after_sample3(g):
    assert g["tuned"] is g["tuned_kernel"], "tuned once per argument tuple"


def after_sample5(g):
    kernels = g["kernels"]
    assert len(kernels) == 2
    A, B = g["A"], g["B"]
    for kernel in kernels:
        C = torch.zeros_like(g["C"])
        kernel(A, B, C)
        assert_matmul(C, A, B)


def after_sample6(g):
    save_dir = g["save_dir"]
    assert g["restored"].config == g["artifact"].config
    A, B, C = g["A"], g["B"], torch.zeros_like(g["C"])
    g["best"](A, B, C)
    assert_matmul(C, A, B)
    # And in a new process, on fresh tensors.
    M, device = g["M"], g["A"].device.type
    child = f"""
import torch
from tilemlir.autotuner.param import AutotuneResult, CompileArgs
best = AutotuneResult.load_from_disk({str(save_dir)!r}, CompileArgs()).kernel
A = torch.randn({M}, {M}, dtype=torch.float16, device={device!r})
B = torch.randn({M}, {M}, dtype=torch.float16, device={device!r})
C = torch.empty({M}, {M}, dtype=torch.float16, device={device!r})
best(A, B, C)
w = A.float() @ B.float()
print(((C.float() - w).abs().max() / w.abs().max()).item())
"""
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.strip()) < 1e-2


def after_sample7(g):
    M, N, K = g["M"], g["N"], g["K"]
    configs = g["matmul_configs"](M, N, K)
    assert not isinstance(configs, list), "a generator, as the guide writes it"
    # 32 below 1024, else 8; on the host, configs that differ only in
    # num_stages are one kernel.
    yielded = list(g["matmul_configs"](M, N, K))
    want = len(yielded) if g["A"].is_cuda else len(
        {tuple(sorted((k, v) for k, v in c.items() if k != "num_stages")) for c in yielded})
    tuner = tilemlir.autotuner.AutoTuner.from_kernel(g["kernel_factory"](M, N, K),
                                                    configs=configs)
    tuner.set_profile_args(warmup=1, rep=3)
    artifact = tuner.run()
    assert len(artifact.candidates) == want, "every config the generator yields"


CHECKS = {1: after_sample1, 2: after_sample2, 3: after_sample3, 5: after_sample5,
          6: after_sample6, 7: after_sample7}
