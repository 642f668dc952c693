"""The C API on a GPU, from Python through ctypes (what the Python package
will do): tune the Hopper example through tlTune (cold, then from the
cache), load the best kernel with tlKernelLoad, launch it on torch tensors
on torch's current stream, compare with torch.matmul and time both; compile
one config with tlCompileConfigs; bad inputs come back as messages.

    python3 bench/cuda/capi_check.py libTileMLIRCAPI.so [M N K]
"""
import ctypes
import json
import sys
import time


class StringRef(ctypes.Structure):
    _fields_ = [("data", ctypes.c_char_p), ("length", ctypes.c_size_t)]

    def __str__(self):
        return ctypes.string_at(self.data, self.length).decode() if self.length else ""


def ref(text):
    b = text.encode()
    return StringRef(b, len(b))


class Handle(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p)]


lib = ctypes.CDLL(sys.argv[1])
M, N, K = (int(x) for x in sys.argv[2:5]) if len(sys.argv) >= 5 else (4096, 4096, 4096)
for name in ["tlErrorGetMessage", "tlTuneResultGetBestConfig", "tlTuneResultGetBestDir",
             "tlTuneResultGetTarget", "tlTuneResultGetCandidate", "tlKernelGetMetadata",
             "tlCompileResultGetName", "tlCompileResultGetError", "tlCompileResultGetDir", "tlGetVersion"]:
    getattr(lib, name).restype = StringRef
for name in ["tlTuneOptionsCreate", "tlTune", "tlLoadResult", "tlKernelLoad", "tlCompileConfigs"]:
    getattr(lib, name).restype = Handle
lib.tlTuneResultGetBestLatencyMs.restype = ctypes.c_double
lib.tlTuneResultGetTuningSeconds.restype = ctypes.c_double
lib.tlTuneResultGetBestIndex.restype = ctypes.c_ssize_t
lib.tlTuneResultGetNumCandidates.restype = ctypes.c_ssize_t
lib.tlCompileResultGetNumKernels.restype = ctypes.c_ssize_t
lib.tlTuneResultGetCandidate.argtypes = [Handle, ctypes.c_ssize_t]
lib.tlCompileResultGetName.argtypes = [Handle, ctypes.c_ssize_t]
lib.tlCompileResultGetError.argtypes = [Handle, ctypes.c_ssize_t]
lib.tlCompileResultGetDir.argtypes = [Handle, ctypes.c_ssize_t]
lib.tlKernelLaunch.restype = ctypes.c_bool
lib.tlKernelLaunch.argtypes = [Handle, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
                               ctypes.POINTER(Handle)]
lib.tlKernelLoad.argtypes = [StringRef, ctypes.c_int, ctypes.POINTER(Handle)]
lib.tlTuneOptionsSetWarmup.argtypes = [Handle, ctypes.c_int]
lib.tlTuneOptionsSetRep.argtypes = [Handle, ctypes.c_int]

print("version", lib.tlGetVersion())


def check(handle, error, what):
    if not handle.ptr:
        msg = str(lib.tlErrorGetMessage(error))
        lib.tlErrorDestroy(error)
        raise SystemExit(f"{what}: {msg}")
    return handle


opts = lib.tlTuneOptionsCreate()
lib.tlTuneOptionsSetInput(opts, ref("examples/matmul_sm90.mlir"))
lib.tlTuneOptionsSetInstantiate(opts, ref(f"M={M},N={N},K={K}"))
lib.tlTuneOptionsSetTarget(opts, ref("cuda"))
lib.tlTuneOptionsSetCacheDir(opts, ref("/tmp/capi-cache"))
err = Handle()
# Tuning first: the workers fork from this process, which must not have
# initialized CUDA yet.
for round in ("cold", "warm"):
    t0 = time.time()
    result = check(lib.tlTune(opts, ctypes.byref(err)), err, "tlTune")
    print(f"tune {round}: {time.time() - t0:.2f} s, target {lib.tlTuneResultGetTarget(result)}, "
          f"cached {lib.tlTuneResultIsFromCache(result)}, best {lib.tlTuneResultGetBestConfig(result)} "
          f"{lib.tlTuneResultGetBestLatencyMs(result):.4f} ms, "
          f"{lib.tlTuneResultGetNumCandidates(result)} candidates")
statuses = [json.loads(str(lib.tlTuneResultGetCandidate(result, i)))["status"]
            for i in range(lib.tlTuneResultGetNumCandidates(result))]
print("statuses", {s: statuses.count(s) for s in set(statuses)})
best_dir = str(lib.tlTuneResultGetBestDir(result))

import torch  # noqa: E402  (after the tuning, see above)

kernel = check(lib.tlKernelLoad(ref(best_dir), 0, ctypes.byref(err)), err, "tlKernelLoad")
meta = json.loads(str(lib.tlKernelGetMetadata(kernel)))
dtypes = {"f16": torch.float16, "bf16": torch.bfloat16, "f32": torch.float32}
tensors = []
for a in meta["args"]:
    t = torch.randn(*a["shape"], device="cuda").to(dtypes[a["dtype"]])
    tensors.append(t)
A, B, C = tensors
C.fill_(float("nan"))
pointers = [ctypes.c_void_p(t.data_ptr()) for t in tensors]
argv = (ctypes.c_void_p * len(pointers))(*[ctypes.cast(ctypes.pointer(p), ctypes.c_void_p) for p in pointers])
stream = torch.cuda.current_stream()
ok = lib.tlKernelLaunch(kernel, argv, ctypes.c_void_p(stream.cuda_stream), ctypes.byref(err))
torch.cuda.synchronize()
want = (A.float() @ B.float())
rel = ((C.float() - want).abs().max() / want.abs().max()).item()
print(f"launch on torch's stream: {ok}, max error / max |C| = {rel:.2e}, nan: {torch.isnan(C).any().item()}")


def bench(fn, n=50):
    for _ in range(5):
        fn()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(n):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / n


s = stream.cuda_stream
ms_tl = bench(lambda: lib.tlKernelLaunch(kernel, argv, ctypes.c_void_p(s), None))
ms_torch = bench(lambda: torch.matmul(A, B))
flop = 2 * M * N * K
print(f"back-to-back launches (no L2 flush): tl {ms_tl:.4f} ms {flop / ms_tl / 1e9:.0f} TFLOP/s, "
      f"torch.matmul {ms_torch:.4f} ms {flop / ms_torch / 1e9:.0f} TFLOP/s")

bad = lib.tlKernelLoad(ref("/no/such/dir"), 0, ctypes.byref(err))
print("bad load:", "null" if not bad.ptr else "NOT NULL", "-", lib.tlErrorGetMessage(err))
lib.tlErrorDestroy(err)

compiled = check(lib.tlCompileConfigs(
    opts, ref('[{"block_M": 128, "block_N": 256, "block_K": 64, "num_stages": 3, "threads": 256}]'),
    ref("/tmp/capi-compiled"), ctypes.byref(err)), err, "tlCompileConfigs")
n = lib.tlCompileResultGetNumKernels(compiled)
print("compiled", n, [(str(lib.tlCompileResultGetName(compiled, i)), str(lib.tlCompileResultGetError(compiled, i)))
                      for i in range(n)])
