"""Checks the AMD code objects tl-compile wrote into DIR against the
resource model's figures for the same configs (DIR/space.json): the LDS the
launch gives each kernel is what the model counted, no kernel spills
registers or uses scratch, every kernel runs 64-wide wavefronts within the
512 registers a lane has. Prints one line per violation and a summary;
exits 1 on any violation."""
import json
import os
import sys

out = sys.argv[1]
space = json.load(open(os.path.join(out, "space.json")))
kept = [c for t in space["templates"] for c in t["configs"] if c["status"] == "kept"]
bad = 0
most = (0, "")
for c in kept:
    info = json.load(open(os.path.join(out, c["kernel"], "kernel.json")))
    used = info["binary_resources"]
    model = c["resources"]
    problems = []
    if info["shared_memory_bytes"] != model["shared_memory_bytes"]:
        problems.append(f"LDS {info['shared_memory_bytes']} bytes, the model counted "
                        f"{model['shared_memory_bytes']}")
    for spill in ("vgpr_spill_count", "sgpr_spill_count", "private_segment_fixed_size"):
        if used[spill]:
            problems.append(f"{spill} {used[spill]}")
    if used["wavefront_size"] != 64:
        problems.append(f"wavefront_size {used['wavefront_size']}")
    if used["vgpr_count"] > 512:
        problems.append(f"vgpr_count {used['vgpr_count']} > 512")
    most = max(most, (used["vgpr_count"], c["kernel"]))
    for p in problems:
        print(f"{c['kernel']}: {p}")
    bad += bool(problems)
print(f"{len(kept)} kernels, {bad} off the model or spilling; "
      f"most VGPRs: {most[0]} ({most[1]})")
sys.exit(1 if bad else 0)
