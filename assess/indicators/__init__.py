"""Behaviour indicators of an interview session: pure functions over plain values.

* :mod:`~assess.indicators.prompts`: prompt quality 1-5 and prompt flags;
* :mod:`~assess.indicators.dependency`: AI dependency 0-100;
* :mod:`~assess.indicators.paste`: AI response code pasted into the candidate's files;
* :mod:`~assess.indicators.usage` and :mod:`~assess.indicators.runs`: bounded running
  counters of AI use and test runs;
* :mod:`~assess.indicators.struggle`: named struggle indicators and their rules.

No Faust, Kafka, database or LLM imports: the interview reducer calls these on every
event, and tests call them on crafted values. Each formula is written out in its
module's docstring.
"""

from assess.indicators.dependency import DependencySignals, ai_dependency, dependency_signals
from assess.indicators.paste import (
    code_line_hashes,
    line_hash,
    matching_responses,
    pack_hashes,
    unpack_hashes,
)
from assess.indicators.prompts import (
    code_reference_kinds,
    is_help_request,
    is_help_seeking,
    is_short_prompt,
    names_error,
    prompt_quality,
    states_goal,
    word_count,
)
from assess.indicators.runs import (
    LatestRun,
    RunTrack,
    failure_rate,
    partial_credit,
    record_run,
    start_question,
)
from assess.indicators.struggle import (
    INDICATORS,
    Fired,
    StruggleInputs,
    StruggleThresholds,
    StruggleTrack,
    fire_new,
    note_chat,
    note_progress,
    struggle_signals,
)
from assess.indicators.usage import AiUsage, record_chat, record_code_change

__all__ = [
    "INDICATORS",
    "AiUsage",
    "DependencySignals",
    "Fired",
    "LatestRun",
    "RunTrack",
    "StruggleInputs",
    "StruggleThresholds",
    "StruggleTrack",
    "ai_dependency",
    "code_line_hashes",
    "code_reference_kinds",
    "dependency_signals",
    "failure_rate",
    "fire_new",
    "is_help_request",
    "is_help_seeking",
    "is_short_prompt",
    "line_hash",
    "matching_responses",
    "names_error",
    "note_chat",
    "note_progress",
    "pack_hashes",
    "partial_credit",
    "prompt_quality",
    "record_chat",
    "record_code_change",
    "record_run",
    "start_question",
    "states_goal",
    "struggle_signals",
    "unpack_hashes",
    "word_count",
]
