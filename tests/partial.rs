//! Partial results (issue #15): `stats --partial` over any split of an archive, merged in any
//! tree of `merge --partial`, ends as exactly the bytes one `stats` over the archive gives;
//! partials that do not go together are a clear error, and a damaged one loses nothing else.

#[path = "../examples/gen_corpus.rs"]
#[allow(clippy::duplicate_mod)]
mod gen_corpus;

mod common;

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A generated archive with the fixtures beside it (logs of every era, a file with no run,
/// runs cut short): its directory and its logs.
fn archive() -> &'static (PathBuf, Vec<PathBuf>) {
    static ARCHIVE: OnceLock<(PathBuf, Vec<PathBuf>)> = OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        gen_corpus::generate(&dir.join("generated"), 2 << 20, 15, true, false).unwrap();
        let fixtures = dir.join("fixtures");
        std::fs::create_dir_all(&fixtures).unwrap();
        for f in common::fixture_logs() {
            std::fs::copy(&f, fixtures.join(f.file_name().unwrap())).unwrap();
        }
        // copies of logs: the same runs, dates and lines in other files, so only the order of
        // the inputs tells their first and last occurrences apart
        let again = dir.join("again");
        std::fs::create_dir_all(&again).unwrap();
        for (i, f) in common::logs_under(&dir.join("generated"))
            .iter()
            .take(6)
            .enumerate()
        {
            std::fs::copy(f, again.join(format!("{i}.log"))).unwrap();
        }
        let logs = common::logs_under(&dir);
        (dir, logs)
    })
}

fn run(args: &[&str], paths: &[&Path]) -> (i32, Vec<u8>, String) {
    let out = common::flakelog()
        .args(args)
        .arg("-q")
        .args(paths)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn partial(out: &Path, extra: &[&str], logs: &[&Path]) {
    let mut args = vec!["stats", "--partial", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args, logs);
    assert!(code <= 1, "{err}");
}

fn merge_into(out: &Path, parts: &[&Path]) {
    let (code, _, err) = run(&["merge", "--partial", "-o", out.to_str().unwrap()], parts);
    assert!(code <= 1, "{err}");
}

/// Split `logs` into shards by `shard_of`, make a partial of each, merge them in the tree
/// `picks` describes, and give the last merge's output with `merge_args`.
fn split_and_merge(
    dir: &Path,
    shard_of: &[usize],
    picks: &[usize],
    make_args: &[&str],
    merge_args: &[&str],
) -> Vec<u8> {
    let (_, logs) = archive();
    let shards = shard_of.iter().max().map_or(0, |m| m + 1);
    let mut parts: Vec<PathBuf> = Vec::new();
    for s in 0..shards {
        let mine: Vec<&Path> = logs
            .iter()
            .zip(shard_of)
            .filter(|(_, k)| **k == s)
            .map(|(l, _)| l.as_path())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let out = dir.join(format!("shard{s}.flk"));
        partial(&out, make_args, &mine);
        parts.push(out);
    }
    // merge two or three at a time, at places the picks say, until one is left
    let mut n = 0;
    let mut picks = picks.iter().cycle();
    while parts.len() > 1 {
        let take = (2 + picks.next().unwrap() % 2).min(parts.len());
        let at = picks.next().unwrap() % (parts.len() - take + 1);
        let group: Vec<PathBuf> = parts.drain(at..at + take).collect();
        let out = dir.join(format!("merged{n}.flk"));
        n += 1;
        let refs: Vec<&Path> = group.iter().map(PathBuf::as_path).collect();
        merge_into(&out, &refs);
        let back = picks.next().unwrap() % (parts.len() + 1);
        parts.insert(back, out);
    }
    let mut args = vec!["merge"];
    args.extend_from_slice(merge_args);
    let (code, stdout, err) = run(&args, &[parts[0].as_path()]);
    assert!(code <= 1, "{err}");
    stdout
}

/// The first line where two outputs differ, if they do.
fn first_difference(a: &[u8], b: &[u8]) -> Option<String> {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => return None,
            (x, y) if x == y => continue,
            (x, y) => return Some(format!("line {n}:\n  merged: {x:?}\n  single: {y:?}")),
        }
    }
    None
}

fn single_pass(args: &[&str]) -> Vec<u8> {
    let (dir, _) = archive();
    let mut all = vec!["stats"];
    all.extend_from_slice(args);
    // the generated logs first and the copies last: one pass reads in this order, merged
    // partials know the inputs by name only
    let (generated, fixtures, again) = (
        dir.join("generated"),
        dir.join("fixtures"),
        dir.join("again"),
    );
    let (code, stdout, err) = run(
        &all,
        &[generated.as_path(), fixtures.as_path(), again.as_path()],
    );
    assert!(code <= 1, "{err}");
    stdout
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn any_split_merged_in_any_tree_is_the_single_pass(
        shard_of in prop::collection::vec(0usize..5, 200),
        picks in prop::collection::vec(0usize..100, 1..20),
        grouped in any::<bool>(),
    ) {
        let (_, logs) = archive();
        let shard_of = &shard_of[..logs.len().min(200)];
        prop_assume!(shard_of.len() == logs.len());
        let dir = tempfile::tempdir().unwrap();
        let (make, out): (&[&str], &[&str]) = if grouped {
            (&["--group-by", "builder", "--group-by", "month"], &["--format", "jsonl"])
        } else {
            (&[], &["--format", "csv"])
        };
        let merged = split_and_merge(dir.path(), shard_of, &picks, make, out);
        let mut single_args = make.to_vec();
        single_args.extend_from_slice(out);
        let single = single_pass(&single_args);
        prop_assert!(single.len() > 1000);
        let difference = first_difference(&merged, &single);
        prop_assert!(difference.is_none(), "{}", difference.unwrap_or_default());
    }
}

#[test]
fn filters_apply_at_merge_time_and_a_partial_is_the_same_at_any_thread_count() {
    let (_, logs) = archive();
    let dir = tempfile::tempdir().unwrap();
    let shard_of: Vec<usize> = (0..logs.len()).map(|i| i % 3).collect();
    for filter in [
        &["--kind", "leaks", "--format", "csv"][..],
        &[
            "--test",
            "^test_(os|asyncio)",
            "--min-runs",
            "2",
            "--format",
            "json",
        ][..],
    ] {
        let merged = split_and_merge(dir.path(), &shard_of, &[1, 2, 3], &[], filter);
        let difference = first_difference(&merged, &single_pass(filter));
        assert!(
            difference.is_none(),
            "{filter:?}: {}",
            difference.unwrap_or_default()
        );
    }
    let refs: Vec<&Path> = logs.iter().map(PathBuf::as_path).collect();
    let (one, two) = (dir.path().join("j1.flk"), dir.path().join("j2.flk"));
    partial(&one, &["-j1"], &refs);
    partial(&two, &["-j2"], &refs);
    assert_eq!(std::fs::read(one).unwrap(), std::fs::read(two).unwrap());
}

#[test]
fn partials_that_do_not_go_together_are_an_error_that_names_them() {
    let (_, logs) = archive();
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.flk"),
        dir.path().join("b.flk"),
        dir.path().join("c.flk"),
    );
    partial(&a, &[], &[&logs[0]]);
    partial(&b, &["--group-by", "builder"], &[&logs[1]]);
    partial(&c, &[], &[&logs[0], &logs[2]]);
    let (code, out, err) = run(&["merge"], &[&a, &b]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("b.flk was made with --group-by builder")
            && err.contains("a.flk with no options"),
        "{err}"
    );
    // an input in two partials would count twice
    let (code, _, err) = run(&["merge"], &[&a, &c]);
    assert_eq!(code, 2);
    assert!(
        err.contains("is in both") && err.contains(logs[0].to_str().unwrap()),
        "{err}"
    );
    // a run filter can only be applied when the partial is made
    let (code, _, err) = run(&["merge", "--builder", "bolen"], &[&a]);
    assert_eq!(code, 2);
    assert!(err.contains("apply when a partial is made"), "{err}");
}

#[test]
fn a_damaged_partial_is_said_and_the_others_still_count() {
    let (_, logs) = archive();
    let dir = tempfile::tempdir().unwrap();
    let (good, bad, text) = (
        dir.path().join("good.flk"),
        dir.path().join("bad.flk"),
        dir.path().join("text.flk"),
    );
    partial(&good, &[], &[&logs[0], &logs[1]]);
    partial(&bad, &[], &[&logs[2]]);
    let mut bytes = std::fs::read(&bad).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&bad, bytes).unwrap();
    std::fs::write(&text, "not a partial\n").unwrap();
    let (code, out, err) = run(&["merge", "--format", "csv"], &[&good, &bad, &text]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("bad.flk: damaged: the checksum does not match"),
        "{err}"
    );
    assert!(err.contains("text.flk: not a flakelog partial"), "{err}");
    let (_, alone, _) = run(&["stats", "--format", "csv"], &[&logs[0], &logs[1]]);
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&alone)
    );
}

/// Each day's `zcat … | flakelog stats --partial` names its stdin with `--stdin-name`: the
/// merge is then the single pass over files of those names; unnamed, two stdin partials
/// are refused as the same input.
#[test]
fn partials_of_stdin_merge_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        common::fixture("era-c-3.7.log"),
        common::fixture("era-e-3.12.log"),
    );
    std::fs::copy(&a, dir.path().join("a.log")).unwrap();
    std::fs::copy(&b, dir.path().join("b.log")).unwrap();
    let from_stdin = |log: &Path, out: &str, name: Option<&str>| {
        let mut cmd = common::flakelog();
        cmd.current_dir(dir.path())
            .args(["stats", "--partial", "-q", "-o", out]);
        if let Some(name) = name {
            cmd.args(["--stdin-name", name]);
        }
        let status = cmd.pipe_stdin(log).unwrap().output().unwrap().status;
        assert!(status.success());
    };
    from_stdin(&a, "a.flk", Some("a.log"));
    from_stdin(&b, "b.flk", Some("b.log"));
    let merged = common::flakelog()
        .current_dir(dir.path())
        .args(["merge", "-q", "--format", "csv", "a.flk", "b.flk"])
        .output()
        .unwrap();
    assert!(merged.status.success());
    let single = common::flakelog()
        .current_dir(dir.path())
        .args(["stats", "-q", "--format", "csv", "a.log", "b.log"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&merged.stdout).contains("a.log:"));
    assert_eq!(
        String::from_utf8_lossy(&merged.stdout),
        String::from_utf8_lossy(&single.stdout)
    );
    from_stdin(&a, "c.flk", None);
    from_stdin(&b, "d.flk", None);
    let (code, _, err) = run(
        &["merge"],
        &[&dir.path().join("c.flk"), &dir.path().join("d.flk")],
    );
    assert_eq!(code, 2);
    assert!(err.contains("- is in both"), "{err}");
}
