-- The email outbox (issue 11). A mail is written in the same transaction as the change that causes
-- it, so a rolled-back change sends nothing and a committed one is never lost. `dedupe_key` names
-- the cause (e.g. `partner-approved:<partner id>`): the same cause never queues two mails.
-- A sender claims due rows by a conditional UPDATE that sets a lease (`status = 'sending'`,
-- `lease_until`), so several sender loops never send one row twice; a sender that dies mid-send
-- leaves a lease that expires and the row is claimed again.
CREATE TABLE emails (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    recipient       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    last_error      TEXT,
    sent_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX emails_due ON emails (status, next_attempt_at);
