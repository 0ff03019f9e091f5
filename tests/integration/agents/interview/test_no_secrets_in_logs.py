"""A whole session with recognisable secrets and personal data: none of it is logged."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path

import pytest

from interviewlm.stack import StackInfo
from interviewlm.synthetic import generate_session, plan_sessions
from tests.integration.agents.interview.conftest import wait_for
from tests.support.kafka import publish_json
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.integration

SECRETS = {
    "ANTHROPIC_API_KEY": "sk-ant-FAKE-KEY-7f3a9c",
    "INTERNAL_API_KEY": "internal-FAKE-4d2e8b",
    "WEBHOOK_SECRET": "whsec-FAKE-91ac5e",
    "SMTP_PASSWORD": "smtp-FAKE-pass-55e0",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.test/services/FAKE/SLACK/6b1d",
}
PERSONAL = ["Ada Quokkafield", "ada.quokkafield@example.com", "+44 7700 900123"]


def test_secrets_and_personal_data_never_reach_the_logs(
        stack: StackInfo, database_url: str, worker_env: dict[str, str],
        tmp_path: Path) -> None:
    db_password = "pg-FAKE-pass-0c7e"
    env = dict(worker_env, **SECRETS, LLM_PROMPT_CLASSIFIER="false",
               DATABASE_URL=database_url.replace("postgres@", f"postgres:{db_password}@"))
    plan = plan_sessions(1, 27, seed=31)[0]
    events = copy.deepcopy(generate_session(plan, 31).events)
    for event in events:
        if event["type"] == "ai-interaction":
            event["data"]["candidateMessage"] = (
                f"I am {PERSONAL[0]}, mail {PERSONAL[1]} or call {PERSONAL[2]}; "
                f"my key is {SECRETS['ANTHROPIC_API_KEY']}")
    worker = WorkerProcess(env, tmp_path, agents="interview").start()
    try:
        worker.wait_ready()
        asyncio.run(publish_json(stack.bootstrap_servers,
                                 f"{env['TOPIC_PREFIX']}interview", events))
        asyncio.run(wait_for(database_url, "SELECT 1 FROM internal.session_metrics "
                             "WHERE completed_at IS NOT NULL", bool))
    finally:
        worker.stop()
    logs = worker.logs()
    assert '"event": "dead_letter"' not in logs  # the session was processed normally
    assert len(logs) > 0
    for needle in [*SECRETS.values(), db_password, *PERSONAL]:
        assert needle not in logs, f"{needle[:6]}... leaked into the logs"
