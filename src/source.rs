//! The files plancheck has read, so that every span can be shown later.
//!
//! Spans are byte ranges plus a file id; lines and columns are computed only
//! when something is shown. Rule files and small data files are kept in memory.
//! A large data file is read as a stream and left on disk: its text is not held,
//! and the few lines a diagnostic shows are read back when it is shown
//! (`excerpts`), so memory does not grow with the size of the data.

mod disk;

use codespan_reporting::files::{Error, Files};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

pub use disk::{DiskText, lone_cr_to_lf};

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

enum Content {
    Memory {
        text: String,
        line_starts: OnceLock<Vec<usize>>,
    },
    Disk(DiskText),
}

struct SourceFile {
    name: String,
    content: Content,
}

#[derive(Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

fn line_of(line_starts: &[usize], byte: usize) -> usize {
    match line_starts.binary_search(&byte) {
        Ok(line) => line,
        Err(next) => next.saturating_sub(1),
    }
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            content: Content::Memory {
                text: text.into(),
                line_starts: OnceLock::new(),
            },
        });
        self.files.len() - 1
    }

    /// Registers a file whose text stays on disk: `len` bytes after the first `skip`
    /// (a byte-order mark), read back only to show a place in it.
    pub fn add_on_disk(
        &mut self,
        name: impl Into<String>,
        path: PathBuf,
        skip: u64,
        len: usize,
    ) -> FileId {
        self.files.push(SourceFile {
            name: name.into(),
            content: Content::Disk(DiskText::new(path, skip, len)),
        });
        self.files.len() - 1
    }

    /// The length of a file left on disk; `None` for a file in memory.
    pub fn disk_len(&self, file: FileId) -> Option<usize> {
        match self.files.get(file).map(|f| &f.content) {
            Some(Content::Disk(disk)) => Some(disk.len()),
            _ => None,
        }
    }

    /// Whether the file's text is held in memory (rule files, small data files).
    pub fn in_memory(&self, file: FileId) -> bool {
        matches!(
            self.files.get(file).map(|f| &f.content),
            Some(Content::Memory { .. })
        )
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files
            .get(file)
            .map(|f| f.name.as_str())
            .unwrap_or("<unknown>")
    }

    /// The whole text. For a file left on disk it is read (once) now: prefer `excerpt`.
    pub fn text(&self, file: FileId) -> &str {
        match self.files.get(file).map(|f| &f.content) {
            Some(Content::Memory { text, .. }) => text,
            Some(Content::Disk(disk)) => disk.whole(),
            None => "",
        }
    }

    /// The text of a span. For a file left on disk, this reads the whole file once: prefer `excerpt`.
    pub fn slice(&self, span: Span) -> &str {
        self.text(span.file).get(span.range()).unwrap_or("")
    }

    /// The text of a span, read back from disk for a file that is not held in memory.
    pub fn excerpt(&self, span: Span) -> std::borrow::Cow<'_, str> {
        match self.files.get(span.file).map(|f| &f.content) {
            Some(Content::Memory { text, .. }) => {
                std::borrow::Cow::Borrowed(text.get(span.range()).unwrap_or(""))
            }
            Some(Content::Disk(disk)) => std::borrow::Cow::Owned(disk.read(span.range())),
            None => std::borrow::Cow::Borrowed(""),
        }
    }

    fn memory_line_starts<'a>(text: &str, cache: &'a OnceLock<Vec<usize>>) -> &'a [usize] {
        cache.get_or_init(|| codespan_reporting::files::line_starts(text).collect())
    }

    pub fn location(&self, span: Span) -> Location {
        let (line, column) = match self.files.get(span.file).map(|f| &f.content) {
            Some(Content::Memory { text, line_starts }) => {
                let starts = Self::memory_line_starts(text, line_starts);
                let line = line_of(starts, span.start);
                let start = starts.get(line).copied().unwrap_or(0);
                let end = starts.get(line + 1).copied().unwrap_or(text.len());
                let column = codespan_reporting::files::column_index(text, start..end, span.start);
                (line + 1, column + 1)
            }
            Some(Content::Disk(disk)) => disk.location(span.start),
            None => (0, 0),
        };
        Location {
            file: self.name(span.file).to_string(),
            line,
            column,
        }
    }

    /// Every file as codespan sees it. Files left on disk are read whole when codespan asks
    /// for their text: to render diagnostics about them, use `excerpts`.
    pub fn files(&self) -> &Sources {
        self
    }

    /// What codespan needs to render `labels` (file, range pairs; the ranges are rewritten
    /// in place): files in memory as they are, files on disk as the lines the labels touch.
    pub fn excerpts<'a>(&'a self, labels: &mut [(FileId, &mut Range<usize>)]) -> Excerpts<'a> {
        let mut wanted: BTreeMap<FileId, Vec<Range<usize>>> = BTreeMap::new();
        for (file, range) in labels.iter() {
            if let Some(Content::Disk(_)) = self.files.get(*file).map(|f| &f.content) {
                wanted.entry(*file).or_default().push((**range).clone());
            }
        }
        let mut windows = BTreeMap::new();
        for (file, ranges) in wanted {
            if let Some(Content::Disk(disk)) = self.files.get(file).map(|f| &f.content) {
                windows.insert(file, disk.window(&ranges));
            }
        }
        for (file, range) in labels.iter_mut() {
            if let Some(window) = windows.get(file) {
                **range = window.map(range.start)..window.map(range.end);
            }
        }
        Excerpts {
            sources: self,
            windows,
        }
    }

    fn file(&self, id: FileId) -> Result<&SourceFile, Error> {
        self.files.get(id).ok_or(Error::FileMissing)
    }
}

impl<'a> Files<'a> for Sources {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, Error> {
        Ok(self.file(id)?.name.as_str())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, Error> {
        self.file(id)?;
        Ok(self.text(id))
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, Error> {
        match &self.file(id)?.content {
            Content::Memory { text, line_starts } => Ok(line_of(
                Self::memory_line_starts(text, line_starts),
                byte_index,
            )),
            Content::Disk(disk) => Ok(disk.location(byte_index).0.saturating_sub(1)),
        }
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, Error> {
        match &self.file(id)?.content {
            Content::Memory { text, line_starts } => memory_line_range(
                text,
                Self::memory_line_starts(text, line_starts),
                line_index,
            ),
            Content::Disk(disk) => {
                let text = disk.whole();
                let starts: Vec<usize> = codespan_reporting::files::line_starts(text).collect();
                memory_line_range(text, &starts, line_index)
            }
        }
    }
}

fn memory_line_range(
    text: &str,
    starts: &[usize],
    line_index: usize,
) -> Result<Range<usize>, Error> {
    let start = *starts.get(line_index).ok_or(Error::LineTooLarge {
        given: line_index,
        max: starts.len().saturating_sub(1),
    })?;
    let end = starts.get(line_index + 1).copied().unwrap_or(text.len());
    Ok(start..end)
}

/// The lines of on-disk files that some diagnostics show, laid out as one small text per file.
pub struct Excerpts<'a> {
    sources: &'a Sources,
    windows: BTreeMap<FileId, disk::Window>,
}

impl<'a> Files<'a> for Excerpts<'_> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, Error> {
        Files::name(self.sources, id)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, Error> {
        match self.windows.get(&id) {
            Some(window) => Ok(window.text()),
            None => Files::source(self.sources, id),
        }
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, Error> {
        match self.windows.get(&id) {
            Some(window) => Ok(window.line_index(byte_index)),
            None => self.sources.line_index(id, byte_index),
        }
    }

    fn line_number(&'a self, id: FileId, line_index: usize) -> Result<usize, Error> {
        match self.windows.get(&id) {
            Some(window) => Ok(window.line_number(line_index)),
            None => Ok(line_index + 1),
        }
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, Error> {
        match self.windows.get(&id) {
            Some(window) => window.line_range(line_index),
            None => self.sources.line_range(id, line_index),
        }
    }
}
