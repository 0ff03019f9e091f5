-- Mantel-Haenszel DIF runs (`interviewlm fairness dif`): per-item ETS delta and class.
-- Only aggregates per item are stored, never who belongs to which group. The newest
-- run's class counts feed the interviewlm_dif_items gauge and its alert.
CREATE TABLE IF NOT EXISTS internal.dif_runs (
    run_id      bigserial PRIMARY KEY,
    reference   text NOT NULL,
    focal       text NOT NULL,
    a_items     integer NOT NULL,
    b_items     integer NOT NULL,
    c_items     integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS internal.dif_items (
    run_id      bigint NOT NULL REFERENCES internal.dif_runs (run_id) ON DELETE CASCADE,
    question_id text NOT NULL,
    mh_delta    double precision,
    se_delta    double precision,
    dif_class   text NOT NULL CHECK (dif_class IN ('A', 'B', 'C')),
    n           integer NOT NULL,
    PRIMARY KEY (run_id, question_id)
);
