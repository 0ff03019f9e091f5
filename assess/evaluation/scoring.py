"""``score_session``: a completed session's recording in, an :class:`Evaluation` out.

Deterministic methods (tests, static analysis, process, IRT, interaction, prompt
clarity, documentation) always run and are combined per dimension first; a given
LLM review is then combined with that result by confidence, and both views stay in
the result. Nothing here reads who the candidate is.

Flags:
* ``low_evidence``: fewer than MIN_EVENTS events or MIN_TEST_RUNS test runs;
* ``insufficient_evidence``: a dimension's confidence is too low to decide on; the
  reason and the dimension's ``missing`` say what had no evidence;
* ``methods_disagree``: a dimension's methods spread more than the rubric allows;
* ``offline_mode``: no LLM review (deterministic methods only);
* ``llm_method_dropped``: a review was given but a dimension's part was missing or
  cited nothing in the recording, so it was not used;
* ``llm_disagrees``: the LLM review and the deterministic methods of a dimension are
  further apart than the rubric allows (see :mod:`assess.evaluation.blend`);
* ``prompt_injection_suspected``: text in the recording addresses the grader; the
  passages are its evidence and the LLM review is shown but not used
  (:mod:`assess.evaluation.integrity`);
* ``events_out_of_order``: events were applied in another order than their
  timestamps say (the session is scored in timestamp order);
* ``events_outside_session``: events stamped before the start or after the end,
  left out of scoring;
* ``inconsistent_test_run``: test runs whose counts do not add up, left out.
Each of the last three names the events. ``needs_review`` is set by
``methods_disagree``, ``insufficient_evidence``, ``llm_disagrees``,
``prompt_injection_suspected``, session-wide ``low_evidence`` and the three recording
flags. The overall score is the rubric-weighted sum of the four dimensions, always.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from assess.codetext import code_identifiers
from assess.evaluation.ai_collaboration import score_ai_collaboration
from assess.evaluation.blend import with_llm
from assess.evaluation.code_quality import score_code_quality
from assess.evaluation.combine import combine, settle
from assess.evaluation.communication import score_communication
from assess.evaluation.evidence import redact_evidence
from assess.evaluation.inputs import InterviewSignals, LLMReview, StaticReport
from assess.evaluation.integrity import injection_flag
from assess.evaluation.methods import Missing, clamp
from assess.evaluation.problem_solving import score_problem_solving
from assess.evaluation.result import DimensionResult, Evaluation, Flag, FlagCode
from assess.evaluation.rubric import DEFAULT_RUBRIC, DIMENSIONS, Rubric
from assess.evaluation.session import SessionView
from assess.privacy import Scrubber
from assess.recording import RecordedEvent

__all__ = ["MIN_EVENTS", "MIN_TEST_RUNS", "score_session"]

MIN_EVENTS = 5
MIN_TEST_RUNS = 2
#: Flags that always send the evaluation to a human.
_REVIEW_FLAGS = frozenset({"methods_disagree", "insufficient_evidence", "llm_disagrees",
                           "prompt_injection_suspected", "events_out_of_order",
                           "events_outside_session", "inconsistent_test_run"})


def score_session(
    recording: Sequence[RecordedEvent],
    *,
    rubric: Rubric = DEFAULT_RUBRIC,
    signals: InterviewSignals | None = None,
    static: StaticReport | None = None,
    llm: Mapping[str, LLMReview] | None = None,
    model: str | None = None,
    redact: Iterable[str] = (),
    llm_absent: str = "no LLM review (offline)",
) -> Evaluation:
    """Score a completed session (raises SessionNotComplete for a live one).

    ``static`` comes from the static-analysis adapter run on :func:`final_code`;
    ``signals`` from the interview agent; ``llm`` from :func:`parse_llm_review`.
    ``redact`` lists identity strings (name, e-mail, candidate id) to remove from
    evidence snippets; they never influence a score. ``model`` names the LLM that
    wrote ``llm``; without reviews the evaluation is "offline", and ``llm_absent`` is
    what each dimension's ``missing`` says about the LLM (why there is no review).
    """
    view = SessionView.from_recording(recording)
    drafts = [score_code_quality(view, static), score_problem_solving(view, signals),
              score_ai_collaboration(view), score_communication(view)]
    flags = _evidence_flags(view)
    suspected = injection_flag(view)
    if suspected is not None:
        flags.append(suspected)
    online = bool(llm)
    if not llm:
        flags.append(Flag("offline_mode", "no LLM review; deterministic methods only"))
        drafts = [d.with_missing(Missing("llm", llm_absent, False)) for d in drafts]
    scrubber = Scrubber.build(redact, code_identifiers((f.path, f.content) for f in view.files))
    results: list[DimensionResult] = []
    for draft in sorted(drafts, key=lambda d: DIMENSIONS.index(d.name)):
        result, dimension_flags = combine(draft, rubric)
        if llm:
            result, llm_flags = with_llm(result, llm.get(draft.name), view, rubric,
                                         suspected=suspected is not None)
            result, dimension_flags = settle(result, (*dimension_flags, *llm_flags))
        results.append(_redacted(result, scrubber))
        flags.extend(dimension_flags)
    flags = [dataclasses.replace(f, evidence=redact_evidence(f.evidence, scrubber))
             if f.evidence else f for f in flags]
    return _evaluation(view, rubric, results, flags, (model or "unknown") if online else None)


_MAX_NAMED_EVENTS = 5


def _recording_flags(view: SessionView) -> list[Flag]:
    """Flags for events out of order, outside the session, or with impossible counts."""
    found: list[tuple[FlagCode, str, tuple[str, ...]]] = [
        ("events_out_of_order", "applied before an earlier-stamped event; scored in "
                                "timestamp order", view.order.out_of_order),
        ("events_outside_session", "stamped before the start or after the end; not scored",
         (*view.order.before_start, *view.order.after_end)),
        ("inconsistent_test_run", "test counts do not add up (passed + failed > total, or "
                                  "not whole non-negative numbers); not scored",
         tuple(e.event_id for e in view.rejected_runs)),
    ]
    return [Flag(code, f"{len(ids)} event(s) {what}: {_named(ids)}")
            for code, what, ids in found if ids]


def _named(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:_MAX_NAMED_EVENTS])
    return shown + (f" and {len(ids) - _MAX_NAMED_EVENTS} more"
                    if len(ids) > _MAX_NAMED_EVENTS else "")


def _evidence_flags(view: SessionView) -> list[Flag]:
    flags = _recording_flags(view)
    if len(view.events) < MIN_EVENTS:
        flags.append(Flag("low_evidence",
                          f"only {len(view.events)} events recorded (fewer than {MIN_EVENTS})"))
    if len(view.test_runs) < MIN_TEST_RUNS:
        flags.append(Flag("low_evidence", f"only {len(view.test_runs)} test runs recorded "
                                          f"(fewer than {MIN_TEST_RUNS})"))
    return flags


def _redacted(result: DimensionResult, scrubber: Scrubber) -> DimensionResult:
    """The result with personal data scrubbed from its evidence texts (code kept as is)."""
    return dataclasses.replace(result, evidence=redact_evidence(result.evidence, scrubber))


def _evaluation(view: SessionView, rubric: Rubric, results: list[DimensionResult],
                flags: list[Flag], model: str | None) -> Evaluation:
    methods = tuple(dict.fromkeys(m for r in results for m in r.breakdown))
    needs_review = any(f.code in _REVIEW_FLAGS
                       or (f.code == "low_evidence" and f.dimension is None) for f in flags)
    return Evaluation(
        session_id=view.session_id, rubric_version=rubric.version,
        overall_score=clamp(sum(r.weight * r.score for r in results)),
        overall_confidence=clamp(sum(r.weight * r.confidence for r in results), 0.0, 1.0),
        dimensions=tuple(results), flags=tuple(flags), methods=methods,
        needs_review=needs_review, model=model or "offline",
        mode="offline" if model is None else "llm")
