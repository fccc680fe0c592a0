//! Discount codes at checkout (DESIGN §4).
//!
//! A code is valid for a user when it exists and is active, its partner is active, the user has no
//! paid payment yet, and it is not the user's own. The code is applied to one unpaid order before
//! payment starts (afterwards the amount Stripe holds would no longer match), and checked again when
//! payment starts, so a partner suspended in between does not give a discount.

use crate::domain::money::Cents;
use crate::domain::partner::{apply_discount, normalize_code};
use crate::dto::AppError;
use crate::dto::partners::CodeCheck;
use crate::server::context::{AppState, CurrentUser};
use crate::server::db::{DbConn, orders, partners, users};
use chrono::Utc;

/// Why a code cannot be used, in the customer's words.
async fn validate(
    conn: &mut DbConn,
    user: &CurrentUser,
    order_id: i64,
    raw: &str,
) -> Result<partners::CodeRow, AppError> {
    let shown = raw.trim().to_uppercase();
    if shown.is_empty() {
        return Err(AppError::field("code", "Enter a discount code."));
    }
    let unknown = || {
        AppError::field(
            "code",
            format!("We don't know the code {shown}. Check the spelling and try again."),
        )
    };
    let code = normalize_code(raw).ok_or_else(unknown)?;
    // One statement reads the code and the customer's standing; the checks below keep their order.
    let found = partners::find_code_for_customer(conn, &code, user.id, order_id)
        .await?
        .ok_or_else(unknown)?;
    let row = found.code;
    if !row.is_active {
        return Err(AppError::field(
            "code",
            format!("The code {shown} is no longer active."),
        ));
    }
    if row.partner_user_id == user.id {
        return Err(AppError::field(
            "code",
            "That is your own partner code: share it with new customers instead.",
        ));
    }
    match row.partner_status.as_str() {
        "active" => {}
        "pending" => {
            return Err(AppError::field(
                "code",
                format!("The code {shown} is not active yet: its partner is still being approved."),
            ));
        }
        _ => {
            return Err(AppError::field(
                "code",
                format!("The code {shown} is paused and cannot be used right now."),
            ));
        }
    }
    if found.customer_has_paid {
        return Err(AppError::field(
            "code",
            "Discount codes are for a first order, and your account already has a paid order.",
        ));
    }
    // The first-order discount is given once: not also on another order whose payment has started.
    if let Some(other) = found.other_discounted_order {
        return Err(AppError::field(
            "code",
            format!("Your first-order discount is already on order #{other}, which is being paid."),
        ));
    }
    Ok(row)
}

pub async fn check(state: &AppState, user: &CurrentUser, raw: &str) -> Result<CodeCheck, AppError> {
    let mut conn = state.readers.get().await?;
    let row = validate(&mut conn, user, 0, raw).await?;
    Ok(CodeCheck {
        code: row.code.to_uppercase(),
        business_name: row.business_name,
        discount: state.money(row.discount_cents),
    })
}

async fn unpaid_order(
    state: &AppState,
    user: &CurrentUser,
    order_id: i64,
) -> Result<orders::OrderRow, AppError> {
    let order = orders::find_for_user(&state.db, order_id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if order.status != "pending_payment" {
        return Err(AppError::field(
            "code",
            "This order is already paid, so its discount cannot change.",
        ));
    }
    Ok(order)
}

const PAYMENT_STARTED: &str =
    "Payment for this order has already started, so its discount cannot change now.";

/// Applies `raw` to the order. Applying the code the order already has changes nothing; another
/// code replaces it. The first valid code a user applies also records the referring partner.
pub async fn apply(
    state: &AppState,
    user: &CurrentUser,
    order_id: i64,
    raw: &str,
) -> Result<(), AppError> {
    let order = unpaid_order(state, user, order_id).await?;
    let mut tx = state.db.begin().await?;
    // Write first (a no-op on the order): the transaction reads, then writes, and on SQLite a read
    // snapshot another writer (the mail sender, say) made stale in between could not be upgraded
    // (SQLITE_BUSY_SNAPSHOT). It also keeps two applications to one order in line on PostgreSQL.
    orders::lock(&mut tx, order.id).await?;
    let code = validate(&mut tx, user, order.id, raw).await?;
    if order.discount_code_id == Some(code.id) {
        return Ok(());
    }
    let now = Utc::now();
    let (_, discount) = apply_discount(Cents(order.subtotal_cents), Cents(code.discount_cents));
    if !orders::set_discount(&mut tx, order.id, Some(code.id), discount.0, now).await? {
        return Err(AppError::field("code", PAYMENT_STARTED));
    }
    users::set_referred_by(&mut tx, user.id, code.partner_id, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(state: &AppState, user: &CurrentUser, order_id: i64) -> Result<(), AppError> {
    let order = unpaid_order(state, user, order_id).await?;
    if order.discount_code_id.is_none() {
        return Ok(());
    }
    let mut conn = state.db.acquire().await?;
    if !orders::set_discount(&mut conn, order.id, None, 0, Utc::now()).await? {
        return Err(AppError::field("code", PAYMENT_STARTED));
    }
    Ok(())
}

/// Just before payment starts: the order's code must still be valid. If it is not, the discount is
/// taken off and the customer is told why and what the total is now (nothing was charged). Any
/// other failure (the database) stops the payment: a discount is never let through unchecked.
pub async fn recheck_before_payment(
    state: &AppState,
    user: &CurrentUser,
    order: &orders::OrderRow,
) -> Result<(), AppError> {
    let Some(code_id) = order.discount_code_id else {
        return Ok(());
    };
    let mut conn = state.db.acquire().await?;
    let refusal = match partners::find_code_by_id(&mut conn, code_id).await? {
        Some(code) => match validate(&mut conn, user, order.id, &code.code).await {
            Ok(_) => return Ok(()),
            Err(AppError::Invalid(errors)) => errors
                .into_iter()
                .next()
                .map(|e| e.message)
                .unwrap_or_default(),
            Err(other) => return Err(other),
        },
        None => "That discount code no longer exists.".to_owned(),
    };
    take_off_discount(&mut conn, state, order, &refusal).await
}

/// Removes an order's discount before payment and answers with why and the new total.
pub async fn take_off_discount(
    conn: &mut DbConn,
    state: &AppState,
    order: &orders::OrderRow,
    why: &str,
) -> Result<(), AppError> {
    if !orders::set_discount(conn, order.id, None, 0, Utc::now()).await? {
        // Payment already started with this amount; it stands (the caller does not recheck then).
        return Ok(());
    }
    Err(AppError::field(
        "payment",
        format!(
            "{why} We removed the discount; the total is now {}. Nothing was charged.",
            state.money(order.subtotal_cents)
        ),
    ))
}

/// The code applied to an order, for the checkout page (upper case) and the PaymentIntent metadata.
pub async fn applied_code(
    state: &AppState,
    order: &orders::OrderRow,
) -> Result<Option<partners::CodeRow>, AppError> {
    let Some(code_id) = order.discount_code_id else {
        return Ok(None);
    };
    let mut conn = state.db.acquire().await?;
    Ok(partners::find_code_by_id(&mut conn, code_id).await?)
}
