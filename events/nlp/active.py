"""Which model directory is the active one: the committed model (events/nlp/model), or a
model retrained from editors' corrections (`manage.py retrain`) kept under a models root.

Pure module: no Django import.

The committed model is in git and is never written to. Retrained models live in the models
root (env LAGEBILD_MODELS_ROOT, default .data/models), one directory each; the pointer file
`active.json` there names the active one. Installing writes the new directory first and then
replaces the pointer with os.replace, so a reader sees the old pointer or the new one, never
half of either. Every process compares the pointer's stat on each get_nlp() call (a cheap
stat) and loads the new model when it changed: no worker restart.

The pointer records the digest of the committed model the retrained one derives from. When a
new base model is committed, that digest no longer matches and the pointer is ignored: an old
retraining never silently shadows a newer committed model (retrain again from the new base).

Env LAGEBILD_MODEL_DIR names one model directory outright and wins over everything (tests,
experiments).
"""

from __future__ import annotations

import functools
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

COMMITTED_DIR = Path(__file__).resolve().parent / "model"
REPO = Path(__file__).resolve().parents[2]
POINTER = "active.json"

logger = logging.getLogger(__name__)


def models_root() -> Path:
    root = Path(os.environ.get("LAGEBILD_MODELS_ROOT") or ".data/models")
    return root if root.is_absolute() else REPO / root  # the same for every working directory


@functools.cache
def committed_digest() -> str:
    """The committed model's digest, once per process (it changes only with a deployment)."""
    from events.nlp.version import model_digest

    return model_digest(COMMITTED_DIR)


@dataclass(frozen=True)
class Pointer:
    dir: str  # a directory name in the models root
    base_digest: str  # digest of the committed model it was retrained from
    previous: str = ""  # the directory active before it ("" = the committed model)


def read_pointer(root: Path | None = None) -> Pointer | None:
    path = (root or models_root()) / POINTER
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if not data.get("dir"):
        return None
    return Pointer(
        dir=data["dir"], base_digest=data.get("base_digest", ""), previous=data.get("previous", "")
    )


def _write_pointer(data: dict, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, root / POINTER)  # atomic: readers see the old or the new pointer


def activate(directory: Path, *, base_digest: str, root: Path | None = None) -> Pointer:
    """Make `directory` (already complete, inside the models root) the active model."""
    root = root or models_root()
    if directory.resolve().parent != root.resolve():
        raise ValueError(f"{directory} is not inside the models root {root}")
    old = read_pointer(root)
    data = {"dir": directory.name, "base_digest": base_digest, "previous": old.dir if old else ""}
    _write_pointer(data, root)
    return Pointer(**data)


def rollback(root: Path | None = None) -> Pointer | None:
    """Go back one install (to the committed model after the first); returns the new pointer."""
    root = root or models_root()
    old = read_pointer(root)
    if old is None or not old.previous or not (root / old.previous).is_dir():
        use_committed(root)
        return None
    previous_meta = json.loads((root / old.previous / "meta.json").read_text(encoding="utf-8"))
    base = previous_meta.get("provenance", {}).get("base_digest", old.base_digest)
    data = {"dir": old.previous, "base_digest": base, "previous": ""}
    _write_pointer(data, root)
    return Pointer(**data)


def use_committed(root: Path | None = None) -> None:
    """Back to the committed model; the retrained directories stay for the record."""
    _write_pointer({"dir": "", "base_digest": "", "previous": ""}, root or models_root())


def _pointer_stamp(root: Path) -> tuple:
    try:
        st = (root / POINTER).stat()
    except FileNotFoundError:
        return ()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


_resolved: dict[tuple, Path] = {}


def active_model_dir() -> Path:
    """The directory get_nlp() loads. Cheap: a stat of the pointer unless it changed."""
    explicit = os.environ.get("LAGEBILD_MODEL_DIR")
    if explicit:
        return Path(explicit)
    root = models_root()
    key = (str(root), *_pointer_stamp(root))
    if key not in _resolved:
        _resolved.clear()
        _resolved[key] = _resolve(root)
    return _resolved[key]


def _resolve(root: Path) -> Path:
    pointer = read_pointer(root)
    if pointer is None or not (root / pointer.dir / "meta.json").is_file():
        return COMMITTED_DIR
    if pointer.base_digest != committed_digest():
        # A newer model was committed since this one was retrained from the older base.
        logger.warning(
            "the retrained model %s derives from another committed model than this one: using the committed model",
            pointer.dir,
        )
        return COMMITTED_DIR
    return root / pointer.dir
