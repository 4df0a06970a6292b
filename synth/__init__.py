"""synth: literature synthesis and claim verification.

Importing ``synth`` is cheap: heavy libraries (torch, faiss, pypdf) load only when a stage runs.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
