//! Command-line arguments and the subcommands they run.

mod check;
mod lint;
mod progress;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Exit status for a crash: not 0, 1 or 2, so a gate never mistakes a bug for a verdict.
pub const INTERNAL_ERROR: u8 = 3;

#[derive(Parser)]
#[command(
    name = "plancheck",
    version,
    about = "Checks annual statistics against a development plan's targets"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a submission against a rule set.
    Check(check::Args),
    /// Check rule files alone, before any data: syntax, names, units, years.
    Lint(lint::Args),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

impl Color {
    /// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
    pub fn enabled(self, stream_is_terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

pub fn stdout_color(c: Color) -> bool {
    c.enabled(std::io::stdout().is_terminal())
}

pub fn stderr_color(c: Color) -> bool {
    c.enabled(std::io::stderr().is_terminal())
}

/// The three outcomes of a run (ruff's convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing at or above the failing level.
    Clean,
    /// At least one finding at or above the failing level.
    Findings,
    /// The rules or the data could not be read.
    Unreadable,
}

impl Status {
    pub fn code(self) -> ExitCode {
        ExitCode::from(match self {
            Status::Clean => 0,
            Status::Findings => 1,
            Status::Unreadable => 2,
        })
    }
}

pub fn run() -> Status {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Status::Unreadable
            } else {
                Status::Clean
            };
        }
    };
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Lint(args) => lint::run(args),
    }
}
