"""Sub-commands of the ``interviewlm`` CLI, grouped by what they touch."""
