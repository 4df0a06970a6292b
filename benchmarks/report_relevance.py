"""Used-source precision/recall and claim counts of a report's relevance and extract stages.

For every question of ``tests/data/question_set.jsonl`` the script runs the stages as
``synth report`` does (gather → parse → relevance → extract → mark sources without claims)
over that question's corpus, the library's first stage included (``--no-first-stage`` reads
every document), and compares the used sources with the hand labels. Sources
labelled ``ambiguous`` count neither way. Two corpora:

* ``realpdf``: the PDFs of ``../shared/realdata/pdfs`` (source id = file name);
* ``scifact``: a sub-corpus of SciFact abstracts (source id = SciFact doc id), written at run
  time as a JSONL corpus from ``../shared/realdata/scifact/corpus*.jsonl``; only the ids are
  kept in the repository.

Each question has a ``role``: ``tune`` questions (SciFact) are the ones thresholds may be
chosen on; ``check`` and ``holdout`` questions are not tuned on (``holdout`` ones, added with
issue 9, had their claims labelled before any rule was measured on them). Precision, recall
and the share of claims that bear on their question are printed per corpus and per role.

Claims are dumped to a JSONL file (question, source, text, relevance) for labelling.

    SYNTH_HOME=/tmp/synth-bench-home HF_HUB_OFFLINE=1 \\
        python benchmarks/report_relevance.py [--corpus scifact|realpdf] [--claims-out FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
QUESTIONS = REPO / "tests" / "data" / "question_set.jsonl"
LABELS = REPO / "tests" / "data" / "claim_relevance_labels.jsonl"


def load_questions(path: Path) -> list[dict[str, Any]]:
    """The labelled questions, one JSON object a line."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _scifact_ids(questions: list[dict[str, Any]]) -> list[str]:
    ids: set[str] = set()
    for q in questions:
        if q["corpus"] == "scifact":
            ids.update(q["relevant"] + q["ambiguous"] + q["irrelevant"])
    return sorted(ids, key=int)


def write_scifact_corpus(ids: list[str], folder: Path) -> Path:
    """The sub-corpus as a synth JSONL corpus (id, title, abstract), in the order of ``ids``."""
    wanted = set(ids)
    rows: dict[str, dict[str, Any]] = {}
    for part in sorted((REALDATA / "scifact").glob("corpus*.jsonl")):
        for line in part.read_text().splitlines():
            row = json.loads(line)
            if str(row["doc_id"]) in wanted:
                rows[str(row["doc_id"])] = row
    missing = wanted - set(rows)
    if missing:
        raise SystemExit(f"SciFact ids not in the corpus: {sorted(missing)}")
    path = folder / "scifact_sub.jsonl"
    with path.open("w") as out:
        for i in ids:
            record = {"id": i, "title": rows[i]["title"], "abstract": " ".join(rows[i]["abstract"])}
            out.write(json.dumps(record) + "\n")
    return path


def _source_id(doc: Any, scifact_order: list[str]) -> str:
    url = doc.retrieval.url
    if "#L" in url:  # a JSONL record: line n of the sub-corpus holds scifact_order[n - 1]
        return scifact_order[int(url.rsplit("#L", 1)[1]) - 1]
    return str(url.rsplit("/", 1)[-1])


def run_question(
    q: dict[str, Any],
    corpus: list[Path],
    scifact_order: list[str],
    settings: Any,
    embedder: Any,
    first_stage: bool = True,
) -> dict[str, Any]:
    """One question through the stages; its used sources, relevance rows and claims."""
    from synth.extract.claims import extract_claims
    from synth.extract.relevance import mark_sources_without_claims, score_relevance
    from synth.gather import gather_documents
    from synth.library import Shortlist
    from synth.parse.sentences import is_prose
    from synth.records import ReportRequest
    from synth.synthesize.coverage import question_aspects, question_focus

    request = ReportRequest(question=q["question"], corpus=corpus)
    # The library's first stage, as `synth report` runs it over a --corpus: a document it sets
    # aside is never read, so it counts as not used.
    shortlist = Shortlist(q["question"], settings, embedder) if first_stage else None
    docs, _ = gather_documents(request, settings, shortlist=shortlist)
    aspects = question_aspects(q["question"])
    relevance = score_relevance(q["question"], docs, embedder, settings.extract, aspects)
    pairs = sorted(zip(docs, relevance, strict=True), key=lambda p: -p[1].score)
    used_docs = [d for d, r in pairs if r.used]
    claims = extract_claims(
        q["question"],
        used_docs,
        embedder,
        settings.extract,
        is_prose,
        question_focus(q["question"]),
    )
    final = mark_sources_without_claims([r for _, r in pairs], claims)
    names = {d.doc_id: _source_id(d, scifact_order) for d in docs}
    read = {d.doc_id for d in docs}
    aside = [(d, r) for d, r in (shortlist.set_aside if shortlist else []) if d.doc_id not in read]
    names |= {d.doc_id: _source_id(d, scifact_order) for d, _ in aside}
    return {
        "used": [names[r.doc_id] for r in final if r.used],
        "rows": [(names[r.doc_id], r) for r in [*final, *(r for _, r in aside)]],
        "claims": [(names[c.doc_id], c) for c in claims],
    }


def score_used(q: dict[str, Any], used: list[str]) -> tuple[int, int, int]:
    """True positives, false positives and false negatives, ambiguous sources ignored."""
    relevant, ambiguous = set(q["relevant"]), set(q["ambiguous"])
    judged = [u for u in used if u not in ambiguous]
    tp = sum(u in relevant for u in judged)
    return tp, len(judged) - tp, len(relevant) - tp


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def _print_table(name: str, rows: list[tuple[str, int, int, int, int]]) -> None:
    print(f"\n{name}: question | used | P | R | claims")
    totals = [0, 0, 0, 0]
    for qid, tp, fp, fn, n_claims in rows:
        print(
            f"  {qid:32s} {tp + fp:3d}  {_ratio(tp, tp + fp):.2f}  {_ratio(tp, tp + fn):.2f}  {n_claims:3d}"
        )
        totals = [a + b for a, b in zip(totals, [tp, fp, fn, n_claims], strict=True)]
    tp, fp, fn, n_claims = totals
    print(
        f"  {'overall (micro)':32s} {tp + fp:3d}  {_ratio(tp, tp + fp):.2f}  "
        f"{_ratio(tp, tp + fn):.2f}  {n_claims:3d}"
    )


def text_key(text: str) -> str:
    """How a label names its claim: sha256 of the whitespace-normalised text (16 hex digits).

    The labels file holds no sentence of the papers themselves, only this key.
    """
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def load_labels(path: Path) -> dict[tuple[str, str, str], bool]:
    """Hand labels of claims: (question id, source, text key) -> bears on the question."""
    return {
        (r["question_id"], r["source"], r["text_sha256"]): bool(r["bears_on_question"])
        for r in load_questions(path)
    }


def _print_label_share(name: str, verdicts: list[bool | None]) -> None:
    judged = [v for v in verdicts if v is not None]
    share = sum(judged) / len(judged) if judged else float("nan")
    print(
        f"  {name}: {len(verdicts)} claims, {len(judged)} labelled, "
        f"{share:.0%} of the labelled bear on their question, "
        f"{len(verdicts) - len(judged)} unlabelled"
    )


def _print_details(qid: str, result: dict[str, Any]) -> None:
    print(f"\n[{qid}]")
    for name, r in result["rows"]:
        mark = "USED" if r.used else "    "
        print(f"  {mark} {r.score:.3f} {name[:48]:48s} {r.reason}")


def main() -> None:
    """Run every question and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["scifact", "realpdf"], default=None)
    parser.add_argument(
        "--claims-out", type=Path, default=Path("/tmp/report_relevance_claims.jsonl")
    )
    parser.add_argument("--details", action="store_true", help="Print every source's score.")
    parser.add_argument(
        "--no-first-stage",
        action="store_true",
        help="Read every document of the corpus (skip the library's first stage).",
    )
    args = parser.parse_args()
    from synth.embed import build_embedder
    from synth.settings import load_settings

    settings = load_settings()
    embedder = build_embedder(settings)
    questions = [q for q in load_questions(QUESTIONS) if args.corpus in (None, q["corpus"])]
    scifact_order = _scifact_ids(load_questions(QUESTIONS))
    pdfs = sorted((REALDATA / "pdfs").glob("*.pdf"))
    tables: dict[str, list[tuple[str, int, int, int, int]]] = {"scifact": [], "realpdf": []}
    labels = load_labels(LABELS)
    verdicts: dict[str, list[bool | None]] = {"scifact": [], "realpdf": []}
    by_role: dict[str, list[tuple[str, int, int, int, int]]] = {}
    role_verdicts: dict[str, list[bool | None]] = {}
    with tempfile.TemporaryDirectory() as tmp, args.claims_out.open("w") as dump:
        corpora = {"scifact": [write_scifact_corpus(scifact_order, Path(tmp))], "realpdf": pdfs}
        for q in questions:
            result = run_question(
                q, corpora[q["corpus"]], scifact_order, settings, embedder, not args.no_first_stage
            )
            tp, fp, fn = score_used(q, result["used"])
            row_counts = (q["id"], tp, fp, fn, len(result["claims"]))
            tables[q["corpus"]].append(row_counts)
            by_role.setdefault(q.get("role", "check"), []).append(row_counts)
            if args.details:
                _print_details(q["id"], result)
            for source, claim in result["claims"]:
                row = {
                    "question_id": q["id"],
                    "source": source,
                    "text_sha256": text_key(claim.text),
                    "text": claim.text,  # for labelling; only the key goes into the labels file
                }
                verdict = labels.get((q["id"], source, text_key(claim.text)))
                verdicts[q["corpus"]].append(verdict)
                role_verdicts.setdefault(q.get("role", "check"), []).append(verdict)
                extra = {"relevance": claim.relevance, "bears_on_question": verdict}
                dump.write(json.dumps({**row, **extra}) + "\n")
    embedder.close()
    for name, rows in tables.items():
        if rows:
            _print_table(name, rows)
    print("\nused sources per role: role | questions | used | P | R | claims")
    for role, rows in sorted(by_role.items()):
        tp, fp, fn = sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)
        n_claims = sum(r[4] for r in rows)
        print(
            f"  {role:10s} {len(rows):3d}  {tp + fp:3d}  {_ratio(tp, tp + fp):.2f}  "
            f"{_ratio(tp, tp + fn):.2f}  {n_claims:3d}"
        )
    every = [r for rows in by_role.values() for r in rows]
    tp, fp, fn = sum(r[1] for r in every), sum(r[2] for r in every), sum(r[3] for r in every)
    print(
        f"  {'all':10s} {len(every):3d}  {tp + fp:3d}  {_ratio(tp, tp + fp):.2f}  "
        f"{_ratio(tp, tp + fn):.2f}  {sum(r[4] for r in every):3d}"
    )
    print("\nclaims against the hand labels (tests/data/claim_relevance_labels.jsonl):")
    for name, found in verdicts.items():
        if found:
            _print_label_share(name, found)
    for role, found in sorted(role_verdicts.items()):
        _print_label_share(f"role {role}", found)
    _print_label_share("all", [v for found in verdicts.values() for v in found])
    print(f"\nclaims written to {args.claims_out}")


if __name__ == "__main__":
    main()
