//! Stage 1: rule text to a spanned syntax tree.

pub mod ast;
mod parser;

pub use parser::{MAX_DEPTH, MAX_FILE_BYTES, Parse, parse};
