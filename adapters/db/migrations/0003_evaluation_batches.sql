-- Evaluation agent: which recording an evaluation was computed from, and the
-- LLM reviews waiting for (or inside) a Message Batch.

-- Digest of the recording's event ids: an analyze for an unchanged recording
-- reuses the stored result instead of paying for the LLM review again.
ALTER TABLE internal.evaluations ADD COLUMN IF NOT EXISTS recording_digest text;

-- One row per evaluation whose LLM review goes through the Message Batches API.
-- 'pending': stored with mode 'llm-pending', not yet submitted;
-- 'submitted': inside batch_id. The row is deleted once the evaluation is final.
-- The batch entry's custom_id is the evaluation_id (opaque, no personal data).
CREATE TABLE IF NOT EXISTS internal.llm_batch_requests (
    evaluation_id  text PRIMARY KEY
                   REFERENCES internal.evaluations (evaluation_id) ON DELETE CASCADE,
    session_id     text NOT NULL,
    rubric_version text NOT NULL,
    status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'submitted')),
    batch_id       text,
    queued_at      timestamptz NOT NULL DEFAULT now(),
    submitted_at   timestamptz,
    CHECK ((status = 'submitted') = (batch_id IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS llm_batch_requests_status_idx
    ON internal.llm_batch_requests (status, queued_at);
CREATE INDEX IF NOT EXISTS llm_batch_requests_batch_idx
    ON internal.llm_batch_requests (batch_id) WHERE batch_id IS NOT NULL;
