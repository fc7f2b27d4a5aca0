import pytest

from portal import embedded


@pytest.fixture
def own_redis(tmp_path, monkeypatch):
    """The embedded Redis's functions, pointed at a data directory of this test's own (not
    started); stopped again after the test."""
    monkeypatch.setenv("LAGEBILD_DATA_DIR", str(tmp_path))
    yield embedded
    if embedded.redis_running():
        embedded.stop_redis()
