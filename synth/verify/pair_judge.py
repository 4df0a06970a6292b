"""Verdicts from the pair model, with numbers and negation as hard rules on top.

For each claim, FAISS + BM25 retrieve candidates (they never decide); the pair model reads the
claim against the best ``pair_candidates`` of them, plus the best ``foreign_candidates`` of
other sources when its own paper fills the top (one batched call for all claims); the stack
turns those readings into a calibrated P(supported); then the rules:

- a claim with a quantity is never ``supported`` unless a passage the model reads as support
  states it (within the precision the claim gives: rounding is agreement);
- a near-restatement (the model does not read it as unrelated, or cosine >= 0.8) giving another
  value for the same quantity makes the claim ``contradicted``, with both spans in the note;
  the same quantity of the same thing: unless the passage is that close a restatement, the
  words next to the two values must share one (``quantities.measured_words``: an odds ratio
  of hip fracture does not contradict an odds ratio of all-cause mortality);
- a value that one passage states and another passage gives otherwise is decided by the
  passage naming more of the claim's content words (``verify.closer_value_rule``): "the big
  models were trained for 100,000 steps" is not supported by the base models' 100,000 steps
  when a passage on the big models gives 300,000 (it is contradicted by that passage);
- a near-paraphrase with the sense reversed (the feature rule) makes it ``contradicted``, and
  so does a passage that restates it reversed lexically (:mod:`synth.verify.reversal`: sides of
  a comparison swapped, an opposite in place; :mod:`synth.verify.exclusivity`: "only X" where
  the passage says "both X and Y");
- none of these contradicts a claim through another passage of its own paper (candidates
  with ``same_document``: only a claim extracted from an indexed paper has one; a typed claim
  has no paper of its own). A paper's sentence is what that paper reports; another value or
  the reverse sense elsewhere in it almost always belongs to another condition (another
  dataset, baseline or ablation: on the PaSa paper, 6 of 12 extracted results had been
  "contradicted" by its results for other settings), and where it does not, the paper is
  inconsistent, which says nothing about which of its two sentences to doubt;
- nor does another paper's passage contradict a paper's sentence (through a number or the
  model's reading) unless it names at least half of the sentence's content words or is close
  to it (cosine 0.8): "+0.7% performance gain on the test set" of a 7-layer FitNet had
  "contradicted" Hinton et al.'s "the distilled model makes 47.3% test errors" (both name
  "test"; the one rises, the other falls), two experiments with nothing in common. A typed
  claim is read as before;
- with ``verify.name_rule`` substituted, a passage that gives another name in the place of a
  claim name it lacks is never support (``names.substituted_names``); with abstracts (the
  default), neither is a passage of a document that is only an abstract when it lacks a name
  the claim gives and the abstract gives elsewhere;
  with strict, a claim is never ``supported`` unless a passage the model
  reads as support (or its document's title) names what the claim names (genes, drugs,
  acronyms, models: :mod:`synth.verify.names`); with ``elsewhere``, only names that the
  passage's own paper gives somewhere else count;
- a passage naming the claim's category ("grade 1", "type 2") only with other numbers is never
  support (:mod:`synth.verify.labels`);
- a passage whose document defines an acronym of the claim otherwise (the claim's "AMP-activated
  protein kinase (IPF)" where the source defines "idiopathic pulmonary fibrosis (IPF)") is never
  support (:mod:`synth.verify.acronyms`, ``verify.acronym_rule``);
- a passage that only presents its paper's contents ("In this paper, we present a review of
  ...", :mod:`synth.verify.presentation`) is never shown as support;
- a passage that names none of the claim's content words (numbers and "-ly" adverbs aside:
  ``names.shares_content``) is never support, whatever the model reads;
- a passage that measures only another kind of outcome than the claim (cost: speed, memory,
  hardware use; against quality: performance, accuracy, error) is never support
  (:mod:`synth.outcomes`: KDFlow's "significantly improving hardware utilization" had
  corroborated a survey's "the performance of the lightweight deep models (student) can be
  easily improved"); applied to typed claims too, it left the SciFact dev metrics and both
  real-PDF scores as they were;
- a claim stays ``supported`` only if its strongest supporting passage reads as support for the
  claim more than for its reversals (:mod:`synth.verify.contrast`; one more batched call, only
  for the claims that would be supported);
- an otherwise unverified claim that a passage restates in nearly its own words, names and
  figures (:mod:`synth.verify.restatement`, ``verify.restatement_share``) is ``supported``
  through it, unless the passage holds a conflict a reader can point at or reads as one;
- an otherwise unverified claim whose specific figures a table of one document restates
  (:mod:`synth.verify.tables`, ``verify.table_rule``) is ``supported``, with those rows first
  among its evidence, their stance the model's and a note naming the cells.

Each passage's stance is the model's reading of it (argmax), overruled only by the number rule:
a passage read as "neither" is never shown as support or contradiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from synth.outcomes import other_outcome
from synth.quantities import measured_words
from synth.records import Claim, Evidence, Stance, Verdict, VerdictLabel
from synth.settings import VerifySettings
from synth.verify.acronyms import misdefined
from synth.verify.aligned_reading import as_read
from synth.verify.contrast import reversals
from synth.verify.evidence import Candidate, EvidencePool
from synth.verify.exclusivity import exclusivity_reversal
from synth.verify.feature_judge import FeatureJudge
from synth.verify.features import pointable_conflict
from synth.verify.labels import other_category
from synth.verify.names import content_words, missing_names, shares_content, substituted_names
from synth.verify.numbers import Alignment, QuantityAlignment, agrees, align
from synth.verify.pair_model import PairModel
from synth.verify.presentation import presents_only
from synth.verify.restatement import restates
from synth.verify.reversal import closeness, compares, reversed_restatement, same_order
from synth.verify.score import FittedModel, has_polarity_conflict
from synth.verify.stack import aggregate_readings
from synth.verify.tables import table_restatement

_READING: tuple[Stance, ...] = ("supports", "contradicts", "neutral")
# A passage this close restates the claim, so a different value in it is a real conflict.
RESTATEMENT_COS = 0.8
# verify.evidence_window -> the (before, after) neighbour counts of each window also read.
WINDOWS: dict[str, tuple[tuple[int, int], ...]] = {
    "off": (),
    "next": ((0, 1),),
    "previous": ((1, 0),),
    "both": ((0, 1), (1, 0)),
}


@dataclass
class Reading:
    """One candidate passage as the pair model and the number rule read it."""

    cand: Candidate
    probs: np.ndarray  # (supports, contradicts, neither)
    alignment: Alignment
    stance: Stance
    note: str | None = None
    text: str | None = None  # what the model read when it was a window, not the passage alone
    read: str = ""  # the text the model and the number rule read (the alignment's spans)


@dataclass
class Prepared:
    """A claim's candidates and the feature model's view of them, before the pair model runs."""

    claim: Claim
    cands: list[Candidate]
    pairs: list[dict[str, float]]
    feature_p_support: float
    # The text each candidate's kept reading is of: the passage, or a window around it.
    texts: list[str] = field(default_factory=list)


class PairJudge:
    """Judges claims with the pair model over each claim's top evidence candidates."""

    def __init__(
        self,
        pool: EvidencePool,
        features: FeatureJudge,
        model: PairModel,
        stack: FittedModel | None,
        settings: VerifySettings,
    ) -> None:
        self.pool, self.features, self.model = pool, features, model
        self.stack, self.settings = stack, settings

    def verdicts(self, claims: list[Claim], vectors: np.ndarray) -> list[Verdict]:
        """One Verdict per claim, in order."""
        prepared = []
        for claim, vec in zip(claims, vectors, strict=True):
            cands = self.pool.candidates(claim, vec)
            p_feat, pairs = self.features.feature_support(claim.text, cands)
            docs = [self.pool.refs[c.row].doc_id for c in cands]
            picked = model_candidates(cands, pairs, self.settings, docs)
            prepared.append(Prepared(claim, *picked, p_feat))
        blocks = self._read(prepared)
        out = [self._verdict(prep, block) for prep, block in zip(prepared, blocks, strict=True)]
        if self.settings.sense_contrast:
            for i, reversal in self._reversed_support(prepared, out).items():
                out[i] = self._verdict(prepared[i], blocks[i], reversal)
        return out

    def _read(self, prepared: list[Prepared]) -> list[np.ndarray]:
        """The model's (k, 3) readings of each claim's candidates, in one batched call.

        With ``verify.evidence_window`` each candidate is also read joined with its neighbours
        (a finding often spans two sentences: a result and the population it holds for); the
        window's reading replaces the passage's when it reads as stronger support, and
        ``Prepared.texts`` records which text was kept.
        """
        asks: list[tuple[int, int, str]] = []  # (claim index, candidate index, text read)
        for i, prep in enumerate(prepared):
            for j, cand in enumerate(prep.cands):
                # The passage alone comes first, then the windows of a passage too long to be
                # read whole beside the claim, then the neighbours of evidence_window.
                passage = self.pool.texts[cand.row]
                pieces = (
                    self.model.pieces(prep.claim.text, passage)
                    if self.settings.long_passage_windows
                    else [passage]
                )
                asks += [(i, j, text) for text in pieces]
                asks += [(i, j, text) for text in self._windows(prep.claim, cand.row)]
        blocks = [np.zeros((len(p.cands), 3)) for p in prepared]
        if not asks:
            return blocks
        probs = self.model.probabilities(
            *self._as_read([prepared[i].claim.text for i, _, _ in asks], [t for _, _, t in asks])
        )
        for (i, j, text), p in zip(asks, probs, strict=True):
            prep = prepared[i]
            if len(prep.texts) == j:
                prep.texts.append(text)
                blocks[i][j] = p
            elif p[0] > blocks[i][j][0]:
                prep.texts[j] = text
                blocks[i][j] = p
        return blocks

    def _as_read(self, claims: list[str], passages: list[str]) -> tuple[list[str], list[str]]:
        """The pairs as the model reads them (``verify.aligned_reading``)."""
        if not self.settings.aligned_reading:
            return claims, passages
        pairs = [as_read(c, p) for c, p in zip(claims, passages, strict=True)]
        return [c for c, _ in pairs], [p for _, p in pairs]

    def _windows(self, claim: Claim, row: int) -> list[str]:
        """Texts of the windows around a passage that ``verify.evidence_window`` asks for."""
        out = []
        for before, after in WINDOWS[self.settings.evidence_window]:
            rows = self.pool.window(row, before, after, claim)
            if len(rows) > 1:
                out.append(" ".join(self.pool.texts[r] for r in rows))
        return out

    def _text(self, prep: Prepared, j: int) -> str:
        """The text candidate ``j``'s kept reading is of."""
        return prep.texts[j] if j < len(prep.texts) else self.pool.texts[prep.cands[j].row]

    def _reversed_support(
        self, prepared: list[Prepared], verdicts: list[Verdict]
    ) -> dict[int, tuple[int, str]]:
        """For supported claims whose best supporting passage reads as support for a reversal
        of the claim at least as strongly: claim index -> (passage row, that reversal)."""
        # (claim index, row, text read, reversal, p_support)
        asks: list[tuple[int, int, str, str, float]] = []
        for i, (prep, verdict) in enumerate(zip(prepared, verdicts, strict=True)):
            if verdict.label != "supported" or not verdict.evidence:
                continue
            if verdict.features.get("table_restated"):  # the table rule, not a reading
                continue
            best = verdict.evidence[0]
            j = next(
                (
                    j
                    for j, c in enumerate(prep.cands)
                    if self.pool.refs[c.row].doc_id == best.doc_id
                    and self.pool.refs[c.row].passage.idx == best.passage_idx
                ),
                None,
            )
            if j is None:
                continue
            row, text = prep.cands[j].row, self._text(prep, j)
            asks += [(i, row, text, rev, best.score) for rev in reversals(prep.claim.text)]
        if not asks:
            return {}
        probs = self.model.probabilities(
            *self._as_read([rev for _, _, _, rev, _ in asks], [t for _, _, t, _, _ in asks])
        )
        found: dict[int, tuple[int, str]] = {}
        for (i, row, _, rev, p_claim), p in zip(asks, probs, strict=True):
            if i not in found and float(p[0]) >= p_claim:
                found[i] = (row, rev)
        return found

    def _readings(self, prep: Prepared, probs: np.ndarray, paper: bool) -> list[Reading]:
        """The model's reading of each candidate, with its stance after the reading rules;
        ``paper``: the claim is a sentence of an indexed paper."""
        readings = []
        for j, (cand, p, cues) in enumerate(zip(prep.cands, probs, prep.pairs, strict=False)):
            stance = _READING[int(np.argmax(p))]
            passage = self.pool.texts[cand.row]
            if stance == "contradicts" and not pointable_conflict(prep.claim.text, passage, cues):
                # On real papers the model reads some paraphrases as contradictions; an
                # accusation needs something a reader can point at (another number, a negation,
                # a reversed direction word; not a "without" that names a condition).
                stance = "neutral"
            if stance == "contradicts" and paper and not _says_claim(prep.claim.text, passage):
                # A paper's sentence against another paper: the cue may be another
                # experiment's, and a passage naming under half of the claim's content words
                # is about something else (module docstring).
                stance = "neutral"
            if stance == "contradicts" and cand.same_document:
                # Inside one paper, a sentence with other numbers or hedges describes another
                # condition (EN-FR against EN-DE): a paper never contradicts its own claim.
                stance = "neutral"
            # The number rule checks the text the model read: a window must state the numbers.
            text = self._text(prep, j)
            # A window of neighbours is shown as read; a piece of a long passage (a substring
            # of it) is shown as the whole passage, which is what a reader can find.
            window = text if text not in self.pool.texts[cand.row] else None
            note = None
            if stance == "supports" and presents_only(self.pool.texts[cand.row]):
                stance, note = "neutral", "presents the paper's contents; states no finding"
            elif stance == "supports" and not shares_content(prep.claim.text, text):
                stance, note = "neutral", "names none of the claim's content words"
            elif stance == "supports" and (other := other_outcome(prep.claim.text, text)):
                stance, note = "neutral", other
            reading = Reading(
                cand, p, align(prep.claim.text, text), stance, note, text=window, read=text
            )
            readings.append(reading)
        return readings

    def _number_rules(self, claim: str, readings: list[Reading], paper: bool) -> tuple[bool, bool]:
        """(support blocked: no supporting passage states the claim's quantities, conflict).

        ``paper``: the claim is a sentence of an indexed paper (module docstring)."""
        if not readings or not readings[0].alignment.claim_has_quantities:
            return False, False
        conflict = False
        # A quantity some passage states is not contradicted by another passage's other value
        # (papers report several conditions), and an evidence value that equals another of
        # the claim's quantities is that quantity, not a conflict.
        stated = {
            i for r in readings for i, it in enumerate(r.alignment.items) if it.status == "matched"
        }
        claim_values = [it.claim for it in readings[0].alignment.items]
        closer = (
            _closer_other_value(claim, readings, stated) if self.settings.closer_value_rule else {}
        )
        stated -= set(closer)
        for r in readings:
            # Another source restates the claim when it is close in wording or the model does
            # not read it as unrelated; inside the claim's own paper a close restatement with
            # another value is another condition's, noted but never a conflict (module
            # docstring).
            own = r.cand.same_document
            close = r.cand.cosine >= RESTATEMENT_COS
            restates = close or (not own and r.probs[2] < 0.5)
            real = [
                it
                for i, it in enumerate(r.alignment.items)
                if it.status == "conflict"
                and i not in stated
                and it.evidence is not None
                and not any(agrees(q, it.evidence) for q in claim_values)
                and (close or _same_thing(claim, it, r.read))
                and (close or not paper or _says_claim(claim, r.read))
            ]
            if real and restates and own:
                r.stance = "neutral"
                r.note = _other_condition_note(real[0])
            elif real and restates:
                r.stance, conflict = "contradicts", True
                r.note = _conflict_note(real[0])
            elif r.stance == "supports" and not r.alignment.all_stated:
                r.stance = "neutral"
                r.note = "does not state the claim's numbers"
            elif r.stance == "supports" and (
                taken := [i for i, it in enumerate(r.alignment.items) if i in closer]
            ):
                # The value it states is another thing's: a closer passage gives the claim's
                # thing another value.
                item = r.alignment.items[taken[0]]
                r.stance = "neutral"
                r.note = (
                    f"states {item.claim.raw!r} of something else: a passage naming more of the "
                    f"claim's words gives {closer[taken[0]]!r}"
                )
        backed = any(r.stance == "supports" for r in readings)
        return not backed, conflict

    def _reversal_rule(self, claim: str, readings: list[Reading]) -> bool:
        """True when a passage restates the claim reversed and none still supports it."""
        if not self.settings.reversal_rule:
            return False
        closest = 0.0  # how closely the best reversed passage restates the claim
        for r in readings:
            if r.cand.same_document:  # a paper does not reverse its own claim (module docstring)
                continue
            text = self.pool.texts[r.cand.row]
            note = reversed_restatement(claim, text) or exclusivity_reversal(claim, text)
            if note:
                r.stance, r.note = "contradicts", note
                closest = max(closest, closeness(claim, text))
        if not closest:
            return False

        # Papers state several conditions: a supporting passage that restates the claim more
        # closely than the reversed one keeps it (a looser "support" is the model's guess); a
        # comparison is kept only by a passage that states it the same way round.
        def keeps(r: Reading) -> bool:
            text = self.pool.texts[r.cand.row]
            if compares(claim):
                return same_order(claim, text)
            return closeness(claim, text) > closest

        return not any(r.stance == "supports" and keeps(r) for r in readings)

    def _name_rule(self, claim: str, readings: list[Reading]) -> bool:
        """True when support is blocked: no supporting passage names what the claim names."""
        mode = self.settings.name_rule
        if mode == "off":
            return False
        backed = False
        for r in readings:
            if r.stance != "supports":
                continue
            # An abstract names every thing its study is about within a few sentences, so a
            # name it gives elsewhere but not here is another thing (the elsewhere reading);
            # a paper's result often takes its dataset from the section (substituted only).
            elsewhere = mode == "elsewhere" or (
                mode == "abstracts" and self.pool.is_abstract(r.cand.row)
            )
            if mode in ("substituted", "abstracts"):
                # A name the passage replaces with another one in the same place: the passage
                # says the same thing of something else.
                swaps = substituted_names(claim, r.text or self.pool.texts[r.cand.row])
                if swaps:
                    r.stance = "neutral"
                    r.note = "; ".join(
                        f"names {theirs} where the claim names {mine}" for mine, theirs in swaps
                    )
                    continue
                if not elsewhere:
                    backed = True
                    continue
            # The sentences around a passage name what it calls "it" or "the model".
            text = self.pool.context(r.cand.row, self.settings.name_context)
            missing = missing_names(claim, text, self.pool.title(r.cand.row))
            if missing and elsewhere:
                # A name its paper never gives is often the claim writer's own word for what
                # the passage says ("Th2 cells"); one the paper gives elsewhere is another
                # thing the paper tells apart from what this passage is about.
                document = self.pool.document_text(r.cand.row)
                unnamed = set(missing_names(claim, document))
                missing = [m for m in missing if m not in unnamed]
            if missing:
                r.stance = "neutral"
                r.note = "does not name " + ", ".join(missing)
            else:
                backed = True
        return not backed

    def _label_rule(self, claim: str, readings: list[Reading]) -> bool:
        """True when support is blocked: every supporting passage names the claim's category
        ("grade 1", "type 2") only with other numbers (:mod:`synth.verify.labels`)."""
        changed, backed = False, False
        for r in readings:
            if r.stance != "supports":
                continue
            label = other_category(claim, r.text or self.pool.texts[r.cand.row])
            if label is None:
                backed = True
                continue
            r.stance, r.note = (
                "neutral",
                f"names {label.split()[0]} with another number than {label!r}",
            )
            changed = True
        return changed and not backed

    def _restatement(self, prep: Prepared, readings: list[Reading]) -> Reading | None:
        """The first reading of a passage that restates the claim (:mod:`synth.verify.
        restatement`): its figures stated, nothing to point at against it, not read as a
        contradiction; None when none does."""
        claim = prep.claim.text
        for j, r in enumerate(readings):
            if int(np.argmax(r.probs)) == 1 or not r.alignment.all_stated:
                continue
            if presents_only(self.pool.texts[r.cand.row]):
                continue
            title = self.pool.title(r.cand.row)
            if not restates(claim, r.read, title, self.settings.restatement_share):
                continue
            if not pointable_conflict(claim, r.read, prep.pairs[j] if j < len(prep.pairs) else {}):
                return r
        return None

    def _table_rule(self, prep: Prepared) -> list[Evidence]:
        """The table rows that restate the claim's specific figures (:mod:`synth.verify.tables`)
        as evidence, from the first document whose tables do; [] when none does."""
        if not self.settings.table_rule:
            return []
        claim = prep.claim
        docs = [claim.doc_id] if self.pool.has_document(claim.doc_id) else []
        docs += [self.pool.refs[c.row].doc_id for c in prep.cands]
        for doc_id in dict.fromkeys(docs):
            rows = self.pool.table_rows(doc_id)
            if not rows:
                continue
            found = table_restatement(claim.text, rows, self.pool.document_text(rows[0].row))
            if found is None:
                continue
            # The rows are read too: their score and stance stay the model's.
            probs = self.model.probabilities(
                *self._as_read([claim.text] * len(found), [r.text for r, _ in found])
            )
            out = []
            for (row, cells), p in zip(found, probs, strict=True):
                caption = f" ({row.caption})" if row.caption else ""
                note = f"a table row{caption} states " + "; ".join(cells)
                stance: Stance = "supports" if int(np.argmax(p)) == 0 else "neutral"
                cand = Candidate(row.row, 0.0, 0.0, doc_id == claim.doc_id, False)
                out.append(self.pool.evidence(cand, float(p[0]), stance, note))
            return out
        return []

    def _acronym_rule(self, claim: str, readings: list[Reading]) -> bool:
        """True when support is blocked: the claim defines an acronym otherwise than every
        supporting passage's document does (:mod:`synth.verify.acronyms`)."""
        if not self.settings.acronym_rule or "(" not in claim:
            return False
        changed, backed = False, False
        for r in readings:
            if r.stance != "supports":
                continue
            notes = misdefined(claim, self.pool.document_text(r.cand.row))
            if not notes:
                backed = True
                continue
            r.stance, r.note, changed = "neutral", "; ".join(notes), True
        return changed and not backed

    def _probabilities(self, feats: dict[str, float]) -> tuple[float, float]:
        if self.stack is None:  # only while fitting the stack itself
            return feats["pair_s_max"], feats["pair_c_max"]
        p3 = self.stack.probabilities(self.stack.rows([feats]))
        return float(self.stack.calibrated_support(p3)[0]), float(p3[0, 1])

    def _verdict(
        self, prep: Prepared, probs: np.ndarray, reversal: tuple[int, str] | None = None
    ) -> Verdict:
        paper = self.pool.has_document(prep.claim.doc_id)  # the claim is a paper's sentence
        readings = self._readings(prep, probs, paper)
        cos = np.array([c.cosine for c in prep.cands], dtype=np.float64)
        feats = aggregate_readings(
            probs, list(range(len(prep.cands))), prep.feature_p_support, float(cos.max(initial=0))
        )
        p_s, p_c = self._probabilities(feats)
        blocked, num_conflict = self._number_rules(prep.claim.text, readings, paper)
        reversed_sense = self._reversal_rule(prep.claim.text, readings)
        name_blocked = self._name_rule(prep.claim.text, readings)
        label_blocked = self._label_rule(prep.claim.text, readings)
        acronym_blocked = self._acronym_rule(prep.claim.text, readings)
        sense_blocked = reversal is not None
        if reversal is not None:
            for r in readings:
                if r.cand.row == reversal[0] and r.stance == "supports":
                    r.stance = "neutral"
                    r.note = f"reads as support for the reversed claim too: {reversal[1]!r}"
        polarity = has_polarity_conflict(cos, prep.pairs[: len(cos)]) and not (
            prep.cands[int(np.argmax(cos))].same_document
        )
        if polarity:
            best = readings[int(np.argmax(cos))]
            best.stance, best.note = "contradicts", "restates the claim with the sense reversed"
        label = self._label(
            p_s,
            p_c,
            readings,
            blocked or name_blocked or label_blocked or acronym_blocked or sense_blocked,
            num_conflict or polarity or reversed_sense,
        )
        table = self._table_rule(prep) if label == "unverified" else []
        if table:
            label = "supported"
        restating = None
        if not table and label == "unverified":
            withheld = label_blocked or acronym_blocked or sense_blocked
            restating = None if withheld else self._restatement(prep, readings)
            if restating is not None:
                label = "supported"
                restating.stance = "supports"
                restating.note = "restates the claim: its words, names and figures"
        if self.stack is not None:
            p_s = self.stack.final_confidence(
                p_s, label == "supported", self.settings.support_threshold
            )
        elif label != "supported":
            p_s = min(p_s, max(0.0, self.settings.support_threshold - 0.01))
        feats.update(
            p_contradicted=p_c,
            number_blocked=float(blocked),
            name_blocked=float(name_blocked),
            label_blocked=float(label_blocked),
            acronym_blocked=float(acronym_blocked),
            sense_blocked=float(sense_blocked),
            number_conflict=float(num_conflict),
            reversal_rule=float(reversed_sense),
            polarity_conflict_rule=float(polarity),
            table_restated=float(bool(table)),
            restatement_rule=float(restating is not None),
            n_candidates=float(len(prep.cands)),
        )
        return Verdict(
            claim_id=prep.claim.claim_id,
            label=label,
            confidence=float(np.clip(p_s, 0.0, 1.0)),
            evidence=(table + self._evidence(readings, label))[: self.settings.top_k],
            features={k: round(float(v), 6) for k, v in feats.items()},
        )

    def _label(
        self, p_s: float, p_c: float, readings: list[Reading], blocked: bool, hard: bool
    ) -> VerdictLabel:
        stances = {r.stance for r in readings}
        if hard:
            return "contradicted"
        if p_s >= self.settings.support_threshold and not blocked and "supports" in stances:
            return "supported"
        c_threshold = self.settings.contradiction_threshold
        if c_threshold is None:
            c_threshold = self.stack.contradiction_threshold if self.stack else 0.5
        if p_c >= c_threshold and p_c > p_s and "contradicts" in stances:
            return "contradicted"
        return "unverified"

    def _evidence(self, readings: list[Reading], label: VerdictLabel) -> list[Evidence]:
        want: Stance = {"supported": "supports", "contradicted": "contradicts"}.get(
            label, "neutral"
        )  # type: ignore[assignment]  # the dict's values are all Stance literals
        col = {"supports": 0, "contradicts": 1, "neutral": 0}[want]
        # The strongest passages for the verdict first, then the rest by support reading.
        ordered = sorted(
            readings, key=lambda r: (r.stance != want, -float(r.probs[col]), -r.cand.cosine)
        )
        return [
            self.pool.evidence(r.cand, float(r.probs[0]), r.stance, r.note, r.text)
            for r in ordered[: self.settings.top_k]
        ]


def model_candidates(
    cands: list[Candidate],
    pairs: list[dict[str, float]],
    settings: VerifySettings,
    doc_ids: list[str],
) -> tuple[list[Candidate], list[dict[str, float]]]:
    """The candidates the model reads: the top ``pair_candidates``, plus the best
    ``foreign_candidates`` of other sources when none made the top (a paper's own sentences are
    usually closest to its claim, yet only another source can corroborate it), one per other
    source first; ``doc_ids`` gives each candidate's document."""
    k = settings.pair_candidates
    chosen = list(range(min(k, len(cands))))
    if cands and cands[0].same_document and not any(not cands[i].same_document for i in chosen):
        extra = [i for i in range(k, len(cands)) if not cands[i].same_document]
        # The two closest passages of other papers are often one paper's (KDFlow citing
        # Hinton et al. twice for Hinton et al.'s own conclusion) while the paper that
        # restates the result (FitNets: "a student network could imitate the soft output of
        # a larger teacher network or ensemble") sits a rank further down.
        firsts: dict[str, int] = {}
        for i in extra:
            firsts.setdefault(doc_ids[i], i)
        lead = set(firsts.values())
        extra = sorted(lead) + [i for i in extra if i not in lead]
        chosen += sorted(extra[: settings.foreign_candidates])
    return [cands[i] for i in chosen], [pairs[i] for i in chosen]


def _closer_other_value(claim: str, readings: list[Reading], stated: set[int]) -> dict[int, str]:
    """The stated claim quantities that a passage naming more of the claim's content words
    gives another value (of the same thing, ``_same_thing``), with that value as written: the
    passage that states the claim's value is about something else ("base models" where the
    claim and the closer passage say "big models"). A passage of the claim's own paper never
    decides this (another value there is another condition: module docstring)."""
    if not stated:
        return {}
    words = content_words(claim)
    shared = [len(words & content_words(r.read)) for r in readings]
    out: dict[int, str] = {}
    for i in sorted(stated):
        pairs = [(n, r.alignment.items[i]) for n, r in zip(shared, readings, strict=True)]
        matched = max((n for n, it in pairs if it.status == "matched"), default=0)
        for r, (n, it) in zip(readings, pairs, strict=True):
            if (
                it.status == "conflict"
                and not r.cand.same_document  # another condition of the claim's own paper
                and it.evidence is not None
                and n > matched
                and _same_thing(claim, it, r.read)
            ):
                out[i] = it.evidence.raw
                break
    return out


def _other_condition_note(item: QuantityAlignment) -> str:
    found = item.evidence.raw if item.evidence is not None else "another value"
    return (
        f"states {found!r} where the claim states {item.claim.raw!r}: another value in the "
        "claim's own paper (usually another dataset, baseline or setting), not counted as a "
        "contradiction"
    )


def _same_thing(claim: str, item: QuantityAlignment, evidence: str) -> bool:
    """Whether a conflicting pair of values measure the same thing (a word next to both)."""
    if item.evidence is None:
        return False
    return bool(measured_words(claim, item.claim) & measured_words(evidence, item.evidence))


def _says_claim(claim: str, evidence: str) -> bool:
    """Whether a passage names at least half of the claim's content words: a value it gives
    can then be the claim's thing measured otherwise, not another experiment's ("+0.7% ... on
    the test set" of a 7-layer network is no other value for "47.3% test errors" of a
    distilled MNIST model, though both name "test")."""
    words = content_words(claim)
    return not words or len(words & content_words(evidence)) >= 0.5 * len(words)


def _conflict_note(item: QuantityAlignment) -> str:
    found = item.evidence.raw if item.evidence is not None else "another value"
    return f"claim states {item.claim.raw!r}; this passage states {found!r}"
