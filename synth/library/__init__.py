"""The library stage: a first-stage ranking over a whole --corpus, built once and kept current.

A corpus of thousands of papers cannot be parsed into sentences and embedded for every
question. The library keeps one BM25 index over each document's text and one embedding per
document (title and abstract) in FAISS, cached by each document's content and updated when
files are added or removed; a question reads in full only the documents it shortlists.
It sits beside ``synth/gather.py`` in the pipeline layer: it reads the scan of
``synth/retrieve/local.py`` and parses PDFs through ``synth/parse/cache.py``.
"""

from __future__ import annotations

from synth.library.select import Library, Selection, Shortlist, load_library, select_documents

__all__ = ["Library", "Selection", "Shortlist", "load_library", "select_documents"]
