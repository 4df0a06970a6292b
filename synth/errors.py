"""The SynthError tree: every failure a user can cause or meet, with a message and an exit code.

::

    SynthError                      exit 1
    ├── ConfigError                 a setting or config file is invalid
    ├── InputError                  exit 2: a malformed identifier, path or argument
    ├── RetrievalError              a service failed (source, url, status)
    │   ├── NotFoundError           no service knows the identifier
    │   └── OfflineMissError        offline mode and the resource is not cached
    ├── ParseError                  a document could not be read (path, reason)
    ├── NoSourcesError              nothing readable remains for a report
    ├── ModelError                  an embedding / NLI model could not be loaded
    ├── IndexStoreError             a FAISS index or cache is unusable
    ├── TemplateError               a report template failed to render
    ├── ManifestError               a manifest is corrupt or does not validate
    └── BenchError                  a benchmark run failed

All errors pickle (bench runs in worker processes), because every subclass keeps the
positional arguments it was built with in ``args``.
"""

from __future__ import annotations


def printable(text: str) -> str:
    """Text safe to print and to write as UTF-8: undecodable name bytes become ``\\xNN``.

    A file name that is not valid UTF-8 reaches Python as lone surrogates (PEP 383), which no
    UTF-8 writer accepts; the original bytes are shown escaped instead.
    """
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that no byte produced (e.g. from JSON)
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class SynthError(Exception):
    """Base of every error synth reports to a user."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(SynthError):
    """A setting, environment variable or config file is invalid."""


class InputError(SynthError):
    """A malformed identifier, path or argument given by the user."""

    exit_code = 2


class RetrievalError(SynthError):
    """A scholarly service or download failed."""

    def __init__(
        self, message: str, source: str = "", url: str = "", status: int | None = None
    ) -> None:
        super().__init__(message)
        self.args = (message, source, url, status)
        self.source = source
        self.url = url
        self.status = status


class NotFoundError(RetrievalError):
    """No service that was asked knows the identifier."""


class OfflineMissError(RetrievalError):
    """Offline mode is on and the resource is not in the cache."""


class ParseError(SynthError):
    """A document could not be read."""

    def __init__(self, path: str, reason: str) -> None:
        path, reason = printable(path), printable(reason)
        super().__init__(f"{path}: {reason}")
        self.args = (path, reason)
        self.path = path
        self.reason = reason


class NoSourcesError(SynthError):
    """No readable, relevant source remains for a report."""


class ModelError(SynthError):
    """An embedding or NLI model could not be loaded."""


class IndexStoreError(SynthError):
    """A FAISS index or an on-disk cache entry is unusable."""


class TemplateError(SynthError):
    """A report template is missing or failed to render."""


class ManifestError(SynthError):
    """A manifest is unreadable, corrupt or invalid against the schema."""


class BenchError(SynthError):
    """A benchmark run could not be carried out."""
