"""Grafana provisioning and the dashboard JSON (deploy/grafana)."""

from __future__ import annotations

from pathlib import Path

from tests.deploy.tools import (
    GRAFANA_PROVISIONING,
    dashboard_exprs,
    grafana_to_promql,
    load_dashboard,
    load_yaml,
    promtool,
    require_module,
    run,
)


def test_every_dashboard_expression_parses(tmp_path: Path) -> None:
    """promtool parses each expr, written as a recording rule."""
    yaml = require_module("yaml")
    exprs = dashboard_exprs(load_dashboard())
    assert len(exprs) >= 10
    rules = [{"record": f"dashboard:expr_{i}", "expr": grafana_to_promql(e)}
             for i, e in enumerate(exprs)]
    path = tmp_path / "dashboard-rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}),
                    encoding="utf-8")
    result = run([promtool(), "check", "rules", str(path)])
    listing = "\n".join(f"expr_{i}: {r['expr']}" for i, r in enumerate(rules))
    assert result.returncode == 0, f"{result.stdout}{result.stderr}\n{listing}"


def test_grafana_variables_are_replaced_before_parsing() -> None:
    promql = grafana_to_promql(
        'sum(rate(x{topic=~"$topic"}[$__rate_interval])) + sum(increase(x[${__range}]))')
    assert promql == 'sum(rate(x{topic=~".*"}[5m])) + sum(increase(x[1h]))'


def test_dashboard_identity_and_datasource() -> None:
    dash = load_dashboard()
    assert dash["uid"] == "interviewlm-workers"
    for panel in dash["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == {"type": "prometheus", "uid": "prometheus"}, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "prometheus"
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"


def test_dashboard_has_the_required_panels() -> None:
    dash = load_dashboard()
    by_expr = " ".join(dashboard_exprs(dash))
    for needle in (
        "rate(interviewlm_events_processed_total",
        "histogram_quantile(0.50, sum by (le, agent) "
        "(rate(interviewlm_processing_duration_seconds_bucket",
        "histogram_quantile(0.95, sum by (le, agent) "
        "(rate(interviewlm_processing_duration_seconds_bucket",
        "histogram_quantile(0.99, sum by (le, agent) "
        "(rate(interviewlm_processing_duration_seconds_bucket",
        "interviewlm_consumer_lag_messages",
        "interviewlm_dead_letters_total",
        "sum(increase(interviewlm_llm_cost_dollars_total[1h])) / "
        "sum(increase(interviewlm_evaluations_total[1h]))",
        "interviewlm_session_theta_bucket",
        "interviewlm_active_sessions",
        "interviewlm_notifications_total",
    ):
        assert needle in by_expr, needle
    kinds = {p["type"] for p in dash["panels"]}
    assert {"heatmap", "bargauge", "timeseries", "stat"} <= kinds


def test_provisioning_files() -> None:
    ds = load_yaml(GRAFANA_PROVISIONING / "datasources" / "prometheus.yml")
    [source] = ds["datasources"]
    assert (source["uid"], source["type"]) == ("prometheus", "prometheus")
    assert source["url"] == "http://prometheus:9090"
    providers = load_yaml(GRAFANA_PROVISIONING / "dashboards" / "interviewlm.yml")["providers"]
    assert providers[0]["type"] == "file"
    # docker-compose mounts deploy/grafana/dashboards at this path.
    assert providers[0]["options"]["path"] == "/etc/grafana/dashboards"
