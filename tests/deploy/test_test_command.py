"""The README's test command, ``bash scripts/test.sh``, installs every tool the suite
needs before it runs pytest, and from then on a missing tool fails its tests: no test
may skip itself for want of a tool some other way."""

from __future__ import annotations

import re

from tests.deploy.tools import ROOT

TEST_SH = ROOT / "scripts" / "test.sh"
INSTALLERS = ["scripts/bootstrap.sh", "scripts/install_ops_tools.sh",
              "scripts/install_browser.sh", "scripts/install_clients.sh"]
#: Skips that are not about a missing tool, with why they are right.
ALLOWED_SKIPS = {
    # The outage tests stop and restart servers: only the suite's own local stack.
    "tests/integration/interviewlm/reliability/test_outages.py",
    "tests/support/tools.py",
}


def test_test_command_installs_the_tools_then_runs_pytest() -> None:
    lines = [line.strip() for line in TEST_SH.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    ran = [line.removeprefix("bash ") for line in lines if line.startswith("bash ")]
    assert ran == INSTALLERS
    assert lines[-2:] == ["export INTERVIEWLM_REQUIRE_TOOLS=1", 'exec .venv/bin/pytest "$@"']
    for script in INSTALLERS:
        assert (ROOT / script).exists(), script
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/test.sh" in readme


def test_no_test_skips_for_a_missing_tool_by_itself() -> None:
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED_SKIPS:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"pytest\.skip\(|pytest\.importorskip\(|mark\.skipif\(", text):
            offenders.append(relative)
    assert offenders == [], "use tests.support.tools.missing_tool"
