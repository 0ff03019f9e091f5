"""A real Prometheus server scrapes a real worker processing simulated sessions.

Prometheus (Debian's package, from ``bash scripts/install_browser.sh``) runs
from the test with a temporary config and a 1 s scrape interval; the series are
then read back through its HTTP API, so names, labels and values are checked
the way dashboards and alerts will see them. Without /usr/bin/prometheus the
test fails under CI=true and is skipped elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewlm.admin.stats import histogram_quantile
from interviewlm.stack import StackInfo
from interviewlm.synthetic import generate_session, plan_sessions
from tests.integration.interviewlm.admin.board import missing_tool, start_worker, wait_for
from tests.support.kafka import publish_json, read_topic
from tests.support.worker import WorkerProcess, free_port

pytestmark = pytest.mark.integration

PROMETHEUS = Path("/usr/bin/prometheus")


class Prometheus:
    """One throw-away Prometheus server scraping one target every second."""

    def __init__(self, workdir: Path, target: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = workdir / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
            "scrape_configs:\n  - job_name: interviewlm\n    metrics_path: /metrics\n"
            f"    static_configs:\n      - targets: ['{target}']\n")
        self.log = (workdir / "prometheus.log").open("wb")
        self.proc = subprocess.Popen(
            [str(PROMETHEUS), f"--config.file={config}",
             f"--storage.tsdb.path={workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 30.0) -> None:
        def ready() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prometheus exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base}/-/ready", timeout=2) as resp:
                    return bool(resp.status == 200)
            except OSError:
                return False

        wait_for(ready, timeout, "prometheus to be ready", interval=0.25)

    def query(self, promql: str, at: float | None = None) -> list[dict[str, Any]]:
        """The result vector of an instant query."""
        params = {"query": promql, **({"time": f"{at:.3f}"} if at is not None else {})}
        url = f"{self.base}/api/v1/query?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=10) as resp:
            body = json.loads(resp.read())
        assert body["status"] == "success", body
        return list(body["data"]["result"])

    def value(self, promql: str, at: float | None = None) -> float | None:
        """The single value of a query, or None when it has no result."""
        result = self.query(promql, at)
        return float(result[0]["value"][1]) if result else None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()


@pytest.fixture
def worker(stack: StackInfo, database_url: str, topic_prefix: str,
           tmp_path: Path) -> Iterator[WorkerProcess]:
    proc = start_worker(stack, database_url, topic_prefix, tmp_path)
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def prometheus(worker: WorkerProcess, tmp_path: Path) -> Iterator[Prometheus]:
    if not PROMETHEUS.exists():
        missing_tool("prometheus (/usr/bin/prometheus)")
    server = Prometheus(tmp_path, f"127.0.0.1:{worker.port}")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_prometheus_scrapes_a_worker_processing_sessions(
        stack: StackInfo, worker: WorkerProcess, prometheus: Prometheus,
        topic_prefix: str) -> None:
    topic = f"{topic_prefix}interview"
    events = [e for plan in plan_sessions(3, 20, prefix="prom")
              for e in generate_session(plan).events]
    asyncio.run(publish_json(stack.bootstrap_servers, topic, events))

    # Every event we published is counted once; the agent's own adjust-difficulty
    # commands (published to the same topic) are counted as well, once each.
    published = wait_for(
        lambda: prometheus.value(
            'sum(interviewlm_events_processed_total{type!="adjust-difficulty"})') == len(events),
        90, f"{len(events)} processed events in Prometheus")
    assert published
    on_topic = asyncio.run(read_topic(stack.bootstrap_servers, topic, timeout=10))
    wait_for(lambda: prometheus.value("sum(interviewlm_events_processed_total)")
             == len(on_topic), 30, "every message on the interview topic counted")
    assert prometheus.value('sum(interviewlm_events_processed_total{outcome!="ok"})') in (
        None, 0.0)

    assert prometheus.value('up{job="interviewlm"}') == 1.0
    (build,) = prometheus.query("interviewlm_build_info")
    assert build["metric"]["version"] and build["metric"]["python"].startswith("3.")
    assert prometheus.value("interviewlm_table_recovery_complete") == 1.0
    assert prometheus.value('sum(interviewlm_session_theta_count)') is not None

    # The lag timer (every 15 s) exports the group's lag: four partitions, all caught up.
    lag_query = f'interviewlm_consumer_lag_messages{{topic="{topic}"}}'
    wait_for(lambda: len(prometheus.query(lag_query)) == 4
             and prometheus.value(f"sum({lag_query})") == 0.0, 60, "lag series at 0")
    groups = {r["metric"]["group"] for r in prometheus.query(lag_query)}
    assert groups == {worker.env["APP_ID"]}


def test_board_quantiles_agree_with_promql(stack: StackInfo, worker: WorkerProcess,
                                           prometheus: Prometheus, topic_prefix: str) -> None:
    """Our bucket-quantile estimate gives PromQL's histogram_quantile on the same buckets."""
    topic = f"{topic_prefix}interview"
    events = [e for plan in plan_sessions(4, 16, prefix="quant")
              for e in generate_session(plan).events]
    for start in range(0, len(events), 10):  # several sends, so several batches
        asyncio.run(publish_json(stack.bootstrap_servers, topic, events[start:start + 10]))
    wait_for(lambda: prometheus.value(
        'sum(interviewlm_events_processed_total{type!="adjust-difficulty"})') == len(events),
        90, "every event processed and scraped")
    series = 'sum by (le) (interviewlm_processing_duration_seconds_bucket{agent="interview"})'
    assert (prometheus.value(
        'sum(interviewlm_processing_duration_seconds_count{agent="interview"})') or 0) >= 2
    at = time.time()
    buckets = [(float(r["metric"]["le"]), float(r["value"][1]))
               for r in prometheus.query(series, at)]
    for q in (0.5, 0.95, 0.99):
        promql = prometheus.value(f"histogram_quantile({q}, {series})", at)
        ours = histogram_quantile(q, buckets)
        assert promql is not None and ours is not None
        assert ours == pytest.approx(promql, rel=1e-9), q


ROOT = Path(__file__).resolve().parents[4]


def _alert_expr(name: str) -> str:
    import yaml

    rules = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    return next(r["expr"] for g in rules["groups"] for r in g["rules"]
                if r.get("alert") == name)


def _dashboard_targets(needle: str) -> list[str]:
    board = json.loads((ROOT / "deploy/grafana/dashboards/interviewlm.json").read_text())
    return [t["expr"] for p in board["panels"] for t in p.get("targets", [])
            if needle in t["expr"] and "$topic" in t["expr"]]


def test_one_topic_name_under_a_prefix_in_metrics_alerts_and_dashboard(
        stack: StackInfo, worker: WorkerProcess, prometheus: Prometheus,
        topic_prefix: str) -> None:
    """Under TOPIC_PREFIX every topic label is the prefixed name, so the dead-letter
    ratio alert matches and a topic picked in the dashboard keeps its dead letters."""
    from tests.support.kafka import publish_raw

    topic = f"{topic_prefix}interview"
    plans = plan_sessions(3, 14, prefix="names")
    events = [e for p in plans for e in generate_session(p).events]
    events = events[:-1]  # the last session never completes: it stays active
    # Two rounds: rate() needs a scraped sample before the increase it measures.
    for part, bad in ((events[:5], 1), (events[5:], 7)):
        asyncio.run(publish_json(stack.bootstrap_servers, topic, part))
        asyncio.run(publish_raw(stack.bootstrap_servers, topic, [(b"bad", b"{not json")] * bad))
        wait_for(lambda n=bad: prometheus.value("sum(interviewlm_dead_letters_total)")
                 == (1.0 if n == 1 else 8.0), 90, "dead letters scraped")
    for metric in ("interviewlm_events_processed_total", "interviewlm_dead_letters_total"):
        assert {r["metric"]["topic"] for r in prometheus.query(metric)} == {topic}, metric
    agents = {r["metric"]["agent"]
              for r in prometheus.query("interviewlm_processing_duration_seconds_count")}
    assert agents == {"interview"}

    ratio = wait_for(lambda: prometheus.query(_alert_expr("InterviewLMDeadLetterRatioHigh")),
                     30, "the dead-letter ratio alert expression to match")
    assert [r["metric"]["topic"] for r in ratio] == [topic]
    for expr in _dashboard_targets("interviewlm_dead_letters_total"):
        picked = expr.replace("$topic", topic).replace("$__rate_interval", "1m")
        assert prometheus.query(picked), picked

    assert prometheus.value("interviewlm_active_sessions") == 1.0
    assert (prometheus.value("sum(interviewlm_db_write_batch_rows_count)") or 0) >= 1
    assert (prometheus.value("sum(interviewlm_db_write_batch_rows_sum)") or 0) >= len(events)
