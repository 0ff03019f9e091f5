-- The recording keeps what PostgreSQL cannot: when an event's text held a NUL or a
-- lone surrogate (which neither text nor jsonb can store), the stored payload has
-- U+FFFD in their place, "repairs" lists each changed field
-- ([{"field": "data.candidateMessage", "kind": "nul", "count": 1}, ...]) and
-- "received" holds the message bytes exactly as they arrived. Both are NULL for
-- every event that needed no repair.
ALTER TABLE internal.session_events ADD COLUMN IF NOT EXISTS repairs jsonb;
ALTER TABLE internal.session_events ADD COLUMN IF NOT EXISTS received bytea;
