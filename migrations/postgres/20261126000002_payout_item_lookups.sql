-- Every line of a commission or delivery, live or released: the reconcile check and the payout
-- detail look lines up by item (the partial unique indexes only cover live lines).
CREATE INDEX payout_items_commission ON payout_items (commission_id) WHERE commission_id IS NOT NULL;
CREATE INDEX payout_items_delivery ON payout_items (delivery_request_id) WHERE delivery_request_id IS NOT NULL;
