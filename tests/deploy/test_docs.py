"""docs/operations.md names every metric and every alert it has to explain."""

from __future__ import annotations

from runtime.metrics import METRIC_NAMES
from tests.deploy.tools import OPERATIONS_DOC, alert_rules


def test_operations_doc_lists_metrics_and_alerts() -> None:
    text = OPERATIONS_DOC.read_text(encoding="utf-8")
    for name in METRIC_NAMES:
        assert name in text, f"docs/operations.md does not mention {name}"
    for rule in alert_rules():
        assert rule["alert"] in text, f"docs/operations.md does not explain {rule['alert']}"
    for command in ("bash scripts/install_ops_tools.sh", "docker compose up",
                    "helm upgrade --install"):
        assert command in text
