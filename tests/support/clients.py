"""The platform's own clients for tests: Node (bullmq, kafkajs), kcat, redis-server.

``scripts/install_clients.sh`` installs them (``scripts/test.sh`` runs it), so under
the test command a missing one is a failed test naming that script, never a skip
(:func:`tests.support.tools.missing_tool`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.support.tools import missing_tool

__all__ = ["NODE_DIR", "need", "node_env"]

ROOT = Path(__file__).resolve().parents[2]
#: Where ``scripts/install_clients.sh`` installs tests/node/package-lock.json.
NODE_DIR = ROOT / ".cache" / "platform-node"
_NODE_PACKAGES = ("bullmq", "kafkajs")


def need(*tools: str) -> None:
    """Every named tool is installed (``node``, ``kcat``, ``redis-server``, or a Node
    package in :data:`NODE_DIR`), else :func:`missing_tool`."""
    missing = [t for t in tools
               if (not (NODE_DIR / "node_modules" / t).is_dir() if t in _NODE_PACKAGES
                   else shutil.which(t) is None)]
    if missing:
        missing_tool(", ".join(missing), "scripts/install_clients.sh")


def node_env() -> dict[str, str]:
    """The environment for a test's .cjs script: it requires from ``$NODE_DIR``."""
    return {**os.environ, "NODE_DIR": str(NODE_DIR), "KAFKAJS_NO_PARTITIONER_WARNING": "1"}
