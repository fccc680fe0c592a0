//! The mail transports behind [`Mailer`]: SMTP through lettre's pooled async transport, or `.eml`
//! files under `MAIL_DIR` when no `SMTP_URL` is set (a newcomer opens them in any mail client).
//!
//! Invariants:
//! - TLS is never optional off this machine: `smtps://` is TLS from the first byte (465), `smtp://`
//!   to another host must upgrade with STARTTLS (587); plain text only to `localhost`.
//! - The message id is derived from the outbox row, so a retried send is recognisably the same mail.
//! - Errors keep the server's answer and never the body (the body may hold a reset link).

use anyhow::Context as _;
use app::server::ports::{MailError, MailFuture, Mailer, OutgoingMail};
use lettre::message::header::ContentTransferEncoding;
use lettre::message::{Body, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// Longest wait for one SMTP conversation step before the attempt counts as a transient failure.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// Mails written to files at once.
const FILE_PARALLELISM: usize = 8;

/// The configured transport: SMTP when `smtp_url` is set (with `connections` pooled connections,
/// each carrying one mail at a time), files under `mail_dir` otherwise.
pub fn mailer(
    smtp_url: Option<&str>,
    connections: u32,
    mail_from: &str,
    mail_dir: &str,
) -> anyhow::Result<std::sync::Arc<dyn Mailer>> {
    let from: Mailbox = mail_from.parse().with_context(|| {
        format!(
            "MAIL_FROM {mail_from:?} is not an address like \"FutureFlower <partners@example.com>\""
        )
    })?;
    Ok(match smtp_url {
        Some(url) => std::sync::Arc::new(SmtpMailer::new(url, connections, from)?),
        None => std::sync::Arc::new(FileMailer {
            dir: PathBuf::from(mail_dir),
            from,
        }),
    })
}

/// Builds the MIME message: text and HTML alternatives, both UTF-8. `eight_bit` lets a body that
/// is not ASCII go as raw 8-bit text (for `.eml` files, read by people); over SMTP such a body is
/// encoded by lettre instead, since a server need not accept 8-bit data.
fn message(from: &Mailbox, mail: &OutgoingMail<'_>, eight_bit: bool) -> Result<Message, MailError> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| MailError::Permanent(format!("{:?} is not a valid address", mail.to)))?;
    let domain = from.email.domain().to_owned();
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject)
        .message_id(Some(format!("<outbox-{}@{domain}>", mail.id)))
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, mail.text, eight_bit))
                .singlepart(part(ContentType::TEXT_HTML, mail.html, eight_bit)),
        )
        .map_err(|e| MailError::Permanent(format!("the message could not be built: {e}")))
}

/// A body part kept readable in the raw message: 7-bit (or, when allowed, 8-bit) text rather than
/// base64, so a link stays whole on one line. lettre would pick quoted-printable or base64 for any
/// line over 76 characters; the limit that matters is SMTP's 998, so a body whose lines fit goes
/// out as it is, and lettre chooses otherwise.
fn part(content_type: ContentType, body: &str, eight_bit: bool) -> SinglePart {
    const MAX_LINE: usize = 998;
    let fits = !body.contains('\0') && body.lines().all(|l| l.len() <= MAX_LINE);
    let encoding = match (body.is_ascii(), eight_bit) {
        (true, _) => Some(ContentTransferEncoding::SevenBit),
        (false, true) => Some(ContentTransferEncoding::EightBit),
        (false, false) => None,
    };
    let body = match encoding {
        Some(encoding) if fits => {
            let crlf = body.replace("\r\n", "\n").replace('\n', "\r\n");
            Body::dangerous_pre_encoded(crlf.into_bytes(), encoding)
        }
        _ => Body::new(body.to_owned()),
    };
    SinglePart::builder().header(content_type).body(body)
}

/// Pooled SMTP over rustls (webpki roots built in).
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    connections: u32,
    described: String,
}

impl SmtpMailer {
    /// `smtp://user:password@host:587` (STARTTLS; plain only to localhost) or `smtps://host:465`.
    pub fn new(url: &str, connections: u32, from: Mailbox) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).context("SMTP_URL is not a URL")?;
        let host = parsed
            .host_str()
            .context("SMTP_URL has no host")?
            .trim_matches(['[', ']'])
            .to_owned();
        let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "::1");
        let (builder, port) = match parsed.scheme() {
            "smtps" => (
                AsyncSmtpTransport::<Tokio1Executor>::relay(&host)?,
                parsed.port().unwrap_or(465),
            ),
            "smtp" if local => (
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host),
                parsed.port().unwrap_or(25),
            ),
            "smtp" => (
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host)?,
                parsed.port().unwrap_or(587),
            ),
            other => anyhow::bail!("SMTP_URL scheme {other:?} is not smtp or smtps"),
        };
        let mut builder = builder
            .port(port)
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(connections.max(1)));
        if !parsed.username().is_empty() {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            builder = builder.credentials(Credentials::new(
                decode(parsed.username()),
                decode(parsed.password().unwrap_or_default()),
            ));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            connections: connections.max(1),
            described: format!("SMTP {host}:{port}"),
        })
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(&'a self, mail: OutgoingMail<'a>) -> MailFuture<'a> {
        Box::pin(async move {
            let message = message(&self.from, &mail, false)?;
            match self.transport.send(message).await {
                Ok(_) => Ok(()),
                // 5xx: the server has decided; 4xx, network and TLS errors, timeouts: try later.
                Err(e) if e.is_permanent() => Err(MailError::Permanent(e.to_string())),
                Err(e) => Err(MailError::Transient(e.to_string())),
            }
        })
    }

    fn parallelism(&self) -> usize {
        self.connections as usize
    }

    fn describe(&self) -> String {
        format!("{} ({} connections)", self.described, self.connections)
    }
}

/// Writes each mail as `<time>-<kind>-<recipient>-<id>.eml` (written aside, then renamed, so a
/// reader never sees half a file).
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    fn file_name(mail: &OutgoingMail<'_>) -> String {
        let safe = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '+') {
                        c
                    } else {
                        '_'
                    }
                })
                .take(100)
                .collect()
        };
        format!(
            "{}-{}-{}-{}.eml",
            chrono::Utc::now().format("%Y%m%d-%H%M%S"),
            safe(mail.kind),
            safe(mail.to),
            mail.id
        )
    }
}

impl Mailer for FileMailer {
    fn send<'a>(&'a self, mail: OutgoingMail<'a>) -> MailFuture<'a> {
        Box::pin(async move {
            let bytes = message(&self.from, &mail, true)?.formatted();
            let name = Self::file_name(&mail);
            let write = async {
                tokio::fs::create_dir_all(&self.dir).await?;
                let partial = self.dir.join(format!(".{name}.part"));
                tokio::fs::write(&partial, bytes).await?;
                tokio::fs::rename(&partial, self.dir.join(&name)).await
            };
            write.await.map_err(|e| {
                MailError::Transient(format!("could not write {}: {e}", self.dir.display()))
            })?;
            tracing::info!(
                kind = mail.kind,
                file = %self.dir.join(&name).display(),
                "mail written"
            );
            Ok(())
        })
    }

    fn parallelism(&self) -> usize {
        FILE_PARALLELISM
    }

    fn describe(&self) -> String {
        format!(".eml files in {}", self.dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> OutgoingMail<'static> {
        OutgoingMail {
            id: 7,
            to: "ana@example.com",
            kind: "password_reset",
            subject: "Reset your password",
            text: "Open https://example.com/reset-password/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG to go on.",
            html: "<p>Hello Zoë</p>",
        }
    }

    #[test]
    fn a_link_stays_on_one_line_and_non_ascii_is_readable_in_files_and_encoded_for_smtp() {
        let from: Mailbox = "FutureFlower <partners@futureflower.example>"
            .parse()
            .unwrap();
        let file = String::from_utf8(message(&from, &mail(), true).unwrap().formatted()).unwrap();
        assert!(file.contains(
            "https://example.com/reset-password/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
        ));
        assert!(file.contains("Hello Zoë"));
        assert!(file.contains("Message-ID: <outbox-7@futureflower.example>"));
        let smtp = message(&from, &mail(), false).unwrap().formatted();
        assert!(smtp.is_ascii(), "a server without 8BITMIME takes it");
        let smtp = String::from_utf8(smtp).unwrap();
        assert!(
            smtp.contains(
                "https://example.com/reset-password/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
            ),
            "the ASCII text part stays 7-bit"
        );
    }

    #[test]
    fn file_names_say_kind_and_recipient() {
        let name = FileMailer::file_name(&mail());
        assert!(
            name.ends_with("-password_reset-ana@example.com-7.eml"),
            "{name}"
        );
    }

    #[test]
    fn a_bad_address_is_permanent() {
        let from: Mailbox = "a@b.example".parse().unwrap();
        let bad = OutgoingMail {
            to: "not an address",
            ..mail()
        };
        assert!(matches!(
            message(&from, &bad, false),
            Err(MailError::Permanent(_))
        ));
    }

    /// The pooled transport starts a cleanup task, so it is built on a runtime.
    #[tokio::test]
    async fn plain_smtp_only_to_localhost_and_the_default_ports() {
        let from: Mailbox = "a@b.example".parse().unwrap();
        let local = SmtpMailer::new("smtp://127.0.0.1:2525", 4, from.clone()).unwrap();
        assert_eq!(local.describe(), "SMTP 127.0.0.1:2525 (4 connections)");
        let remote = SmtpMailer::new("smtp://u:p%40ss@mail.example.com", 4, from.clone()).unwrap();
        assert_eq!(
            remote.describe(),
            "SMTP mail.example.com:587 (4 connections)"
        );
        assert!(SmtpMailer::new("http://mail.example.com", 4, from).is_err());
    }
}
