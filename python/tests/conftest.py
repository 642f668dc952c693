"""Every test gets its own cache directory and working directory (autotuner.log
goes there); the build's tools are found at $TILEMLIR_BUILD/bin (default:
the repository's build/)."""

import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TILEMLIR_BUILD", REPO / "build"))


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("TILELANG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TILELANG_DISABLE_CACHE", raising=False)
    monkeypatch.delenv("TILELANG_AUTO_TUNING_DISABLE_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture
def tool():
    def path(name):
        p = BUILD / "bin" / name
        if not p.exists():
            pytest.fail(f"{p} is missing: build TileMLIR first (./scripts/build.sh)")
        return str(p)
    return path
