//! One data file from bytes to rows: decide how it is held (in memory, or
//! streamed from disk when it is large), read its header, hand each row to
//! the long-format or record-table reader, and merge what one file gave into
//! the submission in file order, so that reading files in parallel changes
//! nothing in the result.

use super::aggregate::Acc;
use super::csv::{self, Field, Issue, Tokenizer, is_blank};
use super::regions::{Next, Stream};
use super::store::{EntityId, Interner, Obs};
use super::value::show;
use super::{Record, Schema, Submission, encoding, long, next_char_boundary, records};
use super::{report_issues, table_name};
use crate::diagnostic::Problem;
use crate::source::{FileId, Sources, Span};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// How files are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Files up to this many bytes are read whole and kept in memory; larger ones are
    /// streamed and left on disk.
    pub keep_in_memory: u64,
    /// Bytes read at a time from a streamed file (a region is at most about this long).
    pub block: usize,
    /// Data rows read from one file before reading stops with `too-many-rows`.
    pub max_rows: usize,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            keep_in_memory: 8 << 20,
            block: super::regions::BLOCK,
            max_rows: MAX_ROWS,
        }
    }
}

/// A data file registered in `Sources` and ready to be read.
pub struct Prepared {
    name: String,
    how: How,
    /// Problems found before any row was read (an encoding note, an unreadable file).
    early: Vec<Problem>,
}

enum How {
    Memory(FileId),
    Disk {
        file: FileId,
        path: PathBuf,
        skip: u64,
    },
    Nothing,
}

impl Prepared {
    /// The number of bytes reading will go through, for progress.
    pub fn size(&self, sources: &Sources) -> u64 {
        match &self.how {
            How::Memory(file) => sources.text(*file).len() as u64,
            How::Disk { file, .. } => sources.disk_len(*file).unwrap_or(0) as u64,
            How::Nothing => 0,
        }
    }
}

/// What reading one file gave, before it is merged into a submission.
#[derive(Default)]
pub struct Partial {
    pub(super) entities: Interner,
    /// Observations per entity, in the order read; indicators by their place in the schema.
    pub(super) obs: Vec<Vec<Obs>>,
    pub(super) records: BTreeMap<String, Vec<Record>>,
    pub(super) streamed: BTreeMap<String, HashMap<(EntityId, i32), Vec<Acc>>>,
    /// The file is long format: its entities are those of the indicator data.
    pub(super) long: bool,
}

impl Partial {
    /// Appends what was read after `self`, renumbering its entities.
    fn append(&mut self, later: Partial) {
        self.long |= later.long;
        let ids: Vec<EntityId> = (0..later.entities.len())
            .map(|i| self.entities.intern(later.entities.name(i as EntityId)))
            .collect();
        let id = |e: EntityId| ids.get(e as usize).copied().unwrap_or(0);
        for (e, cells) in later.obs.into_iter().enumerate() {
            let e = id(e as EntityId) as usize;
            if self.obs.len() <= e {
                self.obs.resize_with(e + 1, Vec::new);
            }
            if let Some(mine) = self.obs.get_mut(e) {
                if mine.is_empty() {
                    *mine = cells;
                } else {
                    mine.extend(cells);
                }
            }
        }
        for (table, rows) in later.records {
            self.records.entry(table).or_default().extend(rows);
        }
        for (table, groups) in later.streamed {
            let target = self.streamed.entry(table).or_default();
            for ((e, year), accs) in groups {
                match target.get_mut(&(id(e), year)) {
                    Some(existing) => {
                        for (a, b) in existing.iter_mut().zip(accs) {
                            a.then(b);
                        }
                    }
                    None => {
                        target.insert((id(e), year), accs);
                    }
                }
            }
        }
    }
}

/// Registers the file at `path` in `sources`, deciding whether it is held in memory.
pub fn prepare(path: &Path, options: &ReadOptions, sources: &mut Sources) -> Prepared {
    let name = path.display().to_string();
    let size = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if let Some(size) = size
        && size > options.keep_in_memory
        && let Some(skip) = streamable(path)
    {
        let len = usize::try_from(size.saturating_sub(skip)).unwrap_or(usize::MAX);
        let file = sources.add_on_disk(name.clone(), path.to_path_buf(), skip, len);
        return Prepared {
            name,
            how: How::Disk {
                file,
                path: path.to_path_buf(),
                skip,
            },
            early: Vec::new(),
        };
    }
    match std::fs::read(path) {
        Ok(bytes) => prepare_bytes(&name, &bytes, sources),
        Err(err) => Prepared {
            name,
            how: How::Nothing,
            early: vec![Problem::error(
                "unreadable-file",
                format!("cannot read `{}`: {err}", path.display()),
            )],
        },
    }
}

/// Whether a large file can be streamed: it looks like UTF-8 text at its start.
/// Anything else (UTF-16, GBK, binary) is read whole, to be decoded or refused as before.
/// Returns the length of the byte-order mark to skip.
fn streamable(path: &Path) -> Option<u64> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = vec![0; 64 * 1024];
    let mut got = 0;
    while got < head.len() {
        match file.read(head.get_mut(got..)?) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(_) => return None,
        }
    }
    let head = head.get(..got)?;
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return None;
    }
    let skip = if head.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let body = head.get(skip..)?;
    if memchr::memchr(0, body).is_some() {
        return None;
    }
    match std::str::from_utf8(body) {
        Ok(_) => Some(skip as u64),
        // Cut in the middle of a character at the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() => Some(skip as u64),
        Err(_) => None,
    }
}

/// Registers a file given as bytes (decoded whole, kept in memory).
pub fn prepare_bytes(name: &str, bytes: &[u8], sources: &mut Sources) -> Prepared {
    match encoding::decode(name, bytes) {
        encoding::Decoded::Text { text, note } => {
            let file = sources.add(name, crate::source::lone_cr_to_lf(text));
            let early = note
                .map(|note| note.at(Span::new(file, 0..0), "the whole file"))
                .into_iter()
                .collect();
            Prepared {
                name: name.to_string(),
                how: How::Memory(file),
                early,
            }
        }
        encoding::Decoded::NotText {
            shown,
            offset,
            problem,
        } => {
            let file = sources.add(name, shown);
            let end = next_char_boundary(sources.text(file), offset);
            Prepared {
                name: name.to_string(),
                how: How::Nothing,
                early: vec![problem.at(Span::new(file, offset..end), "not text")],
            }
        }
    }
}

/// Reads a prepared file; `progress` is told how many bytes were read as reading goes.
pub fn read_prepared(
    prepared: &Prepared,
    schema: &Schema,
    sources: &Sources,
    options: &ReadOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> (Partial, Vec<Problem>) {
    let mut early = prepared.early.clone();
    match &prepared.how {
        How::Nothing => (Partial::default(), early),
        How::Memory(file) => {
            let text = sources.text(*file);
            let mut reader = Reader::new(&prepared.name, *file, schema);
            reader.max_rows = options.max_rows;
            reader.region(text, 0, true);
            progress(text.len() as u64);
            let (partial, mut problems) = reader.finish(text.len());
            early.append(&mut problems);
            (partial, early)
        }
        How::Disk { file, path, skip } => {
            let mut reader = Reader::new(&prepared.name, *file, schema);
            reader.max_rows = options.max_rows;
            let opened = std::fs::File::open(path).and_then(|mut f| {
                f.seek(SeekFrom::Start(*skip))?;
                Ok(f)
            });
            let total = match opened {
                Ok(f) => stream(
                    &mut reader,
                    &prepared.name,
                    *file,
                    f,
                    options.block,
                    progress,
                ),
                Err(err) => {
                    early.push(Problem::error(
                        "unreadable-file",
                        format!("cannot read `{}`: {err}", path.display()),
                    ));
                    0
                }
            };
            let (partial, mut problems) = reader.finish(total);
            early.append(&mut problems);
            (partial, early)
        }
    }
}

/// Regions parsed in parallel at a time; the next as many are read meanwhile.
const IN_FLIGHT: usize = 2;

/// Where reading ahead stopped.
enum Ahead {
    /// The batch is full; more may follow.
    More,
    /// The next region has a quote: it is read in order, in place.
    Inline,
    End,
    NotText(Box<Problem>, usize),
}

/// Copies quote-free regions (whole rows each) out of the stream into `batch`.
fn read_ahead<R: Read>(
    stream: &mut Stream<R>,
    batch: &mut Vec<(usize, String)>,
    spare: &mut Vec<String>,
) -> Ahead {
    while batch.len() < IN_FLIGHT {
        match stream.next(false) {
            Next::End => return Ahead::End,
            Next::NotText(problem, at) => return Ahead::NotText(problem, at),
            Next::Region(region) => {
                if memchr::memchr(b'"', region.text.as_bytes()).is_some() {
                    return Ahead::Inline;
                }
                // Region copies are reused, so that fresh pages are not faulted in for each.
                let mut copy = spare.pop().unwrap_or_default();
                copy.clear();
                copy.push_str(region.text);
                let (base, len, last) = (region.base, region.text.len(), region.last);
                batch.push((base, copy));
                stream.consume(len);
                if last {
                    return Ahead::End;
                }
            }
        }
    }
    Ahead::More
}

/// Reads the next region in place, in file order (the header's, or one with a quote, whose
/// last row may go on in the next region). Returns the bytes read and whether the file ended.
fn read_in_place<R: Read>(
    reader: &mut Reader,
    stream: &mut Stream<R>,
    file: FileId,
    progress: &(dyn Fn(u64) + Sync),
) -> (usize, bool) {
    let mut grow = false;
    let mut read = 0;
    loop {
        let (used, len, last) = match stream.next(grow) {
            Next::End => return (read, true),
            Next::NotText(problem, at) => {
                reader
                    .problems
                    .push(problem.at(Span::new(file, at..at + 1), "not text"));
                return (read, true);
            }
            Next::Region(region) => {
                let used = reader.region(region.text, region.base, region.last);
                (used, region.text.len(), region.last)
            }
        };
        stream.consume(used);
        progress(used as u64);
        read += used;
        if last && used == len {
            return (read, true);
        }
        if used == len {
            return (read, false);
        }
        grow = true;
    }
}

/// Feeds a large file to `reader`; returns how many bytes were read. Once the header is
/// read, regions without a quote (so no row can straddle two of them) are parsed in
/// parallel by copies of the reader, joined back in file order, while the next ones are
/// read from the file.
fn stream(
    reader: &mut Reader,
    name: &str,
    file: FileId,
    source: impl Read + Send,
    block: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> usize {
    let mut stream = Stream::new(name, source, block);
    let mut spare: Vec<String> = Vec::new();
    let mut read = 0;
    let mut in_place = true;
    loop {
        if in_place || !reader.can_fork() {
            let (n, ended) = read_in_place(reader, &mut stream, file, progress);
            read += n;
            if ended {
                break;
            }
            in_place = false;
            continue;
        }
        let mut batch = Vec::new();
        let mut status = read_ahead(&mut stream, &mut batch, &mut spare);
        while !batch.is_empty() {
            let mut next = Vec::new();
            let mut next_spare = std::mem::take(&mut spare);
            let fetch = matches!(status, Ahead::More);
            let this = &*reader;
            let (forks, fetched) = rayon::join(
                || this.parse_apart(&batch, progress),
                || fetch.then(|| read_ahead(&mut stream, &mut next, &mut next_spare)),
            );
            for fork in forks.into_iter().flatten() {
                reader.join(fork);
            }
            read += batch.iter().map(|(_, text)| text.len()).sum::<usize>();
            spare = next_spare;
            spare.extend(batch.drain(..).map(|(_, text)| text));
            batch = next;
            if let Some(fetched) = fetched {
                status = fetched;
            }
        }
        match status {
            Ahead::More | Ahead::Inline => in_place = true,
            Ahead::End => break,
            Ahead::NotText(problem, at) => {
                reader
                    .problems
                    .push(problem.at(Span::new(file, at..at + 1), "not text"));
                break;
            }
        }
    }
    read
}

/// Reads rows: first the header, then each row by the reader the header chose.
pub struct Reader<'s> {
    name: String,
    file: FileId,
    schema: &'s Schema,
    state: State<'s>,
    partial: Partial,
    problems: Vec<Problem>,
    fields: Vec<Field>,
    issues: Vec<Issue>,
    /// Data rows taken (by a fork: in its region).
    rows: usize,
    max_rows: usize,
    /// Where a fork's first data row starts: where reading stops if its rows go past the limit.
    first_row: Option<usize>,
}

/// Longer lines are refused at once: no row of a statistics table comes near it.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Rows of one file: far beyond any statistics submission (3,000 counties × 40 indicators ×
/// 10 years is 1.2 million), and at about 50 bytes a kept value, 5 GB of memory at most,
/// so an endless or mistaken file ends in a diagnostic rather than in the out-of-memory killer.
pub const MAX_ROWS: usize = 100_000_000;

enum State<'s> {
    Header,
    Long(Box<long::Long<'s>>),
    Table(Box<records::TableReader<'s>>),
    /// The file cannot be read as data; its rows are only counted, for the note on `pending`.
    Count {
        rows: usize,
        pending: Vec<Problem>,
    },
}

impl<'s> Reader<'s> {
    pub fn new(name: &str, file: FileId, schema: &'s Schema) -> Reader<'s> {
        Reader {
            name: name.to_string(),
            file,
            schema,
            state: State::Header,
            partial: Partial::default(),
            problems: Vec::new(),
            fields: Vec::new(),
            issues: Vec::new(),
            rows: 0,
            max_rows: MAX_ROWS,
            first_row: None,
        }
    }

    /// Whether rows can be handed to a copy of this reader: once the header is read.
    fn can_fork(&self) -> bool {
        matches!(self.state, State::Long(_) | State::Table(_))
    }

    /// A reader in the same state with nothing read yet, for another region of the file.
    fn fork(&self) -> Option<Reader<'s>> {
        let state = match &self.state {
            State::Long(long) => State::Long(Box::new(long.fork())),
            State::Table(table) => State::Table(Box::new(table.fork())),
            _ => return None,
        };
        Some(Reader {
            name: self.name.clone(),
            file: self.file,
            schema: self.schema,
            state,
            partial: Partial::default(),
            problems: Vec::new(),
            fields: Vec::new(),
            issues: Vec::new(),
            rows: 0,
            // A fork cannot know the rows before its region: `join` holds the limit.
            max_rows: usize::MAX,
            first_row: None,
        })
    }

    /// Takes in what a fork read, as if this reader had read it next.
    fn join(&mut self, fork: Reader<'s>) {
        if let State::Count { rows, .. } = &mut self.state {
            *rows += fork.rows;
            return;
        }
        if self.rows.saturating_add(fork.rows) > self.max_rows {
            // The region that crosses the limit is left out whole: exit status 2 follows
            // either way, and its first row is a place the reader can name exactly.
            let at = fork.first_row.unwrap_or_default();
            self.stop_reading(Span::new(self.file, at..at), fork.rows);
            return;
        }
        self.rows += fork.rows;
        self.problems.extend(fork.problems);
        self.partial.append(fork.partial);
        if let (State::Long(mine), State::Long(theirs)) = (&mut self.state, fork.state) {
            mine.join(*theirs);
        }
    }

    /// Parses `regions` (whole rows each, in file order) in parallel, each by a fork.
    fn parse_apart(
        &self,
        regions: &[(usize, String)],
        progress: &(dyn Fn(u64) + Sync),
    ) -> Vec<Option<Reader<'s>>> {
        regions
            .par_iter()
            .map(|(base, text)| {
                let mut fork = self.fork()?;
                // `read_ahead` hands out only regions without a quote.
                fork.region_with(Tokenizer::quote_free(text), text, *base, true);
                if let State::Table(table) = &mut fork.state {
                    table.finish(&mut fork.partial);
                }
                // Vectors grown by doubling keep up to half their room empty: give it back
                // before the fork waits to be joined.
                for cells in &mut fork.partial.obs {
                    cells.shrink_to_fit();
                }
                progress(text.len() as u64);
                Some(fork)
            })
            .collect()
    }

    /// Reads the rows of `text` (at offset `base` of the file). Unless `last`, a row cut in a
    /// quoted field is left for the next region: returns how many bytes were read.
    pub fn region(&mut self, text: &str, base: usize, last: bool) -> usize {
        self.region_with(Tokenizer::new(text), text, base, last)
    }

    fn region_with(
        &mut self,
        mut tokenizer: Tokenizer,
        text: &str,
        base: usize,
        last: bool,
    ) -> usize {
        loop {
            let before = tokenizer.position();
            let Some(row) = tokenizer.next_row(&mut self.fields, &mut self.issues) else {
                return text.len();
            };
            if !last
                && self
                    .issues
                    .iter()
                    .any(|i| matches!(i, Issue::UnclosedQuote { .. }))
            {
                self.issues.clear();
                return before;
            }
            report_issues(self.file, base, &mut self.issues, &mut self.problems);
            self.row(text, base, row);
        }
    }

    fn row(&mut self, text: &str, base: usize, row: csv::Row) {
        if row.range.len() > MAX_LINE_BYTES {
            let at = base + row.range.start;
            self.problems.push(
                Problem::error(
                    "line-too-long",
                    format!(
                        "a line of {} bytes, more than the limit of {MAX_LINE_BYTES}; it was not read",
                        row.range.len()
                    ),
                )
                .at(Span::new(self.file, at..at), "this line")
                .help("a row of a statistics table is far shorter: is this the right file, exported as CSV?"),
            );
            if matches!(self.state, State::Header) {
                // Without a header nothing after it can be read as columns.
                self.state = State::Count {
                    rows: 0,
                    pending: Vec::new(),
                };
            }
            return;
        }
        if matches!(self.state, State::Long(_) | State::Table(_)) {
            // Blank rows are skipped here, once, for both readers.
            if is_blank(text, &self.fields) {
                return;
            }
            let at = base + row.range.start;
            self.first_row.get_or_insert(at);
            self.rows += 1;
            if self.rows > self.max_rows {
                self.stop_reading(Span::new(self.file, at..base + row.range.end), 1);
                return;
            }
        }
        let fields = &self.fields;
        match &mut self.state {
            State::Header => {
                if !is_blank(text, fields) {
                    self.state = self.header(text, base, row);
                }
            }
            State::Long(long) => {
                long.row(
                    text,
                    base,
                    &row,
                    fields,
                    &mut self.partial,
                    &mut self.problems,
                );
            }
            State::Table(table) => {
                table.row(
                    text,
                    base,
                    &row,
                    fields,
                    &mut self.partial,
                    &mut self.problems,
                );
            }
            State::Count { rows, .. } => {
                if !is_blank(text, fields) {
                    *rows += 1;
                }
            }
        }
    }

    /// Stops taking rows at `at`, past the limit; the `rows` from there on are only counted.
    fn stop_reading(&mut self, at: Span, rows: usize) {
        let problem = Problem::error(
            "too-many-rows",
            format!(
                "`{}` has more than {} data rows; reading stopped here",
                self.name, self.max_rows
            ),
        )
        .at(at, "the rows from here on were not read")
        .help("a submission is far smaller: is this the right file? A larger one can be split into files by year or by entity");
        self.state = State::Count {
            rows,
            pending: vec![problem],
        };
    }

    fn header(&mut self, text: &str, base: usize, row: csv::Row) -> State<'s> {
        let header = &self.fields;
        let names: Vec<std::borrow::Cow<'_, str>> =
            header.iter().map(|f| f.trimmed(text).0).collect();
        let names: Vec<&str> = names.iter().map(|n| n.as_ref()).collect();
        if long::is_long_header(&names) {
            self.partial.long = true;
            return State::Long(Box::new(long::Long::new(self.file, self.schema)));
        }
        let table = table_name(&self.name);
        let header_span = Span::new(self.file, base + row.range.start..base + row.range.end);
        let looks_long = ["indicator", "value"]
            .iter()
            .all(|want| names.iter().any(|n| n.eq_ignore_ascii_case(want)));
        if looks_long && !self.schema.tables.contains_key(&table) {
            let problem = Problem::error(
                "bad-header",
                "the header looks like the long format but does not start with its five columns",
            )
            .at(header_span, "this header")
            .help(format!(
                "write the header as `{}` (more columns may follow)",
                long::LONG_HEADER.join(",")
            ));
            return State::Count {
                rows: 0,
                pending: vec![problem],
            };
        }
        match records::TableReader::start(
            self.file,
            text,
            base,
            &table,
            header,
            header_span,
            self.schema,
            &mut self.problems,
        ) {
            Ok(reader) => State::Table(Box::new(reader)),
            Err(pending) => State::Count { rows: 0, pending },
        }
    }

    /// What was read, and every problem; `len` is the length of the text read.
    pub fn finish(mut self, len: usize) -> (Partial, Vec<Problem>) {
        match self.state {
            State::Header => self.problems.push(
                Problem::warning("empty-file", format!("`{}` holds no data", self.name))
                    .at(Span::new(self.file, 0..len), "no header and no rows"),
            ),
            State::Long(long) => long.finish(&mut self.problems),
            State::Table(mut table) => table.finish(&mut self.partial),
            State::Count { rows, pending } => {
                for p in pending {
                    self.problems.push(p.note(records::rows_not_read(rows)));
                }
            }
        }
        (self.partial, self.problems)
    }
}

/// Merges one file's `partial` into `submission` (after the files read before it) and
/// returns the file's problems, repeats of earlier observations included, in file order.
pub fn absorb(
    submission: &mut Submission,
    partial: Partial,
    schema: &Schema,
    mut problems: Vec<Problem>,
) -> Vec<Problem> {
    let Partial {
        entities,
        obs,
        records,
        streamed,
        long,
    } = partial;
    let global: Vec<EntityId> = (0..entities.len())
        .map(|i| submission.entities.intern(entities.name(i as EntityId)))
        .collect();
    if long {
        // Every entity named in indicator data, even by rows the rules do not read.
        for &e in &global {
            submission.mark(e, true, None);
        }
    }
    let entity = |local: EntityId| global.get(local as usize).copied().unwrap_or(0);
    let indicators: Vec<u32> = schema
        .indicators
        .keys()
        .map(|name| submission.indicators.intern(name))
        .collect();
    let mut batch = Vec::with_capacity(obs.len());
    for (e, mut cells) in obs.into_iter().enumerate() {
        if cells.is_empty() {
            continue;
        }
        for o in &mut cells {
            o.indicator = indicators.get(o.indicator as usize).copied().unwrap_or(0);
        }
        let e = entity(e as EntityId);
        submission.mark(e, true, None);
        batch.push((e, cells));
    }
    let mut repeats = Vec::new();
    submission
        .observations
        .merge(batch, |first, repeated, e, i, year| {
            repeats.push((first.clone(), repeated.clone(), e, i, year));
        });
    for (first, cell, e, i, year) in repeats {
        let indicator = submission.indicators.name(i);
        let unit = schema.indicators.get(indicator).map(|s| &s.unit);
        let what = format!("`{indicator}` {year} of `{}`", submission.entities.name(e));
        problems.push(if first.value == cell.value {
            Problem::warning("duplicate-row", format!("{what} is given twice"))
                .at(cell.span, "repeated here")
                .also(first.span, "first given here")
                .help("remove the repeated row")
        } else {
            let shown = show(&first.value, unit);
            Problem::error(
                "conflicting-duplicate",
                format!("{what} is given twice with different values"),
            )
            .at(cell.span, format!("given as {}", show(&cell.value, unit)))
            .also(first.span, format!("first given as {shown}"))
            .help("keep only the right value; until then the first is used")
        });
    }
    for (table, rows) in records {
        for record in &rows {
            let e = submission.entities.intern(&record.entity);
            submission.mark(e, false, Some(record.year));
        }
        submission
            .tables
            .entry(table)
            .or_default()
            .records
            .extend(rows);
    }
    for (table, groups) in streamed {
        let keys = schema
            .streams
            .get(&table)
            .map(|specs| specs.iter().map(|s| s.key).collect())
            .unwrap_or_default();
        let target = submission.streamed.entry(table).or_default();
        target.keys = keys;
        let mut marks = Vec::with_capacity(groups.len());
        for ((e, year), accs) in groups {
            let e = entity(e);
            marks.push((e, year));
            match target.groups.get_mut(&(e, year)) {
                Some(existing) => {
                    for (a, b) in existing.iter_mut().zip(accs) {
                        a.then(b);
                    }
                }
                None => {
                    target.groups.insert((e, year), accs);
                }
            }
        }
        for (e, year) in marks {
            submission.mark(e, false, Some(year));
        }
    }
    problems.sort_by_key(|p| p.primary.as_ref().map(|l| (l.span.start, l.span.end)));
    problems
}
