/* A stand-in for libamdhip64 in the tests, on machines without an AMD GPU
 * or ROCm. Two modes:
 *
 * - broken (default): hipInit fails with FAKE_HIP_INIT_ERROR (a number) when
 *   it is set, else the runtime reports FAKE_HIP_DEVICES devices (default
 *   none), and every other call fails: the HIP device's error paths
 *   (RuntimeTest).
 * - FAKE_HIP_WORKING=1: one device ("Fake HIP GPU", 64-wide waves) whose
 *   memory is host memory and whose module loads accept any ELF code object;
 *   a launch does nothing (the outputs keep what was there) and events read
 *   the host's clock. Enough to drive the tuner through a HIP device end to
 *   end (probe, HSACO, worker, launch, timing, check) without one; nothing
 *   it "runs" computes anything, so every candidate's check must fail. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int working(void) { return getenv("FAKE_HIP_WORKING") != NULL; }
/* hipErrorInvalidValue when broken. */
static int fail(void) { return working() ? 0 : 1; }

int hipInit(unsigned flags) {
  const char *e = getenv("FAKE_HIP_INIT_ERROR");
  (void)flags;
  return e ? atoi(e) : 0;
}
int hipGetDeviceCount(int *count) {
  const char *n = getenv("FAKE_HIP_DEVICES");
  *count = n ? atoi(n) : working() ? 1 : 0;
  return 0;
}
const char *hipGetErrorString(int error) {
  return error == 100 ? "no ROCm-capable device is detected" : "fake error";
}
int hipSetDevice(int d) { (void)d; return fail(); }
int hipDeviceGetAttribute(int *v, int a, int d) {
  (void)d;
  /* multiprocessors (63), L2 bytes (19), warp size (87) */
  *v = !working() ? 0 : a == 63 ? 8 : a == 19 ? (4 << 20) : a == 87 ? 64 : 0;
  return fail();
}
int hipDeviceGetName(char *n, int len, int d) {
  (void)d;
  if (len > 0) {
    strncpy(n, working() ? "Fake HIP GPU" : "", (size_t)len);
    n[len - 1] = 0;
  }
  return fail();
}
int hipDriverGetVersion(int *v) { *v = working() ? 50200 : 0; return fail(); }
int hipMalloc(void **p, size_t b) {
  *p = working() ? malloc(b ? b : 1) : NULL;
  if (!working())
    return fail();
  return *p ? 0 : 2; /* hipErrorOutOfMemory */
}
int hipFree(void *p) { if (working()) free(p); return fail(); }
int hipHostMalloc(void **p, size_t b, unsigned f) { (void)f; return hipMalloc(p, b); }
int hipHostFree(void *p) { return hipFree(p); }
int hipMemcpy(void *d, const void *s, size_t b, int k) {
  (void)k;
  if (working()) memmove(d, s, b);
  return fail();
}
int hipMemset(void *d, int v, size_t b) { if (working()) memset(d, v, b); return fail(); }
int hipMemsetAsync(void *d, int v, size_t b, void *s) { (void)s; return hipMemset(d, v, b); }
int hipModuleLoadData(void **m, const void *i) {
  /* A code object is an ELF file; anything else is refused as HIP would. */
  static int module; /* one token serves for every module */
  int elf = working() && memcmp(i, "\x7f" "ELF", 4) == 0;
  *m = elf ? &module : NULL;
  return elf ? 0 : 1;
}
int hipModuleUnload(void *m) { (void)m; return fail(); }
int hipModuleGetFunction(void **f, void *m, const char *n) {
  (void)n;
  *f = working() ? m : NULL;
  return fail();
}
int hipModuleLaunchKernel(void *f, unsigned a, unsigned b, unsigned c, unsigned d,
                          unsigned e, unsigned g, unsigned s, void *st, void **p,
                          void **x) {
  (void)f; (void)a; (void)b; (void)c; (void)d; (void)e; (void)g; (void)s;
  (void)st; (void)p; (void)x;
  return fail();
}
int hipDeviceSynchronize(void) { return fail(); }
int hipEventCreate(void **e) {
  *e = working() ? calloc(1, sizeof(double)) : NULL;
  return fail();
}
int hipEventRecord(void *e, void *s) {
  (void)s;
  if (working()) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    *(double *)e = t.tv_sec * 1e3 + t.tv_nsec / 1e6;
  }
  return fail();
}
int hipEventElapsedTime(float *ms, void *a, void *b) {
  *ms = working() ? (float)(*(double *)b - *(double *)a) : 0;
  return fail();
}
int hipEventDestroy(void *e) { if (working()) free(e); return fail(); }
