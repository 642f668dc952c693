"""tilemlir.autotune / AutoTuner on the host: the guide's two workflows, the
config-key check, the in-process and disk caches (shared with tl-tune), the
input supply priority, ref_prog's verdicts, save/load in a new process."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tilemlir
from tilemlir.autotuner import AutoTuner, set_autotune_inputs
from tilemlir.autotuner.param import AutotuneResult, CompileArgs

import kernels

M, N, K = 128, 96, 64


def space(M, N, K):
    return [dict(block_M=bm, block_N=bn, block_K=32, num_stages=2, threads=128)
            for bm in (32, 64) for bn in (32, 64)]


def operands(seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((M, K)).astype("float32"),
            rng.standard_normal((K, N)).astype("float32"))


def factory():
    return tilemlir.jit(out_idx=[-1], target="host")(kernels.matmul)


def test_decorator_with_fixed_inputs():
    tuned = tilemlir.autotune(configs=space, warmup=1, rep=5)(factory())
    A, B = operands()
    C = np.empty((M, N), "float32")
    with set_autotune_inputs(A, B, C):
        best = tuned(M, N, K)
    assert best.config in [dict(c) for c in space(M, N, K)]
    np.testing.assert_allclose(best(A, B), A @ B, rtol=1e-4, atol=1e-4)
    # Tuned once per argument tuple: the second call is the same kernel.
    assert tuned(M, N, K) is best
    assert len(tuned.results) == 1
    result = next(iter(tuned.results.values()))
    assert len(result.candidates) == 4
    assert {c["status"] for c in result.candidates} <= {"ok", "pruned"}
    with open("autotuner.log") as f:
        assert len(f.read().splitlines()) == 4, "every candidate's record is logged"


def test_config_keys_must_be_arguments():
    tuned = tilemlir.autotune(configs=[dict(block_M=64, block_Q=3)], warmup=1, rep=2)(factory())
    with pytest.raises(tilemlir.TileMLIRError, match=r"config 0 sets 'block_Q', which is not "
                                                     r"an integer argument of matmul"):
        tuned(M, N, K)
    with pytest.raises(tilemlir.TileMLIRError, match="No configurations to tune"):
        tilemlir.autotune(configs=[])(factory())(M, N, K)


def test_programmatic_run_save_and_load_in_a_new_process(tmp_path):
    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K))
    tuner.set_profile_args(warmup=1, rep=5, ref_prog=lambda A, B: A @ B)
    tuner.set_compile_args(target="host", out_idx=[-1])
    artifact = tuner.run()
    assert artifact.latency > 0 and artifact.config["block_K"] == 32
    A, B = operands(3)
    np.testing.assert_allclose(artifact.kernel(A, B), A @ B, rtol=1e-4, atol=1e-4)
    save = tmp_path / "out" / "best" / "matmul"
    artifact.save_to_disk(save)
    assert json.loads((save / "best_config.json").read_text()) == artifact.config
    script = (
        "import numpy as np, sys\n"
        "from tilemlir.autotuner.param import AutotuneResult, CompileArgs\n"
        f"r = AutotuneResult.load_from_disk({str(save)!r}, CompileArgs(out_idx=[-1]))\n"
        f"A = np.ones(({M}, {K}), 'float32'); B = np.ones(({K}, {N}), 'float32')\n"
        f"assert (r.kernel(A, B) == {K}).all()\n"
        "print('config', r.config)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert run.returncode == 0, run.stderr
    assert f"config {artifact.config}" in run.stdout
    with pytest.raises(tilemlir.TileMLIRError, match="is not a saved tuning result"):
        AutotuneResult.load_from_disk(tmp_path / "nothing", CompileArgs())


def test_a_wrong_reference_fails_every_candidate():
    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K)[:2])
    tuner.set_profile_args(warmup=1, rep=3, ref_prog=lambda A, B: A @ B + 1)
    with pytest.raises(tilemlir.TileMLIRError, match=r"no candidate of matmul passed "
                                                     r"\(\{'check_failed': 2\}\)"):
        tuner.run()


def test_supply_priority():
    calls = []

    def supply_prog(signature):
        calls.append([a["name"] for a in signature])
        return list(operands(7)) + [np.empty((M, N), "float32")]

    seen = []

    def ref(A, B):
        seen.append(A.copy())
        return A @ B

    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K)[:1])
    tuner.set_profile_args(warmup=1, rep=2, supply_prog=supply_prog, ref_prog=ref)
    # Fixed inputs come first: supply_prog is not asked.
    fixed = operands(5)
    with set_autotune_inputs(*fixed):
        tuner.run()
    assert calls == [] and np.array_equal(seen[-1], fixed[0])
    # Without them, supply_prog's inputs are the ones checked and timed.
    tuner.run()
    assert calls == [["A", "B", "C"]]
    assert np.array_equal(seen[-1], operands(7)[0])


def test_ref_prog_as_a_checker_of_each_candidate():
    calls = []

    def check(A, B, C):  # the guide's form: every argument, a verdict
        calls.append(C.shape)
        return np.allclose(C, A @ B, rtol=1e-3, atol=1e-3)

    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K))
    tuner.set_profile_args(warmup=1, rep=3, ref_prog=check)
    artifact = tuner.run()
    assert calls == [(M, N)] * 4, "each candidate's outputs judged once"
    A, B = operands(2)
    np.testing.assert_allclose(artifact.kernel(A, B), A @ B, rtol=1e-4, atol=1e-4)

    tuner.set_profile_args(warmup=1, rep=3, ref_prog=lambda A, B, C: False)
    with pytest.raises(tilemlir.TileMLIRError,
                       match=r"\{'check_failed': 4\}\); ref_prog returned False"):
        tuner.run()

    def assert_check(A, B, C):
        assert (C == 0).all(), "C is not zero"

    tuner.set_profile_args(warmup=1, rep=3, ref_prog=assert_check)
    with pytest.raises(tilemlir.TileMLIRError, match="AssertionError: C is not zero"):
        tuner.run()


def test_manual_check_prog_gets_outputs_and_expected_outputs():
    seen = []

    def manual(out, expected):
        seen.append(out.shape)
        np.testing.assert_allclose(out, expected, rtol=1e-3, atol=1e-3)

    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K)[:2])
    tuner.set_profile_args(warmup=1, rep=3, ref_prog=lambda A, B: A @ B, manual_check_prog=manual)
    tuner.run()
    assert seen == [(M, N)] * 2
    tuner.set_profile_args(warmup=1, rep=3, ref_prog=lambda A, B: A @ B + 1,
                           manual_check_prog=manual)
    with pytest.raises(tilemlir.TileMLIRError, match="AssertionError"):
        tuner.run()


def test_disk_cache_is_shared_with_tl_tune(tool, tmp_path):
    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K))
    tuner.set_profile_args(warmup=1, rep=5)
    first = tuner.run()
    assert not first.from_cache
    # tl-tune on the same template, space and options answers from the
    # entry the Python tuning stored.
    impl = factory()
    (tmp_path / "t.mlir").write_text(impl.trace(impl.bind(M, N, K)).ir)
    (tmp_path / "space.json").write_text(json.dumps(space(M, N, K)))
    run = subprocess.run([tool("tl-tune"), "t.mlir", "--target=host", "--configs=space.json",
                          "--warmup=1", "--rep=5", "--timeout=30"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "from the disk cache" in run.stdout, run.stdout
    assert json.dumps(first.config, separators=(",", ":"), sort_keys=True) in run.stdout


def test_autotuner_cache_off_still_gives_a_kernel(monkeypatch):
    monkeypatch.setenv("TILELANG_AUTO_TUNING_DISABLE_CACHE", "1")
    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K)[:2])
    tuner.set_profile_args(warmup=1, rep=2)
    artifact = tuner.run()
    assert not os.path.exists(os.path.join(os.environ["TILELANG_CACHE_DIR"], "autotuner"))
    A, B = operands(4)
    np.testing.assert_allclose(artifact.kernel(A, B), A @ B, rtol=1e-4, atol=1e-4)


def bf16_bits(x):
    """float32 -> bfloat16 bit patterns (round to nearest even), as uint16."""
    bits = x.astype(np.float32).view(np.uint32)
    bits = bits + np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))
    return (bits >> np.uint32(16)).astype(np.uint16)


def bf16_values(bits):
    return (bits.astype(np.uint32) << np.uint32(16)).view(np.float32)


def matmul_bf16(M, N, K, block_M=64, block_N=64, block_K=32, threads=128, num_stages=2):
    return kernels.matmul(M, N, K, block_M, block_N, block_K, threads, num_stages,
                          dtype="bfloat16")


def test_bfloat16_tensors_are_their_bit_patterns_in_numpy():
    rng = np.random.default_rng(1)
    A = bf16_bits(rng.standard_normal((M, K)))
    B = bf16_bits(rng.standard_normal((K, N)))
    kernel = tilemlir.jit(out_idx=[-1], target="host")(matmul_bf16)(M, N, K)
    C = kernel(A, B)
    assert C.dtype == np.uint16
    np.testing.assert_allclose(bf16_values(C), bf16_values(A) @ bf16_values(B),
                               rtol=2e-2, atol=5e-2)
    with pytest.raises(TypeError, match=r"numpy has no bfloat16: its bit patterns, as uint16"):
        kernel(A.view(np.int16), B)
    # Fixed inputs reach the tuner as uint16 .npy files, which bf16 arguments
    # take as bits; every candidate is checked against the reference on them.
    tuned = tilemlir.autotune(configs=[dict(block_K=32), dict(block_K=64)], warmup=1, rep=2)(
        tilemlir.jit(out_idx=[-1], target="host")(matmul_bf16))
    with set_autotune_inputs(A, B, np.empty((M, N), np.uint16)):
        best = tuned(M, N, K)
    result = next(iter(tuned.results.values()))
    assert {c["status"] for c in result.candidates} <= {"ok", "pruned"}
    np.testing.assert_allclose(bf16_values(best(A, B)), bf16_values(C), rtol=1e-2, atol=1e-2)


def test_search_strategy_budget_and_seed(monkeypatch):
    # Each run tunes afresh (the same seed's second run is no cache hit).
    monkeypatch.setenv("TILELANG_DISABLE_CACHE", "1")
    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K))
    tuner.set_profile_args(warmup=1, rep=3).set_search_args("random", budget=2, seed=7)
    result = tuner.run()
    assert len(result.candidates) == 2, "a budget of 2 configs visits 2"
    visited = [c["config"] for c in result.candidates]
    again = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K))
    again.set_profile_args(warmup=1, rep=3).set_search_args("random", budget=2, seed=7)
    second = again.run()
    assert not second.from_cache
    assert [c["config"] for c in second.candidates] == visited, "the seed's order"
    tuned = tilemlir.autotune(configs=space, warmup=1, rep=3, strategy="model", budget=3)(
        factory())
    A, B = operands()
    best = tuned(M, N, K)
    assert len(next(iter(tuned.results.values())).candidates) == 3
    np.testing.assert_allclose(best(A, B), A @ B, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="'annealing' is not one of exhaustive"):
        tuner.set_search_args("annealing")
    with pytest.raises(ValueError, match="budget 'ten': give a number of configs"):
        tuner.set_search_args("random", budget="ten")
    with pytest.raises(ValueError, match="must be positive"):
        tuner.set_search_args("random", budget=0)


def test_benchmark_devices_name_the_gpus_and_are_checked():
    # On the host there is one device: GPU lists beyond it are refused by
    # the tuner with the option's name; TileLang's spelling reaches it.
    tuner = AutoTuner.from_kernel(factory()(M, N, K), configs=space(M, N, K)[:1])
    tuner.set_profile_args(warmup=1, rep=3)
    tuner.set_compile_args(target="host", out_idx=[-1])
    assert tuner.run(benchmark_multi_gpu=True).latency > 0
    with pytest.raises(tilemlir.TileMLIRError, match=r"--devices 0,1: '1' is not a device here"):
        tuner.run(benchmark_devices=[0, 1])
    with pytest.raises(tilemlir.TileMLIRError, match="give GPU ordinals"):
        tuner.run(benchmark_devices=["first"])
