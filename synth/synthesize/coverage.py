"""What parts of a question the used sources never mention.

Aspects. The question is read left to right as words (``lexical.CASED_WORDS``, so "pass@k" and
"DS-1000" stay whole). A run of content words between two breaks is one aspect, kept as written:
"knowledge distillation", "large language models", "code generation". Breaks are punctuation,
question and function words (``lexical.QUESTION_STOPWORDS`` plus ``BREAK_WORDS``) and adverbs in
"-ly". Two rules split what a run would wrongly join:

* a named token (inner capitals, digits or "@": "HumanEval", "DS-1000", "pass@k", "GPT-4") is
  an aspect of its own, but a bare number after a content word belongs to its run ("type 2
  diabetes");
* a run of two or more words right before a determiner ("the", "a", ...) ends in a verb, which
  is dropped: "can knowledge distillation *transfer* the generalization" gives "knowledge
  distillation";
* a run is cut at a word of ``QUESTION_VERBS`` inside it ("help", "reduce", "keep", ...),
  which is dropped: "does knowledge distillation *help* student networks" gives two aspects;
* a possessive ends the possessor's run: "a large teacher network's accuracy" gives "large
  teacher network" and "accuracy", "the Transformer's self-attention" gives two aspects; an
  eponym's does not ("Alzheimer's disease" is one aspect).

A leading light verb ("be *made* faster") and a trailing "one" ("a smaller *one*") are dropped,
and so is a measure word alone before "of" ("the *risk* of dementia", ``_MEASURE_FRAMES``).
A number alone ("over 65") is not an aspect, nor is a question verb alone ("does it work?") or a
predicate adjective alone ("when little data is *available*").

Outcomes. A yes/no question's outcome aspects are those it first names after its first question
verb ("does training on soft targets *reduce* overfitting when little training data is
available" gives "overfitting" and "little training data"): what the question asks the effect
on, which a finding must mention before the answer may say yes or no.

Gaps. ``uncovered_aspects`` names the aspects no text mentions, except a lone word the
question asks as a degree of a property ("is it *more accurate*"): sources state such a
property in their own measures, so its absence is no gap.

Matching. An aspect is covered when one text holds all of its words (all but one for phrases
of three words or more, whose head noun varies: "large teacher model"), compared as light stems
(``lexical.light_stem``) with comparatives folded ("smaller" meets "small") and a verb's
"-ation" noun folded onto the verb ("generalization" meets "generalizes", "distillation" meets
"distilled"), or holds its acronym ("LLM" or "LLMs" for "large language models"); "pass@k" is
also covered by "pass@1" and any other "pass@" form. A few umbrella words are also covered by
their kinds (``_KINDS_OF``: "people" by "patients" or "participants", "cancer" by "tumour" or
"carcinoma"). Aspects are returned in question order, without repeats.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from synth.lexical import CASED_WORDS, QUESTION_STOPWORDS, WORDS, light_stem, tokens
from synth.outcomes import CHEAP_WORDS, FAST_WORDS, SLOW_WORDS, other_outcome, outcome_kinds

__all__ = [
    "BREAK_WORDS",
    "COMPARATIVES",
    "QUESTION_VERBS",
    "asks_degree",
    "aspects_named",
    "each_parts",
    "made_property",
    "measured_aspects",
    "named_aspects",
    "outcome_aspects",
    "question_aspects",
    "question_focus",
    "speaks_to_any",
    "speaks_to_question",
    "subject_aspects",
    "uncovered_aspects",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Question scaffolding the shared stopword list keeps (it is tuned for retrieval), and the verbs
# by which a question asks what its sources report ("do the authors *recommend*").
BREAK_WORDS: frozenset[str] = _words(
    """able according across along among amongst around based degree does extent far given
    kind kinds likely much often terms there toward towards unlike whereas versus vs
    recommend recommends suggest suggests propose proposes become becomes like still"""
)
# Verbs that join a question's subject to its object ("does X help Y"), rarely nouns there.
QUESTION_VERBS: frozenset[str] = _words(
    """help helps reduce reduces increase increases enable enables outperform outperforms
    predict predicts yield yields boost boosts hurt hurts harm harms prevent prevents require
    requires produce produces achieve achieves benefit benefits preserve preserves retain
    retains raise raises lower lowers accelerate accelerates degrade degrades change changes
    affect affects improve improves matter matters work works make makes cause causes depend
    depends compare compares transfer transfers keep keeps maintain maintains fail fails
    succeed succeeds reach reaches attain attains obtain obtains save saves need needs match
    matches let lets allow allows add adds train trains recognise recognises recognize
    recognizes learn learns generalise generalises generalize generalizes detect detects
    identify identifies classify classifies solve solves beat beats surpass surpasses exceed
    exceeds"""
)
# The writers a question refers to ("which methods do *the authors* recommend"): who states a
# finding, not a thing it is about.
_WRITERS = _words("author authors researchers investigators paper papers study studies")
# Predicate adjectives that end a question's condition ("when little data is *available*"):
# they say that the thing before them exists, not what is asked about it.
# ... and light verbs left alone by their particle ("how much accuracy does it *give* up?").
_PREDICATES: frozenset[str] = _words(
    "available possible present necessary needed give gives get gets take takes keep keeps"
)
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
# An eponym's possessive names one thing ("Alzheimer's disease", "Student's t-test"): a
# capitalised owner before one of these heads keeps its "'s" and its run.
_EPONYM = re.compile(
    r"\b[A-Z][a-z]+['\u2019]s\s+(?:disease|syndrome|lymphoma|sarcoma|palsy|disorder|ataxia|"
    r"encephalopathy|phenomenon|law|theorem|test|t-test|rule)\b"
)
_OWNER = "\ue000"  # stands in for a possessive marker while the question is split
# Words that frame the thing after "of" as a measure of it ("the risk of dementia", "the rate
# of relapse"): every source of that outcome speaks of it in its own measure.
_MEASURE_FRAMES = _words(
    "risk risks rate rates incidence likelihood odds chance chances level levels frequency "
    "prevalence occurrence"
)
_DETERMINERS = _words("the a an this that these those its their his her our your")
_WORD_OR_BREAK = re.compile(r"[\w][\w@\-.]*[\w](?:['\u2019]s\b)?|[\w]|[^\w\s]")
# Gradable adjectives whose comparative a passage may use for the question's positive form.
COMPARATIVES = {
    "smaller": "small", "smallest": "small", "larger": "large", "largest": "large",
    "bigger": "big", "biggest": "big", "deeper": "deep", "deepest": "deep",
    "thinner": "thin", "faster": "fast", "slower": "slow", "higher": "high",
    "lower": "low", "longer": "long", "shorter": "short", "better": "good", "best": "good",
    "wider": "wide", "stronger": "strong", "weaker": "weak", "fewer": "few",
    "thinnest": "thin", "widest": "wide", "shallower": "shallow", "shallowest": "shallow",
    "narrower": "narrow", "narrowest": "narrow", "denser": "dense", "sparser": "sparse",
    "cheaper": "cheap", "cheapest": "cheap",
}  # fmt: skip
# A gradable adjective closing a run ("what makes distillation of large language models *slow*",
# "keeps the student *small*") is said of the noun before it, not part of its name: English
# puts a noun's modifiers before it. It is an aspect of its own. Comparatives are left out: one
# closing a run qualifies the verb in it ("translate *better*", "train *faster*").
_PREDICATE_ADJECTIVES = (frozenset(COMPARATIVES.values()) - {"good"}) | _words(
    "cheap expensive costly accurate efficient robust stable reliable"
)
# "in more than *one* way", "two or three": a number spelled out counts; it names nothing.
_NUMBER_WORDS = _words("one two three four five six seven eight nine ten twelve hundred")


def _is_named(word: str) -> bool:
    return any(ch.isdigit() or ch == "@" for ch in word) or any(ch.isupper() for ch in word[1:])


def _is_break(word: str) -> bool:
    low = word.lower()
    if not word[0].isalnum():
        return True
    return low in QUESTION_STOPWORDS or low in BREAK_WORDS or (low.endswith("ly") and len(low) > 4)


def _mark_owners(question: str) -> str:
    """The question with each possessive marker but an eponym's replaced by ``_OWNER``."""
    kept = [m.span() for m in _EPONYM.finditer(question)]

    def mark(m: re.Match[str]) -> str:
        eponym = any(start <= m.start() < end for start, end in kept)
        return m.group(0) if eponym else f" {_OWNER} "

    return _POSSESSIVE.sub(mark, question)


def _runs(question: str) -> list[tuple[list[str], str | None]]:
    """Runs of content words, each with the break word that ends it (None at the end)."""
    runs: list[tuple[list[str], str | None]] = []
    current: list[str] = []
    # "a teacher's intermediate layers": the possessive marker ends the possessor's run (the
    # teacher and its layers are two things); it becomes a break of its own.
    for word in _WORD_OR_BREAK.findall(_mark_owners(question)):
        if word == _OWNER:
            if current:
                runs.append((current, None))
            current = []
        elif _is_break(word):
            if current:
                runs.append((current, word.lower()))
            current = []
        elif word.isdigit() and current:
            # "type 2 diabetes", "phase 3 trial": a bare number inside a name belongs to it.
            current.append(word)
        elif _is_named(word):
            # "a *higher* BLEU score": a comparative alone before a name is its degree, no thing
            # of its own (the answer had said "The used sources do not address higher").
            if current and not all(w.lower() in COMPARATIVES for w in current):
                runs.append((current, None))
            runs.append(([word], None))
            current = []
        else:
            current.append(word)
    if current:
        runs.append((current, None))
    return runs


# "be made faster", "into a smaller one": a light verb before the thing asked about, and the
# pronoun "one" standing for a noun the question names elsewhere, are not part of it.
_LIGHT_VERBS = _words("made make makes making get gets got become becomes became be been being")
_PRONOUNS = _words("one ones")


def _trim(words: list[str]) -> list[str]:
    """A run without a leading light verb or a trailing "one" (when something is left)."""
    if len(words) >= 2 and words[0].lower() in _LIGHT_VERBS:
        words = words[1:]
    if len(words) >= 2 and words[-1].lower() in _PRONOUNS:
        words = words[:-1]
    return words


def _split_at_verbs(words: list[str]) -> list[list[str]]:
    """A run cut at the question verbs inside it, the verbs dropped.

    A past-tense verb between two nouns also cuts ("which architecture replaced recurrent
    networks" is two things, not one); a hyphenated or leading participle ("pre-trained
    models", "distilled students") qualifies the noun after it and stays.
    """
    # "how much do they *raise* quit rates": a run that opens with a question verb asks about
    # what follows it.
    if len(words) >= 2 and words[0].lower() in QUESTION_VERBS:
        words = words[1:]
    parts: list[list[str]] = [[]]
    for n, word in enumerate(words):
        past = (
            0 < n < len(words) - 1
            and "-" not in word
            and len(word) > 4
            and word.endswith("ed")
            and words[n - 1].lower() not in QUESTION_VERBS  # "help distilled students"
        )
        if n > 0 and (word.lower() in QUESTION_VERBS or past):
            parts.append([])
        else:
            parts[-1].append(word)
    return [p for p in parts if p]


# Comparatives of manner, not of a property: "translate better", "perform worse".
_VERB_DEGREES = _words("better worse")


def _split_predicate(parts: list[list[str]]) -> list[list[str]]:
    """Each run with a closing gradable adjective or comparative of a property cut off as a
    part of its own ("Is a student trained by distillation *faster* at inference ...?");
    "better" and "worse" qualify the verb before them and stay ("translate better")."""
    out: list[list[str]] = []
    for part in parts:
        last = part[-1].lower() if part else ""
        cut = last in _PREDICATE_ADJECTIVES or (last in COMPARATIVES and last not in _VERB_DEGREES)
        if len(part) >= 2 and cut:
            out += [part[:-1], part[-1:]]
        else:
            out.append(part)
    return out


# "*How long* a context window", "how large a speedup": the word after "how" is the degree
# asked of what follows, not a thing asked about.
# Only before "a"/"an": in "how fast can PaSa answer?" the adjective is the property asked.
_HOW_DEGREE = re.compile(r"\bhow\s+([A-Za-z]+)\s+an?\b", re.IGNORECASE)


def asks_degree(question: str) -> bool:
    """Whether the question asks the degree of a thing ("how long a context window", "how large
    a speedup"): a count of it ("128K tokens") is then its answer."""
    return any(m.group(1).lower() not in ("many", "much") for m in _HOW_DEGREE.finditer(question))


# "into a smaller one", "than larger ones": a comparative before "one" stands for a noun the
# question has named already (the model); it is no part of the question of its own.
_COMPARATIVE_ONE = re.compile(r"\b([A-Za-z]+)\s+ones?\b", re.IGNORECASE)


def question_aspects(question: str) -> list[str]:
    """The named things and terms of a question, as written, in order, without repeats."""
    before_one = {
        m.group(1).lower()
        for m in _COMPARATIVE_ONE.finditer(question)
        if m.group(1).lower() in COMPARATIVES
    }
    aspects: list[str] = []
    degrees = {m.group(1).lower() for m in _HOW_DEGREE.finditer(question)}
    for words, ended_by in _runs(question):
        if len(words) == 1 and words[0].lower() in degrees:
            continue
        if ended_by in _DETERMINERS and len(words) >= 2:
            words = words[:-1]  # "distillation transfer the ...": the last word is a verb
        if len(words) >= 2 and words[-1].lower().endswith("ed") and len(words[-1]) > 4:
            words = words[:-1]  # "a student network trained with ...": a participle, no noun
        if len(words) == 1 and words[0].lower() in QUESTION_VERBS | _PREDICATES:
            continue  # "does it work?": the verb, not a thing asked about
        if len(words) == 1 and ended_by == "of" and words[0].lower() in _MEASURE_FRAMES:
            continue  # "the risk of dementia": what is asked about is dementia
        for part in _split_predicate([_trim(p) for p in _split_at_verbs(words)]):
            aspect = " ".join(part)
            if (
                len(aspect) > 1
                and not aspect.isdigit()
                and aspect.lower() not in _NUMBER_WORDS
                and aspect.lower() not in _WRITERS
                and aspect.lower() not in before_one
                and aspect.lower() not in (a.lower() for a in aspects)
            ):
                aspects.append(aspect)
    return aspects


_QUESTION_VERB = re.compile(
    r"\b(?:" + "|".join(sorted(QUESTION_VERBS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


# Prepositions that name where or in whom an effect is asked about, after its outcome.
_SETTING = re.compile(r"\b(?:in|among|amongst|within|for|during)\b", re.IGNORECASE)


def _placed(question: str) -> tuple[int, list[tuple[int, str]]] | None:
    """Where the first question verb ends, and each aspect with where the question first
    names it; None when the question has no such verb."""
    # The opening auxiliary ("Does", "Do") is no question verb; the search starts after it.
    found = _QUESTION_VERB.search(question, question.find(" ") + 1)
    if found is None:
        return None
    low = question.lower()
    return found.end(), sorted((low.find(a.lower()), a) for a in question_aspects(question))


def outcome_aspects(question: str) -> list[str]:
    """The aspects a yes/no question asks its subject's effect on: those after its first
    question verb ("does X *reduce* overfitting ..." gives "overfitting", ...) up to one that
    names a setting ("... *in* people with type 2 diabetes"); none when the question has no
    such verb."""
    placed = _placed(question)
    if placed is None:
        return []
    verb_end, aspects = placed
    outcomes: list[str] = []
    # An aspect is placed where the question first names it: "training" of "Does training ...
    # reduce overfitting when little training data ..." is the subject, not an outcome.
    for pos, aspect in aspects:
        if pos < verb_end:
            continue
        # "lower the risk of cancer *in* people with type 2 diabetes": who or where the effect
        # is asked about, not another effect.
        if outcomes and _SETTING.search(question, verb_end, pos):
            break
        outcomes.append(aspect)
    return outcomes


def subject_aspects(question: str) -> list[str]:
    """What a yes/no question asks the effect *of*: its aspects before its first question verb
    ("regular aspirin use" in "does regular aspirin use lower the risk of ..."); none when the
    question has no outcome aspects."""
    placed = _placed(question)
    if placed is None or not outcome_aspects(question):
        return []
    verb_end, aspects = placed
    return [a for pos, a in aspects if pos < verb_end]


def _norm(word: str) -> str:
    low = word.lower()
    stem = light_stem(COMPARATIVES.get(low, low))
    # A question names the act ("generalization"), a paper says what the model does
    # ("generalizes better"): the noun and the verb meet on their shared stem.
    if stem.endswith("ation") and len(stem) > 8:
        stem = stem[:-5]
    return stem[:-1] if stem.endswith("e") and len(stem) > 5 else stem


# Umbrella words a question uses for what papers name by kind: "people with type 2 diabetes"
# are the "patients" or "participants" of a trial, "cancer" is the "tumour" or "carcinoma" a
# paper studies. A question word here is met by any of its kinds (compared as ``_norm`` stems).
_KINDS_OF = {
    "people": """people person persons individuals humans patients participants subjects adults
        children adolescents men women volunteers population""",
    "cancer": """cancer cancers tumour tumours tumor tumors tumourigenesis tumorigenesis
        carcinoma carcinomas carcinogenesis neoplasm neoplasms neoplasia malignancy
        malignancies malignant oncogenic leukemia leukaemia lymphoma melanoma sarcoma""",
    "dementia": "dementia alzheimer",
    # "faster" (folded to "fast"): papers report speed as a speedup, a throughput or a time.
    "fast": FAST_WORDS,
    "slow": SLOW_WORDS,
    # "cheaper" (folded to "cheap"): papers state a cost ("less than 1/4 the training cost").
    "cheap": CHEAP_WORDS,
}


@functools.lru_cache(maxsize=1)
def _kinds() -> dict[str, frozenset[str]]:
    return {_norm(word): frozenset(map(_norm, kinds.split())) for word, kinds in _KINDS_OF.items()}


def _word_found(stem: str, stems: set[str]) -> bool:
    """Whether a text's stems hold a question word's stem, or one of its kinds'."""
    return stem in stems or not stems.isdisjoint(_kinds().get(stem, ()))


def _text_forms(text: str) -> tuple[set[str], set[str]]:
    """(stems, whole lower-case words) of a text."""
    words = tokens(text, WORDS)
    return {_norm(w) for w in words}, set(words)


# Size variants a PDF glues onto a model's name as a subscript ("BERTLARGE", "BERTBASE").
_SIZE_VARIANTS = frozenset({"base", "large", "small", "tiny", "mini", "medium", "xl", "xxl"})


def _covered(aspect: str, forms: tuple[set[str], set[str]], loose: bool = True) -> bool:
    stems, words = forms
    parts = tokens(aspect, CASED_WORDS) or [aspect]
    wanted = [_norm(p) for p in parts]
    # A plural the stemmer leaves whole ("GPUs" for "GPU": too short for it) still counts.
    found = sum(
        _word_found(w, stems) or f"{p.lower()}s" in words
        for w, p in zip(wanted, parts, strict=True)
    )
    # A long phrase is met by a text that says all but one of its words ("a large teacher
    # model" for "large teacher network"): the head noun varies more than the qualifiers.
    if found == len(wanted) or (loose and len(wanted) >= 3 and found >= len(wanted) - 1):
        return True
    if len(parts) == 1 and _is_named(parts[0]):
        # A name inside a hyphenated compound names it too: "PaSa-7b" and "PaSa-GPT-4o" (a
        # prompted baseline) name "PaSa", the latter also "GPT-4o".
        name = parts[0].lower()
        if any(_in_compound(name, w) for w in words if "-" in w):
            return True
        # A size variant whose subscript the PDF glued on ("BERTLARGE", "BERTBASE") names it.
        if any(w.startswith(name) and w[len(name) :] in _SIZE_VARIANTS for w in words):
            return True
        # A name written without its hyphen ("GPT4-Turbo", "GPT4" for "GPT-4") names it.
        bare = name.replace("-", "")
        if bare != name and any(w == bare or w.startswith(bare + "-") for w in words):
            return True
    if len(parts) == 1 and parts[0].lower().endswith("@k"):
        prefix = parts[0].lower()[:-1]
        return any(w.startswith(prefix) for w in words)
    if len(parts) >= 2:
        acronym = "".join(p[0] for p in parts).lower()
        # As a written-out phrase may lack one word, a long one's acronym may lack its head
        # noun: "NSP" names "next sentence prediction objectives".
        short = [acronym] + ([acronym[:-1]] if len(parts) >= 3 else [])
        return any(a in words or a + "s" in words for a in short)
    return False


def _in_compound(name: str, word: str) -> bool:
    """Whether a hyphenated word holds a name as a run of its hyphen-separated parts."""
    return word.startswith(name + "-") or word.endswith("-" + name) or f"-{name}-" in word


# "is it *more accurate*", "less expensive to serve": a lone adjective after a degree word is a
# property asked about, which papers state in their own measures ("28.4 BLEU", "a new state of
# the art"), seldom in the question's adjective; that no source says "accurate" is no gap.
# Adjectives are told from nouns ("more data", "more parameters") by their endings.
_PROPERTY = re.compile(
    r"\b(?:more|less|as|most|least)\s+([A-Za-z][\w-]*(?:ate|ent|ant|ive|ous|ful|able|ible|ic|al|"
    r"ust|ise|ure))\b",
    re.IGNORECASE,
)


def _property_words(question: str) -> frozenset[str]:
    """Lower-cased words the question asks as a degree of a property ("more accurate")."""
    return frozenset(m.group(1).lower() for m in _PROPERTY.finditer(question))


def uncovered_aspects(question: str, texts: list[str]) -> list[str]:
    """The aspects of the question that no single text mentions, in question order; a lone
    property word ("more *accurate*") is never reported as uncovered."""
    forms = [_text_forms(t) for t in texts]
    props = _property_words(question)
    return [
        a
        for a in question_aspects(question)
        if a.lower() not in props and not any(_covered(a, f) for f in forms)
    ]


def named_aspects(question: str) -> list[str]:
    """The question's aspects that name a thing (FP8, GPT-4, HumanEval): a named token in them.

    A metric's name ("pass@1") is how a figure is reported, not what it measures, so it is left
    out.
    """
    return [
        a for a in question_aspects(question) if "@" not in a and any(map(_is_named, a.split()))
    ]


_HOW_MANY = re.compile(r"^\s*how\s+(?:many|much)\s+(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL)


def measured_aspects(question: str) -> list[str]:
    """What a "How many / How much X ..." question asks the amount of: the aspect X right
    after those words ("attention heads" in "How many attention heads work best ...",
    "memory" in "How much memory does FP8 save?"); none for "How much does X improve ...",
    where the amount is of the verb's change, nor for any other question."""
    m = _HOW_MANY.match(question)
    if m is None:
        return []
    rest, parts = m["rest"].lower(), []
    # A named token is an aspect of its own ("GPU" in "GPU memory"): the aspects that follow
    # one another from the start of the words after "how much" make up one thing.
    for aspect in question_aspects(question):
        if not rest.startswith(aspect.lower()):
            break
        parts.append(aspect)
        rest = rest[len(aspect) :].lstrip()
    return [" ".join(parts)] if parts else []


# "How can X be made faster to train?", "... become more accurate": the property asked of X.
_MADE = re.compile(
    r"\b(?:be|been|become|becomes|get|gets)\s+(?:made\s+)?(?:(?:more|less)\s+)?([A-Za-z][\w-]*)",
    re.IGNORECASE,
)


def made_property(question: str) -> list[str]:
    """The aspect a "How can X be made P?" question asks X to gain ("faster" in "How can
    distillation be made faster to train?"); none for any other question."""
    # Only a comparative ("faster", "cheaper"): a bare adjective ("more accurate") is met in
    # the sources as another word class ("accuracy"), which the aspect rules do not fold.
    # A predicate comparative alone ("become cheaper?") is no aspect; it is still what is asked.
    words = [m.group(1) for m in _MADE.finditer(question) if m.group(1).lower() in COMPARATIVES]
    return list(dict.fromkeys(words))


# "Do X and Y *each* add to Z?": the question asks what every part of its subject does apart.
_EACH = re.compile(r"\beach\b", re.IGNORECASE)


def each_parts(question: str) -> list[str]:
    """The parts a "Do X and Y each ...?" question asks about one by one (its subject
    aspects, when there are two or more and "each" follows them); none for any other."""
    placed = _placed(question)
    each = _EACH.search(question)
    if placed is None or each is None or each.start() > placed[0]:
        return []
    parts = subject_aspects(question)
    return parts if len(parts) >= 2 else []


# "How does X change Y?": the question asks what X does, so X is what an answer must speak of.
_HOW_DOES = re.compile(r"^\s*How (?:does|do|did)\b", re.IGNORECASE)


def cause_aspects(question: str) -> list[str]:
    """What a "How does X change Y?" question asks the effect of ("softmax temperature" and
    "soft targets" in "How does the softmax temperature of a teacher's soft targets change
    what a student learns?"; a possessor such as "teacher's" only places it); none for any
    other question."""
    if not _HOW_DOES.match(question):
        return []
    low = question.lower()
    return [a for a in subject_aspects(question) if f"{a.lower()}'s" not in low]


def question_focus(question: str) -> Callable[[str], bool] | None:
    """Whether a text speaks to what the question singles out: the property a "How can X be
    made P?" question asks for, the parts a "Do X and Y each ...?" question asks about, or
    the cause a "How does X change Y?" question asks about; and, for a question that asks
    about one kind of outcome only (quality or cost, :mod:`synth.outcomes`), whether the text
    does not measure only the other kind. None when the question singles out nothing (the
    ``focus`` of ``extract.claims.extract_claims``)."""
    aspect = _aspect_focus(question)
    if len(outcome_kinds(question)) != 1:
        return aspect
    # "To what extent can distillation transfer the *generalization* ...?" is not answered by
    # "FP8 teacher inference [is] a more efficient solution for LLM distillation".
    return lambda text: (aspect is None or aspect(text)) and other_outcome(question, text) is None


def _aspect_focus(question: str) -> Callable[[str], bool] | None:
    """The aspect part of ``question_focus``: property, parts or cause; None for none."""
    made = made_property(question)
    if made:
        return lambda text: speaks_to_any(made, text)
    cause = cause_aspects(question)
    if cause:
        return lambda text: speaks_to_any(cause, text)
    parts = each_parts(question)
    if not parts:
        return None
    # A part is named in full (or by its acronym): "the pre-trained BERT model" says "language"
    # and "model" but is no sentence about the masked language model.
    return lambda text: speaks_to_any(parts, text, loose=False)


def speaks_to_question(question: str, text: str) -> bool:
    """Whether a text mentions at least one aspect of the question (any, when it has none)."""
    aspects = question_aspects(question)
    return speaks_to_any(aspects, text) if aspects else True


def aspects_named(aspects: Sequence[str], text: str) -> list[str]:
    """The given aspects a text mentions, in their order (the text is read once)."""
    forms = _text_forms(text)
    return [a for a in aspects if _covered(a, forms)]


def speaks_to_any(aspects: list[str], text: str, loose: bool = True) -> bool:
    """Whether a text mentions at least one of the given aspects (``loose``: a long phrase may
    lack one of its words)."""
    forms = _text_forms(text)
    return any(_covered(a, forms, loose) for a in aspects)
