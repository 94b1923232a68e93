//! The files plancheck has read, so that every span can be shown later.
//!
//! Spans are byte ranges plus a file id; lines and columns are computed only
//! when something is shown, by codespan's `Files` (the same code that renders).

use codespan_reporting::files::{Files, SimpleFiles};
use std::ops::Range;

pub type FileId = usize;

/// A byte range in one source file. Equality ignores nothing: compare
/// meaning, not offsets, by comparing the node inside a `Spanned`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: range.start,
            end: range.end,
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest span that covers both; both must be in the same file.
    pub fn to(&self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A one-based line and column (in characters), as editors and CI systems show them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

#[derive(Default)]
pub struct Sources {
    files: SimpleFiles<String, String>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.add(name.into(), text.into())
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files
            .get(file)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, file: FileId) -> &str {
        self.files
            .get(file)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }

    pub fn location(&self, span: Span) -> Location {
        let (line, column) = match self.files.location(span.file, span.start) {
            Ok(loc) => (loc.line_number, loc.column_number),
            Err(_) => (0, 0),
        };
        Location {
            file: self.name(span.file).to_string(),
            line,
            column,
        }
    }

    pub fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }
}
