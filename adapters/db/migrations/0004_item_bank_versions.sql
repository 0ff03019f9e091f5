-- A versioned item bank. Every load or calibration writes a complete new version;
-- older versions are kept, so each stored estimate can name the parameters it used.
--   item_bank_versions  one row per version (where it came from, when, a summary)
--   item_bank_items     every version's items
--   item_bank           a view: the newest version (what new sessions read)
-- Sessions pin the newest version when they start; theta_trajectory and
-- session_metrics record the pinned version in bank_version.

CREATE TABLE IF NOT EXISTS internal.item_bank_versions (
    version     integer PRIMARY KEY CHECK (version >= 1),
    source      text NOT NULL CHECK (source IN ('migrated', 'load', 'calibrate')),
    details     jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS internal.item_bank_items (
    version      integer NOT NULL REFERENCES internal.item_bank_versions (version),
    question_id  text NOT NULL,
    a            double precision NOT NULL CHECK (a > 0),
    b            double precision NOT NULL,
    c            double precision NOT NULL DEFAULT 0 CHECK (c >= 0 AND c < 1),
    difficulty   integer CHECK (difficulty BETWEEN 1 AND 10),
    topic        text,
    se_a         double precision,
    se_b         double precision,
    responses    integer,
    calibrated   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (version, question_id)
);

-- The bank as it was becomes version 1.
INSERT INTO internal.item_bank_versions (version, source, details)
    SELECT 1, 'migrated', jsonb_build_object('items', count(*))
    FROM internal.item_bank HAVING count(*) > 0
    ON CONFLICT DO NOTHING;
INSERT INTO internal.item_bank_items (version, question_id, a, b, c, difficulty, topic)
    SELECT 1, question_id, a, b, c, difficulty, topic FROM internal.item_bank
    WHERE EXISTS (SELECT 1 FROM internal.item_bank_versions WHERE version = 1)
    ON CONFLICT DO NOTHING;
DROP TABLE internal.item_bank;

CREATE VIEW internal.item_bank AS
    SELECT i.question_id, i.a, i.b, i.c, i.difficulty, i.topic, i.version AS bank_version,
           v.created_at AS updated_at
    FROM internal.item_bank_items i
    JOIN internal.item_bank_versions v USING (version)
    WHERE i.version = (SELECT max(version) FROM internal.item_bank_versions);

ALTER TABLE internal.theta_trajectory ADD COLUMN IF NOT EXISTS bank_version integer;
ALTER TABLE internal.session_metrics ADD COLUMN IF NOT EXISTS bank_version integer;
