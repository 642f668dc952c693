"""A tuning's report: an HTML page and PNG plots from its candidate records.

The records are what a tuning writes (one JSON object a candidate: index,
config, status, median_ms, ...): a cache entry's ``candidates.jsonl``, the
file ``tl-tune --report DIR`` writes, or ``tl-tune --json`` output.

    python3 -m tilemlir.report RECORDS OUT_DIR   # RECORDS: a file or a cache entry

writes ``OUT_DIR/index.html`` with

- ``latency.png``: every timed candidate's median, fastest first; pruned
  candidates (screening figures only) in grey, the best marked;
- ``knobs.png``: one panel a knob (a config key with more than one value):
  each timed candidate's median against the knob's value;
- ``progress.png``: the best median found so far over the tuning's time
  (the records' ``finished_s``; the order the configs were visited in
  records without it);
- ``report.json``: what each plot holds (its point counts), for tools and
  tests;

and a table of every candidate, failed ones with their message.
"""

import html
import json
import os
import sys

VALID = ("ok", "pruned")


class ReportError(RuntimeError):
    """Records that cannot be read, or no matplotlib to draw them with."""


def load_records(path):
    """The candidate records in `path`: a JSON-lines file of records, a
    ``tl-tune --json`` object, or a directory holding ``candidates.jsonl``."""
    if os.path.isdir(path):
        path = os.path.join(path, "candidates.jsonl")
    try:
        with open(path) as f:
            text = f.read()
    except OSError as e:
        raise ReportError(f"cannot read the records at {path}: {e.strerror}") from None
    records = None
    try:
        whole = json.loads(text)  # tl-tune --json: one object
        if isinstance(whole, dict) and isinstance(whole.get("candidates"), list):
            records = whole["candidates"]
    except ValueError:
        pass
    if records is None:
        records = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except ValueError:
                raise ReportError(f"{path}:{number}: not a JSON record") from None
    for number, r in enumerate(records, 1):
        if not isinstance(r, dict) or not {"index", "config", "status"} <= r.keys() \
                or not isinstance(r["config"], dict):
            raise ReportError(f"{path}: record {number} is not a candidate record "
                              "(it needs index, config and status)")
    if not records:
        raise ReportError(f"{path} holds no candidate record")
    return records


def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ReportError("the report's plots need matplotlib: install it "
                          "(apt install python3-matplotlib, or pip install matplotlib)") from None
    return plt


def _label(config):
    return ", ".join(f"{k}={v}" for k, v in config.items())


def _timed(records):
    return [r for r in records if r["status"] in VALID and r.get("median_ms", 0) > 0]


def _best(records):
    ok = [r for r in records if r["status"] == "ok" and r.get("median_ms", 0) > 0]
    return min(ok, key=lambda r: r["median_ms"]) if ok else None


def _latency_plot(plt, records, path):
    timed = sorted(_timed(records), key=lambda r: r["median_ms"])
    best = _best(records)
    fig, ax = plt.subplots(figsize=(max(6, 0.25 * len(timed) + 2), 4))
    colors = ["tab:grey" if r["status"] == "pruned" else "tab:blue" for r in timed]
    ax.bar(range(len(timed)), [r["median_ms"] for r in timed], color=colors)
    if best is not None:
        at = timed.index(best)
        ax.bar([at], [best["median_ms"]], color="tab:green", label="best")
    ax.set_xlabel("candidate, fastest first (grey: pruned after screening)")
    ax.set_ylabel("median latency (ms)")
    failed = len(records) - len(timed)
    ax.set_title(f"{len(timed)} timed candidates" + (f", {failed} not timed" if failed else ""))
    if best is not None:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return {"points": len(timed), "pruned": sum(r["status"] == "pruned" for r in timed)}


def _knobs(records):
    keys = []
    for r in records:
        for k in r["config"]:
            if k not in keys:
                keys.append(k)
    return [k for k in keys if len({json.dumps(r["config"].get(k)) for r in records}) > 1]


def _knob_plot(plt, records, path):
    knobs = _knobs(records)
    timed = _timed(records)
    panels = max(len(knobs), 1)
    fig, axes = plt.subplots(1, panels, figsize=(3.2 * panels + 1, 3.4), squeeze=False)
    points = {}
    for ax, knob in zip(axes[0], knobs):
        values = sorted({r["config"].get(knob) for r in timed if knob in r["config"]},
                        key=lambda v: (isinstance(v, str), v))
        xs, ys = [], []
        for r in timed:
            if knob in r["config"]:
                xs.append(values.index(r["config"][knob]))
                ys.append(r["median_ms"])
        ax.scatter(xs, ys, s=14, alpha=0.7)
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels([str(v) for v in values])
        ax.set_xlabel(knob)
        ax.set_ylabel("median (ms)")
        points[knob] = len(xs)
    if not knobs:
        axes[0][0].text(0.5, 0.5, "one config: no knob varies", ha="center", va="center")
        axes[0][0].set_axis_off()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return {"knobs": knobs, "points": points}


def _progress_plot(plt, records, path):
    """The best median found so far: over the tuning's wall time when the
    records say when each finished (finished_s), else over the order the
    search visited the configs."""
    timed = all(r.get("finished_s", 0) > 0 for r in records)
    order = sorted(records, key=lambda r: r["finished_s"] if timed else r["index"])
    xs, ys, best = [], [], None
    for step, r in enumerate(order, 1):
        if r["status"] == "ok" and r.get("median_ms", 0) > 0:
            best = r["median_ms"] if best is None else min(best, r["median_ms"])
        if best is not None:
            xs.append(r["finished_s"] if timed else step)
            ys.append(best)
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.step(xs, ys, where="post", marker=".")
    ax.set_xlabel("seconds into the tuning" if timed
                  else "configs visited (in the order the search ran them)")
    ax.set_ylabel("best median so far (ms)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return {"points": len(xs), "axis": "seconds" if timed else "order"}


def _table(records, best):
    rows = []
    order = {"ok": 0, "pruned": 1}
    for r in sorted(records, key=lambda r: (order.get(r["status"], 2),
                                            r.get("median_ms", 0) if r["status"] in VALID else 0)):
        timed = r["status"] in VALID
        rows.append("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
            ' class="best"' if r is best else "",
            html.escape(_label(r["config"])), html.escape(r["status"]),
            f"{r['median_ms']:.4f}" if timed else "",
            f"{r['tflops']:.1f}" if timed and r.get("tflops") else "",
            html.escape(r.get("message", "")[:300])))
    return "\n".join(rows)


def write_report(records, out_dir, title="tl-tune report"):
    """Writes index.html, the plots and report.json for `records` into
    `out_dir`; returns what report.json holds."""
    plt = _pyplot()
    os.makedirs(out_dir, exist_ok=True)
    summary = {
        "candidates": len(records),
        "statuses": {s: sum(r["status"] == s for r in records)
                     for s in sorted({r["status"] for r in records})},
        "plots": {
            "latency.png": _latency_plot(plt, records, os.path.join(out_dir, "latency.png")),
            "knobs.png": _knob_plot(plt, records, os.path.join(out_dir, "knobs.png")),
            "progress.png": _progress_plot(plt, records, os.path.join(out_dir, "progress.png")),
        },
    }
    best = _best(records)
    summary["best"] = None if best is None else {"config": best["config"],
                                                 "median_ms": best["median_ms"]}
    counts = ", ".join(f"{n} {s}" for s, n in summary["statuses"].items())
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px}}tr.best{{background:#dfd}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>{len(records)} candidates: {html.escape(counts)}.
{"Best: " + html.escape(_label(best["config"])) + f", {best['median_ms']:.4f} ms." if best else "No candidate passed."}</p>
<h2>Latency</h2><img src="latency.png" alt="latency per candidate">
<h2>Knobs</h2><img src="knobs.png" alt="latency against each knob">
<h2>Search progress</h2><img src="progress.png" alt="best so far">
<h2>Candidates</h2>
<table><tr><th>config</th><th>status</th><th>median ms</th><th>TFLOP/s</th><th>message</th></tr>
{_table(records, best)}
</table></body></html>
"""
    with open(os.path.join(out_dir, "index.html"), "w") as f:
        f.write(page)
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump(summary, f, indent=2)
    return summary


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python3 -m tilemlir.report RECORDS OUT_DIR\n"
              "  RECORDS: candidates.jsonl, a cache entry directory, or tl-tune --json output",
              file=sys.stderr)
        return 2
    try:
        records = load_records(argv[0])
        summary = write_report(records, argv[1], title=f"tl-tune report: {argv[0]}")
    except ReportError as e:
        print(f"tilemlir.report: {e}", file=sys.stderr)
        return 1
    print(f"tilemlir.report: {summary['candidates']} candidates -> "
          f"{os.path.join(argv[1], 'index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
