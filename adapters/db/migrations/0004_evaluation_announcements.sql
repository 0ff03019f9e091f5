-- Which job announced an evaluation (published its evaluation-complete).
--
-- The first job that stores or finds a final result claims the announcement with
-- its origin (the topic:partition:offset where it first arrived, or batch:<id>).
-- Only that job publishes evaluation-complete, and it publishes again only if it is
-- itself redelivered (its send may have been lost), so a session-complete and the
-- platform's analyze, in either order, give one evaluation-complete.
ALTER TABLE internal.evaluations ADD COLUMN IF NOT EXISTS announced_by text;

-- The recording is read in event-time order (see EvaluationsRepo.recording).
CREATE INDEX IF NOT EXISTS session_events_time_idx
    ON internal.session_events (session_id, event_ts);
