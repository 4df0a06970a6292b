"""Write SciFact's 5,183 abstracts as a synth JSONL paper corpus (one record per abstract).

    python benchmarks/scifact_corpus.py --scifact ../shared/realdata/scifact \\
        --out /tmp/scifact-corpus.jsonl

Each line is a record of the README's "Local corpus" format: ``id`` ("scifact:<doc_id>"),
``title`` and ``abstract`` (the abstract's sentences joined by single spaces, as SciFact's
tools read them). The output belongs outside the repository: the data is not ours to commit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from synth.atomic import write_text_atomic

DEFAULT_SCIFACT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "scifact"


def scifact_records(root: Path) -> list[dict[str, object]]:
    """One record per abstract of ``corpus*.jsonl`` (the corpus is stored in parts)."""
    parts = sorted(root.glob("corpus*.jsonl"))
    if not parts:
        raise ValueError(f"--scifact {root}: no corpus*.jsonl file there")
    records: list[dict[str, object]] = []
    for part in parts:
        for number, line in enumerate(part.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sentences = [s.strip() for s in row["abstract"] if s.strip()]
                records.append(
                    {
                        "id": f"scifact:{row['doc_id']}",
                        "title": str(row["title"]).strip(),
                        "abstract": " ".join(sentences),
                    }
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{part}:{number}: not a SciFact corpus line ({exc})") from exc
    return records


def main(argv: list[str] | None = None) -> int:
    """Write the corpus; a bad input is one line on stderr and exit status 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=DEFAULT_SCIFACT, help="SciFact folder.")
    parser.add_argument(
        "--out", type=Path, default=Path("/tmp/scifact-corpus.jsonl"), help="JSONL to write."
    )
    args = parser.parse_args(argv)
    try:
        records = scifact_records(args.scifact)
    except (OSError, ValueError) as exc:
        print(f"scifact_corpus: {exc}", file=sys.stderr)
        return 1
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    write_text_atomic(args.out, text)
    print(f"{len(records)} records written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
