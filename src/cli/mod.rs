//! Command-line arguments and the subcommands they run.

mod check;
mod explain;
mod fmt;
mod init;
mod lint;
mod output;
mod progress;
mod report;
mod test;

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
    /// Check rule files alone, before any data: syntax, names, units, years, and rules against each other.
    Lint(lint::Args),
    /// Crashes on purpose, so that tests can see how a crash is reported.
    #[command(hide = true, name = "__crash")]
    Crash,
    /// Write the supervisor's report: one self-contained HTML page (or Markdown).
    Report(report::Args),
    /// Lay rule files out in the one canonical way, keeping every comment.
    Fmt(fmt::Args),
    /// Say what rules check, in plain Chinese or English: citation, weight, the bound itself.
    Explain(explain::Args),
    /// Run a rule set's own tests: `RULES/tests/*.pct`, small data and the outcome each rule must give.
    Test(test::Args),
    /// Start a rule set for a new plan from its indicator table (CSV: id,name,unit[,base]).
    Init(init::Args),
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

/// The problems a run met, on standard error.
pub fn eprint_problems(session: &plancheck::session::Session, color: Color) {
    eprint!(
        "{}",
        plancheck::report::human::render_problems(
            &session.problems,
            &session.sources,
            stderr_color(color)
        )
    );
}

/// The three outcomes of a run (ruff's convention).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing at or above the failing level.
    Clean,
    /// At least one finding at or above the failing level.
    Findings,
    /// The rules or the data could not be read, or a report file could not be written.
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
        #[expect(
            clippy::panic,
            reason = "the one deliberate panic, to test the crash path"
        )]
        Command::Crash => panic!("deliberate crash requested by `plancheck __crash`"),
        Command::Report(args) => report::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Test(args) => test::run(args),
        Command::Init(args) => init::run(args),
    }
}
