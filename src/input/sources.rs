//! What the command line names, expanded into the sources to read, in a fixed order:
//! arguments as given, each directory walked in file-name order.

use super::Source;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::Path;
use walkdir::WalkDir;

/// A problem with a named path that is not a read error of a file (a missing path, a symlink
/// loop, an unreadable directory): reported, and the rest goes on.
#[derive(Debug, Clone, PartialEq)]
pub struct PathProblem {
    pub path: String,
    pub message: String,
}

/// `--glob` patterns; a file found in a directory is kept when its name or its path matches
/// any of them. Files named on the command line are always kept.
pub fn glob_set(patterns: &[String]) -> Result<Option<GlobSet>, globset::Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for p in patterns {
        builder.add(Glob::new(p)?);
    }
    builder.build().map(Some)
}

fn wanted(path: &Path, globs: Option<&GlobSet>) -> bool {
    match globs {
        None => true,
        Some(set) => set.is_match(path) || path.file_name().is_some_and(|n| set.is_match(n)),
    }
}

/// Expand arguments into sources. No argument means stdin.
pub fn expand(args: &[String], globs: Option<&GlobSet>) -> (Vec<Source>, Vec<PathProblem>) {
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    if args.is_empty() {
        return (vec![Source::Stdin], problems);
    }
    for arg in args {
        if arg == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        let path = Path::new(arg);
        if !path.is_dir() {
            // a missing or unreadable file is reported when it is opened, with the others
            sources.push(Source::Path(path.to_path_buf()));
            continue;
        }
        // follow links into linked directories, but walkdir stops at a loop and says so
        let walk = WalkDir::new(path).follow_links(true).sort_by_file_name();
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_file() && wanted(e.path(), globs) => {
                    sources.push(Source::Path(e.into_path()));
                }
                Ok(_) => {}
                Err(err) => problems.push(PathProblem {
                    path: err
                        .path()
                        .map_or_else(|| arg.clone(), |p| p.display().to_string()),
                    message: if err.loop_ancestor().is_some() {
                        "symbolic link loop, not followed".to_string()
                    } else {
                        err.io_error()
                            .map_or_else(|| err.to_string(), |e| e.to_string())
                    },
                }),
            }
        }
    }
    (sources, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_walked_sorted_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        for name in ["b.log", "a.log.gz", "notes.txt", "sub/c.log"] {
            std::fs::write(d.join(name), b"x").unwrap();
        }
        let arg = d.display().to_string();
        let (all, problems) = expand(std::slice::from_ref(&arg), None);
        assert!(problems.is_empty());
        let names: Vec<String> = all
            .iter()
            .map(|s| s.name().trim_start_matches(&arg).to_string())
            .collect();
        assert_eq!(
            names,
            vec!["/a.log.gz", "/b.log", "/notes.txt", "/sub/c.log"]
        );
        let globs = glob_set(&["*.log".into(), "*.log.gz".into()]).unwrap();
        let (some, _) = expand(std::slice::from_ref(&arg), globs.as_ref());
        assert_eq!(some.len(), 3);
    }

    #[test]
    fn stdin_and_plain_paths_keep_their_place() {
        let (s, _) = expand(&["x.log".into(), "-".into()], None);
        assert_eq!(s, vec![Source::Path("x.log".into()), Source::Stdin]);
        assert_eq!(expand(&[], None).0, vec![Source::Stdin]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_reported_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.log"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let (sources, problems) = expand(&[dir.path().display().to_string()], None);
        assert_eq!(sources.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("loop"));
    }
}
