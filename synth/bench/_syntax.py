"""ReCode's code-syntax family: transforms of partial code (the first half of the reference body).

The prompt is extended with the first half of the canonical body, transformed; the rest of the
body stays the completion (renamed consistently where a variable was renamed).
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from synth.bench._source import compiles, entry_function, rename_names
from synth.bench.records import Problem


@dataclass
class Partial:
    """Prompt lines, partial-code lines and remaining lines of prompt + canonical solution."""

    head: list[str]
    partial: list[str]
    rest: list[str]
    stmts: list[ast.stmt]
    fn: ast.FunctionDef


def split_partial(problem: Problem) -> Partial | None:
    """Split the canonical body after half of its top-level statements."""
    if not problem.prompt.endswith("\n"):
        return None
    source = problem.prompt + problem.canonical_solution
    fn = entry_function(source, problem.entry_point)
    head_count = problem.prompt.count("\n")
    if fn is None:
        return None
    stmts = [s for s in fn.body if s.lineno > head_count]
    if len(stmts) < 2 or stmts[len(stmts) // 2 - 1].end_lineno is None:
        return None
    cut = stmts[len(stmts) // 2 - 1].end_lineno or 0
    lines = source.split("\n")
    return Partial(
        lines[:head_count], lines[head_count:cut], lines[cut:], stmts[: len(stmts) // 2], fn
    )


def _build(problem: Problem, part: Partial, partial: list[str], rest: list[str]) -> Problem | None:
    prompt = "\n".join(part.head + partial) + "\n"
    new = problem.model_copy(update={"prompt": prompt, "canonical_solution": "\n".join(rest)})
    return new if compiles(new) else None


def _own_line(lines: list[str], node: ast.stmt) -> bool:
    line = lines[node.lineno - 1]
    return len(line) - len(line.lstrip()) == node.col_offset


def variable_rename(problem: Problem, rng: random.Random) -> Problem | None:
    """Rename one local variable assigned in the partial code, everywhere in the function."""
    part = split_partial(problem)
    if part is None:
        return None
    params = {a.arg for a in ast.walk(part.fn.args) if isinstance(a, ast.arg)}
    stored = sorted(
        {
            n.id
            for s in part.stmts
            for n in ast.walk(s)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        - params
    )
    source = problem.prompt + problem.canonical_solution
    outside = "\n".join(part.head) + problem.test
    candidates = [name for name in stored if not re.search(rf"\b{re.escape(name)}\b", outside)]
    if not candidates:
        return None
    old = rng.choice(candidates)
    new = next(
        f"{stem}{i}" for i in range(100) for stem in ("var_", "tmp_")
        if f"{stem}{i}" not in source
    )  # fmt: skip
    renamed = rename_names(source, old, new, from_line=len(part.head) + 1).split("\n")
    cut = len(part.head) + len(part.partial)
    return _build(problem, part, renamed[len(part.head) : cut], renamed[cut:])


_DEAD_CODE = (
    ["{i}_unused_{n} = {v}"],
    ["{i}while False:", "{i}    _unused_{n} = {v}"],
    ["{i}if False:", "{i}    _unused_{n} = {v}"],
    ["{i}for _unused_{n} in range(0):", "{i}    pass"],
)


def dead_code_insertion(problem: Problem, rng: random.Random) -> Problem | None:
    """Insert a never-executed or unused statement before one statement of the partial code."""
    part = split_partial(problem)
    if part is None:
        return None
    lines = part.head + part.partial
    spots = [s for s in part.stmts if _own_line(lines, s)]
    if not spots:
        return None
    target = rng.choice(spots)
    indent = lines[target.lineno - 1][: target.col_offset]
    template = rng.choice(_DEAD_CODE)
    code = [t.format(i=indent, n=rng.randrange(100), v=rng.randrange(10)) for t in template]
    at = target.lineno - 1 - len(part.head)
    return _build(problem, part, part.partial[:at] + code + part.partial[at:], part.rest)


def for_to_while(problem: Problem, rng: random.Random) -> Problem | None:
    """Rewrite one for loop of the partial code as an equivalent while loop over an iterator."""
    part = split_partial(problem)
    if part is None:
        return None
    lines = part.head + part.partial
    loops = [
        n
        for s in part.stmts
        for n in ast.walk(s)
        if isinstance(n, ast.For) and not n.orelse and _own_line(lines, n)
        and n.end_lineno is not None
        and lines[n.end_lineno - 1][n.end_col_offset or 0 :].strip() == ""
    ]  # fmt: skip
    if not loops:
        return None
    loop = rng.choice(loops)
    ind = lines[loop.lineno - 1][: loop.col_offset]
    it = f"_iter_{rng.randrange(1000)}"
    code = [
        f"{ind}{it} = iter({ast.unparse(loop.iter)})",
        f"{ind}while True:",
        f"{ind}    try:",
        f"{ind}        {ast.unparse(loop.target)} = next({it})",
        f"{ind}    except StopIteration:",
        f"{ind}        break",
    ]
    for stmt in loop.body:
        code += [f"{ind}    {line}" for line in ast.unparse(stmt).split("\n")]
    start, end = loop.lineno - 1 - len(part.head), (loop.end_lineno or 0) - len(part.head)
    return _build(problem, part, part.partial[:start] + code + part.partial[end:], part.rest)


_FLIP = {ast.Lt: ">", ast.Gt: "<", ast.LtE: ">=", ast.GtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
_BARE = (ast.Name, ast.Constant, ast.Attribute, ast.Subscript, ast.BinOp)


def _operand(node: ast.expr, line: str) -> str | None:
    if any(isinstance(n, (ast.Call, ast.NamedExpr, ast.Await, ast.Yield)) for n in ast.walk(node)):
        return None  # swapping would reorder side effects
    raw = line.encode()[node.col_offset : node.end_col_offset].decode()
    return raw if isinstance(node, _BARE) else f"({raw})"


def operand_swap(problem: Problem, rng: random.Random) -> Problem | None:
    """Swap the operands of one comparison in the partial code (a < b becomes b > a)."""
    part = split_partial(problem)
    if part is None:
        return None
    lines = part.head + part.partial
    options: list[tuple[ast.Compare, str]] = []
    for stmt in part.stmts:
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Compare)
                and len(node.ops) == 1
                and type(node.ops[0]) in _FLIP
                and node.lineno == node.end_lineno
            ):
                line = lines[node.lineno - 1]
                left, right = _operand(node.left, line), _operand(node.comparators[0], line)
                if left is not None and right is not None:
                    options.append((node, f"{right} {_FLIP[type(node.ops[0])]} {left}"))
    if not options:
        return None
    node, text = rng.choice(options)
    row = node.lineno - 1 - len(part.head)
    raw = part.partial[row].encode()
    new_line = raw[: node.col_offset].decode() + text + raw[node.end_col_offset :].decode()
    partial = [*part.partial[:row], new_line, *part.partial[row + 1 :]]
    return _build(problem, part, partial, part.rest)


SYNTAX: dict[str, Callable[[Problem, random.Random], Problem | None]] = {
    "variable_rename": variable_rename,
    "dead_code_insertion": dead_code_insertion,
    "for_to_while": for_to_while,
    "operand_swap": operand_swap,
}
