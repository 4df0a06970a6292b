"""Seeded, semantics-preserving prompt perturbations from ReCode's four families.

Every transform returns a new Problem whose prompt is perturbed and whose canonical solution,
entry point and tests are adjusted so that the reference still passes, or None where the
transform does not apply to that problem.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from synth.bench._source import (
    compiles,
    docstring,
    prose_lines,
    rename_names,
    string_continuation_lines,
)
from synth.bench._syntax import SYNTAX
from synth.bench.records import Problem
from synth.errors import BenchError

Transform = Callable[[Problem, random.Random], Problem | None]

_SYNONYMS = {
    "return": "give back", "returns": "gives back", "given": "provided", "list": "sequence",
    "number": "numeral", "numbers": "numerals", "find": "determine", "write": "create",
    "check": "verify", "function": "routine", "string": "text string", "count": "tally",
    "largest": "biggest", "smallest": "tiniest", "element": "item", "elements": "items",
    "each": "every", "whether": "if", "value": "quantity", "sum": "total", "first": "initial",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z]+")


def _edit_prose(problem: Problem, edit: Callable[[str], str]) -> Problem | None:
    rows = prose_lines(problem)
    if not rows:
        return None
    lines = problem.prompt.split("\n")
    for row in rows:
        lines[row] = edit(lines[row])
    new = problem.model_copy(update={"prompt": "\n".join(lines)})
    return new if new.prompt != problem.prompt and compiles(new) else None


def synonym_substitution(problem: Problem, rng: random.Random) -> Problem | None:
    """Replace some docstring words by synonyms."""

    def edit(line: str) -> str:
        def swap(match: re.Match[str]) -> str:
            word = match.group(0)
            synonym = _SYNONYMS.get(word.lower())
            if synonym is None or rng.random() >= 0.5:
                return word
            return synonym[0].upper() + synonym[1:] if word[0].isupper() else synonym

        return _WORD.sub(swap, line)

    return _edit_prose(problem, edit)


def char_case(problem: Problem, rng: random.Random) -> Problem | None:
    """Upper-case random letters of the docstring prose."""

    def edit(line: str) -> str:
        return "".join(c.upper() if c.isalpha() and rng.random() < 0.35 else c for c in line)

    return _edit_prose(problem, edit)


def whitespace(problem: Problem, rng: random.Random) -> Problem | None:
    """Double random spaces between docstring words."""

    def edit(line: str) -> str:
        indent, body = line[: len(line) - len(line.lstrip())], line.lstrip()
        return indent + re.sub(" ", lambda m: "  " if rng.random() < 0.4 else " ", body)

    return _edit_prose(problem, edit)


def _rename_function(problem: Problem, new_name: str) -> Problem | None:
    old = problem.entry_point
    if (
        new_name == old
        or not new_name.isidentifier()
        or re.search(rf"\b{new_name}\b", problem.prompt + problem.canonical_solution + problem.test)
    ):
        return None
    pattern = re.compile(rf"(?<![.\w]){re.escape(old)}\b")
    new = problem.model_copy(
        update={
            "prompt": pattern.sub(new_name, problem.prompt),
            "canonical_solution": rename_names(problem.canonical_solution, old, new_name),
            "entry_point": new_name,
            # Tests that call the function by its old name (MBPP's) keep working.
            "test": f"{old} = {new_name}\n{problem.test}",
        }
    )
    return new if compiles(new) else None


def camel_case(problem: Problem, rng: random.Random) -> Problem | None:
    """Rename the function from snake_case to camelCase."""
    parts = [p for p in problem.entry_point.split("_") if p]
    if len(parts) < 2:
        return None
    return _rename_function(problem, parts[0] + "".join(p.capitalize() for p in parts[1:]))


def char_swap(problem: Problem, rng: random.Random) -> Problem | None:
    """Swap two adjacent letters of the function name."""
    name = problem.entry_point
    spots = [i for i in range(1, len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()
             and name[i] != name[i + 1]]  # fmt: skip
    if not spots:
        return None
    i = rng.choice(spots)
    return _rename_function(problem, name[:i] + name[i + 1] + name[i] + name[i + 2 :])


def _tabs(text: str, skip: set[int], offset: int) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i + 1 + offset in skip:
            continue
        width = len(line) - len(line.lstrip(" "))
        lines[i] = "\t" * (width // 4) + " " * (width % 4) + line[width:]
    return "\n".join(lines)


def tab_indent(problem: Problem, rng: random.Random) -> Problem | None:
    """Indent prompt and solution with tabs instead of four spaces."""
    skip = string_continuation_lines(problem.prompt + problem.canonical_solution)
    prompt = _tabs(problem.prompt, skip, 0)
    solution = _tabs(problem.canonical_solution, skip, problem.prompt.count("\n"))
    new = problem.model_copy(update={"prompt": prompt, "canonical_solution": solution})
    return new if new.prompt != problem.prompt and compiles(new) else None


def split_lines(problem: Problem, rng: random.Random) -> Problem | None:
    """Split one long docstring prose line in two."""
    rows = [r for r in prose_lines(problem) if len(problem.prompt.split("\n")[r].split()) >= 4]
    if not rows:
        return None
    row = rng.choice(rows)
    lines = problem.prompt.split("\n")
    line = lines[row]
    indent = line[: len(line) - len(line.lstrip())]
    words = line.split(" ")
    spaces = [i for i, w in enumerate(words) if w and i > 0 and len(line.strip()) > 0]
    cut = spaces[len(spaces) // 2]
    lines[row : row + 1] = [" ".join(words[:cut]).rstrip(), indent + " ".join(words[cut:])]
    new = problem.model_copy(update={"prompt": "\n".join(lines)})
    return new if compiles(new) else None


def docstring_to_comments(problem: Problem, rng: random.Random) -> Problem | None:
    """Turn the function's docstring into comment lines."""
    doc = docstring(problem)
    if doc is None:
        return None
    lines = problem.prompt.split("\n")
    text = [t.strip() for t in doc.text.strip().split("\n")]
    comments = [f"{doc.indent}# {t}".rstrip() for t in text]
    lines[doc.first - 1 : doc.last] = comments
    new = problem.model_copy(update={"prompt": "\n".join(lines)})
    return new if compiles(new) else None


def new_lines(problem: Problem, rng: random.Random) -> Problem | None:
    """Add blank lines before the function and after the prompt."""
    doc = docstring(problem)
    lines = problem.prompt.split("\n")
    if doc is not None:
        lines.insert(doc.last, "")
    prompt = "\n" * rng.randint(1, 2) + "\n".join(lines)
    new = problem.model_copy(update={"prompt": prompt})
    return new if compiles(new) else None


FAMILIES: dict[str, dict[str, Transform]] = {
    "docstring": {
        "synonym_substitution": synonym_substitution,
        "char_case": char_case,
        "whitespace": whitespace,
    },
    "function_name": {"camel_case": camel_case, "char_swap": char_swap},
    "syntax": SYNTAX,
    "format": {
        "tab_indent": tab_indent,
        "split_lines": split_lines,
        "docstring_to_comments": docstring_to_comments,
        "new_lines": new_lines,
    },
}


def perturb(problem: Problem, spec: str, seed: int) -> tuple[Problem, str]:
    """Apply ``family`` (a seeded transform that applies) or ``family/transform``.

    Returns the problem and the transform used; where none applies, the problem unchanged and
    ``"none"``, so that robustness metrics still cover every problem.
    """
    family, _, name = spec.partition("/")
    if family not in FAMILIES or (name and name not in FAMILIES[family]):
        known = ", ".join(f"{f}/{t}" for f, ts in FAMILIES.items() for t in ts)
        raise BenchError(f"unknown perturbation {spec!r}; known: {', '.join(FAMILIES)}, {known}")
    rng = random.Random(f"{seed}:{spec}:{problem.task_id}")
    names = [name] if name else list(FAMILIES[family])
    rng.shuffle(names)
    for candidate in names:
        result = FAMILIES[family][candidate](problem, random.Random(rng.random()))
        if result is not None:
            return result, candidate
    return problem, "none"
