"""Verify stage: hybrid evidence retrieval, claim-evidence features, calibrated verdicts.

The pipeline calls :func:`synth.verify.verifier.verify_claims`; everything else here serves it
(and the SciFact fit script and benchmark).
"""

from __future__ import annotations
