-- Phase 3 (issue 13): Stripe Connect accounts and exactly-once payouts.
-- Every "at most once" is a constraint: one Connect account per partner (and per account id), one
-- idempotency key and one transfer per payout, and a commission or delivery in at most one live
-- (not failed) payout.

-- The partner's Express account and what Stripe last told us about it (account.updated or a
-- re-read). payable = charges_enabled AND payouts_enabled AND the transfers capability active.
-- account_event_at is the `created` time of the newest event applied, so an older event arriving
-- late never overwrites a newer state.
ALTER TABLE partners ADD COLUMN stripe_account_id TEXT;
ALTER TABLE partners ADD COLUMN charges_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE partners ADD COLUMN payouts_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE partners ADD COLUMN transfers_active BOOLEAN NOT NULL DEFAULT FALSE;
-- Stripe's requirements.currently_due, comma separated (empty when nothing is due).
ALTER TABLE partners ADD COLUMN requirements_due TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN disabled_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN account_event_at TEXT;
CREATE UNIQUE INDEX partners_stripe_account ON partners (stripe_account_id) WHERE stripe_account_id IS NOT NULL;

CREATE TABLE payouts (
    id              INTEGER PRIMARY KEY,
    partner_id      INTEGER NOT NULL REFERENCES partners (id),
    payout_type     TEXT    NOT NULL CHECK (payout_type IN ('commission', 'fulfillment')),
    -- pending: committed, not yet sent. processing: sent at least once, outcome not known yet.
    -- completed: Stripe made the transfer. failed: Stripe refused it (items released).
    -- on_hold: the account could not be paid when we were about to send (never sent).
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'on_hold')),
    amount_cents    BIGINT  NOT NULL CHECK (amount_cents > 0),
    currency        TEXT    NOT NULL,
    destination     TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    transfer_id     TEXT    UNIQUE,
    reason          TEXT    NOT NULL DEFAULT '',
    attempts        BIGINT  NOT NULL DEFAULT 0,
    -- When the key was first sent: Stripe forgets keys after 24 h, so past 23 h the payout is
    -- looked up by transfer_group before it is sent again.
    first_sent_at   TEXT,
    last_attempt_at TEXT,
    completed_at    TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CHECK (status <> 'completed' OR transfer_id IS NOT NULL)
);
CREATE INDEX payouts_partner ON payouts (partner_id, created_at);
CREATE INDEX payouts_status ON payouts (status, created_at);

-- What a payout pays: one approved commission or one delivered delivery request per line.
-- live is cleared when the payout fails, releasing the item for a later payout.
CREATE TABLE payout_items (
    id                  INTEGER PRIMARY KEY,
    payout_id           INTEGER NOT NULL REFERENCES payouts (id),
    commission_id       INTEGER REFERENCES commissions (id),
    delivery_request_id INTEGER REFERENCES delivery_requests (id),
    amount_cents        BIGINT  NOT NULL CHECK (amount_cents > 0),
    live                BOOLEAN NOT NULL DEFAULT TRUE,
    CHECK ((commission_id IS NULL) <> (delivery_request_id IS NULL))
);
CREATE INDEX payout_items_payout ON payout_items (payout_id);
CREATE UNIQUE INDEX payout_items_live_commission ON payout_items (commission_id) WHERE live AND commission_id IS NOT NULL;
CREATE UNIQUE INDEX payout_items_live_delivery ON payout_items (delivery_request_id) WHERE live AND delivery_request_id IS NOT NULL;
-- Delivered requests by florist, for the fulfillment run.
CREATE INDEX delivery_requests_delivered ON delivery_requests (partner_id, delivered_at) WHERE status = 'delivered';
