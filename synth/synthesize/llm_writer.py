"""The optional LLM writer: an OpenAI-compatible endpoint phrases the answer, synth vets it.

The model sees only the findings and claims, and must end every sentence with the keys it rests
on (``[F1, C3]``). Nothing it writes is trusted: a sentence that cites no key, or a key that was
not listed, is dropped; the rest go to synth's own verifier (passed in as ``check``, because this
stage may not import ``synth.verify``), and what it does not support is dropped too. Whenever the
endpoint fails, or nothing survives, the extractive answer is returned with a note saying why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

import httpx

from synth.records import Answer, AnswerSentence, Finding
from synth.settings import SynthesizeSettings

__all__ = ["Check", "build_messages", "parse_citations", "split_sentences", "write_answer"]

logger = logging.getLogger(__name__)

Check = Callable[[list[tuple[str, list[str]]]], list[tuple[bool, str]]]
"""Verifies sentences against the evidence their keys cite: (supported, note) per sentence."""

# Tokens ending in '.' that do not end a sentence. Initials ("J.") are handled separately.
_ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "al", "cf", "vs", "viz", "fig", "figs", "eq", "eqs", "no", "nos", "approx"}
    | {"ca", "resp", "sec", "tab", "ref", "refs", "dr", "prof", "mr", "ms", "st", "jr"}
)
_INITIAL = re.compile(r"^[A-Z]$")
# Sentence-ending punctuation, any closing quotes or brackets, then the whitespace after it.
_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+")
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_KEY = r"[A-Za-z]{1,3}\d+"
_MARKER = re.compile(rf"\[\s*({_KEY}(?:\s*[,;]\s*{_KEY})*)\s*\]")
_ONLY_MARKERS = re.compile(rf"^(?:\[\s*{_KEY}(?:\s*[,;]\s*{_KEY})*\s*\]\s*)+[.!?]?$")
# Reasoning models served by vLLM or Ollama may prefix their answer with a thinking block.
_THINKING = re.compile(r"^\s*<think>.*?</think>", re.DOTALL)


def _is_boundary(before: str, after: str) -> bool:
    """Whether the punctuation between before and after ends a sentence."""
    words = before.split()
    last = words[-1].lstrip("([\"'“‘") if words else ""
    if before.endswith(".") and (last[:-1].lower() in _ABBREVIATIONS or _INITIAL.match(last[:-1])):
        return False
    # A lower-case continuation means the full stop belonged to an abbreviation we do not know.
    return not after[:1].islower()


def _split_block(block: str) -> list[str]:
    """Split one paragraph at sentence ends."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(block):
        punct_end = match.start() + len(match.group().rstrip())
        if _is_boundary(block[start:punct_end], block[match.end() :]):
            sentences.append(block[start:punct_end].strip())
            start = match.end()
    sentences.append(block[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _blocks(text: str) -> list[str]:
    """Paragraphs and list items, each as one line; a line ending in a citation ends its block."""
    blocks: list[list[str]] = [[]]
    for raw in text.splitlines():
        item = _LIST_MARK.match(raw) is not None
        line = _LIST_MARK.sub("", raw, count=1).strip()
        previous = blocks[-1][-1] if blocks[-1] else ""
        if not line or item or previous.endswith("]"):
            blocks.append([])
        if line:
            blocks[-1].append(line)
    return [" ".join(lines) for lines in blocks if lines]


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping 'e.g.', 'et al.', '10.4' and initials intact.

    A fragment made only of citation markers (``... times. [F1]``) joins the sentence before it.
    """
    sentences: list[str] = []
    for block in _blocks(text):
        for sentence in _split_block(block):
            if sentences and _ONLY_MARKERS.match(sentence):
                sentences[-1] = f"{sentences[-1]} {sentence}"
            else:
                sentences.append(sentence)
    return sentences


def parse_citations(sentence: str) -> tuple[str, list[str]]:
    """Return the sentence without its ``[F1, C3]`` markers, and the keys, upper case, in order."""
    keys: list[str] = []
    for group in _MARKER.findall(sentence):
        for key in re.split(r"[,;]", group):
            normalized = key.strip().upper()
            if normalized not in keys:
                keys.append(normalized)
    text = _MARKER.sub("", sentence)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return " ".join(text.split()), keys


def _finding_line(finding: Finding) -> str:
    """One finding as the prompt lists it."""
    quantities = "; ".join(quantity.raw for quantity in finding.quantities) or "none"
    return (
        f"[{finding.finding_id}] {finding.statement}\n"
        f"    reported by {len(finding.reported_by)} source(s), corroborated by "
        f"{len(finding.corroborated_by)}, contrasted by {len(finding.contrasted_by)}; "
        f"verdict: {finding.verdict}; quantities: {quantities}; claims: {', '.join(finding.claims)}"
    )


def build_messages(
    question: str, findings: Sequence[Finding], claim_texts: dict[str, str], max_sentences: int
) -> list[dict[str, str]]:
    """Build the chat messages (system rules, then question and evidence) for the writer."""
    system = (
        "You write the short answer of a literature synthesis. You know nothing except the "
        "findings and claims you are given: state no fact, number or source that they do not "
        f"contain. Write at most {max_sentences} plain sentences, no headings or lists. End every "
        "sentence with the keys of the findings or claims it rests on, in square brackets, for "
        "example [F1] or [F1, C3]. Use only keys that are listed. If the evidence does not answer "
        "part of the question, say so in a sentence citing the closest finding."
    )
    claims = "\n".join(f"[{key}] {text}" for key, text in claim_texts.items()) or "(none)"
    findings_text = "\n".join(_finding_line(finding) for finding in findings) or "(none)"
    user = f"Question: {question}\n\nFindings:\n{findings_text}\n\nClaims:\n{claims}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


class _EndpointError(Exception):
    """The writer endpoint gave no usable completion; the message is the user-facing reason."""


def _post(client: httpx.Client, settings: SynthesizeSettings, payload: dict[str, object]) -> str:
    """POST the chat request and return the completion's text."""
    headers = {"Content-Type": "application/json"}
    if settings.writer_api_key:
        headers["Authorization"] = f"Bearer {settings.writer_api_key}"
    url = f"{settings.writer_base_url.rstrip('/')}/chat/completions"
    try:
        response = client.post(
            url, json=payload, headers=headers, timeout=settings.writer_timeout_s
        )
    except httpx.TimeoutException as exc:
        raise _EndpointError(f"no reply within {settings.writer_timeout_s:g} s") from exc
    except httpx.ConnectError as exc:
        raise _EndpointError("connection refused") from exc
    except httpx.HTTPError as exc:
        # The exception's own text is not shown: it could carry request details.
        raise _EndpointError(type(exc).__name__) from exc
    if not response.is_success:
        # The body is not shown either: some hosted APIs echo part of a rejected key.
        raise _EndpointError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
    return _content(response)


def _content(response: httpx.Response) -> str:
    """The first choice's message text of an OpenAI-style chat completion."""
    try:
        data = response.json()
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError both are
        raise _EndpointError("the reply is not JSON") from exc
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise _EndpointError("the reply has no choices[0].message.content") from exc
    text = _THINKING.sub("", content).strip() if isinstance(content, str) else ""
    if not text:
        raise _EndpointError("the reply is empty")
    return text


def _fetch_completion(
    messages: list[dict[str, str]], settings: SynthesizeSettings, client: httpx.Client | None
) -> str:
    """Ask the endpoint for a completion; raises _EndpointError with a user-facing reason."""
    payload: dict[str, object] = {
        "model": settings.writer_model,
        "messages": messages,
        "temperature": 0,
    }
    if client is not None:
        return _post(client, settings, payload)
    with httpx.Client() as own:
        return _post(own, settings, payload)


def _screen(
    sentences: list[str], known: set[str]
) -> tuple[list[tuple[str, list[str]]], list[AnswerSentence]]:
    """Separate sentences citing only known keys from those citing none or an unknown one."""
    candidates: list[tuple[str, list[str]]] = []
    dropped: list[AnswerSentence] = []
    for sentence in sentences:
        text, keys = parse_citations(sentence)
        unknown = [key for key in keys if key not in known]
        if not text:
            continue
        if not keys:
            note = "cites no finding or claim"
        elif unknown:
            note = f"cites unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
        else:
            candidates.append((text, keys))
            continue
        dropped.append(AnswerSentence(text=text, citations=keys, verified=False, note=note))
    return candidates, dropped


def _vet(
    candidates: list[tuple[str, list[str]]], check: Check, limit: int
) -> tuple[list[AnswerSentence], list[AnswerSentence]]:
    """Run the verifier once over all candidates; keep the supported ones up to the limit."""
    kept: list[AnswerSentence] = []
    dropped: list[AnswerSentence] = []
    verdicts = check(candidates) if candidates else []
    for (text, keys), (supported, note) in zip(candidates, verdicts, strict=True):
        if not supported:
            reason = note or "not supported by the evidence it cites"
            dropped.append(AnswerSentence(text=text, citations=keys, verified=False, note=reason))
        elif len(kept) >= limit:
            note = f"beyond the {limit}-sentence limit"
            dropped.append(AnswerSentence(text=text, citations=keys, verified=True, note=note))
        else:
            kept.append(AnswerSentence(text=text, citations=keys, verified=True, note=note))
    return kept, dropped


def _fall_back(fallback: Answer, note: str, dropped: list[AnswerSentence]) -> Answer:
    """The extractive answer, saying why the LLM's was not used and what was dropped."""
    logger.warning("%s", note)
    return fallback.model_copy(update={"note": note, "dropped": [*fallback.dropped, *dropped]})


def write_answer(
    question: str,
    findings: list[Finding],
    claim_texts: dict[str, str],
    settings: SynthesizeSettings,
    check: Check,
    fallback: Answer,
    client: httpx.Client | None = None,
) -> Answer:
    """Have the LLM endpoint write the answer; keep only cited sentences the verifier supports.

    Args:
        question: The research question.
        findings: The findings the answer may rest on (keys F1, F2, ...).
        claim_texts: Claim id -> text, for the claims the answer may cite directly.
        settings: Writer endpoint, model, key, timeout and sentence limit.
        check: synth's verifier over (sentence, cited keys) pairs, called once.
        fallback: The extractive answer, returned (with a note) when the writer fails.
        client: An httpx client to send the request with; one is made when None.
    """
    messages = build_messages(question, findings, claim_texts, settings.max_answer_sentences)
    base_url = settings.writer_base_url
    try:
        content = _fetch_completion(messages, settings, client)
    except _EndpointError as exc:
        note = f"the LLM writer at {base_url} failed ({exc}); the extractive answer is shown"
        return _fall_back(fallback, note, [])
    known = {finding.finding_id for finding in findings} | set(claim_texts)
    candidates, dropped = _screen(split_sentences(content), known)
    kept, unsupported = _vet(candidates, check, settings.max_answer_sentences)
    dropped.extend(unsupported)
    logger.info("LLM writer: %d sentence(s) kept, %d dropped", len(kept), len(dropped))
    if not kept:
        note = (
            f"the LLM writer at {base_url} wrote no sentence that cites listed keys and passes "
            "the verifier; the extractive answer is shown"
        )
        return _fall_back(fallback, note, dropped)
    return Answer(
        text=" ".join(sentence.text for sentence in kept),
        sentences=kept,
        writer=f"openai-compatible:{settings.writer_model}",
        dropped=dropped,
        uncovered=fallback.uncovered,
    )
