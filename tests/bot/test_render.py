"""Renderers: wording, Discord's size limits, and member text made inert."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot import render
from careerbot.core.kb_stats import KbStats
from knowledge import Candidate, FaqEntry, Issue, KnowledgeBase, ReloadResult, SkillEntry
from storage import (
    EntryStats,
    GapRow,
    GuildSettings,
    ProgressSummary,
    QuestionStats,
    SkillProgress,
    Streak,
    WeekStats,
)

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)


def embed_size_ok(embed: object) -> None:
    data = embed.to_dict()  # type: ignore[attr-defined]
    assert len(data.get("title", "")) <= render.TITLE_MAX
    assert len(data.get("description", "")) <= render.DESCRIPTION_MAX
    for field in data.get("fields", []):
        assert len(field["value"]) <= render.FIELD_MAX
    assert len(data.get("footer", {}).get("text", "")) <= render.FOOTER_MAX


@pytest.mark.parametrize(
    ("done", "total", "bar"),
    [
        (0, 8, "░░░░░░░░░░"),
        (4, 8, "█████░░░░░"),
        (7, 8, "████████░░"),  # rounds down: full only when all is done
        (8, 8, "██████████"),
        (0, 0, "██████████"),
        (-1, 5, "░░░░░░░░░░"),
    ],
)
def test_progress_bar(done: int, total: int, bar: str) -> None:
    assert render.progress_bar(done, total) == bar


def test_truncate_quote_and_plain() -> None:
    assert render.truncate("abc", 3) == "abc"
    assert render.truncate("abcdef", 4) == "abc…"
    assert render.quote("hi **there**\n@everyone") == "> hi \\*\\*there\\*\\* @everyone"
    assert len(render.quote("x" * 5000)) <= 302
    assert render.percent(99.6) == "99%"
    assert render.percent(0.7) == "<1%"
    assert render.percent(0.0) == "0%"
    assert render.percent(100.0) == "100%"


def test_every_entry_renders_within_limits(knowledge_base: KnowledgeBase) -> None:
    corpus = knowledge_base.corpus
    for entry_id in corpus.ids:
        entry = corpus.entry(entry_id)
        assert entry is not None
        embed = render.entry_embed(entry)
        embed_size_ok(embed)
        assert embed.title == render.truncate(corpus.title(entry_id), 256)
    for skill in corpus.skills:
        embed_size_ok(render.skill_card_embed(skill, {}))


def test_faq_sources_are_not_repeated_when_the_answer_names_them(
    knowledge_base: KnowledgeBase,
) -> None:
    entry = knowledge_base.corpus.entry("do-i-need-a-phd")
    assert isinstance(entry, FaqEntry) and entry.sources
    assert render.entry_embed(entry).footer.text is None
    bare = entry.model_copy(update={"answer": "Short answer."})
    assert render.entry_embed(bare).footer.text == "Sources: " + "; ".join(entry.sources)


def test_skill_entry_lists_checklist_and_practice(knowledge_base: KnowledgeBase) -> None:
    skill = knowledge_base.corpus.entry("mathematics")
    assert isinstance(skill, SkillEntry)
    embed = render.entry_embed(skill)
    assert [f.name for f in embed.fields] == ["What to learn", "Practice"]
    assert skill.checklist[0].title in (embed.fields[0].value or "")
    assert "/skill" in (embed.footer.text or "")


def test_abstain_smalltalk_refusals() -> None:
    suggestion = Candidate("do-i-need-a-phd", "faq", "Do I need a PhD?", 30.0)
    assert render.abstain_text([suggestion]).endswith("Did you mean one of these?")
    assert "rephrasing" in render.abstain_text([])
    assert render.smalltalk_text("greeting") == render.INTRO
    assert render.smalltalk_text("identity") == render.INTRO
    assert "welcome" in render.smalltalk_text("thanks")
    assert "1,200 characters" in render.refused_text("too_long", 1200, 1000)
    assert "1,000" in render.refused_text("too_long", 1200, 1000)
    assert "question" in render.refused_text("empty", 0, 1000)
    assert render.slow_down_text(0.2) == (
        "Slow down a little, please: you can ask again in 1 second."
    )
    assert "3 seconds" in render.slow_down_text(2.6)


def test_skill_map_pages(knowledge_base: KnowledgeBase) -> None:
    corpus = knowledge_base.corpus
    pages = render.skills_page_count(corpus)
    assert pages == -(-len(corpus.skills) // render.SKILLS_PER_PAGE) >= 2
    first = render.skills_embed(corpus, 0)
    last = render.skills_embed(corpus, pages - 1)
    path = corpus.learning_path()
    assert f"**1. {path[0].name}**: {path[0].summary}" in (first.description or "")
    assert path[-1].name in (last.description or "")
    assert (first.footer.text or "").startswith(f"Page 1 of {pages}")
    assert render.skills_embed(corpus, 99).description == last.description  # clamped
    embed_size_ok(first)


def test_skill_card_shows_each_status(knowledge_base: KnowledgeBase) -> None:
    skill = knowledge_base.corpus.entry("mathematics")
    assert isinstance(skill, SkillEntry)
    first, second, third = (item.id for item in skill.checklist[:3])
    embed = render.skill_card_embed(skill, {first: "done", second: "learning", third: "skipped"})
    lines = (embed.description or "").splitlines()
    assert f"✅ {skill.checklist[0].title}" in lines
    assert f"📖 {skill.checklist[1].title}" in lines
    assert f"⏭️ {skill.checklist[2].title}" in lines
    assert f"⬜ {skill.checklist[3].title}" in lines
    assert f"1/{len(skill.checklist)} done" in (embed.description or "")


def test_progress_embed(knowledge_base: KnowledgeBase) -> None:
    corpus = knowledge_base.corpus
    skill = corpus.learning_path()[0]
    skills = (
        SkillProgress(skill.id, 4, 0, 1, 8, 50.0, False),
        *(
            SkillProgress(s.id, 0, 0, 0, len(s.checklist), 0.0, False)
            for s in corpus.learning_path()[1:]
        ),
    )
    total = sum(s.total for s in skills)
    summary = ProgressSummary(1, skills, 4, total, 400 / total, skill.id, skill.checklist[4].id)
    streak = Streak(1, 3, 5, date(2025, 3, 1), date(2025, 3, 1))
    embed = render.progress_embed(summary, streak, corpus)
    text = embed.description or ""
    assert f"`█████░░░░░` 50% {skill.name} (4/8)" in text
    assert f"({4}/{total} items)" in text
    assert "🔥 3 days (longest 5)" in text
    assert f"**Next up** {skill.checklist[4].title} ({skill.name})" in text
    embed_size_ok(embed)
    done = ProgressSummary(1, skills, total, total, 100.0, None, None)
    assert "done it all" in (render.progress_embed(done, streak, corpus).description or "")


def test_reload_text_lists_first_problems_relative_to_the_corpus() -> None:
    root = Path("/srv/careerbot/knowledge")
    issues = tuple(
        Issue(str(root / "faq" / f"f{i}.yaml"), i + 1, 3, f"problem {i}") for i in range(7)
    )
    text = render.reload_text(ReloadResult(False, issues, 38), root)
    assert "kept serving the previous version (38 entries)" in text
    assert "faq/f0.yaml:1:3: problem 0" in text and "faq/f4.yaml:5:3: problem 4" in text
    assert "f5.yaml" not in text and "…and 2 more" in text
    assert "/srv" not in text  # no server paths in Discord
    assert render.reload_text(ReloadResult(True, (), 40), root).startswith("✅")


def test_gaps_escape_member_text_and_fit_a_message() -> None:
    rows = [GapRow(f"k{i}", f"**why** @everyone {i} " + "x" * 200, 5, 3, 2, NOW) for i in range(30)]
    text = render.gaps_text(rows, 7)
    assert len(text) <= render.CONTENT_MAX
    assert "\\*\\*why\\*\\*" in text and "(3 unanswered, 2 not helpful)" in text
    assert "Private and DM questions" in render.gaps_text([], 7)


def stats_report(weeks: int, entries: int, gaps: int) -> KbStats:
    week_list = [WeekStats(date(2024, 1, 1) + timedelta(weeks=n), 10, 7) for n in range(weeks)]
    week_list[-1] = WeekStats(week_list[-1].week_start, 0, 0)
    entry_list = [EntryStats(f"entry-{n:03d}-" + "x" * 150, 50 - n, 1, n) for n in range(entries)]
    gap = GapRow("k", "**why** @everyone " + "long " * 60, 3, 3, 0, NOW)
    return KbStats(
        NOW - timedelta(days=7 * weeks),
        NOW,
        None,
        QuestionStats(NOW, NOW, 10, 7, 0.7, 4, 3, 0.75),
        week_list,
        entry_list,
        entry_list[1:],
        [gap] * gaps,
    )


def test_stats_and_config(knowledge_base: KnowledgeBase) -> None:
    embed = render.stats_embed(knowledge_base.corpus, stats_report(3, 2, 1), 30)
    embed_size_ok(embed)
    values = {f.name: f.value or "" for f in embed.fields}
    assert values["Questions"] == "10 asked\n7 answered\nanswer rate 70%\nabstention rate 30%"
    assert values["Feedback"] == "4 votes\nhelpful rate 75%"
    assert values["Corpus"].startswith(f"{len(knowledge_base.corpus.faq)} FAQ entries")
    weeks = values["Per week (from Monday, UTC; newest first)"].splitlines()
    assert weeks == [
        "`2024-01-15` no questions",
        "`2024-01-08` 10 asked, 70% answered, 30% abstained",
        "`2024-01-01` 10 asked, 70% answered, 30% abstained",
    ]
    assert values["Most asked entries"].splitlines()[1].startswith("**49×** `entry-001-")
    assert values["Voted not helpful"].startswith("**1** 👎 `entry-001-")
    assert "\\*\\*why\\*\\*" in values["Open gaps (`/kb gaps` lists them)"]
    settings = GuildSettings(1, 2, None, frozenset({5}), 0.6)
    text = render.config_text(settings, 45.0)
    assert "Reminder channel: <#2>" in text and "Digest channel: not set" in text
    assert "<@&5>" in text and "threshold: 60%" in text
    assert "the default is 45%" in text  # so a value set on an older scale can be compared
    assert "45% (default)" in render.config_text(GuildSettings(1), 45.0)


def test_stats_of_a_year_fit_an_embed(knowledge_base: KnowledgeBase) -> None:
    embed = render.stats_embed(knowledge_base.corpus, stats_report(53, 30, 20), 365, "⚠️" * 10)
    embed_size_ok(embed)
    assert len(embed) <= 6000  # Discord's limit for a whole embed
    values = {f.name: f.value or "" for f in embed.fields}
    weeks = values["Per week (from Monday, UTC; newest first)"].splitlines()
    assert weeks[0] == "`2024-12-30` no questions" and weeks[-1].endswith("earlier week(s)")
    assert 20 < len(weeks) < 53
    assert len(values["Most asked entries"].splitlines()) <= render.STATS_LIST
    empty = render.stats_embed(knowledge_base.corpus, stats_report(1, 0, 0), 1)
    values = {f.name: f.value or "" for f in empty.fields}
    assert values["Most asked entries"] == "none answered yet"


def test_help_fits_one_screen() -> None:
    embed = render.help_embed()
    embed_size_ok(embed)
    text = " ".join(f.value or "" for f in embed.fields)
    for command in (
        "/ask",
        "/skills",
        "/skill",
        "/progress",
        "/learned",
        "/timezone",
        "/privacy export",
        "/privacy forget",
        "/privacy questions",
        "/kb reload",
        "/config",
    ):
        assert command in text
