"""The only place that locates ``templates/`` and ``data/``: override, checkout or wheel."""

from __future__ import annotations

from importlib import resources as importlib_resources
from pathlib import Path

from synth.errors import TemplateError

_PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout_root() -> Path | None:
    root = _PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "templates").is_dir():
        return root
    return None


def _installed_assets() -> Path:
    return Path(str(importlib_resources.files("synth") / "_assets"))


def templates_dir(override: Path | None = None) -> Path:
    """Folder holding the Jinja templates: override > checkout > installed copy."""
    if override is not None:
        if not Path(override).is_dir():
            raise TemplateError(f"templates folder {override} does not exist")
        return Path(override)
    root = _checkout_root()
    candidate = root / "templates" if root else _installed_assets() / "templates"
    if not candidate.is_dir():
        raise TemplateError(f"synth's templates are missing (looked in {candidate})")
    return candidate


def data_dir() -> Path:
    """Folder holding synth's packaged data files (fitted parameters, bench configs)."""
    root = _checkout_root()
    candidate = root / "data" if root else _installed_assets() / "data"
    if not candidate.is_dir():
        raise TemplateError(f"synth's data folder is missing (looked in {candidate})")
    return candidate


def data_file(*parts: str) -> Path:
    """Path of one packaged data file, e.g. ``data_file("verifier", "calibration.json")``."""
    return data_dir().joinpath(*parts)
