"""docs/adding-an-agent.md works as written: its two code blocks add an agent a worker runs.

The test takes step 1's block as the agent's module and step 2's line as its
registration, starts ``interviewlm worker --agents echo`` on the real broker, and
checks that the worker created the agent's topics and that the agent copies messages.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from adapters.kafka_admin import ensure_topics
from interviewlm.stack import StackInfo
from runtime.settings import Settings
from tests.support.kafka import publish_raw, read_topic
from tests.support.stack import unique
from tests.support.worker import WorkerProcess

pytestmark = pytest.mark.integration

DOC = Path(__file__).resolve().parents[3] / "docs" / "adding-an-agent.md"

#: Step 1's file lives in a temporary directory that is part of the ``agents`` package
#: (so it imports as ``agents.faust_echo``, as in the doc); step 2's line runs where
#: it would in ``agents/registry.py``: after the built-in agents, with its names.
LAUNCHER = """
import sys
import agents
agents.__path__.append({module_dir!r})
from agents.registry import AGENTS, AgentSpec
{register}
from interviewlm.cli import main
sys.exit(main(sys.argv[1:]))
"""


def doc_steps() -> tuple[str, str]:
    """The doc's Python blocks: the agent module (step 1), the registry line (step 2)."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2, "docs/adding-an-agent.md has one Python block per step"
    return blocks[0], blocks[1]


async def topic_names(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


def test_the_documented_two_steps_add_an_agent_that_runs(
        stack: StackInfo, database_url: str, topic_prefix: str, tmp_path: Path) -> None:
    module, register = doc_steps()
    module_dir = tmp_path / "agent"
    module_dir.mkdir()
    (module_dir / "faust_echo.py").write_text(module, encoding="utf-8")
    bootstrap = stack.bootstrap_servers
    # The test reads the copies from the start, so their topic exists before the agent.
    asyncio.run(ensure_topics(Settings(kafka_bootstrap_servers=bootstrap,
                                       topic_prefix=topic_prefix, kafka_topic_partitions=2),
                              ["echo.out"]))
    env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, "DATABASE_URL": database_url,
           "TOPIC_PREFIX": topic_prefix, "APP_ID": unique("echo-"),
           "KAFKA_TOPIC_PARTITIONS": "2", "DATA_DIR": str(tmp_path / "data")}
    launcher = LAUNCHER.format(module_dir=str(module_dir), register=register)
    worker = WorkerProcess(env, tmp_path, agents="echo", launcher=launcher).start()
    try:
        worker.wait_ready()
        created = asyncio.run(topic_names(bootstrap))
        assert {f"{topic_prefix}echo", f"{topic_prefix}echo.retry",
                f"{topic_prefix}echo.dlq"} <= created
        records = [(f"session-{i}".encode(), f"message {i}".encode()) for i in range(5)]
        asyncio.run(publish_raw(bootstrap, f"{topic_prefix}echo", records))
        copies = asyncio.run(read_topic(bootstrap, f"{topic_prefix}echo.out", expect=5,
                                        timeout=60))
        assert sorted((r.key, r.value) for r in copies) == sorted(records)
        assert "interview-agent" not in worker.logs()  # only the chosen agent runs
    finally:
        assert worker.stop() == 0
