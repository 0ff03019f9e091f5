"""Validity of the offline evaluation on the crafted validation set (benchmarks/validation/).

Every session is scored as ``interviewlm evaluate --offline`` scores it. Printed:

* per dimension (and overall): Spearman's rank correlation of the score with the
  intended order on that dimension's ladder, and the largest gain any gaming
  variant achieved over its honest twin (with the trick's name);
* each gaming variant's gain, overall and per dimension;
* each style or language variant's overall difference from its base;
* whether any identity variant changed a score, confidence, flag or method;
* how many evidence items there are and how many fail to cite their recording.

Usage (from the repository root)::

    .venv/bin/python benchmarks/evaluation_validity.py [--ladders]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.validation.measure import GROUPS, Report, run


def _gaming_table(report: Report) -> list[str]:
    lines = ["", "gaming variant (gain over its honest twin, points)",
             f"{'trick':24s} " + " ".join(f"{g[:8]:>8s}" for g in GROUPS)]
    for name, gain in report.gains():
        lines.append(f"{name.split('/', 1)[1]:24s} "
                     + " ".join(f"{gain[g]:8.1f}" for g in GROUPS))
    return lines


def _summary(report: Report) -> list[str]:
    gains = report.gains()
    lines = [f"{'dimension':18s} {'rho':>6s} {'max gaming gain':>16s}  trick", "-" * 62]
    for group in GROUPS:
        name, best = max(((n, g[group]) for n, g in gains), key=lambda pair: pair[1])
        lines.append(f"{group:18s} {report.rho(group):6.3f} {best:16.1f}  {name.split('/', 1)[1]}")
    return lines


def _ladders(report: Report) -> list[str]:
    lines = []
    for group in GROUPS:
        lines += ["", f"ladder {group} (rank: score, confidence, status)"]
        for outcome in report.ladder(group):
            ev = outcome.evaluation
            dim = None if group == "overall" else ev.dimension(group)
            conf = ev.overall_confidence if dim is None else dim.confidence
            status = "needs_review" if dim is None and ev.needs_review else (
                "" if dim is None else dim.status)
            lines.append(f"  {outcome.case.rank}  {outcome.case.name.split('/', 1)[1]:22s} "
                         f"{outcome.score(group):6.1f}  {conf:5.2f}  {status}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ladders", action="store_true", help="also print every ladder")
    args = parser.parse_args()
    began = time.perf_counter()
    report = run()
    seconds = time.perf_counter() - began
    items = sum(len(d.evidence) for o in report.outcomes.values() for d in o.evaluation.dimensions)
    style = report.style_gaps()
    identity = report.identity_changes()
    lines = [f"evaluation validity: {len(report.outcomes)} sessions scored offline in "
             f"{seconds:.1f} s", "", *_summary(report), *_gaming_table(report), "",
             "style / language variant (overall minus base)"]
    lines += [f"  {name.split('/', 1)[1]:18s} {gap:+6.2f}" for name, gap in style]
    lines += ["", "identity variants changing anything: "
              + (", ".join(n for n, changed in identity if changed) or "none")
              + f" (of {len(identity)})",
              f"evidence items: {items}, citing no real event: {len(report.bad_evidence())}",
              "refused at the contract: " + ", ".join(
                  o.case.name for o in report.outcomes.values() if o.refused)]
    if args.ladders:
        lines += _ladders(report)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
