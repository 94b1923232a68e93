use super::{Color, Status, stderr_color};
use plancheck::report::supervisor::{self, Lang};
use plancheck::report::{html, human, supervisor_md};
use plancheck::session::{Entities, Session};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Html,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Language {
    #[default]
    Zh,
    En,
}

#[derive(clap::Args)]
pub struct Args {
    /// A rule file or a directory of `.pcl` files; may be repeated.
    #[arg(long, required = true)]
    rules: Vec<PathBuf>,
    /// Data files: long CSV (entity,year,indicator,value,unit) or record tables.
    #[arg(required = true)]
    data: Vec<PathBuf>,
    /// Where to write the report (default: standard output). Written whole or not at all.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// html or markdown; by default taken from the output's extension (`.md` is Markdown), else html.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// The language of the report; the plan's quotes stay in Chinese.
    #[arg(long, value_enum, default_value_t)]
    lang: Language,
    /// The entity to report on (default: the plan's own).
    #[arg(long)]
    entity: Option<String>,
    /// A date to print on the report, as given (none by default, so that reports are reproducible).
    #[arg(long)]
    date: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    color: Color,
}

impl Args {
    fn format(&self) -> Format {
        if let Some(f) = self.format {
            return f;
        }
        let markdown = self
            .output
            .as_deref()
            .and_then(Path::extension)
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown"));
        if markdown {
            Format::Markdown
        } else {
            Format::Html
        }
    }
}

pub fn run(args: Args) -> Status {
    let color = stderr_color(args.color);
    let mut session = Session::new();
    let Some(rules) = session.load_rules(&args.rules) else {
        eprint!(
            "{}",
            human::render_problems(&session.problems, &session.sources, color)
        );
        eprintln!("the rules could not be read; no report was written");
        return Status::Unreadable;
    };
    let data = session.load_data(&args.data, &rules);
    let which = match args.entity.as_deref() {
        None => Entities::Default,
        Some("all") => {
            eprintln!(
                "error: a report covers one entity; name it with `--entity NAME` and run once per entity"
            );
            return Status::Unreadable;
        }
        Some(name) => Entities::Named(name.to_string()),
    };
    let entities = session.entities(&which, &rules, &data);
    // Problems go to stderr as `check` shows them; the report lists them again for its readers.
    eprint!(
        "{}",
        human::render_problems(&session.problems, &session.sources, color)
    );
    if session.has_errors() {
        eprintln!("the data could not be read as submitted; no report was written");
        return Status::Unreadable;
    }
    let findings = session.evaluate(&rules, &data, &entities);
    let entity = entities.first().cloned().unwrap_or_default();
    let files: Vec<String> = args.data.iter().map(|p| p.display().to_string()).collect();
    let report = supervisor::build(&supervisor::Input {
        rules: &rules,
        data: &data,
        sources: &session.sources,
        problems: &session.problems,
        findings: &findings,
        entity: &entity,
        files: &files,
        date: args.date.as_deref(),
    });
    let lang = match args.lang {
        Language::Zh => Lang::Zh,
        Language::En => Lang::En,
    };
    let text = match args.format() {
        Format::Html => html::render(&report, lang),
        Format::Markdown => supervisor_md::render(&report, lang),
    };
    let written = match &args.output {
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write the report to standard output: {e}")),
        Some(path) => write_atomically(path, text.as_bytes())
            .map_err(|e| format!("cannot write the report to `{}`: {e}", path.display())),
    };
    match written {
        Ok(()) => {
            if let Some(path) = &args.output {
                eprintln!("wrote {}", path.display());
            }
            Status::Clean
        }
        Err(message) => {
            eprintln!("error: {message}");
            Status::Unreadable
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it into place, so that a
/// reader (or a mail client picking up the file) never sees half a report.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".to_string());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
