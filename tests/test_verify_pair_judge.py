"""The pair judge's rules on top of the model, with a scripted pair model and the real pool.

The scripted model reads every on-topic passage as support, as a similarity-driven model would;
the number and negation rules must still keep false claims from being supported. It is blind to
sense by construction, so the sense contrast (which withholds support from such a model) is off
in those tests and tested on its own with a model that reads sense.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from synth.records import Claim, Document
from synth.settings import VerifySettings
from synth.verify.evidence import Candidate, EvidencePool
from synth.verify.feature_judge import FeatureJudge
from synth.verify.features import direction, negation_count
from synth.verify.pair_judge import PairJudge, model_candidates
from synth.verify.pair_model import load_pair_model
from synth.verify.score import load_model
from synth.verify.verifier import verify_claims
from tests.test_verify_verifier import PLANTS, TRIAL, claim, make_doc


class ScriptedModel:
    """Reads a passage as support when it shares 'blood pressure' with the claim, else neither."""

    def pieces(self, claim: str, passage: str) -> list[str]:
        return [passage]

    def probabilities(self, claims: list[str], passages: list[str]) -> np.ndarray:
        rows = []
        for c, p in zip(claims, passages, strict=True):
            on_topic = "blood pressure" in c and "blood pressure" in p
            rows.append([0.9, 0.05, 0.05] if on_topic else [0.05, 0.05, 0.9])
        return np.array(rows)


class SenseReadingModel(ScriptedModel):
    """Like ScriptedModel, but support drops when the claim's negation or direction differs."""

    def probabilities(self, claims: list[str], passages: list[str]) -> np.ndarray:
        rows = super().probabilities(claims, passages)
        for row, c, p in zip(rows, claims, passages, strict=True):
            flipped = (negation_count(c) > 0) != (negation_count(p) > 0)
            if row[0] > 0.5 and (flipped or direction(c) * direction(p) < 0):
                row[:] = [0.3, 0.4, 0.3]
        return rows


def judge(
    embedder: object, tmp_path: Path, model: object = None, **overrides: object
) -> tuple[PairJudge, list]:  # type: ignore[type-arg]
    settings = VerifySettings(**{"sense_contrast": False, **overrides})  # type: ignore[arg-type]
    docs = [make_doc("trial", TRIAL), make_doc("plants", PLANTS)]
    pool = EvidencePool(docs, embedder, settings, tmp_path)  # type: ignore[arg-type]
    features = FeatureJudge(pool, load_model(), settings)
    pj = PairJudge(pool, features, model or ScriptedModel(), None, settings)  # type: ignore[arg-type]
    return pj, docs


def verdicts(
    embedder: object, tmp_path: Path, claims: list[Claim], model: object = None, **overrides: object
) -> dict[str, object]:
    pj, _ = judge(embedder, tmp_path, model, **overrides)
    vecs = embedder.encode([c.text for c in claims])  # type: ignore[attr-defined]
    return {v.claim_id: v for v in pj.verdicts(claims, vecs)}


@pytest.mark.model
def test_number_rules_override_a_model_that_reads_support(embedder: object, tmp_path: Path) -> None:
    out = verdicts(
        embedder,
        tmp_path,
        [
            claim("same", "Drug X lowered systolic blood pressure by 12 mmHg in adults."),
            claim("rounded", "Drug X lowered systolic blood pressure by about 12 mmHg."),
            claim("changed", "Drug X lowered systolic blood pressure by 30 mmHg in adults."),
            claim("unstated", "Drug X lowered diastolic blood pressure in 7 of 10 adults."),
        ],
    )
    assert out["same"].label == "supported"  # type: ignore[attr-defined]
    assert out["rounded"].label == "supported"  # type: ignore[attr-defined]
    changed = out["changed"]
    assert changed.label == "contradicted"  # type: ignore[attr-defined]
    top = changed.evidence[0]  # type: ignore[attr-defined]
    assert top.stance == "contradicts" and "12 mmHg" in top.text
    assert "30" in top.note and "12" in top.note  # both spans shown
    unstated = out["unstated"]
    assert unstated.label != "supported"  # type: ignore[attr-defined]
    # A passage that does not state the claim's numbers is never shown as support.
    assert all(e.stance != "supports" for e in unstated.evidence)  # type: ignore[attr-defined]


@pytest.mark.model
def test_reversed_restatement_is_contradicted(embedder: object, tmp_path: Path) -> None:
    out = verdicts(
        embedder,
        tmp_path,
        [
            claim(
                "rev",
                "In a randomized trial of 400 adults, drug X did not lower systolic blood pressure "
                "by 12 mmHg compared with placebo.",
            )
        ],
    )
    rev = out["rev"]
    assert rev.label == "contradicted"  # type: ignore[attr-defined]
    assert rev.evidence[0].stance == "contradicts"  # type: ignore[attr-defined]


@pytest.mark.model
def test_reversal_rule_contradicts_what_a_sense_blind_model_supports(
    embedder: object, tmp_path: Path
) -> None:
    rows = [
        ("abstract", "We compared two treatments of high blood pressure in older adults."),
        ("results", "Drug X lowered blood pressure more than drug Y did in older adults."),
    ]
    claims = [claim("rev", "Drug Y lowered blood pressure more than drug X did in older adults.")]
    vecs = embedder.encode([c.text for c in claims])  # type: ignore[attr-defined]
    for on in (True, False):
        settings = VerifySettings(sense_contrast=False, reversal_rule=on)
        pool = EvidencePool([make_doc("cmp", rows)], embedder, settings, tmp_path / str(on))  # type: ignore[arg-type]
        pj = PairJudge(
            pool, FeatureJudge(pool, load_model(), settings), ScriptedModel(), None, settings
        )  # type: ignore[arg-type]
        (v,) = pj.verdicts(claims, vecs)
        if on:
            assert v.label == "contradicted"
            top = v.evidence[0]
            assert top.stance == "contradicts" and "other way round" in (top.note or "")
            assert "more than drug Y" in (top.note or "")
        else:
            assert v.label == "supported"  # what the rule is there to stop


@pytest.mark.model
def test_neither_reading_is_never_shown_as_stance(embedder: object, tmp_path: Path) -> None:
    out = verdicts(embedder, tmp_path, [claim("off", "Maize is grown in hot climates.")])
    off = out["off"]
    assert off.label == "unverified"  # type: ignore[attr-defined]
    assert all(e.stance == "neutral" for e in off.evidence)  # type: ignore[attr-defined]


@pytest.mark.model
def test_shipped_model_labels_evidence_by_its_reading(embedder: object, tmp_path: Path) -> None:
    """With the shipped adapter: at most three passages, each "supports" one the model reads so."""
    docs = [make_doc("trial", TRIAL), make_doc("plants", PLANTS)]
    claims = [
        claim("para", "Drug X reduced systolic blood pressure by 12 mmHg relative to placebo."),
        claim("neg", "Drug X did not reduce systolic blood pressure compared with placebo."),
        claim("plant", "C4 plants concentrate carbon dioxide around RuBisCO."),
    ]
    model = load_pair_model()
    found = verify_claims(claims, docs, embedder, VerifySettings(), tmp_path)  # type: ignore[arg-type]
    for v, c in zip(found, claims, strict=True):
        assert len(v.evidence) <= 3
        for e in v.evidence:
            reading = int(np.argmax(model.probabilities([c.text], [e.text])[0]))
            if e.stance == "supports":
                assert reading == 0, (c.claim_id, e.text)
            if e.stance == "contradicts" and e.note is None:
                assert reading == 1, (c.claim_id, e.text)
    by_id = {v.claim_id: v for v in found}
    assert by_id["para"].label == "supported"
    assert by_id["neg"].label != "supported"


@pytest.mark.model
def test_sense_contrast_withholds_support_a_sense_blind_reading_gives(
    embedder: object, tmp_path: Path
) -> None:
    claims = [
        claim("same", "Drug X lowered systolic blood pressure in adults compared with placebo."),
        claim("neg", "Drug X did not lower systolic blood pressure in adults."),
    ]
    # A model that reads a claim and its negation alike supports neither once contrasted.
    blind = verdicts(embedder, tmp_path, claims, sense_contrast=True)
    for v in blind.values():
        assert v.label != "supported"  # type: ignore[attr-defined]
    noted = [e for e in blind["same"].evidence if "reversed claim" in (e.note or "")]  # type: ignore[attr-defined]
    assert noted and all(e.stance == "neutral" for e in noted)
    # A model that reads sense keeps the true claim supported and the negation not.
    aware = verdicts(embedder, tmp_path, claims, SenseReadingModel(), sense_contrast=True)
    assert aware["same"].label == "supported"  # type: ignore[attr-defined]
    assert aware["neg"].label != "supported"  # type: ignore[attr-defined]


@pytest.mark.model
def test_a_claim_naming_what_no_supporting_passage_names_is_not_supported(
    embedder: object, tmp_path: Path
) -> None:
    out = verdicts(
        embedder,
        tmp_path,
        [
            claim("named", "Drug X lowered systolic blood pressure in adults."),
            claim("swapped", "Drug X lowered systolic blood pressure in adults with CKD4."),
        ],
        name_rule="strict",
    )
    assert out["named"].label == "supported"  # type: ignore[attr-defined]
    swapped = out["swapped"]
    assert swapped.label != "supported"  # type: ignore[attr-defined]
    assert any("does not name ckd4" in (e.note or "") for e in swapped.evidence)  # type: ignore[attr-defined]


def _cands(flags: list[bool]) -> list[Candidate]:
    return [Candidate(i, 0.9 - 0.01 * i, 1.0, same, False) for i, same in enumerate(flags)]


def test_model_reads_the_best_other_sources_when_its_own_paper_fills_the_top() -> None:
    vs = VerifySettings(pair_candidates=3, foreign_candidates=2)
    cands = _cands([True, True, True, True, False, True, False, False])
    pairs = [{"i": float(i)} for i in range(len(cands))]
    docs = ["own"] * 4 + ["a", "own", "b", "c"]
    chosen, chosen_pairs = model_candidates(cands, pairs, vs, docs)
    assert [c.row for c in chosen] == [0, 1, 2, 4, 6]
    assert [p["i"] for p in chosen_pairs] == [0, 1, 2, 4, 6]  # features stay aligned


def test_the_extra_passages_come_from_different_sources_first() -> None:
    # Ranks 4 and 5 are one other paper's, rank 7 a third paper's: that third paper, which may
    # be the one restating the claim, is read before a second passage of the first.
    vs = VerifySettings(pair_candidates=3, foreign_candidates=2)
    cands = _cands([True, True, True, True, False, False, True, False])
    docs = ["own", "own", "own", "own", "kdflow", "kdflow", "own", "fitnets"]
    chosen, chosen_pairs = model_candidates(cands, [{"i": float(i)} for i in range(8)], vs, docs)
    assert [c.row for c in chosen] == [0, 1, 2, 4, 7]
    assert [p["i"] for p in chosen_pairs] == [0, 1, 2, 4, 7]
    # When no third paper offers a passage, the other paper's second passage is read.
    one_other = ["own"] * 4 + ["kdflow", "kdflow", "own", "kdflow"]
    picked = model_candidates(cands, [{} for _ in cands], vs, one_other)[0]
    assert [c.row for c in picked] == [0, 1, 2, 4, 5]


def test_no_extra_passages_when_another_source_is_already_read() -> None:
    vs = VerifySettings(pair_candidates=3, foreign_candidates=2)
    cands = _cands([True, False, True, False, False])
    chosen, _ = model_candidates(cands, [{} for _ in cands], vs, ["own", "a", "own", "b", "c"])
    assert [c.row for c in chosen] == [0, 1, 2]
    # A statement of no paper (synth verify) or a single source: the plain top k.
    alone = _cands([False] * 6)
    docs = [f"d{i}" for i in range(len(alone))]
    assert [c.row for c in model_candidates(alone, [{} for _ in alone], vs, docs)[0]] == [0, 1, 2]


@pytest.mark.model
def test_a_paper_does_not_contradict_its_own_sentence_with_another_condition(
    embedder: object, tmp_path: Path
) -> None:
    first = "In the first cohort, drug X lowered systolic blood pressure by 12 mmHg versus placebo."
    rows = [
        ("title", "Drug X in two cohorts"),
        ("results", first),
        ("results", "In the second cohort, drug X lowered systolic blood pressure by 9 mmHg versus "
         "placebo."),
    ]  # fmt: skip
    pj = _docs_judge(embedder, tmp_path, [make_doc("cohorts", rows)])
    reported = claim("reported", first, doc_id="cohorts", passage_idx=1)  # extracted from it
    typed = claim("typed", first)  # the same words, typed by a user: no sentence of its own
    vecs = embedder.encode([first, first])  # type: ignore[attr-defined]
    by_id = {v.claim_id: v for v in pj.verdicts([reported, typed], vecs)}
    # The paper states the claim itself; its 9 mmHg belongs to the other cohort.
    assert by_id["reported"].label != "contradicted"
    other = next(e for e in by_id["reported"].evidence if "9 mmHg" in e.text)
    assert other.stance == "neutral" and "own paper" in (other.note or "")
    # A typed claim is checked against the paper like any source: the other value conflicts.
    assert by_id["typed"].label == "contradicted"


class FixedModel(ScriptedModel):
    """Reads every pair alike: ``READING`` (supports, contradicts, neither)."""

    READING = (0.05, 0.05, 0.9)

    def probabilities(self, claims: list[str], passages: list[str]) -> np.ndarray:
        return np.tile(self.READING, (len(claims), 1))


class RelatedModel(FixedModel):
    """Reads every pair as related (never "neither"), as a model may for one topic's papers."""

    READING = (0.4, 0.35, 0.25)


@pytest.mark.model
def test_another_value_of_another_thing_is_no_contradiction(
    embedder: object, tmp_path: Path
) -> None:
    rows = [
        ("title", "Statins without established cardiovascular disease"),
        ("results", "Statins reduced the risk of all cause mortality (odds ratio 0.88, 95% "
         "confidence interval 0.81 to 0.96)."),
    ]  # fmt: skip
    texts = {
        "hip": "Current statin use was associated with a lower risk of hip fracture (adjusted "
        "OR, 0.29; 95% CI, 0.10-0.81).",
        "same": "Statins lowered all cause mortality (odds ratio 0.78, 95% CI 0.70 to 0.90).",
    }
    pj = _pool_judge(embedder, tmp_path, rows, RelatedModel())
    by_id: dict[str, Any] = _judged(pj, embedder, texts)
    # An odds ratio of hip fracture says nothing against one of all-cause mortality...
    assert by_id["hip"].label != "contradicted"
    assert all(e.stance != "contradicts" for e in by_id["hip"].evidence)
    # ...while another odds ratio of all-cause mortality does contradict.
    assert by_id["same"].label == "contradicted"
    assert "0.78" in (by_id["same"].evidence[0].note or "")


class ContradictingModel(FixedModel):
    """Reads every pair as a contradiction, as the shipped model may for two results."""

    READING = (0.1, 0.8, 0.1)


@pytest.mark.model
def test_another_papers_experiment_does_not_contradict_a_papers_sentence(
    embedder: object, tmp_path: Path
) -> None:
    mnist = (
        "If the transfer set holds only the 7s and 8s, the distilled model makes 47.3% test "
        "errors, and this falls to 13.2% test errors once the biases are reduced."
    )
    docs = [
        make_doc("mnist", [("title", "Distilling an ensemble"), ("results", mnist)]),
        make_doc(
            "hints",
            [
                ("title", "Hints for thin deep nets"),
                ("results", "Trained with hints, the 7-layer network obtains a 0.7% performance "
                 "gain on the test set, and its accuracy increases."),
            ],
        ),
    ]  # fmt: skip
    pj = _docs_judge(embedder, tmp_path, docs, ContradictingModel())
    reported = claim("reported", mnist, doc_id="mnist", passage_idx=1)
    typed = claim("typed", mnist)
    vecs = embedder.encode([mnist, mnist])  # type: ignore[attr-defined]
    by_id = {v.claim_id: v for v in pj.verdicts([reported, typed], vecs)}
    # Both name "test" and one rises where the other falls, but they share under half of the
    # sentence's content words: another experiment, not a contradiction of the paper's result.
    hints = [e for e in by_id["reported"].evidence if e.doc_id == "hints"]
    assert hints and all(e.stance != "contradicts" for e in hints)
    assert by_id["reported"].label != "contradicted"
    # A typed claim is read as before: the model's reading with a pointable cue stands.
    assert any(e.stance == "contradicts" for e in by_id["typed"].evidence)


class SupportingModel(FixedModel):
    """Reads every pair as support, as a model blind to what a number is of may."""

    READING = (0.9, 0.05, 0.05)


@pytest.mark.model
def test_a_closer_passage_with_another_value_decides_the_claim_s_value(
    embedder: object, tmp_path: Path
) -> None:
    rows = [
        ("title", "Training translation models"),
        ("method", "We trained the base models for a total of 100,000 steps or 12 hours."),
        ("method", "The big models were trained for 300,000 steps on eight GPUs."),
    ]
    texts = {
        "big": "The big models were trained for 100,000 steps.",
        "base": "The base models were trained for 100,000 steps.",
    }
    pj = _pool_judge(embedder, tmp_path, rows, SupportingModel())
    by_id: dict[str, Any] = _judged(pj, embedder, texts)
    # The base models' 100,000 steps is no support for the big models: the passage on the big
    # models gives 300,000, with both values in the note.
    big = by_id["big"]
    assert big.label == "contradicted"
    assert big.evidence[0].stance == "contradicts" and "300,000" in big.evidence[0].note
    base_passage = next(e for e in big.evidence if "base models" in e.text)
    assert base_passage.stance == "neutral" and "something else" in base_passage.note
    assert by_id["base"].label == "supported"
    # Without the rule, a value stated anywhere is stated.
    pj = _pool_judge(embedder, tmp_path, rows, SupportingModel(), closer_value_rule=False)
    assert _judged(pj, embedder, texts)["big"].label == "supported"  # type: ignore[attr-defined]


@pytest.mark.model
def test_a_passage_sharing_no_content_word_is_never_support(
    embedder: object, tmp_path: Path
) -> None:
    rows = [
        ("title", "Statins in primary prevention"),
        ("results", "Statins substantially decrease CVD morbidity, but only moderately reduce CVD "
         "mortality."),
        ("results", "Midlife serum cholesterol was associated with an increased risk of dementia."),
    ]  # fmt: skip
    pj = _pool_judge(embedder, tmp_path, rows, RelatedModel())
    texts = {"chol": "Even moderately elevated cholesterol increased dementia risk."}
    verdict: Any = _judged(pj, embedder, texts)["chol"]
    by_text = {e.text[:10]: e for e in verdict.evidence}
    # The model reads both as support; the CVD sentence names nothing the claim speaks of.
    assert by_text["Statins su"].stance == "neutral"
    assert by_text["Statins su"].note == "names none of the claim's content words"
    assert by_text["Midlife se"].stance == "supports"


@pytest.mark.model
def test_a_passage_on_another_kind_of_outcome_supports_no_claim(
    embedder: object, tmp_path: Path
) -> None:
    # Invented in the manner of the survey and KDFlow: both name a teacher, a student and an
    # improvement, but one improves the student's performance and the other hardware use.
    finding = (
        "The performance of small student models is clearly improved by the knowledge "
        "transferred from large teacher models."
    )
    hardware = (
        "Running the teacher model and the student model on separate backends clearly improves "
        "hardware utilization."
    )
    docs = [
        make_doc("survey", [("title", "Distillation: a survey"), ("results", finding)]),
        make_doc("framework", [("title", "A distillation framework"), ("results", hardware)]),
    ]
    pj = _docs_judge(embedder, tmp_path, docs, SupportingModel())
    reported = claim("reported", finding, doc_id="survey", passage_idx=1)
    typed = claim("typed", finding)
    vecs = embedder.encode([finding, finding])  # type: ignore[attr-defined]
    by_id = {v.claim_id: v for v in pj.verdicts([reported, typed], vecs)}
    # A paper's own sentence and a typed claim alike: the model's support reading is set aside.
    for claim_id in ("reported", "typed"):
        (other,) = [e for e in by_id[claim_id].evidence if e.doc_id == "framework"]
        assert other.stance == "neutral"
        assert other.note == (
            "measures what it costs (time, memory, hardware), where the claim measures how "
            "well a model does"
        )


@pytest.mark.model
def test_a_passage_presenting_the_paper_is_never_support(embedder: object, tmp_path: Path) -> None:
    rows = [
        ("title", "Blood pressure drugs: a review"),
        ("abstract", "In this review, we present the treatments of high blood pressure in adults."),
        ("results", "Adverse events were rare."),
    ]
    settings = VerifySettings(sense_contrast=False)
    pool = EvidencePool([make_doc("review", rows)], embedder, settings, tmp_path)  # type: ignore[arg-type]
    pj = PairJudge(
        pool, FeatureJudge(pool, load_model(), settings), ScriptedModel(), None, settings
    )  # type: ignore[arg-type]
    text = "Drug X lowers high blood pressure in adults."
    (v,) = pj.verdicts([claim("c", text)], embedder.encode([text]))  # type: ignore[attr-defined]
    # The scripted model reads the presentation as support; what a paper covers is no finding.
    assert v.label != "supported"
    shown = next(e for e in v.evidence if "In this review" in e.text)
    assert shown.stance == "neutral" and "states no finding" in (shown.note or "")


def _docs_judge(
    embedder: object,
    tmp_path: Path,
    docs: list[Document],
    model: object = None,
    **overrides: object,
) -> PairJudge:
    settings = VerifySettings(**{"sense_contrast": False, **overrides})  # type: ignore[arg-type]
    pool = EvidencePool(docs, embedder, settings, tmp_path)  # type: ignore[arg-type]
    return PairJudge(
        pool, FeatureJudge(pool, load_model(), settings), model or ScriptedModel(), None, settings
    )  # type: ignore[arg-type]


def _pool_judge(
    embedder: object,
    tmp_path: Path,
    rows: list[tuple[str, str]],
    model: object = None,
    **overrides: object,
) -> PairJudge:
    return _docs_judge(embedder, tmp_path, [make_doc("paper", rows)], model, **overrides)


def _judged(pj: PairJudge, embedder: object, texts: dict[str, str]) -> dict[str, object]:
    claims = [claim(key, text) for key, text in texts.items()]
    vecs = embedder.encode(list(texts.values()))  # type: ignore[attr-defined]
    return {v.claim_id: v for v in pj.verdicts(claims, vecs)}


@pytest.mark.model
def test_names_substituted_blocks_a_passage_that_names_another_thing_in_the_claim_s_place(
    embedder: object, tmp_path: Path
) -> None:
    rows = [
        ("title", "Two antihypertensive compounds"),
        ("results", "AZD1234 lowered systolic blood pressure by 12 mmHg in adults."),
    ]
    texts = {
        "right": "AZD1234 lowered systolic blood pressure in adults.",
        "swapped": "LX44 lowered systolic blood pressure in adults.",
        # The writer's own name for the trial's setting, with no other name in its place.
        "own_word": "AZD1234 lowered systolic blood pressure in adults with HTN.",
    }
    out = _judged(_pool_judge(embedder, tmp_path, rows, name_rule="substituted"), embedder, texts)
    assert out["right"].label == "supported"  # type: ignore[attr-defined]
    assert out["own_word"].label == "supported"  # type: ignore[attr-defined]
    swapped = out["swapped"]
    assert swapped.label != "supported"  # type: ignore[attr-defined]
    notes = [e.note or "" for e in swapped.evidence]  # type: ignore[attr-defined]
    assert any("names AZD1234 where the claim names LX44" in n for n in notes)
    off = _judged(_pool_judge(embedder, tmp_path, rows, name_rule="off"), embedder, texts)
    assert off["swapped"].label == "supported"  # type: ignore[attr-defined]


@pytest.mark.model
def test_names_elsewhere_blocks_only_a_name_its_paper_gives_to_something_else(
    embedder: object, tmp_path: Path
) -> None:
    rows = [
        ("title", "Two antihypertensive compounds"),
        ("results", "AZD1234 lowered systolic blood pressure by 12 mmHg in adults."),
        ("results", "LX44 was given to a second group at night."),
    ]
    texts = {
        "right": "AZD1234 lowered systolic blood pressure in adults.",
        # The paper names LX44, and not in the passage that reads as support: misattributed.
        "misattributed": "LX44 lowered systolic blood pressure in adults.",
        # A name the paper never gives may be the writer's own word: not judged by this mode.
        "unknown": "QP77 lowered systolic blood pressure in adults.",
        "unknown_acronym": "QPX lowered systolic blood pressure in adults.",
    }
    out = _judged(_pool_judge(embedder, tmp_path, rows, name_rule="elsewhere"), embedder, texts)
    assert out["right"].label == "supported"  # type: ignore[attr-defined]
    assert out["unknown"].label == "supported"  # type: ignore[attr-defined]
    assert out["unknown_acronym"].label == "supported"  # type: ignore[attr-defined]
    wrong = out["misattributed"]
    assert wrong.label != "supported"  # type: ignore[attr-defined]
    assert any("does not name lx44" in (e.note or "") for e in wrong.evidence)  # type: ignore[attr-defined]
    strict = _judged(_pool_judge(embedder, tmp_path, rows, name_rule="strict"), embedder, texts)
    assert strict["unknown"].label != "supported"  # type: ignore[attr-defined]
    assert strict["right"].label == "supported"  # type: ignore[attr-defined]


@pytest.mark.model
def test_names_abstracts_reads_elsewhere_only_inside_an_abstract(
    embedder: object, tmp_path: Path
) -> None:
    texts = {
        "right": "AZD1234 lowered systolic blood pressure in adults.",
        # No other name stands in LX44's place (no substitution), but the document gives LX44
        # to another group: inside an abstract that is another thing than this result.
        "misattributed": "AZD1234 lowered systolic blood pressure in adults given LX44.",
        # Substituted, in either kind of document.
        "swapped": "QP77 lowered systolic blood pressure in adults.",
    }
    result = "AZD1234 lowered systolic blood pressure by 12 mmHg in adults."
    other = "LX44 was given to a second group at night."
    title = ("title", "Two antihypertensive compounds")
    abstract = [title, ("abstract", result), ("abstract", other)]
    out = _judged(_pool_judge(embedder, tmp_path, abstract, name_rule="abstracts"), embedder, texts)
    assert out["right"].label == "supported"  # type: ignore[attr-defined]
    assert out["swapped"].label != "supported"  # type: ignore[attr-defined]
    wrong = out["misattributed"]
    assert wrong.label != "supported"  # type: ignore[attr-defined]
    assert any("does not name lx44" in (e.note or "") for e in wrong.evidence)  # type: ignore[attr-defined]
    # In a full paper the same sentences are read as by substituted: a result's subject is
    # often named only by its section, so a name given elsewhere does not withhold support.
    paper = [title, ("results", result), ("method", other)]
    out = _judged(_pool_judge(embedder, tmp_path, paper, name_rule="abstracts"), embedder, texts)
    assert out["swapped"].label != "supported"  # type: ignore[attr-defined]
    assert out["misattributed"].label == "supported"  # type: ignore[attr-defined]
    assert VerifySettings().name_rule == "abstracts"


@pytest.mark.model
def test_a_passage_naming_another_category_does_not_support(
    embedder: object, tmp_path: Path
) -> None:
    rows = [
        ("title", "Drug X in diabetes"),
        ("results", "In adults with type 2 diabetes, drug X lowered systolic blood pressure."),
    ]
    texts = {
        "same": "Drug X lowered systolic blood pressure in type II diabetes.",
        "other": "Drug X lowered systolic blood pressure in type 1 diabetes.",
    }
    out = _judged(_pool_judge(embedder, tmp_path, rows), embedder, texts)
    assert out["same"].label == "supported"  # type: ignore[attr-defined]
    other = out["other"]
    assert other.label != "supported"  # type: ignore[attr-defined]
    assert any("'type 1'" in (e.note or "") for e in other.evidence)  # type: ignore[attr-defined]
    assert other.features["label_blocked"] == 1.0  # type: ignore[attr-defined]


class TailModel(ScriptedModel):
    """Reads support only in the second half of a long passage, as if truncation hid it."""

    def pieces(self, claim: str, passage: str) -> list[str]:
        words = passage.split()
        return [passage, " ".join(words[len(words) // 2 :])] if len(words) > 20 else [passage]

    def probabilities(self, claims: list[str], passages: list[str]) -> np.ndarray:
        rows = super().probabilities(claims, passages)
        for row, p in zip(rows, passages, strict=True):
            if p.startswith("Across"):  # the whole long passage: its end is cut off
                row[:] = [0.05, 0.05, 0.9]
        return rows


@pytest.mark.model
def test_a_long_passage_is_read_in_windows_and_shown_whole(
    embedder: object, tmp_path: Path
) -> None:
    long = (
        "Across four trials, six hospitals and two years of follow-up under three dosing "
        "schedules, our analysis yields three findings: adherence was high; adverse events "
        "were rare; and drug X lowered systolic blood pressure in adults."
    )
    rows = [("title", "Drug X: pooled trials"), ("results", long)]
    settings = VerifySettings(sense_contrast=False)
    pool = EvidencePool([make_doc("pooled", rows)], embedder, settings, tmp_path)  # type: ignore[arg-type]
    pj = PairJudge(pool, FeatureJudge(pool, load_model(), settings), TailModel(), None, settings)  # type: ignore[arg-type]
    text = "Drug X lowered systolic blood pressure in adults."
    (v,) = pj.verdicts([claim("c", text)], embedder.encode([text]))  # type: ignore[attr-defined]
    assert v.label == "supported"
    assert v.evidence[0].text == long and v.evidence[0].stance == "supports"


@pytest.mark.model
def test_pair_model_windows_of_a_long_passage_fit_beside_the_claim() -> None:
    model = load_pair_model(VerifySettings().pair_model)
    claim_text = "Smaller models with Skills can match larger models without them."
    short = "Smaller models with Skills match larger models without Skills."
    assert model.pieces(claim_text, short) == [short]
    long = " ".join(f"finding {i} holds for condition {i} across every dataset;" for i in range(40))
    pieces = model.pieces(claim_text, long)
    assert pieces[0] == long and len(pieces) > 2
    room = model.config.max_length - len(model.tokenizer.tokenize(claim_text)) - 3
    assert all(len(model.tokenizer.tokenize(p)) <= room for p in pieces[1:])
    assert all(p in long for p in pieces[1:])
    assert pieces[-1].endswith("dataset;")  # the end, which truncation would cut, is read


class NeitherModel(ScriptedModel):
    """Reads every pair as 'neither': a model that misses a near-verbatim restatement."""

    def probabilities(self, claims: list[str], passages: list[str]) -> np.ndarray:
        return np.array([[0.3, 0.05, 0.65]] * len(claims))


SAME = "Adverse events were mild and occurred at similar rates in both arms."
FIGURES = "In a randomized trial of 400 adults drug X lowered systolic blood pressure by 12 mmHg."


@pytest.mark.model
def test_a_passage_restating_the_claim_supports_it_though_the_model_misses_it(
    embedder: object, tmp_path: Path
) -> None:
    claims = [
        claim("same", SAME),
        claim("figures", FIGURES),
        claim("changed", FIGURES.replace("12 mmHg", "20 mmHg")),
        claim("negated", "Adverse events were not mild and occurred at similar rates."),
        claim("other", "Adverse events were severe in the placebo group of drug Y."),
    ]
    out = verdicts(embedder, tmp_path, claims, NeitherModel())
    same = out["same"]
    assert same.label == "supported"  # type: ignore[attr-defined]
    top = same.evidence[0]  # type: ignore[attr-defined]
    assert top.stance == "supports" and top.note.startswith("restates the claim")
    assert same.features["restatement_rule"] == 1.0  # type: ignore[attr-defined]
    assert out["figures"].label == "supported"  # type: ignore[attr-defined]
    # Another figure, a negation, or a passage saying other things: no support.
    for cid in ("changed", "negated", "other"):
        assert out[cid].label != "supported", cid  # type: ignore[attr-defined]
    # Turned off, the model's reading stands.
    off = verdicts(embedder, tmp_path, claims[:1], NeitherModel(), restatement_share=0.0)
    assert off["same"].label == "unverified"  # type: ignore[attr-defined]
