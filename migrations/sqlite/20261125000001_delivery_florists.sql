-- Phase 2 (issue 12): delivery florists, their service areas, booking links, and delivery requests.
-- Every "at most once" is a constraint here: one request per (event, florist) — reassignment never
-- asks a florist twice; one live request per event; one decline commission per event.

-- Florists: a booking slug (lower case `a-z0-9-`, checked by the app), the shop address, and a pause
-- ("not taking deliveries before paused_until"). last_offered_at orders the fairness queue.
ALTER TABLE partners ADD COLUMN booking_slug TEXT CHECK (booking_slug IS NULL OR (booking_slug = lower(booking_slug) AND length(booking_slug) BETWEEN 3 AND 40));
ALTER TABLE partners ADD COLUMN street_address TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN suburb TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN state TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE partners ADD COLUMN paused_until TEXT;
ALTER TABLE partners ADD COLUMN last_offered_at TEXT;
CREATE UNIQUE INDEX partners_booking_slug ON partners (booking_slug) WHERE booking_slug IS NOT NULL;

-- area_key is "suburb|city|country", lower case with single spaces (domain::delivery::area_key):
-- how a recipient's address is matched, case- and space-insensitively.
CREATE TABLE service_areas (
    id         INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    suburb     TEXT    NOT NULL CHECK (suburb <> ''),
    city       TEXT    NOT NULL CHECK (city <> ''),
    state      TEXT    NOT NULL DEFAULT '',
    postcode   TEXT    NOT NULL DEFAULT '',
    country    TEXT    NOT NULL CHECK (country <> ''),
    area_key   TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (partner_id, area_key)
);
CREATE INDEX service_areas_key ON service_areas (area_key, partner_id);

-- The florist whose booking link a customer came from; set once, at sign-up.
ALTER TABLE users ADD COLUMN source_partner_id INTEGER REFERENCES partners (id) ON DELETE SET NULL;

-- What the florist needs: the recipient's phone (shown only to the florist who accepted) and the occasion.
ALTER TABLE orders ADD COLUMN recipient_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN occasion TEXT NOT NULL DEFAULT '';

-- An event nobody can take (or that went wrong) waits for an admin: the reason and since when.
ALTER TABLE events ADD COLUMN attention TEXT CHECK (attention IN ('nobody_covers', 'nobody_left', 'no_time', 'not_delivered', 'card_left_lapsed'));
ALTER TABLE events ADD COLUMN attention_at TEXT;
CREATE INDEX events_attention ON events (attention_at) WHERE attention IS NOT NULL;

CREATE TABLE delivery_requests (
    id                 INTEGER PRIMARY KEY,
    event_id           INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    partner_id         INTEGER NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    status             TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn', 'card_left', 'delivered', 'failed')),
    -- What the florist is paid for this delivery (the order's budget per delivery), fixed at the offer.
    pay_cents          BIGINT  NOT NULL CHECK (pay_cents > 0),
    expires_at         TEXT    NOT NULL,
    assigned_by        INTEGER REFERENCES users (id),
    first_notified_at  TEXT,
    second_notified_at TEXT,
    day_notified_at    TEXT,
    responded_at       TEXT,
    reason             TEXT,
    note               TEXT    NOT NULL DEFAULT '',
    card_left_at       TEXT,
    delivered_at       TEXT,
    photo_path         TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    UNIQUE (event_id, partner_id)
);
-- Every mail about a request carries its own link (the offer, the reminder, the delivery-day mail):
-- 32 random bytes, of which only the SHA-256 (hex) is stored, so a link cannot be rebuilt from the
-- database. Any of a request's links opens it.
CREATE TABLE delivery_links (
    token_hash TEXT    PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES delivery_requests (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL
);
CREATE INDEX delivery_links_request ON delivery_links (request_id);

-- At most one request per event is open or holds the delivery.
CREATE UNIQUE INDEX delivery_requests_one_live ON delivery_requests (event_id)
    WHERE status IN ('pending', 'accepted', 'card_left', 'delivered');
CREATE INDEX delivery_requests_partner ON delivery_requests (partner_id, status, expires_at);
CREATE INDEX delivery_requests_status ON delivery_requests (status, expires_at);

-- 'fulfillment' commissions are those a customer's source florist earns by declining one of the
-- customer's deliveries (DESIGN §4): one per event.
CREATE UNIQUE INDEX commissions_one_per_event ON commissions (event_id) WHERE commission_type = 'fulfillment';

-- Leases for jobs that must not run on two instances at once; last_day is the business day of the
-- last completed run.
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    last_day    TEXT
);
