"""Every metric the dashboard and the alerts use is one the workers expose."""

from __future__ import annotations

import re

import pytest

from runtime.metrics import METRIC_NAMES
from tests.deploy.tools import (
    alert_rules,
    dashboard_exprs,
    grafana_to_promql,
    load_dashboard,
    metric_names,
)

#: Series Prometheus makes itself, not the workers.
PROMETHEUS_SERIES = {"up"}


def _dashboard_queries() -> list[str]:
    dash = load_dashboard()
    queries = [grafana_to_promql(e) for e in dashboard_exprs(dash)]
    for variable in dash["templating"]["list"]:
        # label_values(metric, label) names a metric too.
        match = re.match(r"label_values\((\w+)\s*,", variable.get("definition", ""))
        if match:
            queries.append(match.group(1))
    return queries


@pytest.mark.parametrize(
    "source, expr",
    [("dashboard", q) for q in _dashboard_queries()]
    + [(r["alert"], r["expr"]) for r in alert_rules()],
)
def test_metric_is_exposed(source: str, expr: str) -> None:
    names = metric_names(expr)
    assert names, f"no metric found in {expr!r}"
    unknown = names - set(METRIC_NAMES) - PROMETHEUS_SERIES
    assert not unknown, f"{source}: {sorted(unknown)} not in runtime.metrics.METRIC_NAMES"


def test_histogram_suffixes_are_checked_as_samples() -> None:
    """_bucket/_sum/_count are sample names: only the ones the worker exposes pass."""
    assert "interviewlm_session_theta_bucket" in METRIC_NAMES
    assert "interviewlm_db_write_batch_rows_bucket" in METRIC_NAMES
    assert "interviewlm_db_write_batch_rows_count" not in METRIC_NAMES
    names = metric_names("rate(interviewlm_db_write_batch_rows_count[5m])")
    assert names - set(METRIC_NAMES) == {"interviewlm_db_write_batch_rows_count"}


def test_metric_name_extraction() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (le, agent) (rate(a_bucket{x="b_total"}[5m]))) '
        "/ on () group_left sum without (pod) (c) > 1e3 and up offset 10m"
    )
    assert metric_names(expr) == {"a_bucket", "c", "up"}
    assert metric_names('sum(rate(m{topic=~".*"}[$__range]))') == {"m"}
