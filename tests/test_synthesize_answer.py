"""The extractive answer: built from findings only, cited, shaped by the question."""

from __future__ import annotations

import re

from synth.records import Claim, Evidence, Finding, FindingQuantity, Verdict
from synth.settings import SynthesizeSettings
from synth.synthesize.answer import extractive_answer, leans_back, question_form, to_clause
from tests.doc_factory import make_document

SETTINGS = SynthesizeSettings()
EXTENT = "To what extent can knowledge distillation shrink a teacher network?"


def claim(cid: str, text: str, doc: str) -> Claim:
    return Claim(
        claim_id=cid, text=text, doc_id=doc, passage_idx=0, page=1, section="Results",
        char_start=0, char_end=len(text), relevance=0.7,
    )  # fmt: skip


def finding(
    fid: str, c: Claim, verdict: str = "supported", sources: tuple[str, ...] = (),
    quantity: str | None = None, relevance: float = 0.7, contrasting: tuple[str, ...] = (),
) -> Finding:  # fmt: skip
    qs = (
        [FindingQuantity(raw=quantity, value=1.0, unit="times", claim_id=c.claim_id)]
        if quantity
        else []
    )
    return Finding(
        finding_id=fid, statement=c.text, representative=c.claim_id, claims=[c.claim_id],
        reported_by=[c.doc_id, *sources], quantities=qs, relevance=relevance, strength=0.5,
        verdict=verdict, contrasting_claims=list(contrasting),  # type: ignore[arg-type]  # label and stance are Literals; tests pass plain str
    )  # fmt: skip


C1 = claim(
    "C1", "We show that the student needs 10.4 times fewer parameters than the teacher.", "docA"
)
C2 = claim(
    "C2",
    "Moreover, the student runs 3 times faster than the teacher (Hinton et al., 2015).",
    "docB",
)
C3 = claim("C3", "Knowledge distillation transfers dark knowledge from teachers.", "docC")
C4 = claim("C4", "BERT students keep most of the teacher's accuracy.", "docD")


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def test_question_forms() -> None:
    assert question_form(EXTENT) == "extent"
    assert question_form("How much faster are distilled models?") == "extent"
    assert question_form("Does distillation help?") == "yesno"
    assert question_form("How does distillation work?") == "open"


def test_extent_lead_quantifies_from_two_sources_with_numbers_from_claims() -> None:
    findings = [
        finding("F1", C3, sources=("docE",)),
        finding("F2", C1, quantity="10.4 times"),
        finding("F3", C2, quantity="3 times"),
    ]
    answer = extractive_answer(EXTENT, findings, [C1, C2, C3], [], SETTINGS)
    lead = answer.sentences[0]
    assert lead.text == (
        "The sources quantify the extent: the student needs 10.4 times fewer parameters than "
        "the teacher; the student runs 3 times faster than the teacher."
    )
    assert lead.citations == ["F2", "F3"] and lead.verified
    claim_numbers = {n for c in (C1, C2, C3) for n in numbers(c.text)}
    assert set(numbers(answer.text)) <= claim_numbers
    assert answer.writer == "extractive" and ".." not in answer.text
    assert answer.text == " ".join(s.text for s in answer.sentences)


def test_extent_lead_rests_on_supported_findings_and_flags_an_unverified_number() -> None:
    findings = [
        finding("F1", C3, sources=("docE",)),
        finding("F2", C1, "unverified", quantity="10.4 times"),
        finding("F3", C4),
    ]
    answer = extractive_answer(EXTENT, findings, [C1, C3, C4], [], SETTINGS)
    lead, figure = answer.sentences[:2]
    assert lead.text == (
        "No verified finding quantifies the extent; the sources report that knowledge "
        "distillation transfers dark knowledge from teachers, and that BERT students keep most "
        "of the teacher's accuracy."
    )
    assert lead.citations == ["F1", "F3"] and lead.verified
    # The number is shown, in a sentence of its own that says the verifier does not back it.
    assert figure.text == (
        "A figure on the extent is reported but not verified: the student needs 10.4 times "
        "fewer parameters than the teacher."
    )
    assert figure.citations == ["F2"] and not figure.verified
    # The lead said there is no verified number; the coverage sentence does not repeat it.
    assert "puts a number on the extent" not in answer.sentences[-1].text


def test_a_count_is_no_figure_on_the_extent() -> None:
    size = claim("C10", "The small student surpasses the larger 33B model.", "docA")
    share = claim("C11", "The student keeps 97% of the teacher's accuracy.", "docB")
    findings = [
        finding("F1", size, quantity="33B model", relevance=0.72),
        finding("F2", share, quantity="97%", relevance=0.7),
    ]
    answer = extractive_answer(EXTENT, findings, [size, share], [], SETTINGS)
    lead = answer.sentences[0]
    assert lead.citations[0] == "F2"
    assert lead.text.startswith("The sources quantify the extent: the student keeps 97%")
    only_size = extractive_answer(EXTENT, findings[:1], [size], [], SETTINGS)
    assert only_size.sentences[0].text.startswith("No verified finding quantifies the extent")


def test_a_further_finding_that_says_also_is_not_framed_with_also() -> None:
    lite = claim("C12", "Furthermore, the lite model also beats the 33B model.", "docB")
    findings = [finding("F1", C4, relevance=0.9), finding("F2", C3), finding("F3", lite)]
    answer = extractive_answer("How do students learn?", findings, [C4, C3, lite], [], SETTINGS)
    texts = [s.text for s in answer.sentences]
    assert "They further find that the lite model also beats the 33B model." in texts
    assert not any("also report that the lite model also" in t for t in texts)


def test_yes_no_lead_gives_the_direction() -> None:
    no = claim("C5", "Distillation does not improve robustness of the student.", "docA")
    answer = extractive_answer(
        "Does distillation improve robustness?", [finding("F1", no)], [no], [], SETTINGS
    )
    assert answer.sentences[0].text.startswith("The evidence points to no: distillation does not")
    yes = extractive_answer("Does distillation work?", [finding("F1", C3)], [C3], [], SETTINGS)
    assert yes.sentences[0].text.startswith("The evidence points to yes: knowledge distillation")


def test_yes_no_lead_gives_no_direction_from_findings_about_something_else() -> None:
    hints = claim("C8", "Hints from a teacher's middle layer help thin deep students.", "docA")
    question = "Does training on a teacher's soft targets reduce overfitting?"
    answer = extractive_answer(question, [finding("F1", hints)], [hints], [], SETTINGS)
    lead = answer.sentences[0]
    assert lead.text == (
        "No verified finding speaks to overfitting, so the sources give no yes or no; the "
        "closest verified finding reports, instead, that hints from a teacher's middle layer "
        "help thin deep students."
    )
    assert lead.citations == ["F1"] and lead.verified
    # An unverified finding that does speak to overfitting is shown, flagged, after the lead.
    reg = claim("C13", "Soft targets cut overfitting of the student on small data.", "docB")
    both = [finding("F1", hints), finding("F2", reg, verdict="unverified")]
    flagged = extractive_answer(question, both, [hints, reg], [], SETTINGS).sentences
    assert flagged[1].text == (
        "A finding on overfitting is reported but not verified: soft targets cut overfitting "
        "of the student on small data."
    )
    assert flagged[1].citations == ["F2"] and not flagged[1].verified
    # What the lead named as unaddressed is not named again by the coverage sentence.
    assert not any("overfitting" in s.text for s in flagged[2:])
    assert not any(s.text.startswith("Every part of the question") for s in flagged)
    soft = claim("C9", "Soft targets keep the student from overfitting to small data.", "docB")
    direct = extractive_answer(question, [finding("F1", soft)], [soft], [], SETTINGS)
    assert direct.sentences[0].text.startswith("The evidence points to yes: soft targets keep")


def test_yes_no_lead_needs_the_outcome_stated_of_the_question_s_subject() -> None:
    question = "Do statins reduce the risk of dementia or Alzheimer's disease?"
    cvd = claim("C14", "Statins substantially decrease cardiovascular morbidity.", "docA")
    chol = claim("C15", "Even moderately elevated cholesterol increased dementia risk.", "docB")
    findings = [finding("F1", cvd), finding("F2", chol)]
    lead = extractive_answer(question, findings, [cvd, chol], [], SETTINGS).sentences[0]
    assert lead.text.startswith(
        "No verified finding links statins to dementia or Alzheimer's disease, so the sources "
        "give no yes or no"
    )
    direct = claim("C16", "Statin use lowered the risk of dementia in older adults.", "docC")
    both = [finding("F1", direct), *findings]
    lead = extractive_answer(question, both, [direct, cvd, chol], [], SETTINGS).sentences[0]
    assert lead.text.startswith("The evidence points to yes: statin use lowered the risk")


def test_let_allow_and_add_are_question_verbs_so_a_yes_needs_the_outcome() -> None:
    # Without "let" as a question verb the question had no outcome, and a BLEU score gave "yes".
    question = "Does self-attention let the Transformer train faster than recurrent models?"
    bleu = claim("C17", "The Transformer reaches 28.4 BLEU on English-to-German.", "docA")
    lead = extractive_answer(question, [finding("F1", bleu)], [bleu], [], SETTINGS).sentences[0]
    assert lead.text.startswith("No verified finding links self-attention to ")
    assert "so the sources give no yes or no" in lead.text
    fast = claim(
        "C18", "With self-attention the Transformer trains faster than recurrent models.", "d"
    )
    lead = extractive_answer(question, [finding("F1", fast)], [fast], [], SETTINGS).sentences[0]
    assert lead.text.startswith("The evidence points to yes: with self-attention")


def test_a_statement_pointing_back_is_read_through_a_claim_of_its_finding_that_does_not() -> None:
    back = claim("C40", "It also exceeds the GPT-4o agent by 30.36% in recall.", "docA")
    whole = claim("C41", "PaSa-7b surpasses the GPT-4o agent by 30.36% in recall.", "docA")
    f = finding("F1", back, quantity="30.36%").model_copy(update={"claims": ["C40", "C41"]})
    lead = extractive_answer(EXTENT, [f], [back, whole], [], SETTINGS).sentences[0]
    assert "PaSa-7b surpasses the GPT-4o agent by 30.36% in recall" in lead.text
    assert "It also exceeds" not in lead.text and "it also exceeds" not in lead.text
    assert lead.citations == ["F1"] and lead.verified


def test_lead_flags_findings_about_the_opposite_configuration() -> None:
    thin = claim(
        "C10", "Hints let a thin and deep student outperform its teacher on CIFAR-10.", "docA"
    )
    question = "Does a shallow and wide student network outperform its teacher on CIFAR-10?"
    lead = extractive_answer(question, [finding("F1", thin)], [thin], [], SETTINGS).sentences[0]
    assert lead.text == (
        "The verified findings describe a thin and deep configuration, not the shallow and "
        "wide one the question asks about, so they give no yes or no: hints let a thin and "
        "deep student outperform its teacher on CIFAR-10."
    )
    assert lead.citations == ["F1"] and lead.verified
    # The same finding answers a question about the design it describes.
    same = extractive_answer(
        "Does a deep and thin student outperform its teacher on CIFAR-10?",
        [finding("F1", thin)],
        [thin],
        [],
        SETTINGS,
    )
    assert same.sentences[0].text.startswith("The evidence points to yes: hints let a thin")


def test_a_statement_pointing_back_does_not_lead() -> None:
    assert leans_back("Both errors originate from the tokenizer vocabulary.")
    assert leans_back("The two methods agree on CIFAR-10.")
    assert not leans_back("Both BERT and GPT-2 keep most of their accuracy.")
    both = claim("C11", "Both errors originate from the tokenizer vocabulary.", "docA")
    answer = extractive_answer(
        "Which errors do tokenizers cause?", [finding("F1", both), finding("F2", C4)], [both, C4],
        [], SETTINGS,
    )  # fmt: skip
    assert answer.sentences[0].citations == ["F2"]


def test_names_and_capitalised_phrases_keep_their_case() -> None:
    kd = claim("C6", "Knowledge Distillation (KD) compresses large models.", "docB")
    answer = extractive_answer(
        "How do students learn?", [finding("F1", C4), finding("F2", kd)], [C4, kd], [], SETTINGS
    )
    assert answer.sentences[0].text == (
        "The sources report that BERT students keep most of the teacher's accuracy, and that "
        "Knowledge Distillation (KD) compresses large models."
    )
    # A function word before a name is no name of two words: its capital goes.
    gap = claim("C7", "Although DeepSeek-Coder-V2 is strong, a gap to GPT-4 remains.", "docB")
    lead = extractive_answer(
        "How do students learn?", [finding("F1", C4), finding("F2", gap)], [C4, gap], [], SETTINGS
    ).sentences[0]
    assert "and that although DeepSeek-Coder-V2 is strong" in lead.text


def test_agreement_and_difference_sentences() -> None:
    rival = claim("C7", "Students never match their teachers on ImageNet.", "docF")
    findings = [
        finding("F1", C4),
        finding("F2", C2, contrasting=("C7",)),
        finding("F3", C3, sources=("docE",), relevance=0.5),  # too far below F1 to lead
    ]
    answer = extractive_answer(
        "How do students learn?", findings, [C2, C3, C4, rival], [], SETTINGS
    )
    texts = [s.text for s in answer.sentences]
    assert (
        "Independent sources agree that knowledge distillation transfers dark knowledge from teachers."
        in texts
    )
    differ = next(s for s in answer.sentences if s.text.startswith("The sources differ"))
    assert "whereas students never match their teachers on ImageNet." in differ.text
    assert differ.citations == ["F2", "C7"]
    assert answer.sentences[0].citations == ["F1", "F2"]


def test_coverage_sentence_comes_last_and_names_what_is_missing() -> None:
    answer = extractive_answer(
        EXTENT,
        [finding("F1", C1, quantity="10.4 times")],
        [C1],
        ["latency", "pass@k", "HumanEval"],
        SETTINGS,
    )
    last = answer.sentences[-1]
    assert last.text.startswith("The used sources do not address latency, pass@k or HumanEval; ")
    # Parts the sources mention but no verified finding states anything about are named too.
    assert last.text.endswith(
        "no verified finding speaks to knowledge distillation or teacher network."
    )
    assert last.citations == [] and not last.verified
    assert answer.uncovered == ["latency", "pass@k", "HumanEval"]


def test_coverage_sentence_when_every_part_is_answered() -> None:
    answer = extractive_answer(
        "Does the student need fewer parameters?", [finding("F1", C1)], [C1], [], SETTINGS
    )
    assert answer.sentences[-1].text == (
        "Every part of the question is addressed by at least one verified finding."
    )


def test_no_supported_finding_is_said_plainly() -> None:
    answer = extractive_answer(EXTENT, [finding("F1", C3, "unverified")], [C3], [], SETTINGS)
    assert answer.sentences[0].text.startswith("No finding drawn from the sources is supported")
    assert not any(s.verified for s in answer.sentences)
    assert answer.sentences[1].citations == ["F1"]
    # The note says why, not "not verified" again beside the renderer's own flag.
    assert answer.sentences[1].note == "cites a finding the verifier does not support"
    assert answer.note == "No finding is supported by the evidence."
    # The head said nothing is verified; the coverage sentence does not list every part again.
    assert answer.sentences[-1].text == "The used sources mention every part of the question."
    partial = extractive_answer(
        EXTENT, [finding("F1", C3, "unverified")], [C3], ["latency"], SETTINGS
    )
    assert partial.sentences[-1].text == "The used sources do not address latency."


def test_contradicted_findings_never_lead() -> None:
    answer = extractive_answer(
        "How do students learn?",
        [finding("F1", C1, "contradicted"), finding("F2", C4)],
        [C1, C4],
        [],
        SETTINGS,
    )
    assert answer.sentences[0].citations == ["F2"]
    bad = next(s for s in answer.sentences if "F1" in s.citations)
    assert bad.text.startswith("The evidence does not bear out") and not bad.verified


def test_sentence_limit_excludes_the_coverage_sentence() -> None:
    many = [
        claim(f"C{i}", f"Result number {i} holds for students.", f"doc{i}") for i in range(1, 12)
    ]
    findings = [finding(f"F{i}", c) for i, c in enumerate(many, 1)]
    answer = extractive_answer(
        "How do students learn?", findings, many, [], SynthesizeSettings(max_answer_sentences=2)
    )
    assert len(answer.sentences) == 3


def test_to_clause_strips_framing_citations_and_the_stop() -> None:
    assert to_clause("In fact, we find that soft targets help [3].") == "soft targets help"
    assert to_clause("CONCLUSION In adults, statin use was associated with longer survival.") == (
        "In adults, statin use was associated with longer survival"
    )
    assert to_clause(C2.text) == "the student runs 3 times faster than the teacher"
    assert to_clause("Firstly, evidence suggests that statins decrease CVD morbidity.") == (
        "evidence suggests that statins decrease CVD morbidity"
    )
    assert to_clause("Curated Skills (beige) improve performance (Fig. 2).") == (
        "Curated Skills improve performance"
    )
    assert to_clause("It matches the gain we observed in our experiments.") == (
        "It matches the gain the authors observed in their experiments"
    )
    assert to_clause("Our model wins.") == "the authors' model wins"
    assert to_clause("Finding 7: Smaller models with skills can exceed larger ones.") == (
        "Smaller models with skills can exceed larger ones"
    )


def test_extent_lead_prefers_a_compared_result_to_a_factor() -> None:
    factor = claim("C5", "The teacher's structure influences the student's performance.", "docA")
    factor = factor.model_copy(update={"kind": "conclusion"})
    result = claim("C6", "The distilled model works better than a model trained directly.", "docB")
    result = result.model_copy(update={"kind": "comparison"})
    findings = [
        finding("F1", factor, relevance=1.0),
        finding("F2", result, relevance=0.87),  # within EXTENT_MARGIN of the top
        finding("F3", C1, "unverified", quantity="10.4 times", relevance=0.77),
    ]
    answer = extractive_answer(EXTENT, findings, [factor, result, C1], [], SETTINGS)
    lead = answer.sentences[0]
    assert lead.citations == ["F2", "F1"] and lead.verified
    assert lead.text.startswith(
        "No verified finding quantifies the extent; the sources report that the distilled model "
        "works better"
    )
    assert answer.sentences[1].citations == ["F3"] and not answer.sentences[1].verified


def test_extent_lead_joins_a_supported_number_from_further_down() -> None:
    result = claim("C6", "The distilled model works better than a model trained directly.", "docB")
    result = result.model_copy(update={"kind": "comparison"})
    findings = [
        finding("F1", result, relevance=1.0),
        finding("F2", C1, quantity="10.4 times", relevance=0.5),  # far below: not the first
    ]
    lead = extractive_answer(EXTENT, findings, [result, C1], [], SETTINGS).sentences[0]
    # The figure comes first: it is what "to what extent" asks for.
    assert lead.text == (
        "The sources quantify the extent: the student needs 10.4 times fewer parameters than the "
        "teacher; more generally, the distilled model works better than a model trained directly."
    )
    assert lead.citations == ["F2", "F1"] and lead.verified


def test_coverage_reads_a_finding_with_its_support_and_its_sources_title() -> None:
    doc = make_document("Distilling the Knowledge in a Neural Network", [("results", ["x"])])
    c = claim("C5", "Distilling an ensemble into one model works well.", doc.doc_id)
    support = Evidence(
        doc_id=doc.doc_id, passage_idx=3, page=1, score=0.9, same_document=True,
        stance="supports", text="It transfers knowledge from a large model into a smaller one.",
    )  # fmt: skip
    v = Verdict(claim_id="C5", label="supported", confidence=0.8, evidence=[support])
    question = "Can distillation move a large teacher network into a smaller student?"
    bare = extractive_answer(question, [finding("F1", c)], [c], [], SETTINGS)
    assert bare.sentences[-1].text == (
        "No verified finding speaks to large teacher network or smaller student."
    )
    read = extractive_answer(question, [finding("F1", c)], [c], [], SETTINGS, [v], [doc])
    # "large" and "network" meet in the support and the title; "smaller" in the support.
    assert read.sentences[-1].text == "No verified finding speaks to smaller student."


def test_to_clause_drops_pointers_into_the_paper() -> None:
    sentence = "We found that both versions are nearly identical (see Table 3 row (E))."
    assert to_clause(sentence) == "both versions are nearly identical"
    assert (
        to_clause("The gap closes (Figure 2) as students grow.")
        == "The gap closes as students grow"
    )


def test_a_finding_that_points_back_neither_leads_nor_follows() -> None:
    anaphor = claim("C7", "It also exceeds the strongest baseline by 30.36% in recall.", "docA")
    findings = [
        finding("F1", anaphor, quantity="30.36%", relevance=0.9),
        finding("F2", C3, relevance=0.85),
    ]
    answer = extractive_answer(EXTENT, findings, [anaphor, C3], [], SETTINGS)
    # "it also exceeds ..." cannot be read without the sentence before it in its paper.
    assert not re.search(r"\bit also exceeds\b", answer.text, re.IGNORECASE)
    lead = answer.sentences[0]
    assert lead.citations == ["F2"]
    assert lead.text.startswith("No verified finding quantifies the extent; one source reports")


def test_with_no_support_the_unverified_statement_shown_does_not_point_back() -> None:
    anaphor = claim("C7", "This does improve results, but they are still far worse.", "docA")
    findings = [
        finding("F1", anaphor, "unverified", relevance=0.9),
        finding("F2", C4, "unverified", relevance=0.8),
    ]
    answer = extractive_answer(EXTENT, findings, [anaphor, C4], [], SETTINGS)
    shown = answer.sentences[1]
    assert shown.citations == ["F2"] and not shown.verified
    assert "still far worse" not in answer.text


def test_unverified_figures_come_from_two_sources_when_two_report_one() -> None:
    c8 = claim("C8", "The student keeps more than 80% of the ensemble's improvement.", "docB")
    c9 = claim("C9", "The student needs 12 times fewer parameters than the teacher.", "docA")
    findings = [
        finding("F1", C3),
        finding("F2", C1, "unverified", quantity="10.4 times", relevance=0.8),
        finding("F3", c9, "unverified", quantity="12 times", relevance=0.75),
        finding("F4", c8, "unverified", quantity="more than 80%", relevance=0.7),
    ]
    answer = extractive_answer(EXTENT, findings, [C1, C3, c8, c9], [], SETTINGS)
    figures = answer.sentences[1]
    # F3 is the same paper as F2; the second figure is the other paper's.
    assert figures.citations == ["F2", "F4"] and not figures.verified
    assert figures.text.startswith("Figures on the extent are reported but not verified: ")
    assert "80%" in figures.text and "10.4 times" in figures.text


def test_an_extent_lead_names_what_the_question_names() -> None:
    question = "How much GPU memory does FP8 teacher inference save in LLM distillation?"
    speed = claim("C20", "KDFlow trains 6.36 times faster than other KD frameworks.", "docA")
    lead = extractive_answer(
        question, [finding("F1", speed, quantity="6.36 times")], [speed], [], SETTINGS
    ).sentences[0]
    # A speed-up is a figure, but not of the GPU memory the question asks the amount of.
    assert lead.text.startswith(
        "No verified finding gives a figure for GPU memory, or one that names FP8 or LLM; the "
        "closest verified finding reports, instead, that KDFlow trains"
    )
    assert lead.verified
    faster = "How much faster does FP8 teacher inference make LLM distillation?"
    lead = extractive_answer(
        faster, [finding("F1", speed, quantity="6.36 times")], [speed], [], SETTINGS
    ).sentences[0]
    assert lead.text.startswith(
        "No verified finding quantifies the extent for FP8 or LLM; the verified finding "
        "reports that KDFlow trains"
    )
    fp8 = claim("C21", "FP8 teacher inference cuts LLM distillation GPU memory by 40%.", "docB")
    lead = extractive_answer(
        question, [finding("F1", fp8, quantity="40%")], [fp8], [], SETTINGS
    ).sentences[0]
    # One finding of one source: "One source quantifies", not "The sources quantify".
    assert lead.text.startswith("One source quantifies the extent: FP8 teacher inference cuts")


def test_a_how_many_lead_says_when_no_verified_figure_counts_what_is_asked() -> None:
    question = "How many attention heads work best for the Transformer on translation?"
    bleu = claim("C30", "The Transformer reaches 28.4 BLEU on English-to-German translation.", "d")
    heads = claim("C31", "One attention head is 0.9 BLEU worse than the best number of heads.", "d")
    findings = [
        finding("F1", bleu, quantity="28.4 BLEU"),
        finding("F2", heads, "unverified", quantity="0.9 BLEU", relevance=0.7),
    ]
    answer = extractive_answer(question, findings, [bleu, heads], [], SETTINGS)
    lead, flagged = answer.sentences[:2]
    assert lead.text.startswith(
        "No verified finding gives a figure for attention heads; the closest verified finding "
        "reports, instead, that the Transformer reaches 28.4 BLEU"
    )
    assert flagged.citations == ["F2"] and not flagged.verified
    assert flagged.text.startswith("A finding on attention heads is reported but not verified")
    # Once a verified figure is of the heads, it leads as the extent.
    findings[1] = finding("F2", heads, quantity="0.9 BLEU", relevance=0.7)
    lead = extractive_answer(question, findings, [bleu, heads], [], SETTINGS).sentences[0]
    assert lead.text.startswith("One source quantifies the extent: one attention head")


def test_a_how_many_question_is_answered_by_a_count_of_what_it_asks() -> None:
    question = "How many programming languages does the code model support?"
    langs = claim("C32", "The code model supports 338 programming languages, up from 86.", "d")
    mix = claim("C33", "Its pre-training data is 60% source code and 30% natural language.", "d")
    findings = [
        finding("F1", mix, quantity="60%", relevance=0.8),
        finding("F2", langs, quantity="338 programming languages", relevance=0.7),
    ]
    lead = extractive_answer(question, findings, [mix, langs], [], SETTINGS).sentences[0]
    # A count is no extent elsewhere ("the larger 33B model"); here it is the answer, and leads.
    assert lead.text.startswith("One source quantifies the extent: the code model supports 338")
    assert "No verified finding gives a figure" not in lead.text


def test_a_finding_on_the_setting_alone_gives_no_yes() -> None:
    question = "Does metformin lower the risk of cancer in people with type 2 diabetes?"
    rats = claim("C22", "Metformin normalizes neuroblast differentiation in type 2 diabetes.", "d")
    lead = extractive_answer(question, [finding("F1", rats)], [rats], [], SETTINGS).sentences[0]
    assert lead.text.startswith("No verified finding speaks to cancer, so the sources give no")


def test_extent_lead_prefers_a_figure_on_what_the_question_names() -> None:
    question = "How much does DeepSeek-Coder-V2 improve on HumanEval and MBPP?"
    data = claim("C7", "The pre-training data of DeepSeek-Coder-V2 is 60% source code.", "docA")
    score = claim(
        "C8", "Further training raised HumanEval and MBPP scores to 37.2% and 54.0%.", "docA"
    )
    findings = [
        finding("F1", data, quantity="60%", relevance=0.95),  # more relevant, but off the names
        finding("F2", score, quantity="37.2%", relevance=0.9),
    ]
    lead = extractive_answer(question, findings, [data, score], [], SETTINGS).sentences[0]
    assert lead.citations[0] == "F2"
    assert lead.text.startswith(
        "One source quantifies the extent: further training raised HumanEval"
    )


def test_extent_lead_second_figure_names_what_the_first_leaves_out() -> None:
    question = "What score does DeepSeek-Coder-V2 reach on LiveCodeBench, compared with GPT-4o?"
    math = claim("C1", "DeepSeek-Coder-V2 reaches 75.7% on MATH, close to GPT-4o.", "docA")
    other = claim("C2", "DeepSeek-Coder-V2 beats GPT-4o on Aider with 73.7%.", "docA")
    lcb = claim("C3", "The authors reach a 43.4% score on LiveCodeBench.", "docA")
    findings = [
        finding("F1", math, quantity="75.7%", relevance=0.9),
        finding("F2", other, quantity="73.7%", relevance=0.9),
        finding("F3", lcb, quantity="43.4%", relevance=0.85),
    ]
    lead = extractive_answer(question, findings, [math, other, lcb], [], SETTINGS).sentences[0]
    # A verified figure on LiveCodeBench exists: the lead cites it and never says none does.
    assert "F3" in lead.citations
    assert not lead.text.startswith("No verified finding")


def test_a_figure_on_another_part_of_the_question_is_no_stand_in() -> None:
    question = "How much cheaper is the Transformer to train, and how does its BLEU compare?"
    bleu = claim("C40", "The Transformer reaches 28.4 BLEU on English-to-German.", "d")
    cost = claim("C41", "The big model reaches 41.0 BLEU at 1/4 the training cost.", "d")
    findings = [
        finding("F1", bleu, quantity="28.4 BLEU"),
        finding("F2", cost, "unverified", quantity="41.0 BLEU", relevance=0.6),
    ]
    lead, flagged = extractive_answer(question, findings, [bleu, cost], [], SETTINGS).sentences[:2]
    # The comparative is named as the amount asked; the BLEU figure answers the second part,
    # so it is reported plainly, not as the "closest" finding "instead".
    assert lead.text.startswith(
        "No verified finding gives a figure for how much cheaper; the verified finding reports "
        "that the Transformer reaches 28.4 BLEU"
    )
    assert flagged.text.startswith("A finding on how much cheaper is reported but not verified")


def test_a_general_statement_after_a_figure_must_speak_to_what_the_figure_does() -> None:
    question = "How much faster can a framework make distillation of large language models?"
    speed = claim("C42", "The framework makes LLM distillation 6.36 times faster.", "docA")
    ensemble = claim("C43", "Distilling an ensemble into one model works very well.", "docB")
    findings = [
        finding("F1", speed, quantity="6.36 times", relevance=0.9),
        finding("F2", ensemble, relevance=0.88),
    ]
    lead = extractive_answer(question, findings, [speed, ensemble], [], SETTINGS).sentences[0]
    # "Distilling an ensemble ..." names distillation alone: no "more generally" clause.
    assert lead.citations == ["F1"]
    assert "more generally" not in lead.text
    # One that names as much of the question as the figure follows it.
    wide = claim("C44", "Frameworks make distillation of large language models faster.", "docB")
    findings[1] = finding("F2", wide, relevance=0.88)
    lead = extractive_answer(question, findings, [speed, wide], [], SETTINGS).sentences[0]
    assert lead.citations == ["F1", "F2"] and "more generally" in lead.text


def test_a_count_answers_a_question_asking_the_degree_of_a_thing() -> None:
    question = "How long a context window does the code model support?"
    ctx = claim("C45", "The code model extends its context length from 16K to 128K tokens.", "d")
    lead = extractive_answer(
        question, [finding("F1", ctx, quantity="16K to 128K tokens")], [ctx], [], SETTINGS
    ).sentences[0]
    assert lead.text.startswith("One source quantifies the extent: the code model extends")
    # Elsewhere a count names a size or a setting, not how far: no extent is quantified.
    other = "To what extent does the code model support long inputs?"
    lead = extractive_answer(
        other, [finding("F1", ctx, quantity="16K to 128K tokens")], [ctx], [], SETTINGS
    ).sentences[0]
    assert lead.text.startswith("No verified finding quantifies the extent")


def test_a_how_can_it_be_made_faster_lead_rests_on_a_finding_about_speed() -> None:
    question = "How can knowledge distillation of a large language model be made faster to train?"
    general = claim(
        "C20", "Knowledge distillation of a large language model works better than training.", "a"
    )
    speed = claim("C21", "KDFlow trains a distilled student 3 times faster than before.", "b")
    findings = [finding("F1", general, relevance=0.9), finding("F2", speed, relevance=0.5)]
    lead = extractive_answer(question, findings, [general, speed], [], SETTINGS).sentences[0]
    assert lead.text.startswith("One source reports that KDFlow trains")
    assert "works better" not in lead.text
    lead = extractive_answer(question, findings[:1], [general], [], SETTINGS).sentences[0]
    assert lead.text.startswith("No verified finding says what makes it faster; ")
    assert "instead" in lead.text
