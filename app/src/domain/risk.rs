//! Risk flags (DESIGN §4 "Payout controls and ledger"): signs that a partner is referring
//! themselves, checked when a referred customer's payment earns a commission.
//!
//! Only an address that says who is behind it counts: loopback, private, link-local and
//! unspecified addresses are a proxy or the machine itself, shared by everyone behind it, so they
//! never match (the app reads the client address from the trusted proxy's `X-Forwarded-For`).

use std::net::IpAddr;

/// Referred sign-ups from one address within a day that make a burst.
pub const BURST_SIGNUPS: i64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskKind {
    SameEmail,
    SameCard,
    SameIp,
    IpBurst,
}

impl RiskKind {
    pub const ALL: [Self; 4] = [Self::SameEmail, Self::SameCard, Self::SameIp, Self::IpBurst];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SameEmail => "same_email",
            Self::SameCard => "same_card",
            Self::SameIp => "same_ip",
            Self::IpBurst => "ip_burst",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SameEmail => "Customer's email is the partner's own",
            Self::SameCard => "Customer paid with the partner's own card",
            Self::SameIp => "Customer signed up from the partner's address",
            Self::IpBurst => "Many referred sign-ups from one address",
        }
    }
}

/// An email as a person's mailbox: lower case, without a `+tag`, and for Gmail without dots, so
/// `Rosie.Smith+shop@gmail.com` and `rosiesmith@googlemail.com` are the same mailbox.
pub fn mailbox(email: &str) -> String {
    let email = email.trim().to_lowercase();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return email;
    };
    let local = local.split('+').next().unwrap_or(local);
    match domain {
        "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
        _ => format!("{local}@{domain}"),
    }
}

/// Whether an address identifies the client (see the module docs).
pub fn telling_ip(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast())
        }
        // A dual-stack listener sees IPv4 clients as `::ffff:a.b.c.d`: judge the IPv4 address.
        IpAddr::V6(v6) if let Some(v4) = v6.to_ipv4_mapped() => telling_ip(&IpAddr::V4(v4)),
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// What the admin reads on a flag.
pub fn describe(kind: RiskKind, customer_email: &str, detail: &str) -> String {
    match kind {
        RiskKind::SameEmail => format!("{customer_email} is the partner's own mailbox"),
        RiskKind::SameCard => {
            format!("{customer_email} paid with a card the partner used ({detail})")
        }
        RiskKind::SameIp => {
            format!("{customer_email} signed up from the partner's address {detail}")
        }
        RiskKind::IpBurst => format!(
            "{customer_email} is one of {BURST_SIGNUPS} or more referred sign-ups from {detail} within a day"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes_ignore_tags_case_and_gmail_dots() {
        assert_eq!(
            mailbox("Rosie.Smith+shop@GMail.com"),
            "rosiesmith@gmail.com"
        );
        assert_eq!(mailbox("rosiesmith@googlemail.com"), "rosiesmith@gmail.com");
        assert_eq!(mailbox("ann.lee+x@example.com"), "ann.lee@example.com");
        assert_ne!(mailbox("ann@example.com"), mailbox("ann@example.org"));
    }

    #[test]
    fn only_addresses_that_identify_a_client_count() {
        for quiet in [
            "127.0.0.1",
            "10.0.0.8",
            "192.168.1.2",
            "169.254.0.1",
            "::1",
            "fd00::1",
            "0.0.0.0",
            "::ffff:127.0.0.1",
            "::ffff:192.168.1.2",
        ] {
            assert!(!telling_ip(&quiet.parse().unwrap()), "{quiet}");
        }
        for telling in [
            "203.0.113.7",
            "8.8.8.8",
            "2001:db8::1",
            "::ffff:203.0.113.7",
        ] {
            assert!(telling_ip(&telling.parse().unwrap()), "{telling}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for kind in RiskKind::ALL {
            assert_eq!(RiskKind::parse(kind.as_str()), Some(kind));
        }
    }
}
