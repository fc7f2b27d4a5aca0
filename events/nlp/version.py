"""Which model the active pipeline is (the committed events/nlp/model, or an installed
retrained one: events/nlp/active.py): its identity, training date and scores, read from the
files once per process and model directory.

Pure module: no Django import. The identity ends in a short hash of meta.json and the model's
binary files, so it changes whenever the committed model changes (a retrained model with the
same name and version number too) and is the same in every process that loads the same files.
File modification times are not used: a git checkout changes them.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field

from events.nlp.active import active_model_dir
from events.nlp.pipeline import MODEL_DIR

# Documentation next to the model is not part of it.
NOT_HASHED = {"README.md"}


@dataclass(frozen=True)
class ModelInfo:
    name: str
    version: str
    digest: str
    trained_at: str  # ISO date(time) recorded by training, "" when the meta has none
    performance: dict = field(default_factory=dict)
    # A retrained model's origin (events/services/retraining.py): {"retrained_from", ...}.
    provenance: dict = field(default_factory=dict)

    @property
    def identity(self) -> str:
        return f"{self.name} {self.version} ({self.digest})"


def model_digest(model_dir=MODEL_DIR) -> str:
    sha = hashlib.sha256()
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file() and p.name not in NOT_HASHED):
        sha.update(path.relative_to(model_dir).as_posix().encode())
        sha.update(b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                sha.update(chunk)
    return sha.hexdigest()[:12]


def read_model_info(model_dir=MODEL_DIR) -> ModelInfo:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    return ModelInfo(
        name=meta.get("name", "?"),
        version=meta.get("version", "?"),
        digest=model_digest(model_dir),
        trained_at=str(meta.get("trained_at") or ""),
        performance=meta.get("performance") or {},
        provenance=meta.get("provenance") or {},
    )


@functools.lru_cache(maxsize=4)
def _model_info(model_dir) -> ModelInfo:
    # A model directory never changes once installed (a new model gets a new directory).
    return read_model_info(model_dir)


def installed_model() -> ModelInfo:
    """The active model, read once per process and directory (hashing ~45 MB takes a
    fraction of a second); follows an install in another process like get_nlp() does."""
    return _model_info(active_model_dir())


def model_version() -> str:
    """What analyses record: "<name> <version> (<hash>)"."""
    return installed_model().identity


def analysing_model_version() -> str:
    """The identity of the model this process analysed with: the one get_nlp() loaded last.
    An analysis records this, not model_version(): a model installed between the parse and
    the write would otherwise be recorded for text the older model analysed, and that
    article would never be analysed again."""
    from events.nlp.pipeline import loaded_model_dir

    return _model_info(loaded_model_dir() or active_model_dir()).identity
