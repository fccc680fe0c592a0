//! The money invariant check (`futureflower admin reconcile`, and the end of every payout test):
//! per partner, earned = pending + approved + paid + rejected, and what is `paid` is exactly what
//! completed payouts carried; every paid item sits in exactly one completed payout with a transfer
//! id, and no delivery is paid twice.

use crate::server::context::AppState;
use crate::server::db::payouts::{self, LedgerLine};

#[derive(Debug, Clone)]
pub struct Report {
    pub partners: Vec<LedgerLine>,
    /// Each broken invariant, in words (empty when the books balance).
    pub problems: Vec<String>,
}

impl Report {
    pub fn balanced(&self) -> bool {
        self.problems.is_empty()
    }
}

pub async fn check(state: &AppState) -> sqlx::Result<Report> {
    let partners = payouts::ledger(&state.db).await?;
    let mut problems = payouts::broken_invariants(&state.db).await?;
    for line in &partners {
        let parts =
            line.pending_cents + line.approved_cents + line.paid_cents + line.rejected_cents;
        if parts != line.earned_cents {
            problems.push(format!(
                "partner #{} ({}): earned {} but pending + approved + paid + rejected = {}",
                line.partner_id, line.business_name, line.earned_cents, parts
            ));
        }
        if line.paid_cents != line.paid_out_cents {
            problems.push(format!(
                "partner #{} ({}): commissions marked paid total {} but completed payouts carried {}",
                line.partner_id, line.business_name, line.paid_cents, line.paid_out_cents
            ));
        }
    }
    Ok(Report { partners, problems })
}
