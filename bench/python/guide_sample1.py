# The guide's "Decorator-based Autotune" sample as written, package renamed
# (tilelang -> tilemlir): python/tests/guide/sample1.py, the guide's code
# block, run here in this module; the check against torch.matmul at the end
# is ours.
import pathlib

_sample = pathlib.Path(__file__).resolve().parents[2] / "python/tests/guide/sample1.py"
exec(compile(_sample.read_text(), str(_sample), "exec"))

# Ours: the answer, and what was tuned.
torch.cuda.synchronize()
want = A.float() @ B.float()
err = ((C.float() - want).abs().max() / want.abs().max()).item()
result = next(iter(matmul.results.values()))
statuses = {}
for c in result.candidates:
    statuses[c["status"]] = statuses.get(c["status"], 0) + 1
print(f"sample 1: best {tuned_kernel.config}, {result.latency:.4f} ms, {statuses}, "
      f"tuning {result.tuning_seconds:.2f} s, from cache {result.from_cache}, "
      f"max error / max |C| = {err:.2e}")
assert err < 1e-2
