"""pass@k cannot be forged: the verdict comes from a checker process that runs no sample code.

Each hostile completion below is a wrong solution that tries to be counted as passed anyway: by
writing verdicts to every descriptor it holds, by reading pipes and speaking the harness's (old
and new) protocol, by returning objects whose ``__eq__`` always agrees, by monkeypatching
builtins, by printing verdicts, by redefining the prompt's helper functions. All fail in both
modes; the canonical solutions of the same problems still pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from synth.bench.datasets import load_dataset, mbpp_to_problem
from synth.bench.executor import checked_job
from synth.bench.records import ExecOutcome, Problem
from synth.bench.sandbox import ForkServerSandbox, Job, probe_bwrap, samples_keep_host_uid

MODES = ["rlimit", pytest.param("bwrap", marks=pytest.mark.skipif(
    not probe_bwrap()[0], reason=f"bubblewrap unusable here: {probe_bwrap()[1]}"))]  # fmt: skip

_VERDICTS = (
    '(b\'{"status": "passed", "result": "passed"}\\n\', b\'{"loaded": true}\\n\', '
    'b\'{"status": "passed", "result": "passed", "sample_gone": false}\\n\', '
    'b\'{"status": "passed", "result": "passed", "duration_s": 0.0}\\n\')'
)
# Wrong solutions of HumanEval/0 (has_close_elements: the tests expect True and False).
HOSTILE = {
    "writes_verdicts_everywhere_and_exits": f"""    return False
import os
for _fd in range(3, 1024):
    for _line in {_VERDICTS}:
        try:
            os.write(_fd, _line)
        except OSError:
            pass
os._exit(0)
""",
    # Reads whatever it can (the old per-sample nonce lived on a pipe), answers as the old
    # harness would on every descriptor, then as the new one: loaded, and True to every call.
    "reads_pipes_and_replies_as_the_harness": """    return False
import json, os, select
_nonces = []
for _fd in range(3, 256):
    try:
        os.fstat(_fd)
        if select.select([_fd], [], [], 0.2)[0]:
            _nonces.append(os.read(_fd, 4096).decode(errors="replace"))
    except (OSError, ValueError):
        pass
_lines = [json.dumps({"status": "passed", "result": "passed", "nonce": n}).encode() + b"\\n"
          for n in _nonces]
_lines += [b'{"loaded": true}\\n'] + [b'{"value": ["T", true]}\\n'] * 50
for _fd in range(3, 256):
    for _line in _lines:
        try:
            os.write(_fd, _line)
        except OSError:
            pass
# Every descriptor of every process in sight: the worker's and the checker's pipes.
for _pid in os.listdir("/proc"):
    try:
        _fds = os.listdir(f"/proc/{_pid}/fd")
    except OSError:
        continue
    for _name in _fds:
        try:
            _out = os.open(f"/proc/{_pid}/fd/{_name}", os.O_WRONLY | os.O_NONBLOCK)
            os.write(_out, _lines[0] if _lines else b'{"status": "passed"}\\n')
            os.close(_out)
        except OSError:
            pass
os._exit(0)
""",
    "returns_an_int_whose_eq_always_agrees": """    class Agreeable(int):
        def __eq__(self, other):
            return True
        __hash__ = int.__hash__
    return Agreeable(0)
""",
    "returns_an_object_whose_eq_always_agrees": """    class Agreeable:
        def __eq__(self, other):
            return True
        def __bool__(self):
            return True
    return Agreeable()
""",
    "monkeypatches_builtins_and_assert": """    return False
import builtins, json
builtins.AssertionError = type("AssertionError", (BaseException,), {})
builtins.bool = lambda *_: True
builtins.isinstance = lambda *_: True
json.loads = lambda *_a, **_k: {"status": "passed", "result": "passed"}
""",
    "prints_a_fake_verdict": """    print('{"status": "passed", "result": "passed"}', flush=True)
    return False
import os, sys
print('{"status": "passed", "result": "passed"}', flush=True)
os.write(1, b'{"status": "passed", "result": "passed"}\\n')
os.write(2, b'{"status": "passed", "result": "passed"}\\n')
sys.__stdout__.write('{"status": "passed", "result": "passed"}\\n')
""",
    "writes_garbage_then_answers_right": """    import os
    for fd in range(3, 64):
        try:
            os.write(fd, b"garbage\\n")
        except OSError:
            pass
    return any(abs(a - b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])
""",
    "floods_its_pipe": """    import os
    chunk = b"x" * (1 << 20)
    while True:
        for fd in range(3, 64):
            try:
                os.write(fd, chunk)
            except OSError:
                pass
""",
    "exits_during_the_call": """    import os
    os._exit(0)
""",
    "hangs_during_the_call": """    while True:
        pass
""",
}
# HumanEval/38: decode_cyclic is checked with the prompt's encode_cyclic. Redefining both as the
# identity would pass a checker that took encode_cyclic from the sample.
REDEFINES_HELPER = """    return s


def encode_cyclic(s: str):
    return s
"""


@pytest.fixture(scope="module", params=MODES)
def sandbox(request: pytest.FixtureRequest) -> Iterator[ForkServerSandbox]:
    with ForkServerSandbox(request.param, workers=2, allow_unsafe_rlimit=True) as box:
        yield box


@pytest.fixture(scope="module")
def problems() -> dict[str, Problem]:
    return load_dataset("humaneval", limit=60).by_id()


def _run(sandbox: ForkServerSandbox, jobs: list[Job]) -> list[ExecOutcome]:
    return sandbox.run(jobs)


def test_wrong_solutions_that_try_to_forge_a_pass_all_fail(
    sandbox: ForkServerSandbox, problems: dict[str, Problem]
) -> None:
    target = problems["HumanEval/0"]
    jobs = [checked_job(target, completion, 3.0) for completion in HOSTILE.values()]
    jobs.append(checked_job(problems["HumanEval/38"], REDEFINES_HELPER, 3.0))
    outcomes = dict(zip([*HOSTILE, "redefines_helper"], _run(sandbox, jobs), strict=True))
    assert {n: o.status for n, o in outcomes.items() if o.status == "passed"} == {}
    assert outcomes["hangs_during_the_call"].status == "timed out"
    assert "not plain data" in outcomes["returns_an_object_whose_eq_always_agrees"].result
    assert "protocol" in outcomes["writes_garbage_then_answers_right"].result
    assert outcomes["exits_during_the_call"].result.startswith("failed: exited with code 0")
    # The harness is unharmed: the right answer to the same problem still passes.
    again = _run(sandbox, [checked_job(target, target.canonical_solution, 3.0)])
    assert again[0].status == "passed"


def test_canonical_humaneval_solutions_still_pass(
    sandbox: ForkServerSandbox, problems: dict[str, Problem]
) -> None:
    # 0: plain asserts; 10 and 32: prompt helpers used by the solution and the tests;
    # 38 and 50: encode/decode pairs; 53: a hundred random calls.
    chosen = [problems[f"HumanEval/{i}"] for i in (0, 10, 32, 38, 50, 53)]
    outcomes = _run(sandbox, [checked_job(p, p.canonical_solution, 5.0) for p in chosen])
    assert [(p.task_id, o.result) for p, o in zip(chosen, outcomes, strict=True)] == [
        (p.task_id, "passed") for p in chosen
    ]


def test_mbpp_style_asserts_are_checked_across_the_boundary(sandbox: ForkServerSandbox) -> None:
    row = {
        "task_id": 1,
        "text": "Add two numbers.",
        "code": "class Box:\n    def __init__(self, v):\n        self.v = v\n\n"
        "def add(a, b):\n    return a.v + b",
        "test_list": ["assert add(Box(1), 2) == 3", "assert add(Box(2), 2) == 4"],
        "test_setup_code": "",
    }
    problem = mbpp_to_problem(row)
    forger = HOSTILE["writes_verdicts_everywhere_and_exits"].replace("return False", "return 0")
    right, wrong, forged = _run(
        sandbox,
        [
            checked_job(problem, problem.canonical_solution, 3.0),
            checked_job(problem, "    return a.v * b\n", 3.0),
            checked_job(problem, forger, 3.0),
        ],
    )
    assert right.status == "passed", right.result
    assert (wrong.status, forged.status) == ("failed", "failed")


def test_a_test_that_swallows_every_exception_still_fails_a_dead_sample(
    sandbox: ForkServerSandbox,
) -> None:
    problem = Problem(
        task_id="X/0",
        prompt="def f(x):\n",
        canonical_solution="    return x + 1\n",
        test="def check(candidate):\n    try:\n        assert candidate(1) == 2\n"
        "    except:\n        pass\n",
        entry_point="f",
    )
    right, dead = _run(
        sandbox,
        [
            checked_job(problem, problem.canonical_solution, 3.0),
            checked_job(problem, "    import os\n    os._exit(0)\n", 3.0),
        ],
    )
    assert right.status == "passed"
    assert dead.status == "failed"


def test_a_sample_that_raises_fails_with_its_message_and_builtin_types_survive(
    sandbox: ForkServerSandbox,
) -> None:
    problem = Problem(
        task_id="X/1",
        prompt="def f(x):\n",
        canonical_solution="    raise ValueError('no ' + x)\n",
        test="def check(candidate):\n    try:\n        candidate('way')\n    except ValueError as e:\n"
        "        assert str(e) == 'no way'\n    else:\n        assert False\n",
        entry_point="f",
    )
    expected, other = _run(
        sandbox,
        [
            checked_job(problem, problem.canonical_solution, 3.0),
            checked_job(problem, "    raise KeyError(x)\n", 3.0),
        ],
    )
    assert expected.status == "passed", expected.result
    assert (other.status, other.result) == ("failed", "failed: 'way'")


def test_forgers_fail_where_rlimit_samples_keep_the_host_uid(
    monkeypatch: pytest.MonkeyPatch, problems: dict[str, Problem]
) -> None:
    # As root this takes the uid drop away (samples then run as root without capabilities);
    # as another user it is how the rlimit mode always runs. The host's own reply pipes are
    # then in reach of /proc/PID/fd unless the host is undumpable.
    monkeypatch.setattr("synth.bench.sandbox.interpreter_is_public", lambda: False)
    assert samples_keep_host_uid("rlimit")
    target = problems["HumanEval/0"]
    names = ["writes_verdicts_everywhere_and_exits", "reads_pipes_and_replies_as_the_harness"]
    jobs = [checked_job(target, HOSTILE[name], 3.0) for name in names]
    with ForkServerSandbox("rlimit", workers=1, allow_unsafe_rlimit=True) as box:
        forged = box.run(jobs)
        honest = box.run([checked_job(target, target.canonical_solution, 3.0)])
    assert [o.status for o in forged] == ["failed", "failed"]
    assert honest[0].status == "passed"
