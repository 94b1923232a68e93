//! Turning a data file's bytes into text, or saying exactly why that is impossible.
//!
//! UTF-8 (with or without a byte-order mark) is read as is. UTF-16 with a BOM
//! and GBK/GB18030 (what Chinese Excel saves by default) are decoded and noted,
//! so that nobody is surprised. Anything else is refused with the place of the
//! first byte that is not text; nothing is ever turned into mojibake silently.

use crate::diagnostic::{Problem, Severity};

/// What decoding found out about a file's bytes.
#[derive(Debug)]
pub enum Decoded {
    /// The text (BOM removed) and, when it was not plain UTF-8, a note saying how it was read.
    Text { text: String, note: Option<Problem> },
    /// The bytes are not text. `shown` is a lossy rendering to register so that
    /// `offset` (a byte offset into `shown`) can be pointed at; `problem` has no span yet.
    NotText {
        shown: String,
        offset: usize,
        problem: Problem,
    },
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn note(code: &'static str, message: String, help: &str) -> Problem {
    Problem {
        severity: Severity::Note,
        ..Problem::warning(code, message)
    }
    .help(help)
}

/// Decodes `bytes`, the content of the file shown as `name`.
pub fn decode(name: &str, bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(name, bytes, rest, encoding_rs::UTF_16LE, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(name, bytes, rest, encoding_rs::UTF_16BE, "UTF-16BE");
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if let Some(nul) = body.iter().position(|&b| b == 0) {
        return binary(name, body, nul);
    }
    match std::str::from_utf8(body) {
        Ok(text) => Decoded::Text {
            text: text.to_string(),
            note: None,
        },
        Err(err) => {
            let bad = err.valid_up_to();
            if looks_like_broken_utf8(body) {
                return not_text(name, body, bad, "is damaged UTF-8", "is not valid UTF-8");
            }
            if !mostly_gb2312(body) {
                return not_text(
                    name,
                    body,
                    bad,
                    "is neither UTF-8 nor the GBK that Chinese Excel writes (it looks like Latin-1 or Windows-1252)",
                    "is valid in neither",
                );
            }
            match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(body) {
                Some(text) => Decoded::Text {
                    text: strip_bom(&text).to_string(),
                    note: Some(note(
                        "gbk-decoded",
                        format!(
                            "`{name}` is not UTF-8; it was read as GBK/GB18030 (the default of Chinese Excel)"
                        ),
                        "save the file as \"CSV UTF-8\" to avoid any doubt about its characters",
                    )),
                },
                None => not_text(
                    name,
                    body,
                    bad,
                    "is neither UTF-8 nor GBK/GB18030",
                    "is valid in neither",
                ),
            }
        }
    }
}

/// Whether the non-ASCII bytes pair up as GB2312 characters (both bytes 0xA1–0xFE), as the
/// Chinese a statistics office writes does. Latin-1 text (`Jiànwéi`) also decodes as GBK,
/// but into rare characters whose second byte is ASCII: that would be mojibake, so a file
/// where more than a fifth of the pairs fall outside GB2312 is refused instead.
fn mostly_gb2312(bytes: &[u8]) -> bool {
    let (mut pairs, mut outside) = (0usize, 0usize);
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        if lead < 0x80 {
            i += 1;
            continue;
        }
        let trail = bytes.get(i + 1).copied().unwrap_or(0);
        pairs += 1;
        if !((0xA1..=0xFE).contains(&lead) && (0xA1..=0xFE).contains(&trail)) {
            outside += 1;
        }
        // GB18030's four-byte forms (a digit as second byte) count as one unusual pair.
        i += if trail.is_ascii_digit() { 4 } else { 2 };
    }
    outside * 5 <= pairs
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{FEFF}').unwrap_or(text)
}

fn decode_utf16(
    name: &str,
    bytes: &[u8],
    rest: &[u8],
    encoding: &'static encoding_rs::Encoding,
    label: &str,
) -> Decoded {
    match encoding.decode_without_bom_handling_and_without_replacement(rest) {
        Some(text) => {
            if let Some(nul) = text.find('\0') {
                return binary_text(name, text.into_owned(), nul);
            }
            Decoded::Text {
                text: strip_bom(&text).to_string(),
                note: Some(note(
                    "utf16-decoded",
                    format!(
                        "`{name}` was read as {label} (it starts with a UTF-16 byte-order mark)"
                    ),
                    "save the file as \"CSV UTF-8\"; UTF-16 is accepted but unusual",
                )),
            }
        }
        None => {
            let (shown, _, _) = encoding.decode(bytes);
            let shown = strip_bom(&shown).to_string();
            let at = shown.find('\u{FFFD}').unwrap_or(0);
            let problem = Problem::error(
                "bad-encoding",
                format!(
                    "`{name}` starts with a {label} byte-order mark but is not valid {label} (line {})",
                    line_of(&shown, at)
                ),
            )
            .help("save the file as \"CSV UTF-8\"");
            Decoded::NotText {
                shown,
                offset: at,
                problem,
            }
        }
    }
}

/// A file that is mostly well-formed UTF-8 with a few bad bytes is damaged UTF-8,
/// not GBK: decoding it as GBK would turn its Chinese into mojibake.
fn looks_like_broken_utf8(bytes: &[u8]) -> bool {
    let mut good = 0usize;
    let mut bad = 0usize;
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            bad += 1;
        }
    }
    good > bad
}

fn line_of(text: &str, offset: usize) -> usize {
    let prefix = text.get(..offset).unwrap_or(text);
    prefix.bytes().filter(|&b| b == b'\n').count() + 1
}

fn lossy_offset(bytes: &[u8], offset: usize) -> (String, usize) {
    let shown = String::from_utf8_lossy(bytes).into_owned();
    let at = String::from_utf8_lossy(bytes.get(..offset).unwrap_or(bytes)).len();
    let at = at.min(shown.len());
    (shown, at)
}

fn not_text(name: &str, bytes: &[u8], offset: usize, what: &str, why: &str) -> Decoded {
    let (shown, at) = lossy_offset(bytes, offset);
    let byte = bytes.get(offset).copied().unwrap_or(0);
    let problem = Problem::error(
        "bad-encoding",
        format!(
            "`{name}` {what}: byte 0x{byte:02X} at offset {offset} (line {}) {why}",
            line_of(&shown, at)
        ),
    )
    .help("save the file as \"CSV UTF-8\" (in Excel: File › Save As › CSV UTF-8)");
    Decoded::NotText {
        shown,
        offset: at,
        problem,
    }
}

fn binary(name: &str, bytes: &[u8], nul: usize) -> Decoded {
    let (shown, at) = lossy_offset(bytes, nul);
    binary_text(name, shown, at)
}

fn binary_text(name: &str, shown: String, at: usize) -> Decoded {
    let zip = shown.starts_with("PK\u{3}\u{4}");
    let mut problem = Problem::error(
        "bad-encoding",
        format!(
            "`{name}` contains a NUL byte at offset {at} (line {}): it is a binary file, not CSV text",
            line_of(&shown, at)
        ),
    )
    .help("export the sheet as \"CSV UTF-8\"");
    if zip {
        problem = problem
            .note("the file is a ZIP archive, probably an Excel workbook (.xlsx) renamed to .csv");
    }
    Decoded::NotText {
        shown,
        offset: at,
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: Decoded) -> (String, Option<&'static str>) {
        match d {
            Decoded::Text { text, note } => (text, note.map(|n| n.code)),
            Decoded::NotText { problem, .. } => panic!("not text: {}", problem.message),
        }
    }

    fn refused(d: Decoded) -> (usize, Problem) {
        match d {
            Decoded::Text { text, .. } => panic!("read as text: {text}"),
            Decoded::NotText {
                offset, problem, ..
            } => (offset, problem),
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            text(decode("a", "犍为县".as_bytes())),
            ("犍为县".into(), None)
        );
        let mut bom = UTF8_BOM.to_vec();
        bom.extend_from_slice("犍为县".as_bytes());
        assert_eq!(text(decode("a", &bom)), ("犍为县".into(), None));
    }

    #[test]
    fn gbk_is_decoded_with_a_note() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("entity,year\n犍为县,2025\n");
        let (decoded, note) = text(decode("a", &bytes));
        assert_eq!(decoded, "entity,year\n犍为县,2025\n");
        assert_eq!(note, Some("gbk-decoded"));
    }

    #[test]
    fn utf16_is_decoded_with_a_note() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "gdp,亿元".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(
            text(decode("a", &bytes)),
            ("gdp,亿元".into(), Some("utf16-decoded"))
        );
    }

    #[test]
    fn damaged_utf8_is_not_read_as_gbk() {
        let mut bytes = "犍为县,2025\n犍为县,".as_bytes().to_vec();
        let at = bytes.len();
        bytes.push(0xFF);
        bytes.extend_from_slice(b"\n");
        let (offset, problem) = refused(decode("a", &bytes));
        assert_eq!(offset, at);
        assert_eq!(problem.code, "bad-encoding");
        assert!(problem.message.contains("line 2"), "{}", problem.message);
    }

    #[test]
    fn nul_bytes_mean_binary() {
        let (offset, problem) = refused(decode("a", b"PK\x03\x04\x00\x00"));
        assert_eq!(offset, 4);
        assert_eq!(problem.notes.len(), 1);
    }

    #[test]
    fn bad_utf16_is_refused() {
        // A lone surrogate.
        let (_, problem) = refused(decode("a", &[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]));
        assert_eq!(problem.code, "bad-encoding");
    }
}
