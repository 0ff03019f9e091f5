-- Internal worker data: interview metrics, recordings, evaluations, failed jobs.
--
-- Roles
--   interviewlm_worker  the stream workers; owns schema "internal" and everything in it.
--   interviewlm_app     the candidate-facing web app. It has NO grant on schema
--                       "internal": candidates can never reach ability estimates,
--                       indicators or evaluations through it.
-- Roles are created when the migrating user may create them (local stack, CI);
-- on managed databases a DBA creates them and this block is a no-op.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'interviewlm_worker') THEN
        CREATE ROLE interviewlm_worker NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'interviewlm_app') THEN
        CREATE ROLE interviewlm_app NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot create roles here; expecting a DBA to have created them';
END
$$;

CREATE SCHEMA IF NOT EXISTS internal;
REVOKE ALL ON SCHEMA internal FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'interviewlm_worker') THEN
        GRANT USAGE, CREATE ON SCHEMA internal TO interviewlm_worker;
        ALTER DEFAULT PRIVILEGES IN SCHEMA internal
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO interviewlm_worker;
        ALTER DEFAULT PRIVILEGES IN SCHEMA internal
            GRANT USAGE, SELECT ON SEQUENCES TO interviewlm_worker;
    END IF;
END
$$;

-- The recording: every interview event applied. The key is the producer's eventId
-- or a digest of the message bytes, so neither a redelivery nor the platform
-- publishing the same event twice adds a row.
CREATE TABLE IF NOT EXISTS internal.session_events (
    session_id   text        NOT NULL,
    event_key    text        NOT NULL,
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    "offset"     bigint      NOT NULL,
    event_type   text        NOT NULL,
    event_ts     timestamptz NOT NULL,
    payload      jsonb       NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, event_key)
);
CREATE INDEX IF NOT EXISTS session_events_session_idx
    ON internal.session_events (session_id, partition, "offset");

-- Latest metrics per session (the old system's field set plus ours).
CREATE TABLE IF NOT EXISTS internal.session_metrics (
    session_id             text PRIMARY KEY,
    candidate_id           text,
    theta                  double precision,
    se                     double precision,
    questions_answered     integer NOT NULL DEFAULT 0,
    correct                integer NOT NULL DEFAULT 0,
    incorrect              integer NOT NULL DEFAULT 0,
    ai_interactions        integer NOT NULL DEFAULT 0,
    avg_prompt_quality     double precision,
    ai_dependency          double precision,
    struggle_indicators    jsonb   NOT NULL DEFAULT '[]',
    avg_response_time      double precision,
    test_failure_rate      double precision,
    current_difficulty     integer,
    recommended_difficulty integer,
    estimate_stable        boolean NOT NULL DEFAULT false,
    event_counts           jsonb   NOT NULL DEFAULT '{}',
    details                jsonb   NOT NULL DEFAULT '{}',
    events_applied         integer NOT NULL DEFAULT 0,
    started_at             timestamptz,
    completed_at           timestamptz,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Theta after each scored response, for reports and plots.
CREATE TABLE IF NOT EXISTS internal.theta_trajectory (
    session_id   text NOT NULL,
    event_id     text NOT NULL,
    seq          integer NOT NULL,
    question_id  text,
    event_ts     timestamptz NOT NULL,
    score        double precision,
    theta        double precision NOT NULL,
    se           double precision NOT NULL,
    a            double precision NOT NULL,
    b            double precision NOT NULL,
    c            double precision NOT NULL,
    PRIMARY KEY (session_id, event_id)
);

-- When each struggle indicator first fired, and the event that showed it.
CREATE TABLE IF NOT EXISTS internal.session_indicators (
    session_id  text NOT NULL,
    name        text NOT NULL,
    first_at    timestamptz NOT NULL,
    event_id    text NOT NULL,
    detail      text NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, name)
);

-- The item bank: IRT parameters per question.
CREATE TABLE IF NOT EXISTS internal.item_bank (
    question_id  text PRIMARY KEY,
    a            double precision NOT NULL CHECK (a > 0),
    b            double precision NOT NULL,
    c            double precision NOT NULL DEFAULT 0 CHECK (c >= 0 AND c < 1),
    difficulty   integer CHECK (difficulty BETWEEN 1 AND 10),
    topic        text,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Jobs that failed their last attempt (the old board's "failed" list).
CREATE TABLE IF NOT EXISTS internal.failed_jobs (
    id              bigserial PRIMARY KEY,
    worker          text NOT NULL,
    source_topic    text NOT NULL,
    partition       integer NOT NULL,
    "offset"        bigint NOT NULL,
    message_key     bytea,
    payload         bytea NOT NULL,
    error_type      text NOT NULL,
    error_message   text NOT NULL,
    stack_trace     text NOT NULL DEFAULT '',
    attempts        integer NOT NULL,
    first_failed_at timestamptz NOT NULL,
    last_failed_at  timestamptz NOT NULL,
    status          text NOT NULL DEFAULT 'failed' CHECK (status IN ('failed', 'retried')),
    retried_at      timestamptz,
    UNIQUE (source_topic, partition, "offset")
);
CREATE INDEX IF NOT EXISTS failed_jobs_recent_idx ON internal.failed_jobs (last_failed_at DESC);
