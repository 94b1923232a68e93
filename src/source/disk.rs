//! A data file left on disk: lines and columns are found by reading it back.
//!
//! The first request scans the file once and keeps a line number every
//! `CHECKPOINT` bytes, so a later request reads at most a block of it. Line ends
//! are `\n`, `\r\n` and a lone `\r`, as for files held in memory (where a lone
//! `\r` is turned into `\n` when they are read).

use codespan_reporting::files::Error;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

/// Bytes between two remembered line starts.
const CHECKPOINT: usize = 64 * 1024;
/// Bytes read at a time when scanning.
const BLOCK: usize = 1 << 20;

pub struct DiskText {
    path: PathBuf,
    /// Bytes before the text (a byte-order mark): offsets start after them.
    skip: u64,
    len: usize,
    /// Line starts remembered so far, scanned only as far as a request needed.
    scan: Mutex<Scan>,
    whole: OnceLock<String>,
    /// The last bytes read back, for requests that come in file order.
    cache: Mutex<Option<(usize, Vec<u8>)>>,
}

/// Calls `on_break(offset after the break)` for every line end in `bytes`, which start at
/// `base`. `next` is the byte after `bytes`, if any, to tell `\r\n` from a lone `\r`.
fn breaks(bytes: &[u8], base: usize, next: Option<u8>, mut on_break: impl FnMut(usize)) {
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        let is_break = match bytes.get(at) {
            Some(b'\n') => true,
            _ => bytes.get(at + 1).copied().or(next) != Some(b'\n'),
        };
        if is_break {
            on_break(base + at + 1);
        }
    }
}

impl DiskText {
    pub fn new(path: PathBuf, skip: u64, len: usize) -> DiskText {
        DiskText {
            path,
            skip,
            len,
            scan: Mutex::new(Scan::default()),
            whole: OnceLock::new(),
            cache: Mutex::new(None),
        }
    }

    /// The bytes of `range` (clamped to the text); empty when the file cannot be read back.
    fn bytes(&self, range: Range<usize>) -> Vec<u8> {
        let start = range.start.min(self.len);
        let end = range.end.clamp(start, self.len);
        if let Ok(cache) = self.cache.lock()
            && let Some((at, bytes)) = cache.as_ref()
            && *at <= start
            && end <= at + bytes.len()
        {
            return bytes.get(start - at..end - at).unwrap_or(&[]).to_vec();
        }
        let mut out = vec![0; end - start];
        let read = File::open(&self.path).and_then(|mut file| {
            file.seek(SeekFrom::Start(self.skip + start as u64))?;
            file.read_exact(&mut out)
        });
        if read.is_err() {
            out.clear();
        }
        out
    }

    /// Reads a block around `start` into the cache and returns the bytes of `range`.
    fn cached(&self, block_start: usize, range: Range<usize>) -> Vec<u8> {
        let block_end = (block_start + 2 * CHECKPOINT).max(range.end).min(self.len);
        let hit = self.cache.lock().ok().is_some_and(|cache| {
            cache
                .as_ref()
                .is_some_and(|(at, b)| *at <= range.start && range.end <= at + b.len())
        });
        if !hit {
            *self.cache.lock().unwrap_or_else(|e| e.into_inner()) = None;
            let block = self.bytes(block_start..block_end);
            if let Ok(mut cache) = self.cache.lock() {
                *cache = Some((block_start, block));
            }
        }
        self.bytes(range)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn read(&self, range: Range<usize>) -> String {
        String::from_utf8_lossy(&self.bytes(range)).into_owned()
    }

    /// The whole text, read once; lone `\r` become `\n` as for files held in memory.
    pub fn whole(&self) -> &str {
        self.whole.get_or_init(|| {
            let text = String::from_utf8_lossy(&self.bytes(0..self.len)).into_owned();
            lone_cr_to_lf(text)
        })
    }

    /// The remembered line start at or before `offset`, scanning the file that far first.
    fn checkpoint(&self, offset: usize) -> (usize, usize) {
        let mut scan = self.scan.lock().unwrap_or_else(|e| e.into_inner());
        if scan.points.is_empty() {
            scan.points.push((0, 0));
            scan.next_point = CHECKPOINT;
        }
        if scan.base <= offset && scan.base < self.len {
            self.scan_to(&mut scan, offset);
        }
        let i = match scan.points.binary_search_by_key(&offset, |p| p.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        scan.points.get(i).copied().unwrap_or((0, 0))
    }

    /// Reads on from where the scan stopped until past `offset` (or the end).
    fn scan_to(&self, scan: &mut Scan, offset: usize) {
        let Ok(mut file) = File::open(&self.path) else {
            scan.base = self.len;
            return;
        };
        if file
            .seek(SeekFrom::Start(self.skip + scan.base as u64))
            .is_err()
        {
            scan.base = self.len;
            return;
        }
        let mut buf = vec![0; BLOCK];
        while scan.base <= offset && scan.base < self.len {
            let want = (self.len - scan.base).min(BLOCK);
            let n = match file.read(buf.get_mut(..want).unwrap_or(&mut [])) {
                Ok(0) | Err(_) => {
                    scan.base = self.len;
                    break;
                }
                Ok(n) => n,
            };
            let chunk = buf.get(..n).unwrap_or(&[]);
            let base = scan.base;
            // A `\r` at the end of a block is a line end unless the next block starts with `\n`.
            if let Some(start) = scan.pending.take()
                && chunk.first() != Some(&b'\n')
            {
                scan.line_end(start);
            }
            for at in memchr::memchr2_iter(b'\n', b'\r', chunk) {
                match (chunk.get(at), chunk.get(at + 1)) {
                    (Some(b'\n'), _) => scan.line_end(base + at + 1),
                    (_, Some(b'\n')) => {}
                    (_, Some(_)) => scan.line_end(base + at + 1),
                    (_, None) if base + n < self.len => scan.pending = Some(base + at + 1),
                    (_, None) => scan.line_end(base + at + 1),
                }
            }
            scan.base += n;
        }
    }

    /// The start of the line holding `offset` and its zero-based number.
    fn line_start(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        let (mut start, mut line) = self.checkpoint(offset);
        let bytes = self.cached(start, start..(offset + 1).min(self.len));
        let (upto, next) = match bytes.len() > offset - start {
            true => (
                bytes.get(..offset - start).unwrap_or(&[]),
                bytes.last().copied(),
            ),
            false => (&bytes[..], None),
        };
        let base = start;
        breaks(upto, base, next, |s| {
            start = s;
            line += 1;
        });
        (start, line)
    }

    /// One-based line and column (in characters) of `offset`.
    pub fn location(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.len);
        let (start, line) = self.line_start(offset);
        let before = self.cached(start, start..offset);
        let column = String::from_utf8_lossy(&before).chars().count();
        (line + 1, column + 1)
    }

    /// Where the line holding `offset` ends, its line break included.
    fn line_end(&self, offset: usize) -> usize {
        let mut at = offset.min(self.len);
        while at < self.len {
            let end = (at + CHECKPOINT).min(self.len);
            let bytes = self.bytes(at..(end + 1).min(self.len));
            let mut found = None;
            let chunk = bytes.get(..end - at).unwrap_or(&bytes[..]);
            let next = bytes.get(end - at).copied();
            breaks(chunk, at, next, |s| {
                if found.is_none() {
                    found = Some(s);
                }
            });
            if let Some(s) = found {
                return s;
            }
            at = end;
        }
        self.len
    }

    /// The lines that `ranges` touch, with a gap of two empty lines between runs of lines
    /// that are not next to each other, so that a renderer shows a break there.
    pub fn window(&self, ranges: &[Range<usize>]) -> Window {
        let mut runs: Vec<(usize, usize, usize, usize)> = ranges
            .iter()
            .map(|r| {
                let (start, first) = self.line_start(r.start);
                let (last_start, last) = self.line_start(r.end.max(r.start));
                (start, self.line_end(last_start), first, last)
            })
            .collect();
        runs.sort();
        let mut merged: Vec<(usize, usize, usize, usize)> = Vec::new();
        for run in runs {
            match merged.last_mut() {
                // A run one line or less after the previous one is shown with the line between.
                Some(prev) if run.2 <= prev.3 + 2 => {
                    if run.1 > prev.1 {
                        let gap_end = self.line_end(prev.1);
                        prev.1 = run.1.max(gap_end);
                        prev.3 = prev.3.max(run.3);
                    }
                }
                _ => merged.push(run),
            }
        }
        let mut window = Window::default();
        let mut firsts = Vec::new();
        for (i, (start, end, first, _)) in merged.into_iter().enumerate() {
            if i > 0 {
                // Two lines of nothing: a renderer shows a break between the runs.
                window.text.push_str("\n\n");
            }
            let text = lone_cr_to_lf(self.read(start..end));
            let at = window.text.len();
            window.segments.push((start, end, at));
            firsts.push(first + 1);
            window.text.push_str(&text);
        }
        // Line starts as codespan counts them, numbered by the run they fall in.
        window.line_starts = codespan_reporting::files::line_starts(&window.text).collect();
        window.line_numbers = window
            .line_starts
            .iter()
            .map(|&ls| {
                window
                    .segments
                    .iter()
                    .zip(&firsts)
                    .find(|((start, end, at), _)| *at <= ls && ls <= at + (end - start))
                    .map_or(0, |((_, _, at), first)| {
                        let before = window.text.get(*at..ls).unwrap_or("");
                        first + before.matches('\n').count()
                    })
            })
            .collect();
        window
    }
}

/// How far the file has been scanned for line starts.
#[derive(Default)]
struct Scan {
    /// (offset of a line start, its zero-based line number), in order.
    points: Vec<(usize, usize)>,
    /// Bytes scanned so far.
    base: usize,
    /// Line ends seen so far.
    line: usize,
    next_point: usize,
    /// The offset after a `\r` that ended the last block read.
    pending: Option<usize>,
}

impl Scan {
    fn line_end(&mut self, next_start: usize) {
        self.line += 1;
        if next_start >= self.next_point {
            self.points.push((next_start, self.line));
            self.next_point = next_start + CHECKPOINT;
        }
    }
}

/// Old Mac line ends (`\r` alone) become `\n`, byte for byte; `\r\n` is left as it is.
pub fn lone_cr_to_lf(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    let mut next_is_lf = false;
    for b in bytes.iter_mut().rev() {
        let is_lf = *b == b'\n';
        if *b == b'\r' && !next_is_lf {
            *b = b'\n';
        }
        next_is_lf = is_lf;
    }
    // Replacing one ASCII byte by another keeps the text valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A few lines of a file on disk, as one small text.
#[derive(Default)]
pub struct Window {
    text: String,
    line_starts: Vec<usize>,
    /// One-based numbers in the file; 0 for the empty lines between runs.
    line_numbers: Vec<usize>,
    /// (start, end) in the file and where that run starts in `text`.
    segments: Vec<(usize, usize, usize)>,
}

impl Window {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where an offset of the file is in the window.
    pub fn map(&self, offset: usize) -> usize {
        self.segments
            .iter()
            .find(|(start, end, _)| *start <= offset && offset <= *end)
            .map_or(0, |(start, _, at)| at + (offset - start))
    }

    pub fn line_index(&self, byte: usize) -> usize {
        match self.line_starts.binary_search(&byte) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    pub fn line_number(&self, line_index: usize) -> usize {
        self.line_numbers.get(line_index).copied().unwrap_or(0)
    }

    pub fn line_range(&self, line_index: usize) -> Result<Range<usize>, Error> {
        let start = *self
            .line_starts
            .get(line_index)
            .ok_or(Error::LineTooLarge {
                given: line_index,
                max: self.line_starts.len().saturating_sub(1),
            })?;
        let end = self
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(self.text.len());
        Ok(start..end)
    }
}
