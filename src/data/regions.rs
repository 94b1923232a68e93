//! A data file as a sequence of text regions that each end at a line end, so
//! that a CSV row never straddles two of them (a quoted field with a line
//! break in it is the exception, handled by the caller asking for more).
//!
//! A small file is one region: its whole decoded text. A large UTF-8 file is
//! read in blocks and never held whole: that is what keeps memory flat for a
//! register of ten million rows.

use crate::diagnostic::Problem;
use std::io::Read;

/// Bytes read at a time from a large file: large enough that a region's rows outweigh
/// handing it to another thread, small enough that a few in flight cost little memory.
pub const BLOCK: usize = 2 << 20;

/// Where the next region comes from.
pub struct Stream<R: Read> {
    reader: R,
    buf: Vec<u8>,
    /// Bytes of `buf` in use; `buf[..filled]` starts at text offset `base`.
    filled: usize,
    base: usize,
    eof: bool,
    /// The file's name, for messages.
    name: String,
    block: usize,
}

/// What `next` hands out: text starting at offset `base` of the file.
pub struct Region<'a> {
    pub base: usize,
    pub text: &'a str,
    /// No more text follows.
    pub last: bool,
}

pub enum Next<'a> {
    Region(Region<'a>),
    End,
    /// The bytes at this offset are not UTF-8 text; reading stops.
    NotText(Box<Problem>, usize),
}

impl<R: Read> Stream<R> {
    pub fn new(name: &str, reader: R, block: usize) -> Stream<R> {
        Stream {
            reader,
            buf: Vec::new(),
            filled: 0,
            base: 0,
            eof: false,
            name: name.to_string(),
            block: block.max(1),
        }
    }

    /// Drops the first `used` bytes of the current region: the caller has read them.
    pub fn consume(&mut self, used: usize) {
        let used = used.min(self.filled);
        self.buf.copy_within(used..self.filled, 0);
        self.filled -= used;
        self.base += used;
    }

    fn fill(&mut self, at_least: usize) {
        let want = (self.filled + at_least).max(self.block);
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while !self.eof && self.filled < self.buf.len() {
            match self
                .reader
                .read(self.buf.get_mut(self.filled..).unwrap_or(&mut []))
            {
                Ok(0) => self.eof = true,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => self.eof = true,
            }
        }
    }

    /// The next region: everything up to the last line end read so far (or to the end of
    /// the file). `grow` asks for a region longer than the previous one, because its
    /// last row was cut in the middle of a quoted field.
    pub fn next(&mut self, grow: bool) -> Next<'_> {
        if grow || self.filled <= self.block / 2 {
            self.fill(if grow {
                self.filled.max(self.block)
            } else {
                self.block
            });
        }
        if self.filled == 0 {
            return Next::End;
        }
        let bytes = self.buf.get(..self.filled).unwrap_or(&[]);
        let end = if self.eof {
            self.filled
        } else {
            match memchr::memrchr(b'\n', bytes) {
                Some(i) => i + 1,
                // A file of old Mac line ends: a `\r` that is not the last byte read.
                None => match memchr::memrchr(b'\r', bytes) {
                    Some(i) if i + 1 < self.filled => i + 1,
                    _ => return self.next(true),
                },
            }
        };
        let bytes = self.buf.get(..end).unwrap_or(&[]);
        if let Some(nul) = memchr::memchr(0, bytes) {
            let problem = Problem::error(
                "bad-encoding",
                format!(
                    "`{}` contains a NUL byte at offset {}: it is a binary file, not CSV text",
                    self.name,
                    self.base + nul
                ),
            )
            .help("export the sheet as \"CSV UTF-8\"");
            return Next::NotText(Box::new(problem), self.base + nul);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Next::Region(Region {
                base: self.base,
                text,
                last: self.eof,
            }),
            Err(e) => {
                let at = self.base + e.valid_up_to();
                let byte = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
                let problem = Problem::error(
                    "bad-encoding",
                    format!(
                        "`{}` is damaged UTF-8: byte 0x{byte:02X} at offset {at} is not valid UTF-8",
                        self.name
                    ),
                )
                .help("save the file as \"CSV UTF-8\" (in Excel: File › Save As › CSV UTF-8)");
                Next::NotText(Box::new(problem), at)
            }
        }
    }
}
