-- Revenue metrics per period (issue 14): the program's totals read payments and commissions by
-- date across every partner, and completed payouts by the day they completed.
CREATE INDEX payments_status_created ON payments (status, created_at);
CREATE INDEX commissions_created ON commissions (created_at);
CREATE INDEX payouts_completed ON payouts (completed_at) WHERE status = 'completed';
