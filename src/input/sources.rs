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

/// Which files a directory walk reads.
#[derive(Debug, Default)]
pub enum WalkFilter {
    /// Log-like names (`is_log_like`), not hidden.
    #[default]
    LogNames,
    /// Names or paths matching `--glob`.
    Globs(GlobSet),
    /// `--all-files`: everything.
    All,
}

/// The suffixes of the compressors `Compression` reads.
const COMPRESSED_SUFFIXES: [&str; 4] = [".gz", ".xz", ".zst", ".bz2"];

/// Does a file name look like a log: `*.log`, `*.txt`, `stdio`, or a name without an
/// extension, each optionally compressed (`build.log.gz`, `stdio.zst`)?
pub fn is_log_like(name: &str) -> bool {
    let name = COMPRESSED_SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name);
    if name.is_empty() || name.starts_with('.') {
        return false;
    }
    name.ends_with(".log") || name.ends_with(".txt") || name == "stdio" || !name.contains('.')
}

impl WalkFilter {
    fn wants(&self, path: &Path) -> bool {
        let name = path.file_name().map(|n| n.to_string_lossy());
        match self {
            WalkFilter::All => true,
            WalkFilter::Globs(set) => set.is_match(path) || name.is_some_and(|n| set.is_match(&*n)),
            WalkFilter::LogNames => name.is_some_and(|n| is_log_like(&n)),
        }
    }

    /// Directories the walk goes into: not hidden ones (`.git`), unless everything is read.
    fn enters(&self, path: &Path, depth: usize) -> bool {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        depth == 0 || matches!(self, WalkFilter::All) || !hidden
    }
}

/// What the arguments name: the sources to read, problems with paths, and notices (a file
/// reached twice is read once).
#[derive(Debug, Default)]
pub struct Expansion {
    pub sources: Vec<Source>,
    pub problems: Vec<PathProblem>,
    pub notices: Vec<String>,
}

/// The identity of a file, so that two paths to it are read once.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<std::path::PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// Expand arguments into sources, in order: arguments as given, directories walked in
/// file-name order. No argument means stdin. A file reached again (twice on the command line,
/// or through a link to a directory already walked) is read once and said so.
pub fn expand(args: &[String], filter: &WalkFilter) -> Expansion {
    let mut out = Expansion::default();
    if args.is_empty() {
        out.sources.push(Source::Stdin);
        return out;
    }
    let mut seen: std::collections::HashMap<_, std::path::PathBuf> = Default::default();
    let mut add = |path: std::path::PathBuf, out: &mut Expansion| {
        if let Some(id) = identity(&path) {
            if let Some(first) = seen.get(&id) {
                out.notices.push(format!(
                    "{}: the same file as {}, read once",
                    path.display(),
                    first.display()
                ));
                return;
            }
            seen.insert(id, path.clone());
        }
        out.sources.push(Source::Path(path));
    };
    for arg in args {
        if arg == "-" {
            out.sources.push(Source::Stdin);
            continue;
        }
        let path = Path::new(arg);
        if !path.is_dir() {
            // a missing or unreadable file is reported when it is opened, with the others
            add(path.to_path_buf(), &mut out);
            continue;
        }
        // follow links into linked directories, but walkdir stops at a loop and says so
        let walk = WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !e.file_type().is_dir() || filter.enters(e.path(), e.depth()));
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_file() && filter.wants(e.path()) => {
                    add(e.into_path(), &mut out);
                }
                Ok(_) => {}
                Err(err) => out.problems.push(PathProblem {
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(e: &Expansion, root: &str) -> Vec<String> {
        e.sources
            .iter()
            .map(|s| s.name().trim_start_matches(root).to_string())
            .collect()
    }

    #[test]
    fn directories_are_walked_sorted_reading_log_like_names() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::create_dir(d.join(".git")).unwrap();
        for name in [
            "b.log",
            "a.log.gz",
            "notes.txt",
            "sub/c.log",
            "stdio",
            "stdio.zst",
            "build123",
            "x.log.xz",
            "truth.json",
            "x.expect.json",
            "Cargo.toml",
            ".hidden",
            ".git/HEAD",
            "y.txt.bz2",
        ] {
            std::fs::write(d.join(name), b"x").unwrap();
        }
        let arg = d.display().to_string();
        let all = expand(std::slice::from_ref(&arg), &WalkFilter::LogNames);
        assert!(all.problems.is_empty() && all.notices.is_empty());
        assert_eq!(
            names(&all, &arg),
            vec![
                "/a.log.gz",
                "/b.log",
                "/build123",
                "/notes.txt",
                "/stdio",
                "/stdio.zst",
                "/sub/c.log",
                "/x.log.xz",
                "/y.txt.bz2"
            ]
        );
        let globs = glob_set(&["*.log".into(), "*.log.gz".into()])
            .unwrap()
            .unwrap();
        let some = expand(std::slice::from_ref(&arg), &WalkFilter::Globs(globs));
        assert_eq!(some.sources.len(), 3);
        let every = expand(std::slice::from_ref(&arg), &WalkFilter::All);
        assert_eq!(every.sources.len(), 14);
    }

    #[test]
    fn log_like_names() {
        for yes in [
            "a.log",
            "a.txt",
            "stdio",
            "x",
            "a.log.gz",
            "b.txt.zst",
            "stdio.bz2",
            "c.xz",
        ] {
            assert!(is_log_like(yes), "{yes}");
        }
        for no in [
            "truth.json",
            "a.expect.json",
            "Cargo.toml",
            ".hidden",
            "a.gz.log.csv",
            ".gz",
        ] {
            assert!(!is_log_like(no), "{no}");
        }
    }

    #[test]
    fn stdin_and_plain_paths_keep_their_place() {
        let e = expand(&["x.log".into(), "-".into()], &WalkFilter::LogNames);
        assert_eq!(e.sources, vec![Source::Path("x.log".into()), Source::Stdin]);
        assert_eq!(
            expand(&[], &WalkFilter::LogNames).sources,
            vec![Source::Stdin]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_is_reported_not_followed_forever() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.log"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let e = expand(&[dir.path().display().to_string()], &WalkFilter::LogNames);
        assert_eq!(e.sources.len(), 1);
        assert_eq!(e.problems.len(), 1);
        assert!(e.problems[0].message.contains("loop"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_twice_is_read_once_and_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("build123")).unwrap();
        std::fs::write(d.join("build123/test.log"), b"x").unwrap();
        std::os::unix::fs::symlink(d.join("build123"), d.join("latest")).unwrap();
        let arg = d.display().to_string();
        let e = expand(std::slice::from_ref(&arg), &WalkFilter::LogNames);
        assert_eq!(names(&e, &arg), vec!["/build123/test.log"]);
        assert_eq!(e.notices.len(), 1, "{:?}", e.notices);
        assert!(e.notices[0].contains("latest/test.log") && e.notices[0].contains("read once"));
        // and twice on the command line
        let file = d.join("build123/test.log").display().to_string();
        let e = expand(&[file.clone(), file], &WalkFilter::LogNames);
        assert_eq!(e.sources.len(), 1);
        assert_eq!(e.notices.len(), 1);
    }
}
