"""The review rubric as data: ``data/rubric.toml`` loaded into typed records, worded, digested.

The rubric holds every number the review rests on (reviewer weights, dimension and tier
thresholds); ``synth/review.py`` holds the logic that applies them. The digest is the sha256 of
the rubric's canonical JSON, so ``synth rubric --json`` and a manifest's ``rubric_digest`` can be
compared, and a reader can recompute it from the printed JSON.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import textwrap
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from synth.errors import ConfigError
from synth.records import Tier
from synth.resources import data_file
from synth.settings import ReviewSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

RUBRIC_FILE = "rubric.toml"

# The inputs synth/review.py computes; a rubric naming anything else is refused when loaded.
ReviewerKey = Literal[
    "relevance", "grounding", "verification", "uncertainty", "reproducibility", "coverage"
]
TermInput = Literal[
    "mean_relevance",
    "used_share",
    "grounded_share",
    "supported_share",
    "mean_confidence",
    "independent_share",
    "verdict_share",
    "caveats_share",
    "cross_checked_share",
    "fulltext_share",
    "identified_share",
    "hashed_share",
    "used_sources",
    "venues",
    "years",
    "balance",
    "terms_share",
]
DimensionInput = Literal[
    "supported_share",
    "independent_share",
    "grounded_share",
    "uncertainty_score",
    "fulltext_share",
    "identified_share",
]
DimensionKey = Literal[
    "evidence_strength", "citation_grounding", "uncertainty_disclosure", "reproducibility_status"
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Part):
    """One weighted input of a reviewer's formula, with the parameters of that input."""

    input: TermInput
    weight: float
    means: str = Field(description="What the input is, in words; may quote the parameters.")
    full_at: float | None = Field(None, gt=0, description="The input counts min(value / this, 1).")
    half: float | None = Field(
        None, gt=0, lt=1, description="Share above which the balance falls linearly to 0."
    )
    sections: list[str] = Field(default_factory=list, description="Section kinds read as caveats.")

    @model_validator(mode="after")
    def _parameters_present(self) -> Term:
        if self.input == "balance" and self.half is None:
            raise ValueError("the balance input needs `half`")
        if self.input == "caveats_share" and not self.sections:
            raise ValueError("the caveats_share input needs `sections`")
        return self

    def describe(self) -> str:
        """The term in words: its weight (left out when 1) times what the input means."""
        text = self.means.format(
            full_at=self.full_at, half=self.half, sections=" or ".join(self.sections)
        )
        return text if self.weight == 1 else f"{self.weight:g} \u00d7 {text}"


class Reviewer(_Part):
    """One automated reviewer: what it measures and its formula's parameters."""

    key: ReviewerKey
    name: str
    measures: str
    scale: float = Field(gt=0)
    note: str = ""
    terms: list[Term] = Field(min_length=1)

    def term(self, name: str) -> Term:
        """The term whose input is ``name``."""
        for t in self.terms:
            if t.input == name:
                return t
        raise ConfigError(f"rubric reviewer {self.key!r} has no term {name!r}")

    def formula(self) -> str:
        """The score formula in words, as the rubric table prints it."""
        body = " + ".join(t.describe() for t in self.terms)
        if self.scale != 1:
            body = (
                f"{self.scale:g} \u00d7 ({body})"
                if len(self.terms) > 1
                else (f"{self.scale:g} \u00d7 {body}")
            )
        return f"{body}; {self.note}" if self.note else body


class Dimension(_Part):
    """A quality dimension: HIGH when every ``high`` condition holds, else MEDIUM, else LOW."""

    key: DimensionKey
    high: dict[DimensionInput, float] = Field(min_length=1)
    medium: dict[DimensionInput, float] = Field(min_length=1)


class TierRule(_Part):
    """One tier and the conditions a report must meet for it (none for the last tier)."""

    name: Tier
    min_review_score: float | None = None
    min_supported_share: float | None = Field(None, ge=0, le=1)
    allow_retracted: bool = True

    def is_fallback(self) -> bool:
        """True when the tier has no condition (every report meets it)."""
        return (
            self.min_review_score is None
            and self.min_supported_share is None
            and self.allow_retracted
        )


class Rubric(_Part):
    """The whole rubric: reviewers in order, dimension rules, tier rules in order."""

    version: str = Field(min_length=1)
    max_score: float = Field(gt=0)
    reviewers: list[Reviewer] = Field(min_length=1)
    dimensions: list[Dimension]
    phrases: dict[DimensionInput, str]
    tiers: list[TierRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        keys = [r.key for r in self.reviewers]
        if sorted(keys) != sorted(get_args(ReviewerKey)):
            raise ValueError(f"reviewers must be each of {', '.join(get_args(ReviewerKey))} once")
        dims = [d.key for d in self.dimensions]
        if sorted(dims) != sorted(get_args(DimensionKey)):
            raise ValueError(f"dimensions must be each of {', '.join(get_args(DimensionKey))} once")
        used = {k for d in self.dimensions for k in (*d.high, *d.medium)}
        missing = sorted(used - set(self.phrases))
        if missing:
            raise ValueError(f"no phrase for dimension input {missing[0]}")
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError("tier names must be unique")
        if not self.tiers[-1].is_fallback() or any(t.is_fallback() for t in self.tiers[:-1]):
            raise ValueError("the last tier, and only the last, must have no condition")
        return self

    def reviewer(self, key: str) -> Reviewer:
        """The reviewer with this key."""
        for r in self.reviewers:
            if r.key == key:
                return r
        raise ConfigError(f"rubric has no reviewer {key!r}")

    def dimension(self, key: str) -> Dimension:
        """The dimension rule with this key."""
        for d in self.dimensions:
            if d.key == key:
                return d
        raise ConfigError(f"rubric has no dimension {key!r}")


def parse_rubric(data: dict[str, Any], origin: str) -> Rubric:
    """Validate parsed TOML as a Rubric; one line naming the file and the first problem."""
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "rubric"
        raise ConfigError(
            f"{origin}: invalid rubric at {where}: {first['msg'].removeprefix('Value error, ')}"
        ) from exc


def load_rubric_file(path: Path) -> Rubric:
    """Read and validate a rubric TOML file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the rubric ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: the rubric is not valid TOML ({exc})") from exc
    return parse_rubric(data, str(path))


@functools.lru_cache(maxsize=1)
def load_rubric() -> Rubric:
    """The packaged rubric (``data/rubric.toml``), read once per process."""
    return load_rubric_file(data_file(RUBRIC_FILE))


def effective_rubric(settings: ReviewSettings | None = None) -> Rubric:
    """The packaged rubric with the DOI-grade numbers the review settings replace, if any."""
    rubric = load_rubric()
    if settings is None:
        return rubric
    update: dict[str, float] = {}
    if settings.doi_grade_min_score is not None:
        update["min_review_score"] = settings.doi_grade_min_score
    if settings.doi_grade_min_verified is not None:
        update["min_supported_share"] = settings.doi_grade_min_verified
    if not update:
        return rubric
    tiers = [t.model_copy(update=update) if t.name == "DOI-grade" else t for t in rubric.tiers]
    return rubric.model_copy(update={"tiers": tiers})


def canonical_json(rubric: Rubric) -> str:
    """The rubric as canonical JSON: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(
        rubric.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def rubric_digest(rubric: Rubric | None = None) -> str:
    """sha256 (hex) of the rubric's canonical JSON (the packaged rubric by default)."""
    text = canonical_json(rubric if rubric is not None else load_rubric())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rubric_json(rubric: Rubric | None = None) -> dict[str, Any]:
    """The rubric as JSON data with its digest (what ``synth rubric --json`` prints)."""
    chosen = rubric if rubric is not None else load_rubric()
    data = chosen.model_dump(mode="json")
    return {"version": data["version"], "digest": rubric_digest(chosen), **data}


def review_method(rubric: Rubric) -> str:
    """The review method a manifest records, e.g. ``synth-rules-v1: mean of 6 ...``."""
    return (
        f"{rubric.version}: mean of {len(rubric.reviewers)} rule-based automated reviewers "
        f"(0-{rubric.max_score:g} each)"
    )


def _conditions(rubric: Rubric, conditions: dict[DimensionInput, float]) -> str:
    return " and ".join(rubric.phrases[k].format(v) for k, v in conditions.items())


def dimension_rule(rubric: Rubric, key: str) -> str:
    """A dimension's rule in words: ``HIGH: <conditions>; MEDIUM: <conditions>; else LOW``."""
    d = rubric.dimension(key)
    return f"HIGH: {_conditions(rubric, d.high)}; MEDIUM: {_conditions(rubric, d.medium)}; else LOW"


def tier_rule(rule: TierRule) -> str:
    """One tier's conditions in words: ``<tier> when <each condition>`` or ``<tier> otherwise``."""
    if rule.is_fallback():
        return f"{rule.name} otherwise"
    parts = []
    if rule.min_review_score is not None:
        parts.append(f"the review score is \u2265 {rule.min_review_score:.1f}")
    if rule.min_supported_share is not None:
        parts.append(f"at least {rule.min_supported_share:.0%} of claims are supported")
    if not rule.allow_retracted:
        parts.append("no used source is retracted")
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"{rule.name} when {listed}"


def tier_rules(rubric: Rubric) -> list[str]:
    """The tier rules in words, in the order they are tried."""
    return [tier_rule(t) for t in rubric.tiers]


def _row(label: str, text: str, width: int, gutter: int = 26) -> list[str]:
    """A two-column row: the label, then the text wrapped beside it."""
    lines = textwrap.wrap(text, max(width - gutter, 20), break_on_hyphens=False) or [""]
    first = f"  {label}".ljust(gutter - 1) + " "
    if len(first) > gutter:  # a long label takes its own line
        return [f"  {label}", *(" " * gutter + line for line in lines)]
    return [first + lines[0], *(" " * gutter + line for line in lines[1:])]


def format_rubric(rubric: Rubric, digest: str, width: int = 100) -> str:
    """The rubric as the table a reader checks a report against (what ``synth rubric`` prints)."""
    out = [f"Review rubric {rubric.version}", f"digest (sha256 of its canonical JSON) {digest}", ""]
    out += textwrap.wrap(
        f"Reviewers: each scores 0 to {rubric.max_score:g} (rounded to one decimal); the review "
        f"score is the mean of the {len(rubric.reviewers)} scores, the spread their maximum minus "
        "their minimum.",
        width,
    )
    for r in rubric.reviewers:
        out += _row(r.name, f"measures {r.measures}", width)
        out += _row("", f"score = {r.formula()}", width)
    out += ["", *textwrap.wrap("Quality dimensions: LOW, MEDIUM or HIGH.", width)]
    for d in rubric.dimensions:
        out += _row(d.key, dimension_rule(rubric, d.key), width)
    out += ["", "Tier rules, in order (a report gets the first it meets):"]
    for n, rule in enumerate(rubric.tiers, start=1):
        out += _row(f"{n}.", tier_rule(rule), width, gutter=6)
    return "\n".join(out)
