"""PARSE stage: PDFs and JSONL records become located, cleaned Documents.

Entry points (import them from their modules; this package imports nothing heavy):
``pdf.parse_pdf``, ``cache.load_document``, ``record.parse_record``, ``sentences.is_prose``.

Inside: ``pdf`` reads positioned lines with pypdf; ``layout`` drops page furniture and
footnotes; ``clean`` fixes characters and hyphenation; ``front`` finds title and front matter;
``sections`` recognizes headings; ``blocks`` builds paragraphs in reading order; ``text`` lays
them out with page spans, sections and sentence passages; ``metadata`` fills the Work.
"""
