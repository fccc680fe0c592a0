//! A real SMTP listener for tests and the mail bench: a TCP server on a random port that speaks
//! enough ESMTP for lettre (EHLO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), keeps
//! what it accepted, and can be told how to answer the next messages: accept, a temporary 451, a
//! permanent 550, or dropping the connection in the middle of DATA.
//!
//! It is ours rather than a crate's because the tests must script exactly these failures per
//! message; the conversation is real SMTP over TCP, so lettre's client, pool and error handling
//! all run as they would against a mail provider.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpListener;

/// How the listener answers one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    /// `451 4.3.0` after the data: try again later.
    TryLater,
    /// `550 5.1.1` after the data: no such mailbox.
    NoMailbox,
    /// Closes the connection after the first line of the data, without an answer.
    DropMidData,
}

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent (headers and body), dot-unstuffed.
    pub data: String,
}

impl Received {
    /// The value of the first header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }

    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The first `http…` link in the message whose path starts with `path`.
    pub fn link(&self, path: &str) -> Option<String> {
        self.data
            .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
            .find(|w| w.starts_with("http") && w.contains(path))
            .map(str::to_owned)
    }
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    script: VecDeque<Answer>,
    /// Messages refused or dropped, for tests that count attempts.
    refused: usize,
}

#[derive(Clone)]
pub struct SmtpServer {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

impl SmtpServer {
    /// Listens on 127.0.0.1 on a random port, on the current runtime.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Mutex::new(Shared::default()));
        let accepting = shared.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(conversation(socket, accepting.clone()));
            }
        });
        Self { url, shared }
    }

    /// The next messages get these answers, in order; after them, every message is accepted.
    pub fn script(&self, answers: &[Answer]) {
        self.shared.lock().unwrap().script.extend(answers);
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap().received.clone()
    }

    pub fn refused(&self) -> usize {
        self.shared.lock().unwrap().refused
    }

    /// Waits up to 10 s until at least `n` messages have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "expected {n} mail(s), the SMTP listener got {}",
            self.received().len()
        );
    }

    /// The messages sent to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }
}

/// Strips `MAIL FROM:`/`RCPT TO:` down to the address inside `<…>`.
fn address(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or_else(String::new, |(a, _)| a.to_owned())
}

async fn say(w: &mut tokio::net::tcp::OwnedWriteHalf, text: &str) -> bool {
    w.write_all(text.as_bytes()).await.is_ok()
}

async fn conversation(socket: tokio::net::TcpStream, shared: Arc<Mutex<Shared>>) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    if !say(&mut write, "220 test.localhost ESMTP ready\r\n").await {
        return;
    }
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply = if command.starts_with("EHLO") {
            "250-test.localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if command.starts_with("HELO") {
            "250 test.localhost\r\n"
        } else if command.starts_with("MAIL FROM:") {
            from = address(&line);
            to.clear();
            "250 2.1.0 OK\r\n"
        } else if command.starts_with("RCPT TO:") {
            to.push(address(&line));
            "250 2.1.5 OK\r\n"
        } else if command == "DATA" {
            let answer = shared
                .lock()
                .unwrap()
                .script
                .pop_front()
                .unwrap_or(Answer::Accept);
            if !say(&mut write, "354 End data with <CR><LF>.<CR><LF>\r\n").await {
                return;
            }
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if answer == Answer::DropMidData {
                    shared.lock().unwrap().refused += 1;
                    return;
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let mut shared = shared.lock().unwrap();
            match answer {
                Answer::Accept => {
                    shared.received.push(Received {
                        from: from.clone(),
                        to: to.clone(),
                        data: data.replace("\r\n", "\n"),
                    });
                    "250 2.0.0 queued\r\n"
                }
                Answer::TryLater => {
                    shared.refused += 1;
                    "451 4.3.0 mailbox busy, try again later\r\n"
                }
                Answer::NoMailbox | Answer::DropMidData => {
                    shared.refused += 1;
                    "550 5.1.1 no such mailbox here\r\n"
                }
            }
        } else if command == "RSET" || command == "NOOP" {
            "250 2.0.0 OK\r\n"
        } else if command == "QUIT" {
            let _ = say(&mut write, "221 2.0.0 bye\r\n").await;
            return;
        } else {
            "502 5.5.1 command not implemented\r\n"
        };
        if !say(&mut write, reply).await {
            return;
        }
    }
}
