#!/usr/bin/env python3
"""One line per `tl-tune --json` output: configs visited, the best config and
its median, how far it is from the best of the first file (the exhaustive
run), the tuning time and its phases.

  python3 search_summary.py exhaustive.json model.json ...
"""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def best_of(result):
    if result["best"] < 0:
        return None
    return result["candidates"][result["best"]]


def main(paths):
    results = [(p, load(p)) for p in paths]
    reference = best_of(results[0][1])
    for path, r in results:
        b = best_of(r)
        visited = len(r["candidates"])
        ok = sum(c["status"] in ("ok", "pruned") for c in r["candidates"])
        phases = " ".join(f"{n} {s:.1f}" for n, s in r.get("phases", []))
        if b is None:
            print(f"{path}: no valid candidate of {visited}")
            continue
        gap = b["median_ms"] / reference["median_ms"] - 1 if reference else 0
        print(f"{path.split('/')[-1]}: {visited} configs ({ok} valid), best "
              f"{json.dumps(b['config'], sort_keys=True)} {b['median_ms']:.4f} ms "
              f"({b['tflops']:.0f} TFLOP/s, {gap:+.1%} vs first), tuning "
              f"{r['tuning_seconds']:.1f} s [{phases}] inputs after "
              f"{r.get('inputs_seconds', 0):.2f} s, {r.get('reference', '?')} "
              f"reference built after {r.get('reference_built_seconds', 0):.2f}"
              f" s, ready after {r.get('reference_seconds', 0):.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
