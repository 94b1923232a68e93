//! `plancheck fmt`: one canonical layout for rule files.
//!
//! The layout is printed from the syntax tree, so it does not depend on how a
//! file was laid out before; comments are put back from their positions. A
//! formatted text is accepted only when it parses back to the same tree with
//! the same comments and formats to itself, so a bug here can never change
//! what a rule file says.

mod expr;
mod layout;

pub use expr::{name, quoted};

use crate::diagnostic::Problem;
use crate::source::{FileId, Span};
use crate::syntax::{self, ast::RuleFile};
use std::io::Write;
use std::path::Path;

/// The canonical text of a parsed rule file.
pub fn format_parsed(text: &str, file: &RuleFile) -> String {
    layout::file(text, file)
}

/// Formats a rule file's text. A file with syntax errors is not formatted: its errors come back.
pub fn format_text(file: FileId, text: &str) -> Result<String, Vec<Problem>> {
    let parsed = syntax::parse(file, text);
    if !parsed.errors.is_empty() {
        return Err(parsed.errors);
    }
    let formatted = format_parsed(text, &parsed.file);
    match unchanged_meaning(file, &parsed.file, &formatted) {
        Ok(()) => Ok(formatted),
        Err(what) => Err(vec![
            Problem::error(
                "formatter-bug",
                format!("the formatted file would {what}; it is left as it is"),
            )
            .at(Span::new(file, 0..0), "this file")
            .help("this is a bug in plancheck fmt: please report it with this file"),
        ]),
    }
}

fn unchanged_meaning(file: FileId, before: &RuleFile, formatted: &str) -> Result<(), &'static str> {
    let again = syntax::parse(file, formatted);
    if !again.errors.is_empty() {
        return Err("not parse");
    }
    if again.file.items != before.items {
        return Err("say something else");
    }
    let texts = |f: &RuleFile| {
        f.comments
            .iter()
            .map(|c| c.node.clone())
            .collect::<Vec<_>>()
    };
    if texts(&again.file) != texts(before) {
        return Err("lose or reorder comments");
    }
    if format_parsed(formatted, &again.file) != formatted {
        return Err("change again when formatted again");
    }
    Ok(())
}

/// What `--check` shows: a unified diff from the file as it is to the file formatted.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(path, &format!("{path} (formatted)"))
        .to_string()
}

/// Replaces `path`'s contents all at once: a crash leaves the old file or the new one,
/// never a half-written one. The new text goes to a temporary file beside it, which is
/// flushed to disk and then renamed over the original.
pub fn write_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.plancheck-fmt-{}", std::process::id()));
    let written = (|| {
        let mut out = std::fs::File::create_new(&temporary)?;
        out.write_all(contents.as_bytes())?;
        out.sync_all()?;
        if let Ok(metadata) = std::fs::metadata(path) {
            std::fs::set_permissions(&temporary, metadata.permissions())?;
        }
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        // Best effort: the original is untouched either way.
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests;
