-- Issue 14: payout controls and the partner ledger. Holding period and minimum payout (program
-- settings with per-partner overrides), approval of payout batches, negative adjustments for
-- commissions clawed back after they were paid, risk flags that hold a partner's commissions, and
-- the append-only audit log.

-- Days a commission waits after its payment before it can be paid; the balance a payout must reach.
-- NULL on a partner: the program setting.
ALTER TABLE program_settings ADD COLUMN holding_days BIGINT NOT NULL DEFAULT 7 CHECK (holding_days BETWEEN 0 AND 365);
ALTER TABLE program_settings ADD COLUMN minimum_payout_cents BIGINT NOT NULL DEFAULT 2000
    CHECK (minimum_payout_cents BETWEEN 0 AND 100000000);
-- When on, a run prepares payouts as `awaiting_approval`, and only an admin's approval sends them.
ALTER TABLE program_settings ADD COLUMN approve_payouts BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE partners ADD COLUMN holding_days BIGINT CHECK (holding_days BETWEEN 0 AND 365);
ALTER TABLE partners ADD COLUMN minimum_payout_cents BIGINT CHECK (minimum_payout_cents BETWEEN 0 AND 100000000);

-- Where the customer signed up from (public addresses only: see `domain::risk`), and the card a
-- payment was made with (Stripe's fingerprint): two of the risk signals.
ALTER TABLE users ADD COLUMN signup_ip TEXT;
CREATE INDEX users_signup_ip ON users (signup_ip, created_at) WHERE signup_ip IS NOT NULL;
ALTER TABLE payments ADD COLUMN card_fingerprint TEXT;
CREATE INDEX payments_card_fingerprint ON payments (card_fingerprint) WHERE card_fingerprint IS NOT NULL;

-- A reason to doubt a partner's referrals. While a flag is open, the partner's new commissions are
-- held (commissions.risk_flag_id); an admin clears it (the commissions continue) or confirms it
-- (they are rejected and the partner suspended). One open flag per partner.
CREATE TABLE risk_flags (
    id          INTEGER PRIMARY KEY,
    partner_id  INTEGER NOT NULL REFERENCES partners (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('same_email', 'same_card', 'same_ip', 'ip_burst')),
    customer_id INTEGER REFERENCES users (id),
    detail      TEXT    NOT NULL CHECK (detail <> ''),
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cleared', 'confirmed')),
    created_at  TEXT    NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER REFERENCES users (id),
    CHECK ((status = 'open') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX risk_flags_one_open ON risk_flags (partner_id) WHERE status = 'open';
CREATE INDEX risk_flags_status ON risk_flags (status, created_at);
-- Set while the commission is held by an open flag; cleared when an admin clears the flag. A held
-- commission is never put in a payout.
ALTER TABLE commissions ADD COLUMN risk_flag_id INTEGER REFERENCES risk_flags (id);
CREATE INDEX commissions_risk_flag ON commissions (risk_flag_id) WHERE risk_flag_id IS NOT NULL;

-- Money taken back after it was paid: a commission whose payment was refunded or lost in a dispute
-- after the commission was paid. Always negative, at most one per commission, netted against the
-- partner's next commission payout (a payout line with the negative amount).
CREATE TABLE adjustments (
    id            INTEGER PRIMARY KEY,
    partner_id    INTEGER NOT NULL REFERENCES partners (id),
    commission_id INTEGER REFERENCES commissions (id),
    amount_cents  BIGINT  NOT NULL CHECK (amount_cents < 0),
    reason        TEXT    NOT NULL CHECK (reason <> ''),
    created_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX adjustments_one_per_commission ON adjustments (commission_id) WHERE commission_id IS NOT NULL;
CREATE INDEX adjustments_partner ON adjustments (partner_id, created_at);

-- payouts gains `awaiting_approval` (prepared while approval is on; never sent until approved),
-- who approved it and when, and who held it (an admin's hold: the run never sends it; an account
-- hold has held_by NULL and is sent once the account can be paid). SQLite cannot change a CHECK in
-- place, so both payout tables are rebuilt (the 12-step procedure; foreign keys checked at COMMIT).
PRAGMA defer_foreign_keys = ON;

CREATE TABLE payouts_rebuilt (
    id              INTEGER PRIMARY KEY,
    partner_id      INTEGER NOT NULL REFERENCES partners (id),
    payout_type     TEXT    NOT NULL CHECK (payout_type IN ('commission', 'fulfillment')),
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('awaiting_approval', 'pending', 'processing', 'completed', 'failed', 'on_hold')),
    amount_cents    BIGINT  NOT NULL CHECK (amount_cents > 0),
    currency        TEXT    NOT NULL,
    destination     TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    transfer_id     TEXT    UNIQUE,
    reason          TEXT    NOT NULL DEFAULT '',
    attempts        BIGINT  NOT NULL DEFAULT 0,
    first_sent_at   TEXT,
    last_attempt_at TEXT,
    completed_at    TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    approved_by     INTEGER REFERENCES users (id),
    approved_at     TEXT,
    held_by         INTEGER REFERENCES users (id),
    CHECK (status <> 'completed' OR transfer_id IS NOT NULL),
    CHECK (status <> 'awaiting_approval' OR attempts = 0)
);
INSERT INTO payouts_rebuilt (id, partner_id, payout_type, status, amount_cents, currency, destination,
    idempotency_key, transfer_id, reason, attempts, first_sent_at, last_attempt_at, completed_at, created_at, updated_at)
SELECT id, partner_id, payout_type, status, amount_cents, currency, destination,
    idempotency_key, transfer_id, reason, attempts, first_sent_at, last_attempt_at, completed_at, created_at, updated_at
FROM payouts;
DROP TABLE payouts;
ALTER TABLE payouts_rebuilt RENAME TO payouts;
CREATE INDEX payouts_partner ON payouts (partner_id, created_at);
CREATE INDEX payouts_status ON payouts (status, created_at);

-- A line is one commission (positive), one delivery (positive) or one adjustment (negative).
CREATE TABLE payout_items_rebuilt (
    id                  INTEGER PRIMARY KEY,
    payout_id           INTEGER NOT NULL REFERENCES payouts (id),
    commission_id       INTEGER REFERENCES commissions (id),
    delivery_request_id INTEGER REFERENCES delivery_requests (id),
    adjustment_id       INTEGER REFERENCES adjustments (id),
    amount_cents        BIGINT  NOT NULL CHECK (amount_cents <> 0),
    live                BOOLEAN NOT NULL DEFAULT TRUE,
    CHECK ((commission_id IS NOT NULL) + (delivery_request_id IS NOT NULL) + (adjustment_id IS NOT NULL) = 1),
    CHECK ((adjustment_id IS NULL) = (amount_cents > 0))
);
INSERT INTO payout_items_rebuilt (id, payout_id, commission_id, delivery_request_id, amount_cents, live)
SELECT id, payout_id, commission_id, delivery_request_id, amount_cents, live FROM payout_items;
DROP TABLE payout_items;
ALTER TABLE payout_items_rebuilt RENAME TO payout_items;
CREATE INDEX payout_items_payout ON payout_items (payout_id);
CREATE UNIQUE INDEX payout_items_live_commission ON payout_items (commission_id) WHERE live AND commission_id IS NOT NULL;
CREATE UNIQUE INDEX payout_items_live_delivery ON payout_items (delivery_request_id) WHERE live AND delivery_request_id IS NOT NULL;
CREATE UNIQUE INDEX payout_items_live_adjustment ON payout_items (adjustment_id) WHERE live AND adjustment_id IS NOT NULL;
CREATE INDEX payout_items_commission ON payout_items (commission_id) WHERE commission_id IS NOT NULL;
CREATE INDEX payout_items_delivery ON payout_items (delivery_request_id) WHERE delivery_request_id IS NOT NULL;
CREATE INDEX payout_items_adjustment ON payout_items (adjustment_id) WHERE adjustment_id IS NOT NULL;

-- Every admin and money action, written in the same transaction as the action (a rolled-back
-- action leaves no row). Append-only: the triggers refuse updates and deletes. actor_id is NULL for
-- the system (a webhook, a job); actor keeps the name as it was.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    actor_id     BIGINT,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    subject_type TEXT    NOT NULL,
    subject_id   BIGINT  NOT NULL,
    partner_id   BIGINT,
    before_value TEXT    NOT NULL DEFAULT '',
    after_value  TEXT    NOT NULL DEFAULT '',
    request_id   TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_partner ON audit_log (partner_id, created_at) WHERE partner_id IS NOT NULL;
CREATE INDEX audit_log_action ON audit_log (action, created_at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
