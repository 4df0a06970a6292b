"""Bibliographic metadata of a PDF: from its info dictionary, its first page and its file name.

File-name rule for DOIs: ``doi_<prefix>_<suffix>_<slug>.pdf`` where ``<prefix>`` is ``10.NNNN``;
the first underscore after the prefix stands for ``/`` and the suffix runs to the next underscore
(so ``doi_10.1021_acs.jctc.2c01235_explanations.pdf`` -> ``10.1021/acs.jctc.2c01235``).
A DOI whose suffix itself contains ``_`` cannot be spelled this way.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from synth.ids import ARXIV_DOI_PREFIX
from synth.parse.clean import ARXIV_STAMP, decode_entities
from synth.records import Work

_NEW_ARXIV = re.compile(r"(?<![\d.])(\d{2})(\d{2})\.(\d{4,5})(v\d+)?(?![\d])")
_OLD_ARXIV = re.compile(r"\b([a-z][a-z\-]+(?:\.[A-Z]{2})?)/(\d{7})(v\d+)?\b")
_FILE_ARXIV = re.compile(r"arxiv[_\-:]?(\d{4}\.\d{4,5})(v\d+)?", re.IGNORECASE)
_FILE_DOI = re.compile(r"^doi[_\-](10\.\d{4,9})_([^_]+)", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_DOI_CUE = re.compile(r"(?:doi\s*:?\s*|doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_PDF_DATE = re.compile(r"^D?:?(\d{4})")
_NAME_TOKEN = re.compile(
    r"^(?:[^\W\d_]\.(?:-?[^\W\d_]\.)?|[^\W\d_][^\W\d_'’\-]*(?:[-'’][^\W\d_]+)*"
    r"|de|van|der|von|da|di|la|le)$"
)
_NOT_NAME = re.compile(
    r"@|\d|universit|institut|department|laborator|school|college|inc\b|ltd|corp|research"
    r"|google|microsoft|meta\b|deepmind|openai|centre|center|lab\b|abstract|email|e-mail",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@[\w-]+\.[a-z]{2,}", re.IGNORECASE)
_BAD_TITLE = re.compile(r"\.(pdf|dvi|tex|docx?)$|^untitled|^microsoft word|^title$", re.IGNORECASE)


@dataclass(frozen=True)
class ArxivRef:
    """An arXiv identifier, its version and the year it implies."""

    id: str
    version: str
    year: int | None


def _new_style(yy: str, mm: str, num: str, version: str | None) -> ArxivRef | None:
    if not 1 <= int(mm) <= 12:
        return None
    return ArxivRef(f"{yy}{mm}.{num}", version or "", 2000 + int(yy))


def arxiv_from_text(text: str) -> ArxivRef | None:
    """The first arXiv identifier in a string such as a URL or '/arXivID' value."""
    match = _NEW_ARXIV.search(text)
    if match:
        return _new_style(*match.groups())
    old = _OLD_ARXIV.search(text)
    if old:
        yy = int(old.group(2)[:2])
        return ArxivRef(
            f"{old.group(1)}/{old.group(2)}",
            old.group(3) or "",
            1900 + yy if yy > 90 else 2000 + yy,
        )
    return None


def arxiv_from_stamp(lines: list[str]) -> tuple[ArxivRef | None, int | None]:
    """Identifier and year from the arXiv side stamp ('arXiv:1503.02531v1 [stat.ML] 9 Mar 2015')."""
    for line in lines:
        match = ARXIV_STAMP.search(line)
        if match:
            return arxiv_from_text(match.group(1) + (match.group(2) or "")), int(match.group(5))
    return None, None


def arxiv_from_filename(name: str) -> ArxivRef | None:
    """Identifier from a file name like 'arxiv_1503.02531v1_slug.pdf'."""
    match = _FILE_ARXIV.search(name)
    return arxiv_from_text(match.group(1) + (match.group(2) or "")) if match else None


def clean_doi(raw: str) -> str:
    """A bare, lower-case DOI without URL prefix or trailing punctuation."""
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", raw.strip(), flags=re.IGNORECASE)
    return doi.rstrip(".,;:)]}'\"").lower()


def doi_from_filename(name: str) -> str | None:
    """DOI from a file name by the rule in this module's docstring."""
    match = _FILE_DOI.match(name)
    return clean_doi(f"{match.group(1)}/{match.group(2)}") if match else None


def doi_from_page(lines: list[str]) -> str | None:
    """A DOI printed on the first page next to a 'doi' cue."""
    for line in lines:
        match = _DOI_CUE.search(line)
        if match:
            return clean_doi(match.group(1))
    return None


def doi_from_info(info: dict[str, str]) -> str | None:
    """DOI from the PDF info dictionary ('/DOI' or a DOI inside '/Subject').

    arXiv's own DataCite DOI (10.48550/arXiv.*) is skipped: the arXiv id already says it, and
    ``doi`` is meant for the published version.
    """
    for key in ("/DOI", "/doi", "/Subject"):
        match = _DOI.search(info.get(key, ""))
        if match and not clean_doi(match.group(1)).startswith(ARXIV_DOI_PREFIX):
            return clean_doi(match.group(1))
    return None


def year_from_info(info: dict[str, str]) -> int | None:
    """Year of the PDF's creation date, when plausible."""
    match = _PDF_DATE.match(info.get("/CreationDate", "").strip())
    if not match:
        return None
    year = int(match.group(1))
    return year if 1950 <= year <= datetime.now(timezone.utc).year + 1 else None


def title_from_info(info: dict[str, str]) -> str | None:
    """The info-dictionary title when it looks like a real title."""
    title = " ".join(decode_entities(info.get("/Title", "")).split())
    if len(title) < 8 or len(title.split()) < 2 or _BAD_TITLE.search(title):
        return None
    return title


_PARTICLES = frozenset({"de", "van", "der", "von", "da", "di", "la", "le"})


def _split_run(part: str) -> list[str]:
    """'Jacob Devlin Ming-Wei Chang Kenton Lee': names set apart by spacing alone.

    The text layer keeps no gap width, so a run longer than one name is cut after each
    surname: a name ends at its second word unless that word is an initial or a particle.
    Only bold front lines are cut this way: in plain type such a run is too often not names.
    """
    tokens = part.split()
    if len(tokens) <= 4:
        return [part]
    names: list[list[str]] = [[]]
    for token in tokens:
        names[-1].append(token)
        is_initial = len(token.rstrip(".")) == 1 and token.endswith(".")
        if len(names[-1]) >= 2 and not is_initial and token not in _PARTICLES:
            names.append([])
    found = [" ".join(n) for n in names if n]
    return found if all(len(n.split()) >= 2 for n in found) else [part]


def _split_names(text: str, runs: bool = False) -> list[str]:
    """Names in a list line; with ``runs``, names set apart by spacing alone are cut too."""
    text = re.sub(r"[∗*†‡§¶]|\d", " ", text)
    parts = [" ".join(p.split()) for p in re.split(r"\s*(?:,|;|·|•|&|\band\b)\s*", text)]
    return [name for p in parts if p for name in (_split_run(p) if runs else [p])]


def _is_name(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= 4:
        return False
    return (
        all(_NAME_TOKEN.match(t) and (t[0].isupper() or t in _PARTICLES) for t in tokens)
        and tokens[-1][0].isupper()
    )


def authors_from_info(info: dict[str, str]) -> list[str]:
    """Authors from the info dictionary's '/Author' ('A; B; C' or 'A, B and C')."""
    names = _split_names(info.get("/Author", ""))
    return names if names and all(_is_name(n) for n in names) else []


def _valid(names: list[str]) -> bool:
    return bool(names) and all(_is_name(n) and not _NOT_NAME.search(n) for n in names)


def _names_by_email_groups(lines: list[str]) -> list[str]:
    """Blocks of 'Name / affiliation / e-mail': the first line of each block is the name."""
    names: list[str] = []
    first: str | None = None
    for line in lines:
        if _EMAIL.search(line):
            if first is not None:
                names.extend(_split_names(first))
            first = None
        elif first is None:
            first = line
    return names  # a block not closed by an e-mail (a venue footer) names nobody


def _names_before_affiliations(lines: list[str]) -> list[str]:
    """Name-list lines up to the first affiliation; a name wrapped onto the next line is glued."""
    names: list[str] = []
    i = 0
    while i < len(lines) and not _NOT_NAME.search(re.sub(r"[\d∗*†‡§¶]", "", lines[i])):
        here = _split_names(lines[i])
        glued = _split_names(f"{lines[i]} {lines[i + 1]}") if i + 1 < len(lines) else []
        if _valid(here):
            names, i = names + here, i + 1
        elif _valid(glued) and not _NOT_NAME.search(lines[i + 1]):
            names, i = names + glued, i + 2  # "Andrew" / "D. White"
        elif names:
            break  # the list of names is over
        else:
            i += 1  # a note above the names ("Noname manuscript No.")
    return names


def _bold_names(front: list[tuple[str, bool]]) -> list[str]:
    """Names on the bold front lines.

    Names listed side by side ('A B  C D' on one line) all sit in the first run of bold lines;
    a later bold line is something else (a figure's caption). Names stacked one per line, each
    above its affiliation, are read from every bold line.
    """
    lines = [_split_names(text, runs=True) for text, bold in front if bold]
    start = next(i for i, (_, bold) in enumerate(front) if bold)
    run = [
        _split_names(text, runs=True)
        for text, _ in itertools.takewhile(lambda f: f[1], front[start:])
    ]
    if any(len(names) > 1 for names in run):
        return [n for names in run for n in names]
    return [n for names in lines for n in names]


def authors_from_front(front: list[tuple[str, bool]]) -> list[str]:
    """Author names from the front-matter lines (text, bold); [] rather than a guess."""
    lines = [text for text, _ in front]
    if any(bold for _, bold in front) and not all(bold for _, bold in front):
        bold = _bold_names(front)
        if _valid(bold):
            return bold
    if sum(1 for line in lines if _EMAIL.search(line)) >= 2:
        grouped = _names_by_email_groups(lines)
        if _valid(grouped):
            return grouped
    names = _names_before_affiliations(lines)
    return list(dict.fromkeys(names)) if _valid(names) else []


def _pick_arxiv(refs: list[ArxivRef | None]) -> ArxivRef | None:
    found = [r for r in refs if r is not None]
    with_version = [r for r in found if r.version and r.id == found[0].id]
    return with_version[0] if with_version else (found[0] if found else None)


def build_work(
    file_name: str,
    info: dict[str, str],
    first_page: list[str],
    title_text: str,
    front: list[tuple[str, bool]],
) -> Work:
    """Work for a PDF; each field from the most trustworthy place that has it."""
    stamp, stamp_year = arxiv_from_stamp(first_page)
    arxiv = _pick_arxiv(
        [stamp, arxiv_from_text(info.get("/arXivID", "")), arxiv_from_filename(file_name)]
    )
    doi = doi_from_info(info) or doi_from_page(first_page) or doi_from_filename(file_name)
    year = (arxiv.year if arxiv else None) or stamp_year or year_from_info(info)
    title = title_from_info(info) or title_text or Path(file_name).stem
    authors = authors_from_info(info) or authors_from_front(front)
    arxiv_id = f"{arxiv.id}{arxiv.version}" if arxiv else None
    url: str | None = None
    if arxiv_id is not None:
        url = f"https://arxiv.org/abs/{arxiv_id}"
    elif doi is not None:
        url = f"https://doi.org/{doi}"
    return Work(title=title, authors=authors, year=year, doi=doi, arxiv_id=arxiv_id, url=url)
