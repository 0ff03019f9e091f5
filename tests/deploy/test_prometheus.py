"""Prometheus alert rules and scrape configuration (deploy/prometheus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.tools import (
    ALERTS_FILE,
    PROMETHEUS_FILE,
    alert_rules,
    load_yaml,
    promtool,
    require_module,
    run,
)


def test_promtool_accepts_the_alert_rules() -> None:
    result = run([promtool(), "check", "rules", str(ALERTS_FILE)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_accepts_the_compose_prometheus_config(tmp_path: Path) -> None:
    yaml = require_module("yaml")
    config = load_yaml(PROMETHEUS_FILE)
    # In the container the rules are mounted at /etc/prometheus; point at the repo copy.
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    config["rule_files"] = [str(ALERTS_FILE)]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run([promtool(), "check", "config", str(path)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_prometheus_scrapes_every_worker() -> None:
    config = load_yaml(PROMETHEUS_FILE)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    targets = {t for sc in jobs["interviewlm-workers"]["static_configs"] for t in sc["targets"]}
    assert targets == {"interview:6066", "evaluation:6066", "notification:6066"}
    # A target label named like a metric label ("agent") would be renamed exported_agent.
    for sc in jobs["interviewlm-workers"]["static_configs"]:
        assert "agent" not in sc.get("labels", {})


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: r["alert"])
def test_every_alert_is_actionable(rule: dict[str, object]) -> None:
    assert rule.get("for"), "an alert without `for` pages on a single bad scrape"
    labels = rule["labels"]
    assert isinstance(labels, dict)
    assert labels["severity"] in {"warning", "critical"}
    annotations = rule["annotations"]
    assert isinstance(annotations, dict)
    for key in ("summary", "description", "runbook"):
        assert str(annotations.get(key, "")).strip(), f"{rule['alert']} has no {key}"


def test_the_required_alerts_exist() -> None:
    rules = {r["alert"]: r for r in alert_rules()}
    lag = rules["InterviewLMConsumerLagGrowing"]["expr"]
    assert "deriv(interviewlm_consumer_lag_messages[10m])" in lag and "> 1000" in lag
    assert "interviewlm_dead_letters_total" in rules["InterviewLMDeadLettersRising"]["expr"]
    stuck = rules["InterviewLMTableRecoveryStuck"]
    assert stuck["expr"].strip() == "interviewlm_table_recovery_complete == 0"
    assert stuck["for"] == "15m"
    failing = rules["InterviewLMEvaluationsFailing"]["expr"]
    assert 'interviewlm_evaluations_total{outcome="failed"}' in failing
    spend = rules["InterviewLMLLMSpendOverBudget"]["expr"]
    assert "interviewlm_llm_cost_dollars_total" in spend and "> 0.08" in spend
