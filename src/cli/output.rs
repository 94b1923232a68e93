//! Report files written beside standard output (`--output-sarif FILE` and the like).
//!
//! A CI job uploads whatever file it finds, so a report file is either complete or not
//! there: each is written to a temporary file in its own directory (a rename across file
//! systems would not be atomic), and only when every one of them is written are they renamed
//! into place. An output path that names an input is refused before anything is read.

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where a path points: the file itself when it exists (through symbolic links), otherwise
/// the file of that name in its directory, so that two spellings of one path compare equal.
pub fn resolve(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (parent.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// Refuses output paths that would replace an input or that two outputs share.
/// `outputs` pairs each path with the flag that named it, for the message.
pub fn check_paths(
    outputs: &[(&str, &Path)],
    rules: &[PathBuf],
    data: &[PathBuf],
) -> Result<(), String> {
    let resolved: Vec<PathBuf> = outputs.iter().map(|(_, p)| resolve(p)).collect();
    for (i, ((flag, path), real)) in outputs.iter().zip(&resolved).enumerate() {
        if let Some(input) = data.iter().find(|d| resolve(d) == *real) {
            return Err(format!(
                "`{flag} {}` would overwrite the data file `{}`; refusing to write over an input",
                path.display(),
                input.display()
            ));
        }
        for r in rules {
            let rule_file = if r.is_dir() {
                // Every `.pcl` file under a rule directory is read as part of the rule set.
                real.starts_with(resolve(r))
                    && real
                        .extension()
                        .is_some_and(|e| e == plancheck::session::RULE_EXTENSION)
            } else {
                resolve(r) == *real
            };
            if rule_file {
                return Err(format!(
                    "`{flag} {}` would overwrite a rule file under `{}`; refusing to write over an input",
                    path.display(),
                    r.display()
                ));
            }
        }
        let earlier = outputs.iter().zip(&resolved).take(i);
        if let Some(((other, _), _)) = earlier.clone().find(|(_, r)| *r == real) {
            return Err(format!(
                "`{other}` and `{flag}` both name `{}`; give each report a file of its own",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Writes every (path, contents) or none: temporary files first, then renames.
pub fn write_all(files: &[(&Path, String)]) -> Result<(), String> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (path, contents) in files {
        let target = resolve(path);
        match stage(&target, contents) {
            Ok(temporary) => staged.push((temporary, target)),
            Err(e) => {
                discard(&staged);
                return Err(format!(
                    "cannot write `{}`: {e}; no report file was written",
                    path.display()
                ));
            }
        }
    }
    for (i, (temporary, target)) in staged.iter().enumerate() {
        if let Err(e) = fs::rename(temporary, target) {
            discard(staged.get(i..).unwrap_or_default());
            return Err(format!(
                "cannot move the report into `{}`: {e}; {i} report file(s) before it were written",
                target.display()
            ));
        }
    }
    Ok(())
}

fn discard(staged: &[(PathBuf, PathBuf)]) {
    for (temporary, _) in staged {
        // Best effort: the file is hidden and named as ours, and there is a better error to report.
        let _ = fs::remove_file(temporary);
    }
}

/// Writes `contents` to a new hidden file beside `target` and returns its path.
fn stage(target: &Path, contents: &str) -> io::Result<PathBuf> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let pid = std::process::id();
    let mut attempt = 0u32;
    let (temporary, mut file) = loop {
        let mut hidden = OsString::from(".");
        hidden.push(name);
        hidden.push(format!(".{pid}.{attempt}.tmp"));
        let candidate = dir.join(hidden);
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => break (candidate, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(contents.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(&temporary);
        return Err(e);
    }
    Ok(temporary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_file_or_none() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let good = dir.path().join("a.sarif");
        let bad = dir.path().join("missing-dir").join("b.xml");
        let result = write_all(&[
            (good.as_path(), "first".to_string()),
            (bad.as_path(), "second".to_string()),
        ]);
        assert!(result.is_err());
        let left: Vec<_> = fs::read_dir(dir.path())
            .expect("readable")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}");

        fs::write(&good, "old").expect("writable");
        write_all(&[(good.as_path(), "new".to_string())]).expect("written");
        assert_eq!(fs::read_to_string(&good).expect("readable"), "new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("readable")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("a.sarif")]);
    }

    #[test]
    fn refuses_inputs_and_shared_outputs() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let data = dir.path().join("data.csv");
        let rules = dir.path().join("rules");
        fs::write(&data, "x").expect("writable");
        fs::create_dir(&rules).expect("a directory");
        let spelled = dir.path().join(".").join("data.csv");
        let err = check_paths(
            &[("--output-json", &spelled)],
            &[],
            std::slice::from_ref(&data),
        );
        assert!(err.is_err_and(|e| e.contains("data file")));
        let in_rules = rules.join("new.pcl");
        let err = check_paths(
            &[("--output-sarif", &in_rules)],
            std::slice::from_ref(&rules),
            &[],
        );
        assert!(err.is_err_and(|e| e.contains("rule file")));
        let beside_rules = rules.join("report.sarif");
        assert!(check_paths(&[("--output-sarif", &beside_rules)], &[rules], &[]).is_ok());
        let out = dir.path().join("out.xml");
        let err = check_paths(
            &[("--output-junit", &out), ("--output-markdown", &out)],
            &[],
            &[data],
        );
        assert!(err.is_err_and(|e| e.contains("both name")));
    }
}
