"""Datasets load with their hashes; canonical solutions pass, also under every perturbation."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from synth.bench.datasets import load_dataset
from synth.bench.executor import Sample, evaluate_samples
from synth.bench.perturb import FAMILIES, perturb
from synth.bench.records import Dataset
from synth.bench.sandbox import ForkServerSandbox, resolve_mode
from synth.settings import BenchSettings


def _canonical_failures(dataset: Dataset) -> list[str]:
    samples = [Sample(task_id=p.task_id, completion=p.canonical_solution) for p in dataset.problems]
    with ForkServerSandbox(resolve_mode("auto"), workers=2) as sandbox:
        results = evaluate_samples(samples, dataset, sandbox, BenchSettings())
    return [f"{r.task_id}: {r.result}" for r in results if not r.passed]


def test_humaneval_loads_from_the_package_with_its_hash() -> None:
    dataset = load_dataset("humaneval")
    assert len(dataset.problems) == 164
    assert len(dataset.sha256) == 64
    assert dataset.problems[0].task_id == "HumanEval/0"


def test_all_humaneval_canonical_solutions_pass() -> None:
    assert _canonical_failures(load_dataset("humaneval")) == []


def test_mbpp_rows_become_problems(realdata: Path) -> None:
    dataset = load_dataset(str(realdata / "mbpp" / "mbpp.jsonl"), limit=40)
    assert dataset.problems[0].task_id == "MBPP/1"
    assert '"""' in dataset.problems[0].prompt
    assert _canonical_failures(dataset) == []


@pytest.mark.slow
def test_all_mbpp_reference_solutions_pass(realdata: Path) -> None:
    assert _canonical_failures(load_dataset(str(realdata / "mbpp" / "mbpp.jsonl"))) == []


def test_any_jsonl_of_the_same_shape_loads(tmp_path: Path) -> None:
    row = '{"task_id": "X/0", "prompt": "def f():\\n", "canonical_solution": "    return 1\\n", '
    row += '"test": "def check(c):\\n    assert c() == 1\\n", "entry_point": "f"}\n'
    path = tmp_path / "mine.jsonl"
    path.write_text(row)
    dataset = load_dataset(str(path))
    assert dataset.name == "mine"
    assert _canonical_failures(dataset) == []


def _perturbed(dataset: Dataset, seed: int) -> Dataset:
    problems = []
    for family, transforms in FAMILIES.items():
        for name in transforms:
            for problem in dataset.problems:
                new, used = perturb(problem, f"{family}/{name}", seed)
                if used != "none":
                    problems.append(new.model_copy(update={"task_id": f"{problem.task_id}|{name}"}))
    return dataset.model_copy(update={"problems": problems})


def test_every_transform_keeps_canonical_solutions_passing() -> None:
    dataset = _perturbed(load_dataset("humaneval", limit=12), seed=3)
    applied = {p.task_id.split("|")[1] for p in dataset.problems}
    assert applied == {name for transforms in FAMILIES.values() for name in transforms}
    assert _canonical_failures(dataset) == []


@pytest.mark.slow
def test_perturbations_keep_all_humaneval_and_mbpp_passing(realdata: Path) -> None:
    for spec in ("humaneval", str(realdata / "mbpp" / "mbpp.jsonl")):
        assert _canonical_failures(_perturbed(load_dataset(spec, limit=200), seed=1)) == []


def test_perturbations_are_seeded_and_change_the_prompt() -> None:
    problem = load_dataset("humaneval", limit=1).problems[0]
    for family in FAMILIES:
        first, used = perturb(problem, family, seed=5)
        assert (first, used) == perturb(problem, family, seed=5)
        assert used != "none", family
        assert first.prompt != problem.prompt, family
    renamed, _ = perturb(problem, "function_name/camel_case", 0)
    assert renamed.entry_point == "hasCloseElements"
    assert "def hasCloseElements(" in renamed.prompt
    tabbed, _ = perturb(problem, "format/tab_indent", 0)
    assert "\n\t" in tabbed.prompt
    assert random.Random(0).random() == random.Random(0).random()
