//! CSV as spreadsheets read it (RFC 4180): fields with a comma, quote, CR or LF, or with spaces at
//! either end, are quoted, and quotes inside are doubled; records end with CRLF. Text typed by
//! people (names, reasons) that starts with `=`, `+`, `-`, `@` or a tab is prefixed with `'` so a
//! spreadsheet shows it rather than running it as a formula (CSV injection).

/// One field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Written by us (ids, amounts, dates, statuses): never a formula.
    Plain(String),
    /// Typed by a person: guarded against formulas.
    Text(String),
}

impl Cell {
    pub fn plain(value: impl ToString) -> Self {
        Self::Plain(value.to_string())
    }

    pub fn text(value: impl Into<String>) -> Self {
        Self::Text(value.into())
    }

    /// Cents as a plain decimal a spreadsheet reads as a number: `-1234.50` (no grouping).
    pub fn amount(cents: i64) -> Self {
        let sign = if cents < 0 { "-" } else { "" };
        let abs = cents.unsigned_abs();
        Self::Plain(format!("{sign}{}.{:02}", abs / 100, abs % 100))
    }
}

fn push_field(out: &mut Vec<u8>, value: &str) {
    let needs_quotes = value
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        || value.starts_with(' ')
        || value.ends_with(' ');
    if needs_quotes {
        out.push(b'"');
        for b in value.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

/// Appends one record (with its CRLF) to `out`.
pub fn push_record(out: &mut Vec<u8>, cells: &[Cell]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match cell {
            Cell::Plain(value) => push_field(out, value),
            Cell::Text(value) => {
                if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    push_field(out, &format!("'{value}"));
                } else {
                    push_field(out, value);
                }
            }
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// The header record.
pub fn push_header(out: &mut Vec<u8>, names: &[&str]) {
    let cells: Vec<Cell> = names.iter().map(Cell::plain).collect();
    push_record(out, &cells);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[Cell]) -> String {
        let mut out = Vec::new();
        push_record(&mut out, cells);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(
            record(&[
                Cell::plain(7),
                Cell::text("Rosie's Roses"),
                Cell::plain("5.00")
            ]),
            "7,Rosie's Roses,5.00\r\n"
        );
        assert_eq!(
            record(&[
                Cell::text("Fern, \"Petal\""),
                Cell::text("two\nlines"),
                Cell::text(" pad")
            ]),
            "\"Fern, \"\"Petal\"\"\",\"two\nlines\",\" pad\"\r\n"
        );
    }

    #[test]
    fn amounts_are_plain_numbers() {
        assert_eq!(Cell::amount(123_450), Cell::plain("1234.50"));
        assert_eq!(Cell::amount(-5), Cell::plain("-0.05"));
    }

    #[test]
    fn formulas_typed_by_people_are_defused_but_our_numbers_are_not() {
        assert_eq!(
            record(&[
                Cell::text("=HYPERLINK(\"x\")"),
                Cell::text("@SUM(A1)"),
                Cell::plain("-5.00")
            ]),
            "\"'=HYPERLINK(\"\"x\"\")\",'@SUM(A1),-5.00\r\n"
        );
    }
}
