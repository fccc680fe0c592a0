-- Phase 1 of the partner program: referral partners, their discount codes, code usages and
-- referral commissions. Every "at most once" that protects money is a constraint here.
CREATE TABLE partners (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    partner_type  TEXT    NOT NULL DEFAULT 'non_delivery' CHECK (partner_type IN ('non_delivery', 'delivery')),
    status        TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'suspended')),
    business_name TEXT    NOT NULL DEFAULT '',
    phone         TEXT    NOT NULL DEFAULT '',
    -- Bumped in the same transaction as any change to the partner's uses, referrals or commissions;
    -- instances cache dashboard totals per (partner, stats_version).
    stats_version BIGINT  NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX partners_status ON partners (status, partner_type, created_at);

-- Codes are stored lower case (the app normalises; the CHECK guards it), so UNIQUE is case-insensitive.
CREATE TABLE discount_codes (
    id             INTEGER PRIMARY KEY,
    partner_id     INTEGER NOT NULL UNIQUE REFERENCES partners (id) ON DELETE CASCADE,
    code           TEXT    NOT NULL UNIQUE CHECK (code = lower(code) AND length(code) BETWEEN 3 AND 30),
    discount_cents BIGINT  NOT NULL DEFAULT 500 CHECK (discount_cents > 0),
    is_active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TEXT    NOT NULL
);

-- Set the first time a valid code is applied, never changed after (the app updates only NULLs).
ALTER TABLE users ADD COLUMN referred_by_partner_id INTEGER REFERENCES partners (id) ON DELETE SET NULL;
CREATE INDEX users_referred_by ON users (referred_by_partner_id);
-- The code applied to an order at checkout (its discount is in orders.discount_cents).
ALTER TABLE orders ADD COLUMN discount_code_id INTEGER REFERENCES discount_codes (id);

-- One usage per payment: a redelivered webhook cannot count a use twice.
CREATE TABLE discount_usages (
    id               INTEGER PRIMARY KEY,
    discount_code_id INTEGER NOT NULL REFERENCES discount_codes (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    payment_id       INTEGER NOT NULL UNIQUE REFERENCES payments (id),
    discount_cents   BIGINT  NOT NULL CHECK (discount_cents > 0),
    created_at       TEXT    NOT NULL
);
CREATE INDEX discount_usages_code ON discount_usages (discount_code_id, created_at);

CREATE TABLE commissions (
    id              INTEGER PRIMARY KEY,
    partner_id      INTEGER NOT NULL REFERENCES partners (id),
    payment_id      INTEGER REFERENCES payments (id),
    event_id        INTEGER REFERENCES events (id),
    commission_type TEXT    NOT NULL CHECK (commission_type IN ('referral', 'fulfillment')),
    amount_cents    BIGINT  NOT NULL CHECK (amount_cents > 0),
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'paid')),
    note            TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CHECK (commission_type <> 'referral' OR payment_id IS NOT NULL),
    CHECK (status <> 'rejected' OR note <> '')
);
-- At most one referral commission per payment: webhooks are redelivered.
CREATE UNIQUE INDEX commissions_one_referral_per_payment ON commissions (payment_id) WHERE commission_type = 'referral';
CREATE INDEX commissions_partner ON commissions (partner_id, status, created_at);
-- Newest-first pages of one partner's commissions (the implicit row id breaks ties in order).
CREATE INDEX commissions_partner_created ON commissions (partner_id, created_at);
CREATE INDEX commissions_status ON commissions (status, created_at);
