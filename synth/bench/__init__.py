"""synth bench: knowledge-distillation experiments for code models (pass@k, latency, robustness).

A sibling of the report pipeline: it shares settings, errors and resources, and imports no stage.
"""

from __future__ import annotations
