//! A small RFC 4180 tokenizer that keeps the byte range of every field.
//!
//! The `csv` crate does not say where a field was, and every diagnostic must
//! point at its cell, so this is hand-written: quotes with `""` escapes,
//! `\r\n`, `\n` and lone `\r` line ends, with or without a final newline.
//! It never fails: quoting mistakes are reported as `Issue`s and the text is
//! read as well as it can be.

use std::borrow::Cow;
use std::ops::Range;

/// One field: `raw` is everything between the separators (quotes included),
/// `content` the text inside the quotes (or `raw` for an unquoted field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub raw: Range<usize>,
    pub content: Range<usize>,
    pub quoted: bool,
    /// The content holds `""`, which stands for one `"`.
    pub escaped: bool,
}

impl Field {
    /// The field's text, unescaped, not trimmed.
    pub fn value<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let content = text.get(self.content.clone()).unwrap_or("");
        if self.escaped {
            Cow::Owned(content.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(content)
        }
    }

    /// The trimmed text and the byte range to point at for it: the trimmed text of
    /// an unquoted field, the whole quoted field, or an empty range where the cell is empty.
    pub fn trimmed<'t>(&self, text: &'t str) -> (Cow<'t, str>, Range<usize>) {
        // Most cells are unquoted and start and end with a visible ASCII character:
        // nothing to unescape or trim.
        if !self.quoted
            && let Some(bytes) = text.as_bytes().get(self.content.clone())
            && bytes.first().is_some_and(|&b| is_visible_ascii(b))
            && bytes.last().is_some_and(|&b| is_visible_ascii(b))
            && let Some(plain) = text.get(self.content.clone())
        {
            return (Cow::Borrowed(plain), self.content.clone());
        }
        let value = match self.value(text) {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
        };
        if value.is_empty() {
            return (value, self.raw.start..self.raw.start);
        }
        if self.quoted {
            // From the opening to the closing quote; text after it is not the value.
            let end = (self.content.end + 1).min(self.raw.end);
            return (value, self.raw.start..end);
        }
        let content = text.get(self.content.clone()).unwrap_or("");
        let leading = content.len() - content.trim_start().len();
        let start = self.content.start + leading;
        let end = start + value.len();
        (value, start..end)
    }
}

/// Where a row is: from its first byte to the end of its text, line end excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub range: Range<usize>,
}

/// A quoting mistake; the field is still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issue {
    /// A quote opened at `at` is never closed: the rest of the file is one field.
    UnclosedQuote { at: usize },
    /// Text between a closing quote and the next separator, e.g. `"12"3`; it is ignored.
    TextAfterQuote { range: Range<usize> },
}

pub struct Tokenizer<'t> {
    text: &'t str,
    pos: usize,
    /// The text is known to hold no quote: no row needs looking at for one.
    quote_free: bool,
}

fn is_visible_ascii(b: u8) -> bool {
    (0x21..0x7f).contains(&b)
}

fn is_end_of_field(b: u8) -> bool {
    b == b',' || b == b'\n' || b == b'\r'
}

impl<'t> Tokenizer<'t> {
    pub fn new(text: &'t str) -> Tokenizer<'t> {
        Tokenizer {
            text,
            pos: 0,
            quote_free: false,
        }
    }

    /// A tokenizer for a text the caller has checked holds no `"`.
    pub fn quote_free(text: &'t str) -> Tokenizer<'t> {
        Tokenizer {
            text,
            pos: 0,
            quote_free: true,
        }
    }

    /// The offset of the next row.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Reads the next row into `fields` (cleared first); `None` at the end of the text.
    /// A blank line is a row with one empty field.
    pub fn next_row(&mut self, fields: &mut Vec<Field>, issues: &mut Vec<Issue>) -> Option<Row> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        if self.pos >= len {
            return None;
        }
        fields.clear();
        let row_start = self.pos;
        if let Some(row) = self.plain_row(fields) {
            return Some(row);
        }
        loop {
            let start = self.pos;
            let field = if bytes.get(start) == Some(&b'"') {
                self.quoted_field(issues)
            } else {
                let end = bytes
                    .get(start..)
                    .and_then(|rest| rest.iter().position(|&b| is_end_of_field(b)))
                    .map_or(len, |n| start + n);
                self.pos = end;
                Field {
                    raw: start..end,
                    content: start..end,
                    quoted: false,
                    escaped: false,
                }
            };
            fields.push(field);
            match bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'\r') => {
                    let end = self.pos;
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    return Some(Row {
                        range: row_start..end,
                    });
                }
                Some(b'\n') => {
                    let end = self.pos;
                    self.pos += 1;
                    return Some(Row {
                        range: row_start..end,
                    });
                }
                _ => {
                    self.pos = len;
                    return Some(Row {
                        range: row_start..len,
                    });
                }
            }
        }
    }

    /// A row without any quote, read by searching for its line end and then its commas;
    /// `None` (and nothing read) when the row has a quote.
    fn plain_row(&mut self, fields: &mut Vec<Field>) -> Option<Row> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let rest = bytes.get(start..)?;
        let end = memchr::memchr2(b'\n', b'\r', rest).map_or(bytes.len(), |n| start + n);
        let line = bytes.get(start..end)?;
        if !self.quote_free && memchr::memchr(b'"', line).is_some() {
            return None;
        }
        let mut from = start;
        for comma in memchr::memchr_iter(b',', line) {
            let to = start + comma;
            fields.push(Field {
                raw: from..to,
                content: from..to,
                quoted: false,
                escaped: false,
            });
            from = to + 1;
        }
        fields.push(Field {
            raw: from..end,
            content: from..end,
            quoted: false,
            escaped: false,
        });
        self.pos = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        };
        Some(Row { range: start..end })
    }

    /// A field starting with `"` at `self.pos`; leaves `self.pos` at the separator or line end.
    fn quoted_field(&mut self, issues: &mut Vec<Issue>) -> Field {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let start = self.pos;
        let mut i = start + 1;
        let mut escaped = false;
        let close = loop {
            match bytes
                .get(i..)
                .and_then(|rest| rest.iter().position(|&b| b == b'"'))
            {
                None => {
                    issues.push(Issue::UnclosedQuote { at: start });
                    self.pos = len;
                    return Field {
                        raw: start..len,
                        content: start + 1..len,
                        quoted: true,
                        escaped,
                    };
                }
                Some(n) => {
                    let q = i + n;
                    if bytes.get(q + 1) == Some(&b'"') {
                        escaped = true;
                        i = q + 2;
                    } else {
                        break q;
                    }
                }
            }
        };
        let after = close + 1;
        let end = bytes
            .get(after..)
            .and_then(|rest| rest.iter().position(|&b| is_end_of_field(b)))
            .map_or(len, |n| after + n);
        let stray = self.text.get(after..end).unwrap_or("");
        if !stray.trim().is_empty() {
            issues.push(Issue::TextAfterQuote { range: after..end });
        }
        self.pos = end;
        Field {
            raw: start..end,
            content: start + 1..close,
            quoted: true,
            escaped,
        }
    }
}

/// True when every field is empty or blank, e.g. a blank line or Excel's `,,,,`.
pub fn is_blank(text: &str, fields: &[Field]) -> bool {
    fields
        .iter()
        .all(|f| text.get(f.content.clone()).unwrap_or("").trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> (Vec<Vec<String>>, Vec<Issue>) {
        let mut tok = Tokenizer::new(text);
        let mut fields = Vec::new();
        let mut issues = Vec::new();
        let mut out = Vec::new();
        while tok.next_row(&mut fields, &mut issues).is_some() {
            out.push(fields.iter().map(|f| f.value(text).into_owned()).collect());
        }
        (out, issues)
    }

    #[test]
    fn line_ends_of_every_kind() {
        let expected = vec![vec!["a", "b"], vec!["c", "d"], vec!["e", "f"]];
        for text in ["a,b\nc,d\ne,f", "a,b\r\nc,d\r\ne,f\r\n", "a,b\rc,d\re,f\r"] {
            assert_eq!(rows(text).0, expected, "{text:?}");
        }
    }

    #[test]
    fn quotes_escapes_and_embedded_line_ends() {
        let text = "\"1,200\",\"say \"\"hi\"\"\",\"two\r\nlines\"\n";
        let (rows, issues) = rows(text);
        assert_eq!(rows, vec![vec!["1,200", "say \"hi\"", "two\r\nlines"]]);
        assert!(issues.is_empty());
    }

    #[test]
    fn empty_fields_and_blank_lines() {
        let (rows, _) = rows("a,,\n\n,b\n");
        assert_eq!(rows, vec![vec!["a", "", ""], vec![""], vec!["", "b"]]);
    }

    #[test]
    fn ranges_point_into_the_text() {
        let text = "x, 86.1 ,\"q\"\n";
        let mut tok = Tokenizer::new(text);
        let mut fields = Vec::new();
        let row = tok.next_row(&mut fields, &mut Vec::new()).unwrap();
        assert_eq!(row.range, 0..12);
        let (value, range) = fields[1].trimmed(text);
        assert_eq!((value.as_ref(), &text[range]), ("86.1", "86.1"));
        let (value, range) = fields[2].trimmed(text);
        assert_eq!((value.as_ref(), &text[range]), ("q", "\"q\""));
        let empty = Tokenizer::new("a,,b")
            .next_row(&mut fields, &mut Vec::new())
            .map(|_| fields[1].trimmed("a,,b").1);
        assert_eq!(empty, Some(2..2));
    }

    #[test]
    fn quoting_mistakes_are_reported_not_fatal() {
        let (rows_read, issues) = rows("\"12\"3,x\n");
        assert_eq!(rows_read, vec![vec!["12", "x"]]);
        assert_eq!(issues, vec![Issue::TextAfterQuote { range: 4..5 }]);
        let (rows_read, issues) = rows("a,\"open\nb,c\n");
        assert_eq!(rows_read, vec![vec!["a", "open\nb,c\n"]]);
        assert_eq!(issues, vec![Issue::UnclosedQuote { at: 2 }]);
    }

    #[test]
    fn empty_text_has_no_rows() {
        assert!(rows("").0.is_empty());
    }

    #[test]
    fn multibyte_text_is_kept_whole() {
        let (rows, _) = rows("犍为县,“引号”,亿元\n");
        assert_eq!(rows, vec![vec!["犍为县", "“引号”", "亿元"]]);
    }
}
