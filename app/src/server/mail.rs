//! Typed email templates: one struct per kind of mail, rendered to a subject, a text part and an
//! HTML part.
//!
//! Invariants:
//! - Both parts come from the same list of [`Block`]s, so they always say the same thing.
//! - Every value is HTML-escaped in the HTML part, which is plain ASCII; the text part is ASCII
//!   too unless a name or reason is not, and links are whole on their own line there (a reader can
//!   copy them from a plain-text client or an `.eml` file).
//! - The HTML uses inline styles only (mail clients drop `<style>` and external sheets), a single
//!   600 px column that shrinks on a phone, and no images, so nothing is fetched when it is opened.
//! - Every mail ends with the business name and why the reader got it; a non-essential notice also
//!   says where to turn such mails off.

use std::fmt::Write as _;

/// The name mails are signed with.
pub const BUSINESS: &str = "FutureFlower";

/// A mail ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One piece of a mail's body.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(String),
    /// The main action: a button in HTML, the bare link on its own line in text.
    Button {
        label: String,
        url: String,
    },
    /// Labelled values (order number, amount, …).
    Facts(Vec<(String, String)>),
    /// A bulleted list (delivery dates).
    List(Vec<String>),
    /// A value to copy exactly (a discount code).
    Code(String),
}

/// Why the reader got the mail, shown in the footer.
#[derive(Debug, Clone)]
pub enum Footer {
    /// Account and order mails: always sent.
    Essential(&'static str),
    /// Mails the reader can turn off, and the page where they do it.
    Optional {
        why: &'static str,
        settings_url: String,
    },
}

/// What each template provides; [`render`] does the rest.
pub trait Template {
    /// Stored on the outbox row and used in `.eml` file names: lower case, underscores.
    const KIND: &'static str;
    fn subject(&self) -> String;
    fn blocks(&self) -> Vec<Block>;
    fn footer(&self) -> Footer;
}

/// Renders `template` for a reader called `first_name`.
pub fn render<T: Template>(first_name: &str, template: &T) -> Rendered {
    let subject = template.subject();
    let mut blocks = vec![Block::Paragraph(format!("Hello {first_name},"))];
    blocks.extend(template.blocks());
    blocks.push(Block::Paragraph(format!("The {BUSINESS} team")));
    let footer = template.footer();
    Rendered {
        kind: T::KIND,
        text: text(&blocks, &footer),
        html: html(&subject, &blocks, &footer),
        subject,
    }
}

fn text(blocks: &[Block], footer: &Footer) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Paragraph(p) => out.push_str(p),
            Block::Button { label, url } => {
                let _ = write!(out, "{label}:\n{url}");
            }
            Block::Facts(facts) => {
                let lines: Vec<String> = facts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                out.push_str(&lines.join("\n"));
            }
            Block::List(items) => {
                let lines: Vec<String> = items.iter().map(|i| format!("- {i}")).collect();
                out.push_str(&lines.join("\n"));
            }
            Block::Code(code) => {
                let _ = write!(out, "    {code}");
            }
        }
        out.push_str("\n\n");
    }
    let (Footer::Essential(why) | Footer::Optional { why, .. }) = footer;
    let _ = writeln!(out, "-- \n{BUSINESS} - {why}");
    if let Footer::Optional { settings_url, .. } = footer {
        let _ = writeln!(out, "Turn these emails off: {settings_url}");
    }
    out
}

/// Escapes text for HTML element content and double-quoted attributes. Characters outside ASCII
/// become numeric references, so the HTML part is plain ASCII and travels as 7-bit text through
/// any mail server.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_ascii() => out.push(c),
            c => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
        }
    }
    out
}

const FONT: &str = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const TEXT: &str = "margin:0 0 16px;font-size:16px;line-height:24px;color:#1f2937";

fn html(subject: &str, blocks: &[Block], footer: &Footer) -> String {
    let mut body = String::new();
    for block in blocks {
        match block {
            Block::Paragraph(p) => {
                let _ = writeln!(body, "<p style=\"{TEXT}\">{}</p>", escape(p));
            }
            Block::Button { label, url } => {
                let _ = writeln!(
                    body,
                    "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"display:inline-block;background:#be185d;color:#ffffff;text-decoration:none;font-weight:600;font-size:16px;line-height:24px;padding:12px 20px;border-radius:6px\">{label}</a></p>\n\
                     <p style=\"margin:0 0 16px;font-size:13px;line-height:20px;color:#6b7280;word-break:break-all\">Or open this link: <a href=\"{url}\" style=\"color:#be185d\">{url}</a></p>",
                    url = escape(url),
                    label = escape(label),
                );
            }
            Block::Facts(facts) => {
                body.push_str("<table role=\"presentation\" style=\"margin:0 0 16px;border-collapse:collapse;font-size:16px;line-height:24px;color:#1f2937\">\n");
                for (k, v) in facts {
                    let _ = writeln!(
                        body,
                        "<tr><td style=\"padding:2px 16px 2px 0;color:#6b7280;vertical-align:top\">{}</td><td style=\"padding:2px 0;font-weight:600\">{}</td></tr>",
                        escape(k),
                        escape(v)
                    );
                }
                body.push_str("</table>\n");
            }
            Block::List(items) => {
                let _ = writeln!(body, "<ul style=\"{TEXT};padding-left:20px\">");
                for item in items {
                    let _ = writeln!(body, "<li>{}</li>", escape(item));
                }
                body.push_str("</ul>\n");
            }
            Block::Code(code) => {
                let _ = writeln!(
                    body,
                    "<p style=\"margin:0 0 16px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:20px;letter-spacing:1px;font-weight:700;color:#111827;background:#fdf2f8;padding:12px 16px;border-radius:6px\">{}</p>",
                    escape(code)
                );
            }
        }
    }
    let footer = match footer {
        Footer::Essential(why) => escape(why),
        Footer::Optional { why, settings_url } => format!(
            "{} <a href=\"{}\" style=\"color:#6b7280\">Turn these emails off</a>.",
            escape(why),
            escape(settings_url)
        ),
    };
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{subject}</title></head>\n\
         <body style=\"margin:0;padding:0;background:#f9fafb;{FONT}\">\n\
         <table role=\"presentation\" width=\"100%\" style=\"border-collapse:collapse;background:#f9fafb\"><tr><td style=\"padding:24px 12px\">\n\
         <table role=\"presentation\" width=\"100%\" style=\"max-width:600px;margin:0 auto;border-collapse:collapse;background:#ffffff;border-radius:8px\"><tr><td style=\"padding:24px\">\n\
         <p style=\"margin:0 0 24px;font-size:20px;font-weight:700;color:#be185d\">{BUSINESS}</p>\n\
         {body}</td></tr></table>\n\
         <p style=\"max-width:600px;margin:16px auto 0;font-size:13px;line-height:20px;color:#6b7280;text-align:center\">{BUSINESS} &middot; {footer}</p>\n\
         </td></tr></table>\n</body></html>\n",
        subject = escape(subject),
    )
}

/// A link with a one-time token: sent to someone who asked to reset their password.
pub struct PasswordReset {
    pub link: String,
    pub valid_minutes: i64,
}

impl Template for PasswordReset {
    const KIND: &'static str = "password_reset";
    fn subject(&self) -> String {
        format!("Reset your {BUSINESS} password")
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(
                "Someone (we hope you) asked to reset the password of your account.".into(),
            ),
            Block::Button {
                label: "Choose a new password".into(),
                url: self.link.clone(),
            },
            Block::Paragraph(format!(
                "The link works once, for {} minutes. If you did not ask for it, ignore this email: your password stays as it is.",
                self.valid_minutes
            )),
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential("You get this email because a password reset was asked for your account.")
    }
}

/// A paid order: what was bought, what was paid, and when the flowers come.
pub struct OrderConfirmation {
    pub order_id: i64,
    pub plan: String,
    pub amount_paid: String,
    pub discount: Option<String>,
    pub deliveries: Vec<String>,
    pub orders_url: String,
}

impl Template for OrderConfirmation {
    const KIND: &'static str = "order_confirmation";
    fn subject(&self) -> String {
        format!("Your {BUSINESS} order #{} is confirmed", self.order_id)
    }
    fn blocks(&self) -> Vec<Block> {
        let mut facts = vec![
            ("Order".to_owned(), format!("#{}", self.order_id)),
            ("Plan".to_owned(), self.plan.clone()),
        ];
        if let Some(discount) = &self.discount {
            facts.push(("Discount".to_owned(), discount.clone()));
        }
        facts.push(("Paid".to_owned(), self.amount_paid.clone()));
        let mut blocks = vec![
            Block::Paragraph(
                "Thank you: your payment went through and your flowers are booked.".into(),
            ),
            Block::Facts(facts),
        ];
        if !self.deliveries.is_empty() {
            blocks.push(Block::Paragraph("Deliveries scheduled:".into()));
            blocks.push(Block::List(self.deliveries.clone()));
        }
        blocks.push(Block::Button {
            label: "See your orders".into(),
            url: self.orders_url.clone(),
        });
        blocks
    }
    fn footer(&self) -> Footer {
        Footer::Essential("You get this email because you placed an order.")
    }
}

/// Money went back to the customer's card.
pub struct RefundNotice {
    pub order_id: i64,
    pub amount: String,
    pub orders_url: String,
}

impl Template for RefundNotice {
    const KIND: &'static str = "refund";
    fn subject(&self) -> String {
        format!("Refund for your {BUSINESS} order #{}", self.order_id)
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(format!(
                "We refunded {} for order #{} to the card you paid with. Depending on your bank it shows on your statement within 5 to 10 days.",
                self.amount, self.order_id
            )),
            Block::Button {
                label: "See your orders".into(),
                url: self.orders_url.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential("You get this email because an order of yours was refunded.")
    }
}

/// A partner application was received and waits for review.
pub struct PartnerApplication {
    pub business_name: String,
    pub partner_type: String,
    pub dashboard_url: String,
}

impl Template for PartnerApplication {
    const KIND: &'static str = "partner_application";
    fn subject(&self) -> String {
        format!("We received your {BUSINESS} partner application")
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(format!(
                "Thank you for applying to the {BUSINESS} partner program. We review every application by hand and will email you as soon as {} is approved.",
                self.business_name
            )),
            Block::Facts(vec![
                ("Business".to_owned(), self.business_name.clone()),
                ("Partnership".to_owned(), self.partner_type.clone()),
            ]),
            Block::Button {
                label: "Open your dashboard".into(),
                url: self.dashboard_url.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential("You get this email because you applied to the partner program.")
    }
}

/// The admin approved (or reactivated) a partner.
pub struct PartnerApproved {
    pub business_name: String,
    /// Referral partners get a code and a share link; delivery partners get neither.
    pub code: Option<String>,
    pub share_url: Option<String>,
    pub dashboard_url: String,
}

impl Template for PartnerApproved {
    const KIND: &'static str = "partner_approved";
    fn subject(&self) -> String {
        format!("{} is now a {BUSINESS} partner", self.business_name)
    }
    fn blocks(&self) -> Vec<Block> {
        let mut blocks = vec![Block::Paragraph(format!(
            "Good news: {} is approved as a {BUSINESS} partner.",
            self.business_name
        ))];
        if let Some(code) = &self.code {
            blocks.push(Block::Paragraph(
                "Your customers get a discount with this code, and you earn a commission on what they pay:".into(),
            ));
            blocks.push(Block::Code(code.to_uppercase()));
        }
        if let Some(share) = &self.share_url {
            blocks.push(Block::Paragraph(
                "Or share this link, which opens an order with the code already in it:".into(),
            ));
            // On its own line, so it can be copied whole.
            blocks.push(Block::Paragraph(share.clone()));
        }
        blocks.push(Block::Button {
            label: "Open your dashboard".into(),
            url: self.dashboard_url.clone(),
        });
        blocks
    }
    fn footer(&self) -> Footer {
        Footer::Essential("You get this email because your partner account changed.")
    }
}

/// The admin suspended a partner: the code stops working.
pub struct PartnerSuspended {
    pub business_name: String,
}

impl Template for PartnerSuspended {
    const KIND: &'static str = "partner_suspended";
    fn subject(&self) -> String {
        format!("Your {BUSINESS} partnership is paused")
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(format!(
                "We have suspended the partner account of {}. While it is suspended your discount code does not work and no new commissions are earned; commissions already approved are still paid.",
                self.business_name
            )),
            Block::Paragraph(
                "If you think this is a mistake, reply to this email and tell us.".into(),
            ),
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential("You get this email because your partner account changed.")
    }
}

/// One or more of a partner's commissions were approved in one review.
pub struct CommissionsApproved {
    pub count: usize,
    pub total: String,
    pub dashboard_url: String,
}

impl Template for CommissionsApproved {
    const KIND: &'static str = "commissions_approved";
    fn subject(&self) -> String {
        if self.count == 1 {
            format!("A commission of {} was approved", self.total)
        } else {
            format!("{} commissions ({}) were approved", self.count, self.total)
        }
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(format!(
                "{} approved: {} will be in your next payout.",
                if self.count == 1 {
                    "One commission was".to_owned()
                } else {
                    format!("{} commissions were", self.count)
                },
                self.total
            )),
            Block::Button {
                label: "See your commissions".into(),
                url: self.dashboard_url.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Optional {
            why: "You get this email because you are a partner and commission emails are on.",
            settings_url: self.dashboard_url.clone(),
        }
    }
}

/// A commission was rejected, with the admin's reason.
pub struct CommissionRejected {
    pub amount: String,
    pub payment: String,
    pub reason: String,
    pub dashboard_url: String,
}

impl Template for CommissionRejected {
    const KIND: &'static str = "commission_rejected";
    fn subject(&self) -> String {
        format!("A commission of {} was not approved", self.amount)
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph("We reviewed a commission and could not approve it.".into()),
            Block::Facts(vec![
                ("Commission".to_owned(), self.amount.clone()),
                ("For".to_owned(), self.payment.clone()),
                ("Reason".to_owned(), self.reason.clone()),
            ]),
            Block::Button {
                label: "See your commissions".into(),
                url: self.dashboard_url.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Optional {
            why: "You get this email because you are a partner and commission emails are on.",
            settings_url: self.dashboard_url.clone(),
        }
    }
}

/// What every mail about a delivery request tells the florist.
#[derive(Debug, Clone)]
pub struct DeliveryFacts {
    /// "Sun 20 Dec 2026"
    pub date: String,
    /// "Newtown, Sydney"
    pub area: String,
    /// What the florist is paid, "$75.35".
    pub pay: String,
    /// "Thu 17 Dec, 12:00 am": when the offer lapses (business time).
    pub answer_by: String,
    /// The request page (a link of its own for every mail).
    pub link: String,
}

impl DeliveryFacts {
    fn facts(&self) -> Block {
        Block::Facts(vec![
            ("Delivery day".to_owned(), self.date.clone()),
            ("Where".to_owned(), self.area.clone()),
            ("You are paid".to_owned(), self.pay.clone()),
        ])
    }
}

const FLORIST_FOOTER: &str =
    "You get this email because you are a FutureFlower delivery florist covering this area.";

/// A new delivery for a florist (first offer or reassignment).
pub struct DeliveryOffer {
    pub facts: DeliveryFacts,
    /// Another florist could not take it (a reassignment).
    pub reassigned: bool,
}

impl Template for DeliveryOffer {
    const KIND: &'static str = "delivery_offer";
    fn subject(&self) -> String {
        format!(
            "Delivery request: {} on {}",
            self.facts.area, self.facts.date
        )
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(if self.reassigned {
                "A delivery in your area needs a florist. Can you take it?".into()
            } else {
                "A customer booked flowers in your area. Can you deliver them?".into()
            }),
            self.facts.facts(),
            Block::Paragraph(format!(
                "Please answer by {}. If we do not hear from you, we offer it to another florist; nothing is accepted for you.",
                self.facts.answer_by
            )),
            Block::Button {
                label: "See the delivery and answer".into(),
                url: self.facts.link.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential(FLORIST_FOOTER)
    }
}

/// A pending offer the florist has not answered, a week before the day.
pub struct DeliveryReminder {
    pub facts: DeliveryFacts,
}

impl Template for DeliveryReminder {
    const KIND: &'static str = "delivery_reminder";
    fn subject(&self) -> String {
        format!(
            "Reminder: can you deliver in {} on {}?",
            self.facts.area, self.facts.date
        )
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(
                "We are still waiting for your answer to this delivery request.".into(),
            ),
            self.facts.facts(),
            Block::Paragraph(format!("Please answer by {}.", self.facts.answer_by)),
            Block::Button {
                label: "Answer the request".into(),
                url: self.facts.link.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential(FLORIST_FOOTER)
    }
}

/// The delivery day of an accepted request: confirm delivery by the evening.
pub struct DeliveryDay {
    pub facts: DeliveryFacts,
}

impl Template for DeliveryDay {
    const KIND: &'static str = "delivery_day";
    fn subject(&self) -> String {
        format!("Today: your delivery in {}", self.facts.area)
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(
                "Today is the day of a delivery you accepted. Once it is delivered, please confirm it this evening (a photo helps). If you cannot deliver, tell us on the same page.".into(),
            ),
            self.facts.facts(),
            Block::Button {
                label: "Confirm the delivery".into(),
                url: self.facts.link.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential(FLORIST_FOOTER)
    }
}

/// A payout was sent to the partner's Stripe account.
pub struct PayoutSent {
    pub amount: String,
    /// "Commissions" or "Deliveries".
    pub kind: String,
    pub items: i64,
    pub payout_url: String,
}

impl Template for PayoutSent {
    const KIND: &'static str = "payout_sent";
    fn subject(&self) -> String {
        format!("{} is on its way to your bank", self.amount)
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(format!(
                "We sent {} to your Stripe account. Stripe pays it into your bank on your usual payout schedule, usually within a few business days.",
                self.amount
            )),
            Block::Facts(vec![
                ("Amount".into(), self.amount.clone()),
                (
                    "For".into(),
                    format!(
                        "{} ({} line{})",
                        self.kind,
                        self.items,
                        if self.items == 1 { "" } else { "s" }
                    ),
                ),
            ]),
            Block::Button {
                label: "See the payout".into(),
                url: self.payout_url.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential("You get this email because we paid you.")
    }
}

/// A payout could not be sent because of the partner's Stripe account (held or refused).
pub struct PayoutProblem {
    pub amount: String,
    /// Held (we will send it once the account is fixed) or failed (it goes into the next payout).
    pub held: bool,
    pub reason: String,
    pub setup_url: String,
}

impl Template for PayoutProblem {
    const KIND: &'static str = "payout_problem";
    fn subject(&self) -> String {
        format!(
            "Action needed: we could not send your {} payout",
            self.amount
        )
    }
    fn blocks(&self) -> Vec<Block> {
        vec![
            Block::Paragraph(if self.held {
                format!("Your payout of {} is ready, but Stripe cannot pay your account yet, so we are holding it. Nothing is lost: we send it as soon as Stripe can pay you.", self.amount)
            } else {
                format!("Stripe refused our transfer of {} to your account. Nothing was lost: the money stays with your next payout.", self.amount)
            }),
            Block::Facts(vec![("Why".into(), self.reason.clone())]),
            Block::Paragraph("Open your payout settings and finish what Stripe asks for; it takes a few minutes.".into()),
            Block::Button {
                label: "Fix my payout settings".into(),
                url: self.setup_url.clone(),
            },
        ]
    }
    fn footer(&self) -> Footer {
        Footer::Essential("You get this email because a payout to you is waiting.")
    }
}

/// Every kind, with the label admins see, in the order the preview page lists them.
pub const KINDS: &[(&str, &str)] = &[
    (PasswordReset::KIND, "Password reset"),
    (OrderConfirmation::KIND, "Order confirmation"),
    (RefundNotice::KIND, "Refund"),
    (PartnerApplication::KIND, "Partner application received"),
    (PartnerApproved::KIND, "Partner approved"),
    (PartnerSuspended::KIND, "Partner suspended"),
    (CommissionsApproved::KIND, "Commissions approved"),
    (CommissionRejected::KIND, "Commission rejected"),
    (DeliveryOffer::KIND, "Delivery request (florist)"),
    (DeliveryReminder::KIND, "Delivery reminder (florist)"),
    (DeliveryDay::KIND, "Delivery day (florist)"),
    (PayoutSent::KIND, "Payout sent"),
    (PayoutProblem::KIND, "Payout held or refused"),
];

/// The label of a kind, or the kind itself for one this version does not know.
pub fn kind_label(kind: &str) -> &str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, label)| label)
}

/// A kind rendered with believable sample data, for the admin preview.
pub fn sample(kind: &str, site_url: &str) -> Option<Rendered> {
    let dashboard_url = format!("{site_url}/partner/dashboard");
    let orders_url = format!("{site_url}/orders");
    Some(match kind {
        PasswordReset::KIND => render(
            "Ana",
            &PasswordReset {
                link: format!("{site_url}/reset-password/sample-token-not-valid"),
                valid_minutes: 60,
            },
        ),
        OrderConfirmation::KIND => render(
            "Ana",
            &OrderConfirmation {
                order_id: 1042,
                plan: "Prepaid plan: quarterly for 1 year".into(),
                amount_paid: "$232.00".into(),
                discount: Some("-$8.00 (code ROSIE-S-ROSES-K7Q2)".into()),
                deliveries: vec![
                    "Mon 14 Dec 2026".into(),
                    "Mon 15 Mar 2027".into(),
                    "Mon 14 Jun 2027".into(),
                    "Mon 13 Sep 2027".into(),
                ],
                orders_url,
            },
        ),
        RefundNotice::KIND => render(
            "Ana",
            &RefundNotice {
                order_id: 1042,
                amount: "$232.00".into(),
                orders_url,
            },
        ),
        PartnerApplication::KIND => render(
            "Rosie",
            &PartnerApplication {
                business_name: "Rosie's Roses".into(),
                partner_type: "Referral partner".into(),
                dashboard_url,
            },
        ),
        PartnerApproved::KIND => render(
            "Rosie",
            &PartnerApproved {
                business_name: "Rosie's Roses".into(),
                code: Some("rosie-s-roses-k7q2".into()),
                share_url: Some(format!("{site_url}/order?code=ROSIE-S-ROSES-K7Q2")),
                dashboard_url,
            },
        ),
        PartnerSuspended::KIND => render(
            "Rosie",
            &PartnerSuspended {
                business_name: "Rosie's Roses".into(),
            },
        ),
        CommissionsApproved::KIND => render(
            "Rosie",
            &CommissionsApproved {
                count: 3,
                total: "$36.40".into(),
                dashboard_url,
            },
        ),
        CommissionRejected::KIND => render(
            "Rosie",
            &CommissionRejected {
                amount: "$12.00".into(),
                payment: "Order #1042 ($120.00)".into(),
                reason: "The customer's payment was refunded.".into(),
                dashboard_url,
            },
        ),
        DeliveryOffer::KIND => render(
            "Fiona",
            &DeliveryOffer {
                facts: sample_delivery(site_url),
                reassigned: false,
            },
        ),
        DeliveryReminder::KIND => render(
            "Fiona",
            &DeliveryReminder {
                facts: sample_delivery(site_url),
            },
        ),
        DeliveryDay::KIND => render(
            "Fiona",
            &DeliveryDay {
                facts: sample_delivery(site_url),
            },
        ),
        PayoutSent::KIND => render(
            "Rosie",
            &PayoutSent {
                amount: "$148.60".into(),
                kind: "Commissions".into(),
                items: 12,
                payout_url: format!("{site_url}/partner/payouts/7"),
            },
        ),
        PayoutProblem::KIND => render(
            "Rosie",
            &PayoutProblem {
                amount: "$148.60".into(),
                held: true,
                reason: "Stripe still needs a bank account to pay into.".into(),
                setup_url: format!("{site_url}/partner/payouts"),
            },
        ),
        _ => return None,
    })
}

fn sample_delivery(site_url: &str) -> DeliveryFacts {
    DeliveryFacts {
        date: "Sun 20 Dec 2026".into(),
        area: "Newtown, Sydney".into(),
        pay: "$75.35".into(),
        answer_by: "Fri 18 Dec, 12:00 am".into(),
        link: format!("{site_url}/partner/delivery-request/sample-token-not-valid"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_sample_with_both_parts_saying_the_same() {
        for (kind, _) in KINDS {
            let mail = sample(kind, "https://ff.example").expect(kind);
            assert_eq!(mail.kind, *kind);
            assert!(mail.text.starts_with("Hello "), "{kind}");
            assert!(mail.text.contains(BUSINESS) && mail.html.contains(BUSINESS));
            // Every link of the HTML part is in the text part too.
            for link in mail.html.split("href=\"").skip(1) {
                let url = link.split('"').next().unwrap().replace("&amp;", "&");
                assert!(mail.text.contains(&url), "{kind}: {url} missing from text");
            }
        }
        assert!(sample("no_such_kind", "https://ff.example").is_none());
    }

    #[test]
    fn values_are_escaped_in_html_and_plain_in_text() {
        let mail = render(
            "<b>Eve</b>",
            &PartnerSuspended {
                business_name: "Tom & Jerry's".into(),
            },
        );
        assert!(mail.html.contains("Hello &lt;b&gt;Eve&lt;/b&gt;,"));
        assert!(mail.html.contains("Tom &amp; Jerry&#39;s"));
        assert!(!mail.html.contains("<b>Eve"));
        assert!(mail.text.contains("Hello <b>Eve</b>,"));
        assert_eq!(mail.subject, "Your FutureFlower partnership is paused");
    }

    #[test]
    fn html_is_ascii_and_text_is_ascii_unless_a_value_is_not() {
        for (kind, _) in KINDS {
            let mail = sample(kind, "https://ff.example").unwrap();
            assert!(mail.html.is_ascii() && mail.text.is_ascii(), "{kind}");
        }
        let mail = render(
            "Zoë",
            &PartnerSuspended {
                business_name: "Café Fleur".into(),
            },
        );
        assert!(mail.html.is_ascii());
        assert!(mail.html.contains("Hello Zo&#xEB;,"));
        assert!(mail.text.contains("Hello Zoë,"));
    }

    #[test]
    fn a_link_is_alone_on_its_line_in_text() {
        let mail = sample(PasswordReset::KIND, "https://ff.example").unwrap();
        assert!(
            mail.text
                .lines()
                .any(|l| l == "https://ff.example/reset-password/sample-token-not-valid")
        );
    }

    #[test]
    fn optional_mails_say_how_to_turn_them_off() {
        let optional = sample(CommissionsApproved::KIND, "https://ff.example").unwrap();
        assert!(
            optional
                .text
                .contains("Turn these emails off: https://ff.example/partner/dashboard")
        );
        let essential = sample(PartnerApproved::KIND, "https://ff.example").unwrap();
        assert!(!essential.text.contains("Turn these emails off"));
    }
}
