-- Evaluations, reports and notification de-duplication.

-- One stored result per (session, rubric version): re-scoring with the same
-- rubric overwrites, a new rubric version keeps both.
CREATE TABLE IF NOT EXISTS internal.evaluations (
    evaluation_id      text NOT NULL UNIQUE,
    session_id         text NOT NULL,
    rubric_version     text NOT NULL,
    candidate_id       text,
    overall_score      double precision NOT NULL,
    overall_confidence double precision NOT NULL,
    needs_review       boolean NOT NULL DEFAULT false,
    mode               text NOT NULL,
    model              text NOT NULL,
    result             jsonb NOT NULL,
    usage              jsonb NOT NULL DEFAULT '{}',
    cost_dollars       double precision NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, rubric_version)
);

CREATE TABLE IF NOT EXISTS internal.reports (
    evaluation_id text NOT NULL,
    format        text NOT NULL CHECK (format IN ('json', 'html', 'pdf')),
    content       bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (evaluation_id, format)
);

-- A notification is sent at most once per dedupe key, even when Kafka redelivers.
CREATE TABLE IF NOT EXISTS internal.notification_deliveries (
    dedupe_key  text PRIMARY KEY,
    channel     text NOT NULL,
    event_type  text NOT NULL,
    status      text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    attempts    integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
