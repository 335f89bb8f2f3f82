"""The Prometheus text the health server exposes."""

from __future__ import annotations

from careerbot.runtime.metrics import Metrics


def test_exposition_format() -> None:
    metrics = Metrics()
    text = metrics.render()
    assert "careerbot_abstentions_total 0" in text  # present before anything happened
    metrics.questions_answered.inc(kind="faq")
    metrics.questions_answered.inc(kind="faq")
    metrics.abstentions.inc()
    metrics.reminders_sent.inc()
    metrics.reloads.inc(result="refused")
    metrics.answer_latency.observe(0.003)
    metrics.answer_latency.observe(0.2)
    text = metrics.render()
    assert text.endswith("\n")
    lines = text.splitlines()
    assert 'careerbot_questions_answered_total{kind="faq"} 2' in lines
    assert "careerbot_abstentions_total 1" in lines
    assert "careerbot_reminders_sent_total 1" in lines
    assert 'careerbot_knowledge_reloads_total{result="refused"} 1' in lines
    assert 'careerbot_answer_seconds_bucket{le="0.005"} 1' in lines
    assert 'careerbot_answer_seconds_bucket{le="0.25"} 2' in lines
    assert 'careerbot_answer_seconds_bucket{le="+Inf"} 2' in lines
    assert "careerbot_answer_seconds_count 2" in lines
    assert "# TYPE careerbot_answer_seconds histogram" in lines
    for line in lines:  # every sample line is "name{labels} number"
        if not line.startswith("#"):
            float(line.rsplit(" ", 1)[1].replace("+Inf", "inf"))


def test_shard_labelled_metrics() -> None:
    metrics = Metrics()
    metrics.interactions_received.inc(shard="1")
    metrics.gateway_events.inc(shard="1", event="resumed")
    metrics.gateway_latency.track(lambda: {("0",): 0.042, ("1",): float("inf")})
    lines = metrics.render().splitlines()
    assert 'careerbot_interactions_received_total{shard="1"} 1' in lines
    assert 'careerbot_gateway_events_total{shard="1",event="resumed"} 1' in lines
    assert 'careerbot_gateway_latency_seconds{shard="0"} 0.042' in lines
    assert "# TYPE careerbot_gateway_latency_seconds gauge" in lines
    assert not any(
        line.startswith('careerbot_gateway_latency_seconds{shard="1"}') for line in lines
    )
