"""YAML is read with limits: no aliases or anchors, bounded nesting and size.

The alias bomb is a file of a few hundred bytes: nine levels of nine aliases each
expand to 9^9 strings. Read without limits, one like it grew a reload thread by 2 GB
in 33 s, and a restart with it present crashed. It runs in a child process here,
with its address space capped, so that on code without limits the test fails
instead of the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import check_corpus
from knowledge.yamlsource import MAX_DEPTH, YamlSyntaxError, parse_yaml
from tests.knowledge.conftest import MINIMAL_FAQ

BOMB = textwrap.dedent(
    """\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """
)

# Peak RSS from /proc's VmHWM: Linux carries ru_maxrss over from the parent through
# fork and exec, so a child of a big pytest process would report the parent's size.
CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1500 * 2**20, 1500 * 2**20))
from knowledge import check_corpus

def peak_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

start = time.perf_counter()
corpus, issues = check_corpus(sys.argv[1])
print(json.dumps({
    "seconds": time.perf_counter() - start,
    "peak_mb": peak_mb(),
    "issues": [str(i) for i in issues],
    "loaded": corpus is not None,
}))
"""


def test_the_alias_bomb_is_refused_quickly_with_its_line_in_little_memory(
    write_corpus: Callable[..., Path],
) -> None:
    assert len(BOMB.encode()) < 500
    root = write_corpus({"faq.yaml": MINIMAL_FAQ, "bomb.yaml": BOMB})
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)],
        capture_output=True,
        text=True,
        timeout=120,  # a safety net for the run, not a measurement
        cwd=Path(__file__).resolve().parents[2],
    )
    assert child.returncode == 0, child.stderr[-2000:]
    report = json.loads(child.stdout)
    assert not report["loaded"]
    assert report["issues"][0].startswith(f"{root / 'bomb.yaml'}:1:4: YAML anchors ('&a')")
    assert report["seconds"] < 5
    assert report["peak_mb"] < 200
    print(f"alias bomb: {report['seconds']:.3f} s, peak RSS {report['peak_mb']:.0f} MB")


def test_a_single_alias_is_refused_where_it_is_used() -> None:
    text = "faq:\n  - id: x\n    answer: &ans hello\n  - id: y\n    answer: *ans\n"
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml(text)
    assert caught.value.position.line == 3 and "anchors" in caught.value.message
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("a: [1]\nb: *x\n")
    assert caught.value.position.line == 2


def test_merge_keys_need_aliases_and_are_refused_too() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert caught.value.position.line == 1


def test_deep_nesting_is_refused_with_a_line(write_corpus: Callable[..., Path]) -> None:
    deep = "x: " + "[" * 100 + "]" * 100 + "\n"  # libyaml itself stops at 1,000
    root = write_corpus({"faq.yaml": MINIMAL_FAQ, "deep.yaml": deep})
    corpus, issues = check_corpus(root)
    assert corpus is None
    assert [(Path(i.file).name, i.line) for i in issues] == [("deep.yaml", 1)]
    assert f"nested more than {MAX_DEPTH} levels" in issues[0].message


def test_a_file_with_too_many_values_is_refused(write_corpus: Callable[..., Path]) -> None:
    many = "synonyms:\n" + "".join(f"  w{i}: word\n" for i in range(30_000))
    root = write_corpus({"faq.yaml": MINIMAL_FAQ, "many.yaml": many})
    corpus, issues = check_corpus(root)
    assert corpus is None and len(issues) == 1
    assert "more than 50,000 values" in issues[0].message and issues[0].line > 20_000
