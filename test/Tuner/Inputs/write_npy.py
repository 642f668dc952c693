"""Writes a 1-D float32 .npy file of N copies of V (no numpy needed).

  python3 write_npy.py N V FILE
"""
import struct
import sys

n, v, path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % n
header += " " * (63 - len(header) % 64) + "\n"  # 10 + len is a multiple of 64
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
    f.write(struct.pack("<%df" % n, *([v] * n)))
