//! The parts of Stripe events we act on, read from the raw JSON.
//!
//! We read JSON ourselves rather than through typed structs because Stripe's shapes move: since the
//! 2025 API an invoice names its subscription under `parent.subscription_details.subscription`, while
//! older payloads (and async-stripe 0.41's types) have a top-level `subscription`. Both are accepted.

use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub object: Value,
}

pub fn parse(body: &[u8]) -> Result<Event, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let id = value["id"]
        .as_str()
        .filter(|s| s.starts_with("evt_"))
        .ok_or("the event has no evt_ id")?;
    let kind = value["type"].as_str().ok_or("the event has no type")?;
    let object = value["data"]["object"].clone();
    if !object.is_object() {
        return Err("the event has no data.object".into());
    }
    Ok(Event {
        id: id.to_owned(),
        kind: kind.to_owned(),
        object,
    })
}

/// A field that Stripe sends either as an id string or as an expanded object with an `id`.
fn id_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(map) => map.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

pub fn object_id(object: &Value) -> Option<String> {
    id_of(&object["id"])
}

/// The PaymentIntent's amount actually received (falls back to `amount`).
pub fn amount_received(object: &Value) -> Option<i64> {
    object["amount_received"]
        .as_i64()
        .filter(|a| *a > 0)
        .or_else(|| object["amount"].as_i64())
}

/// The invoice a PaymentIntent or charge belongs to, if any (subscription payments).
pub fn invoice_id(object: &Value) -> Option<String> {
    id_of(&object["invoice"])
}

pub fn payment_intent_id(object: &Value) -> Option<String> {
    id_of(&object["payment_intent"])
}

/// The PaymentIntent that paid an invoice: the older top-level `payment_intent`, or (2025 shape)
/// the first PaymentIntent among the invoice's `payments`, when Stripe included them.
pub fn invoice_payment_intent(invoice: &Value) -> Option<String> {
    id_of(&invoice["payment_intent"]).or_else(|| {
        invoice["payments"]["data"]
            .as_array()?
            .iter()
            .find_map(|p| id_of(&p["payment"]["payment_intent"]))
    })
}

/// The card's fingerprint (Stripe's `payment_method_details.card.fingerprint`): on a charge, on
/// a PaymentIntent's expanded `latest_charge`, or in its `charges` list (API versions before 2022).
pub fn card_fingerprint(object: &Value) -> Option<String> {
    let of_charge = |charge: &Value| {
        charge["payment_method_details"]["card"]["fingerprint"]
            .as_str()
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
    };
    of_charge(object)
        .or_else(|| of_charge(&object["latest_charge"]))
        .or_else(|| of_charge(object["charges"]["data"].as_array()?.first()?))
}

/// The object's three-letter currency, upper case (our storage form).
pub fn currency(object: &Value) -> String {
    object["currency"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// The subscription an invoice pays for: the 2025 shape first, then the older top-level field.
pub fn invoice_subscription_id(invoice: &Value) -> Option<String> {
    id_of(&invoice["parent"]["subscription_details"]["subscription"])
        .or_else(|| id_of(&invoice["subscription"]))
}

/// An account's payability, from an `account` object (an API answer or an `account.updated`
/// event): `charges_enabled`, `payouts_enabled`, the `transfers` capability, and what Stripe
/// still needs. Missing fields read as "not enabled".
pub fn account_state(account: &Value) -> crate::domain::payout::AccountState {
    crate::domain::payout::AccountState {
        charges_enabled: account["charges_enabled"].as_bool().unwrap_or(false),
        payouts_enabled: account["payouts_enabled"].as_bool().unwrap_or(false),
        transfers_active: account["capabilities"]["transfers"].as_str() == Some("active"),
        currently_due: account["requirements"]["currently_due"]
            .as_array()
            .map(|due| {
                due.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        disabled_reason: account["requirements"]["disabled_reason"]
            .as_str()
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
    }
}

/// The account id and state of an `account.updated` event's object.
pub fn connect_account(object: &Value) -> Option<(String, crate::domain::payout::AccountState)> {
    let id = object_id(object).filter(|id| id.starts_with("acct_"))?;
    Some((id, account_state(object)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn invoice_subscription_in_both_shapes() {
        let new = json!({"parent": {"type": "subscription_details", "subscription_details": {"subscription": "sub_new"}}});
        let old = json!({"subscription": "sub_old"});
        let expanded = json!({"subscription": {"id": "sub_obj"}});
        let both = json!({"subscription": "sub_old", "parent": {"subscription_details": {"subscription": "sub_new"}}});
        assert_eq!(invoice_subscription_id(&new).as_deref(), Some("sub_new"));
        assert_eq!(invoice_subscription_id(&old).as_deref(), Some("sub_old"));
        assert_eq!(
            invoice_subscription_id(&expanded).as_deref(),
            Some("sub_obj")
        );
        assert_eq!(invoice_subscription_id(&both).as_deref(), Some("sub_new"));
        assert_eq!(
            invoice_subscription_id(&json!({"subscription": null})),
            None
        );
    }

    #[test]
    fn invoice_payment_intent_in_both_shapes() {
        let old = json!({"payment_intent": "pi_old"});
        let new = json!({"payments": {"data": [{"payment": {"type": "payment_intent", "payment_intent": "pi_new"}}]}});
        assert_eq!(invoice_payment_intent(&old).as_deref(), Some("pi_old"));
        assert_eq!(invoice_payment_intent(&new).as_deref(), Some("pi_new"));
        assert_eq!(invoice_payment_intent(&json!({"id": "in_1"})), None);
    }

    #[test]
    fn account_state_reads_payability_and_requirements() {
        let account = serde_json::json!({
            "id": "acct_1", "charges_enabled": true, "payouts_enabled": false,
            "capabilities": { "transfers": "active" },
            "requirements": { "currently_due": ["external_account"], "disabled_reason": null },
        });
        let (id, state) = connect_account(&account).unwrap();
        assert_eq!(id, "acct_1");
        assert!(state.charges_enabled && !state.payouts_enabled && state.transfers_active);
        assert!(!state.payable());
        assert_eq!(state.currently_due, ["external_account"]);
        assert_eq!(state.disabled_reason, None);
        assert!(connect_account(&serde_json::json!({ "id": "cus_1" })).is_none());
    }

    #[test]
    fn parse_requires_the_envelope() {
        assert!(parse(br#"{"id":"evt_1","type":"x","data":{"object":{"id":"pi_1"}}}"#).is_ok());
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"id":"evt_1","type":"x"}"#).is_err());
        assert!(parse(br#"{"id":"pi_1","type":"x","data":{"object":{}}}"#).is_err());
    }
}
