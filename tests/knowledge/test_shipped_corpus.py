"""The corpus we ship: valid, complete against the outline, and in sync with schema.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from knowledge import DEFAULT_KNOWLEDGE_PATH, find_items, find_skills, load_corpus
from knowledge.loader import corpus_files
from knowledge.models import MAX_ANSWER_CHARS
from knowledge.schema_json import SCHEMA_PATH, render_schema

ROOT = Path(__file__).resolve().parents[2]
OUTLINE_CANDIDATES = [ROOT.parent / "shared" / "knowledge-outline.md"]

# The outline's ids, copied so the test runs without shared/ too; when the outline is
# present the copy is checked against it.
FAQ_IDS = [
    "what-is-an-ml-engineer", "ml-engineer-vs-data-scientist", "what-is-machine-learning",
    "day-to-day-work", "salary-and-demand", "do-i-need-a-phd", "which-degree",
    "entry-level-path", "career-roadmap", "career-switch", "where-to-start",
    "which-programming-language", "how-much-math", "hands-on-experience",
    "portfolio-projects", "courses-and-certificates", "stay-up-to-date",
    "understand-the-ecosystem", "ml-applications", "measuring-success",
]  # fmt: skip
SKILL_IDS = [
    "programming", "cs-fundamentals", "mathematics", "probability-statistics",
    "data-preprocessing", "feature-engineering", "data-visualization", "ml-algorithms",
    "ml-libraries", "model-evaluation", "deep-learning", "software-engineering",
    "version-control", "big-data", "cloud-deployment", "communication", "problem-solving",
    "ai-ethics",
]  # fmt: skip
# Skills added after the outline. They join the learning path, so it must hold the
# outline's skills in outline order plus exactly these.
EXTRA_SKILL_IDS = ["ml-tooling"]


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    return load_corpus(DEFAULT_KNOWLEDGE_PATH)


def test_outline_copy_matches_shared_outline() -> None:
    outline = next((p for p in OUTLINE_CANDIDATES if p.exists()), None)
    if outline is None:
        pytest.skip("shared/knowledge-outline.md is not beside this checkout")
    text = outline.read_text(encoding="utf-8")
    faq_part, skill_part = text.split("## Skill entries")
    row = re.compile(r"^\| ([a-z0-9-]+) \|", re.M)
    assert [i for i in row.findall(faq_part) if i != "id"] == FAQ_IDS
    assert [i for i in row.findall(skill_part) if i != "id"] == SKILL_IDS


def test_every_outline_id_is_present_with_its_kind(corpus) -> None:  # type: ignore[no-untyped-def]
    for entry_id in FAQ_IDS:
        assert corpus.kind(entry_id) == "faq", entry_id
    for entry_id in SKILL_IDS:
        assert corpus.kind(entry_id) == "skill", entry_id


def test_answers_and_checklists_are_usable(corpus) -> None:  # type: ignore[no-untyped-def]
    for entry in corpus.faq:
        assert len(entry.answer) <= MAX_ANSWER_CHARS
        assert len(entry.phrasings) >= 4
        assert entry.sources, f"{entry.id} cites no article"
        assert "Source" in entry.answer.splitlines()[-1], f"{entry.id} must end with its source"
    for skill in corpus.skills:
        assert len(skill.checklist) >= 3, skill.id
        assert all(item.id.startswith(skill.id + "/") for item in skill.checklist)
    path = [s.id for s in corpus.learning_path()]
    assert [i for i in path if i in SKILL_IDS] == SKILL_IDS
    assert sorted(set(path) - set(SKILL_IDS)) == sorted(EXTRA_SKILL_IDS)


def test_every_file_validates_against_the_published_json_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = corpus_files(DEFAULT_KNOWLEDGE_PATH)
    assert len(files) >= 39
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, (path, errors)


def test_schema_json_is_generated_from_the_models() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "knowledge/schema.json is stale: run 'python -m knowledge.schema_json'"
    )


def test_json_schema_rejects_what_the_loader_rejects() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    bad = {
        "faq": [{"id": "Bad Id", "question": "q", "phrasings": ["a"], "answer": "x", "keyword": []}]
    }
    messages = " ".join(e.message for e in validator.iter_errors(bad))
    assert "'keyword' was unexpected" in messages
    assert "is too short" in messages
    assert "does not match" in messages


def test_autocomplete_lookups(corpus) -> None:  # type: ignore[no-untyped-def]
    assert find_skills(corpus, "stats")[0].id == "probability-statistics"
    assert find_skills(corpus, "docker")[0].id == "cloud-deployment"
    assert "cloud-deployment" in [s.id for s in find_skills(corpus, "dockr")[:3]]
    assert len(find_skills(corpus, "")) == len(SKILL_IDS) + len(EXTRA_SKILL_IDS)
    items = find_items(corpus, "bayes")
    assert items and items[0][1].id.startswith("probability-statistics/")
    assert len(find_items(corpus, "")) == 25
