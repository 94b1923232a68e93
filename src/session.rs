//! The library's front door: load rules, load data, evaluate, in that order,
//! collecting every problem on the way. The CLI is a thin layer over this.

use crate::check::{self, RuleSet};
use crate::data::{self, Submission};
use crate::diagnostic::{Problem, did_you_mean};
use crate::eval::{self, Finding, Verdict};
use crate::source::Sources;
use crate::syntax;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The file extension of rule files.
pub const RULE_EXTENSION: &str = "pcl";

#[derive(Default)]
pub struct Session {
    pub sources: Sources,
    pub problems: Vec<Problem>,
}

/// A stage of a run that may take a while.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading data files; progress in bytes.
    Reading,
    /// Deciding the rules; progress in entities.
    Evaluating,
}

/// Told how a long run is going; the CLI shows it as a progress bar.
pub trait Progress: Sync {
    fn start(&self, phase: Phase, total: u64);
    fn advance(&self, done: u64);
    fn finish(&self);
}

/// Progress that is not shown.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: Phase, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Which entities to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entities {
    /// The one the rule set's plan governs.
    Default,
    Named(String),
    /// Every entity of the long (indicator) data except the plan's reference entities;
    /// with no long data, every entity of the record tables.
    All,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// Parses and checks the rule files at `paths` (files, or directories of `.pcl` files) as one rule set.
    pub fn load_rules(&mut self, paths: &[PathBuf]) -> Option<RuleSet> {
        let mut files = Vec::new();
        for path in paths {
            for file in self.rule_files(path) {
                if let Some(text) = self.read_utf8(&file, "rule file") {
                    files.push((file.display().to_string(), text));
                }
            }
        }
        if files.is_empty() {
            // Nothing was read: the reason is already reported, and a "no plan" on top would mislead.
            return None;
        }
        self.check_rule_texts(files)
    }

    /// The text of a file that must be UTF-8 (`what` names it in messages); a problem if it is not.
    pub fn read_utf8(&mut self, path: &Path, what: &str) -> Option<String> {
        match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(text)) => Some(text),
            Ok(Err(e)) => {
                self.problems.push(Problem::error(
                    "bad-encoding",
                    format!(
                        "{what} `{}` is not UTF-8 (first bad byte at offset {})",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    ),
                ));
                None
            }
            Err(e) => {
                self.problems.push(Problem::error(
                    "unreadable-file",
                    format!("cannot read {what} `{}`: {e}", path.display()),
                ));
                None
            }
        }
    }

    /// Parses and checks rule files given as (name, text).
    pub fn check_rule_texts(&mut self, files: Vec<(String, String)>) -> Option<RuleSet> {
        let mut parsed = Vec::new();
        for (name, text) in files {
            let id = self.sources.add(name, text);
            let result = syntax::parse(id, self.sources.text(id));
            self.problems.extend(result.errors);
            parsed.push((id, result.file));
        }
        // The items that did parse are still checked, so that one run shows every mistake.
        let (rules, problems) = check::check(&parsed);
        self.problems.extend(problems);
        if self.has_errors() { None } else { rules }
    }

    /// Every file ending in `.EXTENSION` under `dir`, at any depth, sorted; a directory
    /// that cannot be read is a problem, one that does not exist is simply empty.
    pub fn files_under(&mut self, dir: &Path, extension: &str) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    self.problems.push(Problem::error(
                        "unreadable-file",
                        format!("cannot read directory `{}`: {e}", dir.display()),
                    ));
                    continue;
                }
            };
            for entry in entries.flatten() {
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|e| e == extension) {
                    found.push(p);
                }
            }
        }
        found.sort();
        found
    }

    /// The `.pcl` files at `path`: the file itself, or every one under a directory, sorted.
    pub fn rule_files(&mut self, path: &Path) -> Vec<PathBuf> {
        if !path.is_dir() {
            if !path.exists() {
                self.problems.push(Problem::error(
                    "unreadable-file",
                    format!("no rule file or directory at `{}`", path.display()),
                ));
                return Vec::new();
            }
            return vec![path.to_path_buf()];
        }
        let found = self.files_under(path, RULE_EXTENSION);
        if found.is_empty() {
            self.problems.push(
                Problem::error(
                    "no-rules",
                    format!("no `.{RULE_EXTENSION}` rule files in `{}`", path.display()),
                )
                .help(
                    "point `--rules` at a rule file or a directory of them, e.g. `rules/jianwei`",
                ),
            );
        }
        found
    }

    /// Reads every data file; problems are kept, unreadable cells are left out.
    pub fn load_data(&mut self, paths: &[PathBuf], rules: &RuleSet) -> Submission {
        self.load_data_with(paths, rules, &data::ReadOptions::default(), &Silent)
    }

    /// `load_data`, reporting progress. Files are read in parallel and merged in the
    /// order given, so the result is the same as reading them one after the other.
    pub fn load_data_with(
        &mut self,
        paths: &[PathBuf],
        rules: &RuleSet,
        options: &data::ReadOptions,
        progress: &dyn Progress,
    ) -> Submission {
        let schema = rules.schema();
        let prepared: Vec<data::Prepared> = paths
            .iter()
            .map(|path| data::prepare(path, options, &mut self.sources))
            .collect();
        let total = prepared.iter().map(|p| p.size(&self.sources)).sum();
        progress.start(Phase::Reading, total);
        let sources = &self.sources;
        let advance = |n: u64| progress.advance(n);
        let read: Vec<_> = prepared
            .par_iter()
            .map(|p| data::read_prepared(p, &schema, sources, options, &advance))
            .collect();
        let mut submission = Submission::default();
        for (partial, problems) in read {
            let problems = data::absorb(&mut submission, partial, &schema, problems);
            self.problems.extend(problems);
        }
        progress.finish();
        submission
    }

    /// The entities to check, warning about a named one the data never mentions.
    pub fn entities(
        &mut self,
        which: &Entities,
        rules: &RuleSet,
        data: &Submission,
    ) -> Vec<String> {
        let present = data.entities();
        match which {
            Entities::Default => vec![rules.plan.entity.clone()],
            Entities::Named(name) => {
                if !present.contains(name) {
                    let mut problem = Problem::warning(
                        "unknown-entity",
                        format!("entity `{name}` does not appear in the data"),
                    );
                    if let Some(close) = did_you_mean(name, present.iter().map(String::as_str)) {
                        problem = problem.help(format!("did you mean `{close}`?"));
                    }
                    self.problems.push(problem);
                }
                vec![name.clone()]
            }
            Entities::All => data
                .universe()
                .into_iter()
                .filter(|e| !rules.plan.references.contains(e))
                .collect(),
        }
    }

    pub fn evaluate(
        &self,
        rules: &RuleSet,
        data: &Submission,
        entities: &[String],
    ) -> Vec<Finding> {
        eval::evaluate(rules, data, &self.sources, entities)
    }

    /// `evaluate`, reporting progress per entity.
    pub fn evaluate_with(
        &self,
        rules: &RuleSet,
        data: &Submission,
        entities: &[String],
        progress: &dyn Progress,
    ) -> Vec<Finding> {
        progress.start(Phase::Evaluating, entities.len() as u64);
        let advance = |n: u64| progress.advance(n);
        let findings = eval::evaluate_with(rules, data, &self.sources, entities, &advance);
        progress.finish();
        findings
    }

    /// The outcomes only (see `eval::verdicts`), reporting progress per entity.
    pub fn verdicts(
        &self,
        rules: &RuleSet,
        data: &Submission,
        entities: &[String],
        progress: &dyn Progress,
    ) -> Vec<Verdict> {
        progress.start(Phase::Evaluating, entities.len() as u64);
        let advance = |n: u64| progress.advance(n);
        let verdicts = eval::verdicts(rules, data, &self.sources, entities, &advance);
        progress.finish();
        verdicts
    }
}
