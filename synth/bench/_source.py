"""Source locations inside a problem: the entry function, its docstring, prose lines, strings."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from synth.bench.records import Problem


@dataclass(frozen=True)
class Docstring:
    """Line span (1-based, inclusive) of the entry function's docstring in the prompt."""

    first: int
    last: int
    indent: str
    text: str


def entry_function(source: str, name: str) -> ast.FunctionDef | None:
    """The last top-level ``def name`` in source, or None when absent or unparsable."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return found[-1] if found else None


def docstring(problem: Problem) -> Docstring | None:
    """Where the entry function's docstring lies in the prompt."""
    fn = entry_function(problem.prompt, problem.entry_point)
    if fn is None or not fn.body:
        return None
    first = fn.body[0]
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)):
        return None
    if not isinstance(first.value.value, str) or first.end_lineno is None:
        return None
    line = problem.prompt.split("\n")[first.lineno - 1]
    return Docstring(first.lineno, first.end_lineno, line[: first.col_offset], first.value.value)


def prose_lines(problem: Problem) -> list[int]:
    """0-based prompt lines of docstring prose: no doctest examples, outputs or asserts."""
    doc = docstring(problem)
    if doc is None:
        return []
    lines = problem.prompt.split("\n")
    found: list[int] = []
    in_example = False
    for number in range(doc.first - 1, doc.last):
        text = lines[number].strip()
        if ">>>" in text or "assert" in text:
            in_example = True
            continue
        if not text:
            in_example = False
            continue
        if not in_example and re.search(r"[A-Za-z]{3}", text):
            found.append(number)
    return found


def string_continuation_lines(source: str) -> set[int]:
    """1-based lines that lie inside a multi-line string literal (after its first line)."""
    inside: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                inside.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return inside


def compiles(problem: Problem) -> bool:
    """Whether prompt + canonical solution + tests still compile."""
    try:
        compile(problem.program(problem.canonical_solution), "<perturbed>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


def rename_names(source: str, old: str, new: str, from_line: int = 1) -> str:
    """Rename NAME tokens ``old`` (not attributes, not keyword arguments) from a line on."""
    lines = source.split("\n")
    edits: list[tuple[int, int, int]] = []
    depth, previous = 0, ""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for i, token in enumerate(tokens):
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        following = tokens[i + 1].string if i + 1 < len(tokens) else ""
        keyword_arg = depth > 0 and following == "=" and previous in ("(", ",")
        if (
            token.type == tokenize.NAME
            and token.string == old
            and previous != "."
            and not keyword_arg
            and token.start[0] >= from_line
        ):
            edits.append((token.start[0] - 1, token.start[1], token.end[1]))
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            previous = token.string
    for row, start, end in reversed(edits):
        lines[row] = lines[row][:start] + new + lines[row][end:]
    return "\n".join(lines)
