/* A stand-in for libamdhip64 in the unit tests (RuntimeTest's HIP device):
 * hipInit fails with FAKE_HIP_INIT_ERROR (a number) when it is set, else
 * the runtime reports FAKE_HIP_DEVICES devices (default none), and every
 * other call fails. Enough to drive the HIP device's error paths on a
 * machine without an AMD GPU or ROCm. */
#include <stddef.h>
#include <stdlib.h>

static int fail(void) { return 1; /* hipErrorInvalidValue */ }

int hipInit(unsigned flags) {
  const char *e = getenv("FAKE_HIP_INIT_ERROR");
  (void)flags;
  return e ? atoi(e) : 0;
}
int hipGetDeviceCount(int *count) {
  const char *n = getenv("FAKE_HIP_DEVICES");
  *count = n ? atoi(n) : 0;
  return 0;
}
const char *hipGetErrorString(int error) {
  return error == 100 ? "no ROCm-capable device is detected" : "fake error";
}
int hipSetDevice(int d) { (void)d; return fail(); }
int hipDeviceGetAttribute(int *v, int a, int d) { (void)a; (void)d; *v = 0; return fail(); }
int hipDeviceGetName(char *n, int len, int d) { (void)d; if (len > 0) n[0] = 0; return fail(); }
int hipDriverGetVersion(int *v) { *v = 0; return fail(); }
int hipMalloc(void **p, size_t b) { (void)b; *p = NULL; return fail(); }
int hipFree(void *p) { (void)p; return fail(); }
int hipHostMalloc(void **p, size_t b, unsigned f) { (void)b; (void)f; *p = NULL; return fail(); }
int hipHostFree(void *p) { (void)p; return fail(); }
int hipMemcpy(void *d, const void *s, size_t b, int k) { (void)d; (void)s; (void)b; (void)k; return fail(); }
int hipMemset(void *d, int v, size_t b) { (void)d; (void)v; (void)b; return fail(); }
int hipMemsetAsync(void *d, int v, size_t b, void *s) { (void)d; (void)v; (void)b; (void)s; return fail(); }
int hipModuleLoadData(void **m, const void *i) { (void)i; *m = NULL; return fail(); }
int hipModuleUnload(void *m) { (void)m; return fail(); }
int hipModuleGetFunction(void **f, void *m, const char *n) { (void)m; (void)n; *f = NULL; return fail(); }
int hipModuleLaunchKernel(void *f, unsigned a, unsigned b, unsigned c, unsigned d,
                          unsigned e, unsigned g, unsigned s, void *st, void **p,
                          void **x) {
  (void)f; (void)a; (void)b; (void)c; (void)d; (void)e; (void)g; (void)s;
  (void)st; (void)p; (void)x;
  return fail();
}
int hipDeviceSynchronize(void) { return fail(); }
int hipEventCreate(void **e) { *e = NULL; return fail(); }
int hipEventRecord(void *e, void *s) { (void)e; (void)s; return fail(); }
int hipEventElapsedTime(float *ms, void *a, void *b) { (void)a; (void)b; *ms = 0; return fail(); }
int hipEventDestroy(void *e) { (void)e; return fail(); }
