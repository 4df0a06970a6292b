"""Fuzz the parse and record layers with hostile inputs; count clean handling, crashes and hangs.

Inputs (all small, generated from one seed):

* PDFs: truncations and byte flips of a one-page PDF from ``tests/pdf_factory.py``, and page
  trees with reference cycles or too much depth. Clean: a Document or a ``ParseError``.
* JSONL lines: random JSON, wrong field types, deep nesting, lone surrogates, BOMs, stray bytes.
  Clean: every line becomes a record (that serializes) or one named failure.
* Questions: random text, punctuation, control characters. Clean: a ``ReportRequest`` whose
  report id can be computed, or a ``ValidationError``.

Each input runs under a deadline (SIGALRM); one that runs past it counts as a hang.

    python benchmarks/fuzz.py [--pdfs 4000] [--jsonl 5000] [--questions 4000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any

_KINDS = ("pdf", "jsonl", "question")


class _Deadline(BaseException):
    """Raised by the alarm: a BaseException, so the code under test cannot swallow it."""


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Deadline


def _base_pdf() -> bytes:
    from tests.pdf_factory import Text, build_pdf

    words = "Knowledge distillation transfers what a teacher learned to a student."
    return build_pdf([[Text(72, 700 - 12 * k, words) for k in range(6)]])


def _tree_pdf(rng: random.Random) -> bytes:
    """A page tree with a cycle (a /Kids entry pointing back up) or a chain deeper than allowed."""
    from tests.pdf_factory import Text, _content, _font, _serialize

    stream = _content([Text(72, 700, "A page under a hostile page tree, with some words.")])
    depth = rng.choice([1, 2, 5, 120])
    chain = [
        b"<< /Type /Pages /Kids [%d 0 R %s] /Count 1 >>"
        % (7 + k + 1 if k < depth - 1 else 5, b"%d 0 R" % rng.randint(1, 6 + depth))
        for k in range(depth)
    ]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [7 0 R] /Count 1 >>",
        _font(b"Helvetica"),
        _font(b"Helvetica-Bold"),
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents 6 0 R"
        b" /Resources << /Font << /F1 3 0 R >> >> >>" % rng.choice([2, 5, 7]),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        *chain,
    ]
    return _serialize(objects, None)


def _pdf_input(rng: random.Random, base: bytes) -> bytes:
    mode = rng.random()
    if mode < 0.3:
        return base[: rng.randrange(len(base))]
    if mode < 0.85:
        data = bytearray(base)
        for _ in range(rng.choice([1, 2, 4, 16])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    return _tree_pdf(rng)


def _json_value(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.randrange(8 if depth < 3 else 5)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False, 0, -1, 2**70, 1.5, float("inf")])
    if pick in (2, 3, 4):
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x110000)]))
            for _ in range(rng.randrange(12))
        )
    if pick in (5, 6):
        return [_json_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["title", "authors", "year", "x"]): _json_value(rng, depth + 1)}


def _jsonl_line(rng: random.Random) -> bytes:
    mode = rng.randrange(7)
    if mode == 0:  # a plausible record with wrong types in some fields
        fields = ["title", "authors", "year", "abstract", "text", "doi", "arxiv_id", "venue"]
        row = {f: _json_value(rng) for f in rng.sample(fields, rng.randint(1, 4))}
        return json.dumps(row).encode(errors="surrogatepass")
    if mode == 1:  # deep nesting
        depth = rng.choice([100, 1_000, 10_000, 100_000])
        return b'{"title": ' * rng.randint(0, 1) + b"[" * depth + b"]" * depth
    if mode == 2:  # lone surrogates, escaped and raw
        return rng.choice(
            [
                b'{"title": "a\\udc80b"}',
                b'{"title": "ok", "abstract": "\\ud800"}',
                '{"title": "x\udcff"}'.encode("utf-8", "surrogateescape"),
            ]
        )
    if mode == 3:  # BOM, stray bytes, CR
        good = b'{"title": "Paper %d"}' % rng.randrange(100)
        return (
            rng.choice([b"\xef\xbb\xbf", b"\xff", b"\xc3", b""])
            + good
            + rng.choice([b"", b"\r", b"\x80"])
        )
    if mode == 4:  # random bytes
        return bytes(rng.randrange(256) for _ in range(rng.randrange(40))).replace(b"\n", b" ")
    return json.dumps(_json_value(rng)).encode(errors="surrogatepass")


def _question(rng: random.Random) -> str:
    alphabet = rng.choice([" ?!.,;—…", "\x00\x01\x1b\t\n\x7f\x85 ", "abc é中 ", "?\udcff\ud800 a"])
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(8)))


def _run_pdf(data: bytes, work: Path) -> None:
    from synth.errors import ParseError
    from synth.parse.pdf import parse_pdf
    from synth.settings import ParseSettings

    path = work / "fuzz.pdf"
    path.write_bytes(data)
    try:
        parse_pdf(path, ParseSettings()).model_dump_json()
    except ParseError as exc:
        if "\n" in str(exc):
            raise RuntimeError(f"a ParseError of several lines: {exc!r}") from exc


def _run_jsonl(line: bytes, work: Path) -> None:
    from synth.retrieve.local import CorpusScan, read_jsonl

    path = work / "fuzz.jsonl"
    path.write_bytes(line + b"\n")
    scan = CorpusScan()
    read_jsonl(path, scan)
    assert len(scan.records) + len(scan.failures) == (1 if line.strip() else 0)
    for record in scan.records:
        record.model_dump_json()
    for failure in scan.failures:
        failure.model_dump_json()


def _run_question(question: str) -> None:
    from pydantic import ValidationError

    from synth.ids import report_id
    from synth.records import ReportRequest

    try:
        request = ReportRequest(question=question)
    except ValidationError:
        return
    report_id(request.question)
    request.model_dump_json()


def _run_chunk(args: tuple[str, int, int, float]) -> tuple[Counter[str], list[str], float]:
    """Run inputs ``start .. start+count`` of one kind; counts by outcome and the first crashes."""
    import logging

    logging.disable(logging.CRITICAL)  # the parse stage logs every damaged page
    kind, start, count, deadline = args
    signal.signal(signal.SIGALRM, _alarm)
    counts: Counter[str] = Counter()
    crashes: list[str] = []
    base = _base_pdf()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(start, start + count):
            rng = random.Random(f"{kind}-{n}")
            signal.setitimer(signal.ITIMER_REAL, deadline)
            try:
                if kind == "pdf":
                    _run_pdf(_pdf_input(rng, base), Path(tmp))
                elif kind == "jsonl":
                    _run_jsonl(_jsonl_line(rng), Path(tmp))
                else:
                    _run_question(_question(rng))
                counts["handled"] += 1
            except _Deadline:
                counts["hang"] += 1
                crashes.append(f"{kind}-{n}: past the {deadline:g}s deadline")
            except Exception as exc:
                counts["uncaught"] += 1
                crashes.append(f"{kind}-{n}: {type(exc).__name__}: {str(exc)[:100]}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    return counts, crashes[:5], time.perf_counter() - began


def main() -> None:
    """Generate the inputs, run them on a few worker processes, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=4000)
    parser.add_argument("--jsonl", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--deadline", type=float, default=5.0, help="Seconds per input.")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests/pdf_factory.py
    sizes = {"pdf": args.pdfs, "jsonl": args.jsonl, "question": args.questions}
    chunk = 100
    jobs = [
        (kind, start, min(chunk, total - start), args.deadline)
        for kind, total in sizes.items()
        for start in range(0, total, chunk)
    ]
    began = time.perf_counter()
    with Pool(args.workers) as pool:
        results = pool.map(_run_chunk, jobs, chunksize=1)
    wall = time.perf_counter() - began
    print(f"{'kind':<10}{'inputs':>8}{'handled':>9}{'uncaught':>10}{'hangs':>7}{'cpu s':>8}")
    crashes: list[str] = []
    for kind in _KINDS:
        rows = [r for job, r in zip(jobs, results, strict=True) if job[0] == kind]
        counts = sum((r[0] for r in rows), Counter())
        crashes += [c for r in rows for c in r[1]]
        cpu = sum(r[2] for r in rows)
        print(
            f"{kind:<10}{sizes[kind]:>8}{counts['handled']:>9}{counts['uncaught']:>10}"
            f"{counts['hang']:>7}{cpu:>8.1f}"
        )
    print(f"total {sum(sizes.values())} inputs in {wall:.1f} s wall ({args.workers} workers)")
    for line in crashes[:20]:
        print("  " + line)


if __name__ == "__main__":
    main()
