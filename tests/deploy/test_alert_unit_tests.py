"""promtool's own unit tests of the alert rules (deploy/prometheus/alerts_test.yml)."""

from __future__ import annotations

from tests.deploy.tools import ALERTS_FILE, promtool, run


def test_promtool_unit_tests_of_the_alerts_pass() -> None:
    tests = ALERTS_FILE.with_name("alerts_test.yml")
    result = run([promtool(), "test", "rules", str(tests)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_in_a_rule_group_under_test_has_a_firing_case() -> None:
    """The DIF alert must be shown to fire, not only to stay quiet."""
    text = ALERTS_FILE.with_name("alerts_test.yml").read_text(encoding="utf-8")
    assert "alertname: InterviewLMDifItemsFlagged" in text
    assert "exp_labels:" in text
