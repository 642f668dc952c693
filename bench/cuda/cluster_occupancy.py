#!/usr/bin/env python3
"""How many clusters of a kernel can be resident at once
(cuOccupancyMaxActiveClusters), for the kernels of a group directory of
build-matmul-check.sh whose kernel.json names a cluster shape, beside the
SM count: a cluster shape that leaves SMs idle shows here.

  python3 cluster_occupancy.py GROUP_DIR
"""
import ctypes
import json
import os
import sys

CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8
CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION = 4
CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16


class LaunchAttribute(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int), ("pad", ctypes.c_char * 4),
                ("value", ctypes.c_uint * 16)]


class LaunchConfig(ctypes.Structure):
    _fields_ = [("grid", ctypes.c_uint * 3), ("block", ctypes.c_uint * 3),
                ("shared", ctypes.c_uint), ("stream", ctypes.c_void_p),
                ("attrs", ctypes.POINTER(LaunchAttribute)), ("num_attrs", ctypes.c_uint)]


def main():
    cuda = ctypes.CDLL("libcuda.so.1")
    assert cuda.cuInit(0) == 0
    dev, ctx = ctypes.c_int(), ctypes.c_void_p()
    assert cuda.cuDeviceGet(ctypes.byref(dev), 0) == 0
    assert cuda.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), dev) == 0
    assert cuda.cuCtxSetCurrent(ctx) == 0
    sms = ctypes.c_int()
    cuda.cuDeviceGetAttribute(ctypes.byref(sms), CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev)
    group = sys.argv[1]
    for entry in json.load(open(os.path.join(group, "index.json")))["kernels"]:
        kdir = os.path.join(group, entry["dir"])
        meta = json.load(open(os.path.join(kdir, "kernel.json")))
        cluster = meta.get("cluster", [1, 1])
        module, func = ctypes.c_void_p(), ctypes.c_void_p()
        assert cuda.cuModuleLoadData(ctypes.byref(module),
                                     open(os.path.join(kdir, "kernel.cubin"), "rb").read()) == 0
        assert cuda.cuModuleGetFunction(ctypes.byref(func), module, meta["symbol"].encode()) == 0
        cuda.cuFuncSetAttribute(func, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                meta["shared_memory_bytes"])
        attr = LaunchAttribute()
        attr.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION
        attr.value[0], attr.value[1], attr.value[2] = cluster[0], cluster[1], 1
        grid = meta["grid"] + [1] * (3 - len(meta["grid"]))
        config = LaunchConfig((ctypes.c_uint * 3)(*grid), (ctypes.c_uint * 3)(meta["threads"], 1, 1),
                              meta["shared_memory_bytes"], None, ctypes.pointer(attr), 1)
        n = ctypes.c_int()
        r = cuda.cuOccupancyMaxActiveClusters(ctypes.byref(n), func, ctypes.byref(config))
        size = cluster[0] * cluster[1]
        print(f"{meta['name']}: cluster {size}, {n.value} clusters resident "
              f"({n.value * size} blocks, {sms.value} SMs), rc={r}")
        cuda.cuModuleUnload(module)


if __name__ == "__main__":
    main()
