use super::{Color, Status, eprint_problems};
use plancheck::diagnostic::Problem;
use plancheck::session::Session;
use plancheck::{analyze, fmt, init};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The directory to create the rule set in, e.g. `rules/mabian`.
    out_dir: PathBuf,
    /// The plan's indicator table: a CSV with the columns `id,name,unit` (and optionally `base`).
    #[arg(long)]
    indicators: PathBuf,
    /// The entity the plan governs, e.g. `马边彝族自治县`.
    #[arg(long)]
    entity: String,
    /// The plan period, e.g. `2021..2025`.
    #[arg(long, value_parser = parse_period)]
    period: (i32, i32),
    /// The base year of the plan, e.g. `2020`.
    #[arg(long)]
    base: i32,
    /// The plan's name (default: the entity's name and the period).
    #[arg(long)]
    plan: Option<String>,
    /// The title of the document the plan is quoted from.
    #[arg(long)]
    source: Option<String>,
    /// An entity whose values rules may read (a city, the province); may be repeated.
    #[arg(long)]
    reference: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    color: Color,
}

fn parse_period(text: &str) -> Result<(i32, i32), String> {
    let (from, to) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}` is not a period such as `2021..2025`"))?;
    let year = |y: &str| {
        y.trim()
            .parse::<i32>()
            .map_err(|_| format!("`{y}` is not a year"))
    };
    Ok((year(from)?, year(to)?))
}

pub fn run(args: Args) -> Status {
    let mut session = Session::new();
    let status = scaffold(&args, &mut session);
    eprint_problems(&session, args.color);
    if status == Status::Unreadable {
        eprintln!("nothing was written");
    }
    status
}

fn scaffold(args: &Args, session: &mut Session) -> Status {
    let shown = args.indicators.display().to_string();
    let bytes = match std::fs::read(&args.indicators) {
        Ok(bytes) => bytes,
        Err(e) => {
            session.problems.push(Problem::error(
                "unreadable-file",
                format!("cannot read the indicator table `{shown}`: {e}"),
            ));
            return Status::Unreadable;
        }
    };
    let rows = match init::read_indicators(&shown, &bytes, &mut session.sources) {
        Ok(rows) => rows,
        Err(problems) => {
            session.problems.extend(problems);
            return Status::Unreadable;
        }
    };
    let plan = plancheck::check::model::Plan {
        name: args.plan.clone().unwrap_or_else(|| {
            format!(
                "{}规划（{}—{}年）",
                args.entity, args.period.0, args.period.1
            )
        }),
        entity: args.entity.clone(),
        period: args.period,
        base_year: args.base,
        source: args.source.clone(),
        references: args.reference.clone(),
    };
    let table = args
        .indicators
        .file_name()
        .map_or(shown.clone(), |n| n.to_string_lossy().into_owned());
    let mut files = Vec::new();
    for (path, text) in init::scaffold(&plan, &table, &rows) {
        let shown_path = args.out_dir.join(path).display().to_string();
        let text = if path.ends_with(".pcl") {
            let id = session.sources.add(shown_path.clone(), text.clone());
            match fmt::format_text(id, &text) {
                Ok(formatted) => formatted,
                Err(problems) => {
                    session.problems.extend(problems);
                    return Status::Unreadable;
                }
            }
        } else {
            text
        };
        files.push((args.out_dir.join(path), shown_path, text));
    }
    // The skeleton must pass `lint` as written, or it is not written at all.
    let rule_texts: Vec<(String, String)> = files
        .iter()
        .filter(|(_, shown, _)| shown.ends_with(".pcl"))
        .map(|(_, shown, text)| (shown.clone(), text.clone()))
        .collect();
    let Some(rules) = session.check_rule_texts(rule_texts) else {
        return Status::Unreadable;
    };
    let findings = analyze::analyze(&rules, &session.sources);
    if !findings.is_empty() {
        session.problems.extend(findings);
        return Status::Unreadable;
    }
    for (path, shown, _) in &files {
        if path.exists() {
            session.problems.push(
                Problem::error("file-exists", format!("`{shown}` already exists")).help(
                    "init never overwrites: choose a new directory, or move the old files away",
                ),
            );
        }
    }
    if session.has_errors() {
        return Status::Unreadable;
    }
    for (path, shown, text) in &files {
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(path, text));
        if let Err(e) = written {
            session.problems.push(Problem::error(
                "unwritable-file",
                format!("cannot write `{shown}`: {e}"),
            ));
            return Status::Unreadable;
        }
        eprintln!("created {shown}");
    }
    let dir = args.out_dir.display();
    eprintln!(
        "a rule set for {} with {} indicators; write its targets in {dir}/{}, then run:\n  plancheck fmt {dir}\n  plancheck lint {dir}\n  plancheck test {dir}",
        plan.entity,
        rows.len(),
        init::TARGETS_FILE
    );
    Status::Clean
}
