//! Risk flags (DESIGN §4 "Payout controls and ledger"): a referred customer whose mailbox, card
//! or sign-up address is the partner's own, or a burst of referred sign-ups from one address,
//! holds the partner's new commissions until an admin clears or confirms the flag.
//!
//! Invariants: a held commission is never put in a payout (`commissions.risk_flag_id` is checked
//! by the payout query, and the reconcile check looks for any held commission in a payout); one
//! open flag per partner (a unique index), and while it is open every new commission of the
//! partner is held under it; clearing releases them, confirming rejects them with the reason and
//! suspends the partner. Each step writes its audit row in the same transaction.

use crate::domain::risk::{self, BURST_SIGNUPS, RiskKind};
use crate::dto::AppError;
use crate::server::context::AppState;
use crate::server::db::audit::{self, Actor, Change};
use crate::server::db::risk::{self as rows, Referral};
use crate::server::db::{DbConn, partners};
use crate::server::services::notices;
use chrono::{DateTime, Utc};

/// The first signal this referral raises, with its detail.
async fn signal(
    conn: &mut DbConn,
    partner_id: i64,
    referral: &Referral,
) -> sqlx::Result<Option<(RiskKind, String)>> {
    if risk::mailbox(&referral.customer_email) == risk::mailbox(&referral.partner_email) {
        return Ok(Some((RiskKind::SameEmail, String::new())));
    }
    if let Some(fingerprint) = &referral.fingerprint
        && rows::partner_used_card(conn, referral.partner_user_id, fingerprint).await?
    {
        return Ok(Some((RiskKind::SameCard, format!("card {fingerprint}"))));
    }
    let telling = |ip: &Option<String>| {
        ip.as_deref()
            .filter(|ip| ip.parse().is_ok_and(|ip| risk::telling_ip(&ip)))
            .map(str::to_owned)
    };
    if let Some(ip) = telling(&referral.customer_ip) {
        if telling(&referral.partner_ip).as_deref() == Some(ip.as_str()) {
            return Ok(Some((RiskKind::SameIp, ip)));
        }
        let burst = rows::referred_from_ip(conn, partner_id, &ip, referral.customer_joined).await?;
        if burst >= BURST_SIGNUPS {
            return Ok(Some((RiskKind::IpBurst, ip)));
        }
    }
    Ok(None)
}

/// Called in the webhook's transaction when `payment` earned `commission_id` for the partner:
/// holds it if the partner has an open flag, or if this referral raises one. Returns the reason
/// when it was held.
pub async fn screen(
    conn: &mut DbConn,
    partner_id: i64,
    commission_id: i64,
    payment_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let flag = match rows::open_flag(conn, partner_id).await? {
        Some(flag) => Some((flag, None)),
        None => {
            let Some(referral) = rows::referral(conn, partner_id, payment_id).await? else {
                return Ok(None);
            };
            match signal(conn, partner_id, &referral).await? {
                None => None,
                Some((kind, detail)) => {
                    let detail = risk::describe(kind, &referral.customer_email, &detail);
                    let (flag, opened) = rows::open(
                        conn,
                        partner_id,
                        kind.as_str(),
                        referral.customer_id,
                        &detail,
                        now,
                    )
                    .await?;
                    if opened {
                        let change = Change {
                            action: "risk.flag",
                            subject_type: "risk_flag",
                            subject_id: flag,
                            partner_id: Some(partner_id),
                            before: String::new(),
                            after: detail.clone(),
                        };
                        let actor = Actor::system("Risk check", &format!("payment {payment_id}"));
                        audit::record(conn, &actor, &change, now).await?;
                    }
                    Some((flag, Some(detail)))
                }
            }
        }
    };
    let Some((flag, detail)) = flag else {
        return Ok(None);
    };
    if !rows::hold_commission(conn, commission_id, flag, now).await? {
        return Ok(None);
    }
    tracing::warn!(
        partner_id,
        commission_id,
        flag,
        "commission held by a risk flag"
    );
    Ok(Some(
        detail.unwrap_or_else(|| format!("risk flag #{flag} is open")),
    ))
}

/// An admin's decision on an open flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Not fraud: the held commissions continue as if never held.
    Clear,
    /// Fraud: the held commissions are rejected with the reason, and the partner suspended.
    Confirm,
}

impl Decision {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "clear" => Some(Self::Clear),
            "confirm" => Some(Self::Confirm),
            _ => None,
        }
    }
}

/// The reason a partner reads on commissions rejected by a confirmed flag.
pub const CONFIRMED_REASON: &str =
    "Rejected after review: the referral was the partner's own (self-referral)";

pub async fn resolve(
    state: &AppState,
    actor: &Actor,
    flag_id: i64,
    decision: Decision,
) -> Result<(), AppError> {
    let now = Utc::now();
    let _queued = state.write_gate.enter().await;
    let mut tx = state.db.begin().await?;
    let status = match decision {
        Decision::Clear => "cleared",
        Decision::Confirm => "confirmed",
    };
    if !rows::resolve(&mut tx, flag_id, status, actor.user_id, now).await? {
        return Err(AppError::field(
            "flag",
            "This flag was already cleared or confirmed.",
        ));
    }
    let flag = rows::find(&mut tx, flag_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let after = match decision {
        Decision::Clear => {
            let released = rows::release_commissions(&mut tx, flag_id, now).await?;
            format!("cleared; {released} commissions released")
        }
        Decision::Confirm => {
            let rejected =
                rows::reject_commissions(&mut tx, flag_id, CONFIRMED_REASON, now).await?;
            let partner = partners::find(&mut *tx, flag.partner_id)
                .await?
                .ok_or(AppError::NotFound)?;
            if partners::set_status(
                &mut tx,
                partner.id,
                &["active", "pending"],
                "suspended",
                now,
            )
            .await?
            {
                notices::partner_status(&mut tx, &state.settings, &partner, "suspended", now)
                    .await?;
            }
            format!("confirmed; {rejected} commissions rejected, partner suspended")
        }
    };
    partners::bump_stats(&mut tx, flag.partner_id, flag_id).await?;
    let change = Change {
        action: match decision {
            Decision::Clear => "risk.clear",
            Decision::Confirm => "risk.confirm",
        },
        subject_type: "risk_flag",
        subject_id: flag_id,
        partner_id: Some(flag.partner_id),
        before: format!("open: {}", flag.detail),
        after,
    };
    audit::record(&mut tx, actor, &change, now).await?;
    tx.commit().await?;
    state.mail_wake.queued();
    Ok(())
}

/// Open flags first, then recent resolved ones (all partners, or one).
pub async fn list(
    state: &AppState,
    partner: Option<i64>,
) -> Result<Vec<crate::dto::controls::RiskFlagLine>, AppError> {
    let day = |at: DateTime<Utc>| {
        at.with_timezone(&state.settings.business_tz)
            .format("%-d %b %Y %H:%M")
            .to_string()
    };
    Ok(rows::list(&state.db, partner, 200)
        .await?
        .into_iter()
        .map(|f| crate::dto::controls::RiskFlagLine {
            id: f.id,
            partner: (f.partner_id, f.business_name),
            kind: RiskKind::parse(&f.kind).map_or(f.kind.clone(), |k| k.label().to_owned()),
            detail: f.detail,
            status: f.status,
            raised: day(f.created_at),
            resolved: f.resolved_at.map(|at| match f.resolved_by {
                Some(by) => format!("{} by {by}", day(at)),
                None => day(at),
            }),
            held: f.held,
            held_amount: state.money(f.held_cents),
        })
        .collect())
}
