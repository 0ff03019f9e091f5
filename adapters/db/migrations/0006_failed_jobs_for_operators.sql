-- What an operator needs of a failed job: which consumer group it belongs to (a
-- board shows only its own group's jobs), why it was dead-lettered (the reason
-- class, as in the metric label), the session it belongs to (the message key),
-- and the message's headers (attempt number, last error, origin, a retry's job id).
ALTER TABLE internal.failed_jobs
    ADD COLUMN IF NOT EXISTS consumer_group text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS reason text NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS session_id text,
    ADD COLUMN IF NOT EXISTS headers jsonb NOT NULL DEFAULT '[]';

-- Two groups reading the same topics each keep their own row for one message.
ALTER TABLE internal.failed_jobs
    DROP CONSTRAINT IF EXISTS failed_jobs_source_topic_partition_offset_key;
ALTER TABLE internal.failed_jobs
    ADD CONSTRAINT failed_jobs_group_message_key
    UNIQUE (consumer_group, source_topic, partition, "offset");

CREATE INDEX IF NOT EXISTS failed_jobs_group_recent_idx
    ON internal.failed_jobs (consumer_group, last_failed_at DESC);
CREATE INDEX IF NOT EXISTS failed_jobs_session_idx
    ON internal.failed_jobs (session_id) WHERE session_id IS NOT NULL;
