"""The tuning report (tilemlir.report) from the records a tuning writes
(tl-tune --report itself: test/Tuner/tl-tune-report.mlir)."""

import json
import subprocess
import sys

import pytest

from tilemlir import report

PNG = b"\x89PNG\r\n\x1a\n"


def record(index, config, status, median=0.0, message=""):
    r = {"index": index, "kernel": f"k{index}", "config": config, "status": status,
         "compile_seconds": 0.1, "median_ms": median, "tflops": 0, "samples_ms": []}
    if message:
        r["message"] = message
    return r


# A 2 x 3 space: block 64/128 x stages 1-3; one pruned, one failed to compile,
# one wrong answer.
RECORDS = [
    record(0, {"block": 64, "stages": 1}, "ok", 3.0),
    record(1, {"block": 64, "stages": 2}, "ok", 2.0),
    record(2, {"block": 64, "stages": 3}, "pruned", 4.0),
    record(3, {"block": 128, "stages": 1}, "ok", 1.5),
    record(4, {"block": 128, "stages": 2}, "compile_error", message="needs 300 KiB"),
    record(5, {"block": 128, "stages": 3}, "check_failed", 1.0, "output 0 wrong"),
]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_report_from_a_record_file(tmp_path):
    records = report.load_records(str(write_jsonl(tmp_path / "candidates.jsonl", RECORDS)))
    summary = report.write_report(records, str(tmp_path / "out"))
    for name in ("latency.png", "knobs.png", "progress.png"):
        assert (tmp_path / "out" / name).read_bytes()[:8] == PNG
    plots = summary["plots"]
    # Timed: the three ok and the pruned one; the wrong answer is not timed.
    assert plots["latency.png"] == {"points": 4, "pruned": 1}
    assert plots["knobs.png"]["knobs"] == ["block", "stages"]
    assert plots["knobs.png"]["points"] == {"block": 4, "stages": 4}
    # The best so far exists from the first config on; without finish
    # times, over the order of the configs.
    assert plots["progress.png"] == {"points": 6, "axis": "order"}
    assert summary["best"] == {"config": {"block": 128, "stages": 1}, "median_ms": 1.5}
    assert summary["statuses"] == {"check_failed": 1, "compile_error": 1, "ok": 3, "pruned": 1}
    assert json.loads((tmp_path / "out" / "report.json").read_text()) == summary
    page = (tmp_path / "out" / "index.html").read_text()
    assert "needs 300 KiB" in page and 'class="best"' in page
    assert page.count("<tr") == 1 + len(RECORDS)


def test_progress_follows_the_finish_times(tmp_path):
    # Finished in the order 3, 0, 1 (wall seconds): the best so far starts
    # at config 3's 1.5 ms and stays there.
    times = {0: 2.0, 1: 3.0, 2: 3.5, 3: 1.0, 4: 0.5, 5: 4.0}
    records = [dict(r, finished_s=times[r["index"]]) for r in RECORDS]
    summary = report.write_report(records, str(tmp_path / "out"))
    assert summary["plots"]["progress.png"] == {"points": 5, "axis": "seconds"}


def test_cache_entry_and_json_output_read_alike(tmp_path):
    entry = tmp_path / "entry"
    entry.mkdir()
    write_jsonl(entry / "candidates.jsonl", RECORDS)
    (tmp_path / "tune.json").write_text(json.dumps({"target": "host", "candidates": RECORDS}))
    assert report.load_records(str(entry)) == RECORDS
    assert report.load_records(str(tmp_path / "tune.json")) == RECORDS


@pytest.mark.parametrize("text, message", [
    ("", "holds no candidate record"),
    ("{not json\n", ":1: not a JSON record"),
    ('{"index": 0, "status": "ok"}\n', "record 1 is not a candidate record"),
])
def test_bad_records_are_refused_with_the_place(tmp_path, text, message):
    path = tmp_path / "candidates.jsonl"
    path.write_text(text)
    with pytest.raises(report.ReportError, match=message):
        report.load_records(str(path))
    proc = subprocess.run([sys.executable, "-m", "tilemlir.report", str(path), str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and message.split(":")[-1].strip() in proc.stderr
    assert not (tmp_path / "o").exists()
