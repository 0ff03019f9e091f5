"""The evaluation agent's pure scoring domain: a completed session in, an Evaluation out.

No Kafka, Faust, database or LLM client here; adapters hand in plain values::

    files = final_code(recording)
    static = run_static_analysis(files)            # adapters.analysis (ruff)
    system, rubric_text, user_text = build_llm_request(recording, rubric)
    reviews = parse_llm_review(tool_input, recording)  # from the LLM's tool call
    evaluation = score_session(recording, rubric=rubric, signals=signals,
                               static=static, llm=reviews, model="claude-…")
    row = evaluation.to_dict()

Errors (see ``errors``): EvaluationError > SessionNotComplete, InvalidRubric, InvalidReview.
"""

from assess.evaluation.errors import (
    EvaluationError,
    InvalidReview,
    InvalidRubric,
    SessionNotComplete,
)
from assess.evaluation.inputs import (
    EvidenceRef,
    FunctionComplexity,
    InterviewSignals,
    LLMReview,
    StaticFinding,
    StaticReport,
)
from assess.evaluation.llm import LLM_REVIEW_SCHEMA, LLM_TOOL_NAME, parse_llm_review
from assess.evaluation.prompts import PromptQuality, assess_prompt
from assess.evaluation.result import DimensionResult, Evaluation, Evidence, Flag
from assess.evaluation.review_prompt import build_llm_request, review_prefix, split_data_block
from assess.evaluation.rubric import DEFAULT_RUBRIC, DIMENSIONS, Rubric
from assess.evaluation.scoring import score_session
from assess.evaluation.session import final_code

__all__ = [
    "DEFAULT_RUBRIC",
    "DIMENSIONS",
    "LLM_REVIEW_SCHEMA",
    "LLM_TOOL_NAME",
    "DimensionResult",
    "Evaluation",
    "EvaluationError",
    "Evidence",
    "EvidenceRef",
    "Flag",
    "FunctionComplexity",
    "InterviewSignals",
    "InvalidReview",
    "InvalidRubric",
    "LLMReview",
    "PromptQuality",
    "Rubric",
    "SessionNotComplete",
    "StaticFinding",
    "StaticReport",
    "assess_prompt",
    "build_llm_request",
    "final_code",
    "parse_llm_review",
    "review_prefix",
    "score_session",
    "split_data_block",
]
