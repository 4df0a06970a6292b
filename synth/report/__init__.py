"""Report stage: the manifest (contract, schema, storage) and rendering to Markdown, HTML and text.

Submodules are imported where used (``synth.report.manifest``, ``synth.report.render``) so that
importing the package stays cheap.
"""

from __future__ import annotations
