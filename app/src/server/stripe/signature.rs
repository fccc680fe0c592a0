//! `Stripe-Signature` checking, as Stripe documents it: `t=<unix>,v1=<hex>[,v1=<hex>…]`, where each
//! `v1` is HMAC-SHA256 of `"{t}.{raw body}"` under the endpoint secret.
//!
//! Any `v1` may match (Stripe sends one per active secret while a secret is being rolled, which
//! async-stripe 0.41's own parser gets wrong by keeping only the last), comparisons are constant-time,
//! and the timestamp must be within [`TOLERANCE_SECS`] of now in either direction (replays are stale;
//! a far-future stamp is as suspicious as an old one).

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header is malformed (expected t=…,v1=…)")]
    Malformed,
    #[error("no v1 signature matches this payload")]
    NoMatch,
    #[error("the signature timestamp is more than {TOLERANCE_SECS} s from now")]
    OutsideTolerance,
}

fn mac(secret: &str, timestamp: i64, payload: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac
}

/// Checks `header` against `payload`; returns the signed timestamp.
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secret: &str,
    now: i64,
) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" if timestamp.is_none() => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                )
            }
            "t" => return Err(SignatureError::Malformed),
            "v1" => signatures.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            _ => {} // v0 and future schemes are ignored, as Stripe advises.
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let expected = mac(secret, timestamp, payload);
    if !signatures
        .iter()
        .any(|sig| expected.clone().verify_slice(sig).is_ok())
    {
        return Err(SignatureError::NoMatch);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::OutsideTolerance);
    }
    Ok(timestamp)
}

/// A `Stripe-Signature` header for `payload` (the offline simulator and tests sign this way).
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let digest = mac(secret, timestamp, payload).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
    const NOW: i64 = 1_790_000_000;

    #[test]
    fn valid_signature_passes() {
        let header = sign(BODY, SECRET, NOW);
        assert_eq!(verify(BODY, Some(&header), SECRET, NOW + 10), Ok(NOW));
    }

    #[test]
    fn one_changed_byte_fails() {
        let header = sign(BODY, SECRET, NOW);
        let mut body = BODY.to_vec();
        body[10] ^= 1;
        assert_eq!(
            verify(&body, Some(&header), SECRET, NOW),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(
            verify(BODY, Some(&header), "whsec_other", NOW),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn stale_and_future_timestamps_fail() {
        let old = sign(BODY, SECRET, NOW - TOLERANCE_SECS - 1);
        assert_eq!(
            verify(BODY, Some(&old), SECRET, NOW),
            Err(SignatureError::OutsideTolerance)
        );
        let future = sign(BODY, SECRET, NOW + TOLERANCE_SECS + 1);
        assert_eq!(
            verify(BODY, Some(&future), SECRET, NOW),
            Err(SignatureError::OutsideTolerance)
        );
        let edge = sign(BODY, SECRET, NOW - TOLERANCE_SECS);
        assert!(verify(BODY, Some(&edge), SECRET, NOW).is_ok());
    }

    #[test]
    fn missing_or_garbled_headers_fail() {
        assert_eq!(
            verify(BODY, None, SECRET, NOW),
            Err(SignatureError::Missing)
        );
        for garbled in [
            "",
            "garbage",
            "t=abc,v1=00",
            "v1=00ff",
            "t=1790000000",
            "t=1790000000,v1=zz",
            "t=1,t=2,v1=00",
        ] {
            assert_eq!(
                verify(BODY, Some(garbled), SECRET, NOW),
                Err(SignatureError::Malformed),
                "{garbled:?}"
            );
        }
    }

    #[test]
    fn any_of_several_v1_may_match() {
        let good = sign(BODY, SECRET, NOW);
        let other = sign(BODY, "whsec_old", NOW);
        let good_sig = good.split("v1=").nth(1).unwrap();
        let other_sig = other.split("v1=").nth(1).unwrap();
        // The matching signature first, and last: both orders pass.
        for header in [
            format!("t={NOW},v1={good_sig},v1={other_sig}"),
            format!("t={NOW},v1={other_sig},v1={good_sig},v0=abc"),
        ] {
            assert_eq!(
                verify(BODY, Some(&header), SECRET, NOW),
                Ok(NOW),
                "{header}"
            );
        }
        let neither = format!("t={NOW},v1={other_sig},v1={other_sig}");
        assert_eq!(
            verify(BODY, Some(&neither), SECRET, NOW),
            Err(SignatureError::NoMatch)
        );
    }
}
