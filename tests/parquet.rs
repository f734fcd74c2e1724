//! `--format parquet` (issue #15): the Parquet files of `events`, `runs` and `stats`, read by
//! DuckDB, hold the rows of the CSV of the same command on the same input, cell by cell, with
//! one type per column (BIGINT, DOUBLE, BOOLEAN, VARCHAR, and DATE for the date columns); the
//! bytes are the same at any thread count; a terminal gets no binary file.
//!
//! DuckDB is asked through `python3 -c 'import duckdb'`. Without it a test says so and passes,
//! unless `FLAKELOG_DUCKDB_REQUIRED=1` (`.ci/run` sets it), when it fails.

mod common;

use common::{fixture, flakelog};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The columns written as DATE; every other column's type is its documented one.
const DATE_COLUMNS: [&str; 3] = ["date", "first_seen", "last_seen"];

/// Can DuckDB be asked? Says why not on stderr; fails instead when it is required.
fn duckdb() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let required = std::env::var("FLAKELOG_DUCKDB_REQUIRED").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "FLAKELOG_DUCKDB_REQUIRED=1 but python3 cannot import duckdb \
             (python3 -m pip install duckdb)"
        );
        eprintln!("NOTICE: python3 with duckdb not found: the DuckDB part of this test skipped");
    }
    ok
}

/// The rows of each query, as DuckDB gives them (dates as `YYYY-MM-DD`).
fn sql(queries: &[String]) -> Vec<Vec<Vec<Value>>> {
    const SCRIPT: &str = r#"
import duckdb, json, sys
out = [[list(r) for r in duckdb.sql(q).fetchall()] for q in json.loads(sys.argv[1])]
print(json.dumps(out, default=str))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT, &serde_json::to_string(queries).unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "duckdb: {queries:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// `flakelog ARGS -q --format parquet -o FILE INPUTS`; the file's path.
fn parquet(dir: &Path, name: &str, args: &[&str], inputs: &[PathBuf]) -> PathBuf {
    let file = dir.join(name);
    let out = flakelog()
        .args(args)
        .args(["-q", "--format", "parquet", "-o"])
        .arg(&file)
        .args(inputs)
        .output()
        .unwrap();
    // 1: the fixtures hold inputs without a run
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    file
}

/// The CSV of `flakelog ARGS INPUTS`: header and records.
fn csv_of(args: &[&str], inputs: &[PathBuf]) -> (Vec<String>, Vec<Vec<String>>) {
    let out = flakelog()
        .args(args)
        .args(["-q", "--format", "csv"])
        .args(inputs)
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The type DuckDB must give each column: from `flakelog columns TABLE`, dates as DATE.
fn documented_types(table: &str) -> BTreeMap<String, String> {
    let out = flakelog().args(["columns", table]).output().unwrap();
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let ty = match &r[1] {
                _ if DATE_COLUMNS.contains(&&r[0]) => "DATE",
                "integer" => "BIGINT",
                "number" => "DOUBLE",
                "boolean" => "BOOLEAN",
                "string" => "VARCHAR",
                other => panic!("type {other}"),
            };
            (r[0].to_string(), ty.to_string())
        })
        .collect()
}

/// Is `text` a day as flakelog writes one?
fn is_day(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Does DuckDB's `value` of a column of `ty` say what the CSV cell `text` says?
fn same(ty: &str, value: &Value, text: &str) -> bool {
    match (ty, value) {
        // CSV writes an empty string and no value alike
        (_, Value::Null) if text.is_empty() => true,
        // a date column's text that is no day (`source:line` in stats) is null
        ("DATE", Value::Null) => !is_day(text),
        ("DATE" | "VARCHAR", Value::String(s)) => s == text,
        ("BIGINT", Value::Number(n)) => n.to_string() == text,
        ("DOUBLE", Value::Number(n)) => n.as_f64() == text.parse::<f64>().ok(),
        ("BOOLEAN", Value::Bool(b)) => b.to_string() == text,
        _ => false,
    }
}

/// The Parquet file of `flakelog ARGS` on `inputs` has the CSV's columns, in order, each of
/// its documented type, and the CSV's rows, cell by cell. Returns the file.
fn check_against_csv(dir: &Path, table: &str, args: &[&str], inputs: &[PathBuf]) -> PathBuf {
    let file = parquet(dir, &format!("{table}.parquet"), args, inputs);
    let (header, rows) = csv_of(args, inputs);
    assert!(!rows.is_empty(), "{args:?}: no rows to compare");
    let [described, got] = <[_; 2]>::try_from(sql(&[
        format!("describe select * from {}", quoted(&file)),
        format!("select * from {}", quoted(&file)),
    ]))
    .unwrap();
    let names: Vec<&str> = described.iter().map(|c| c[0].as_str().unwrap()).collect();
    assert_eq!(names, header, "{args:?}: the columns");
    let documented = documented_types(table);
    let types: Vec<&str> = described.iter().map(|c| c[1].as_str().unwrap()).collect();
    for (name, ty) in names.iter().zip(&types) {
        assert_eq!(
            Some(&ty.to_string()),
            documented.get(*name),
            "{args:?}: {name}"
        );
    }
    assert_eq!(got.len(), rows.len(), "{args:?}: rows");
    for (i, (p, c)) in got.iter().zip(&rows).enumerate() {
        for (k, ty) in types.iter().enumerate() {
            assert!(
                same(ty, &p[k], &c[k]),
                "{args:?}: row {i}, {} ({ty}): parquet {:?}, csv {:?}",
                names[k],
                p[k],
                c[k]
            );
        }
    }
    file
}

/// One aggregate from DuckDB over `file`.
fn one(file: &Path, select: &str) -> Value {
    sql(&[format!("select {select} from {}", quoted(file))])[0][0][0].clone()
}

fn column<'a>(csv: &'a (Vec<String>, Vec<Vec<String>>), name: &str) -> Vec<&'a str> {
    let k = csv.0.iter().position(|h| h == name).unwrap();
    csv.1.iter().map(|r| r[k].as_str()).collect()
}

fn sum(cells: &[&str]) -> i64 {
    cells.iter().filter_map(|c| c.parse::<i64>().ok()).sum()
}

/// Distinct non-empty cells (count them in DuckDB with `nullif(COLUMN, '')`: CSV writes an
/// empty string and no value alike).
fn distinct(cells: &[&str]) -> usize {
    cells
        .iter()
        .filter(|c| !c.is_empty())
        .collect::<BTreeSet<_>>()
        .len()
}

fn fixtures() -> Vec<PathBuf> {
    vec![fixture("")]
}

#[test]
fn events_in_duckdb_are_the_csv_rows_with_their_types() {
    if !duckdb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = check_against_csv(dir.path(), "events", &["events"], &fixtures());
    let csv = csv_of(&["events"], &fixtures());
    assert_eq!(one(&file, "count(*)"), csv.1.len());
    assert_eq!(one(&file, "sum(count)"), sum(&column(&csv, "count")));
    assert_eq!(one(&file, "sum(line)"), sum(&column(&csv, "line")));
    assert_eq!(
        one(&file, "count(distinct nullif(test, ''))"),
        distinct(&column(&csv, "test"))
    );
    let dates = column(&csv, "date");
    assert_eq!(
        one(&file, "count(date)"),
        dates.iter().filter(|d| !d.is_empty()).count()
    );
    assert_eq!(
        one(&file, "max(date)::varchar"),
        **dates.iter().max().unwrap()
    );
    assert_eq!(one(&file, "typeof(any_value(date))"), "DATE");
}

#[test]
fn runs_in_duckdb_are_the_csv_rows_with_their_types() {
    if !duckdb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = check_against_csv(dir.path(), "runs", &["runs"], &fixtures());
    let csv = csv_of(&["runs"], &fixtures());
    assert_eq!(one(&file, "sum(failed)"), sum(&column(&csv, "failed")));
    assert_eq!(
        one(&file, "sum(tests_run)"),
        sum(&column(&csv, "tests_run"))
    );
    assert_eq!(
        one(&file, "count(*) filter (where complete)"),
        column(&csv, "complete")
            .iter()
            .filter(|c| **c == "true")
            .count()
    );
    let durations: f64 = column(&csv, "duration_s")
        .iter()
        .filter_map(|d| d.parse::<f64>().ok())
        .sum();
    let got = one(&file, "sum(duration_s)").as_f64().unwrap();
    assert!((got - durations).abs() < 1e-6, "{got} {durations}");
    assert_eq!(
        one(&file, "count(distinct nullif(builder, ''))"),
        distinct(&column(&csv, "builder"))
    );
}

#[test]
fn stats_in_duckdb_are_the_csv_rows_with_their_types() {
    if !duckdb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["stats"][..],
        &["stats", "--group-by", "builder", "--group-by", "month"][..],
    ] {
        let file = check_against_csv(dir.path(), "stats", args, &fixtures());
        let csv = csv_of(args, &fixtures());
        assert_eq!(
            one(&file, "sum(runs)"),
            sum(&column(&csv, "runs")),
            "{args:?}"
        );
        assert_eq!(one(&file, "sum(events)"), sum(&column(&csv, "events")));
        assert_eq!(
            one(&file, "count(distinct nullif(test, ''))"),
            distinct(&column(&csv, "test"))
        );
        // a first_seen that is a day is a DATE; the rows without one are the others
        let first = column(&csv, "first_seen");
        let days = first.iter().filter(|d| is_day(d)).count();
        assert!(days > 0 && days < first.len(), "the fixtures have both");
        assert_eq!(one(&file, "count(first_seen)"), days);
        assert_eq!(
            one(&file, "min(first_seen)::varchar"),
            **first.iter().filter(|d| is_day(d)).min().unwrap()
        );
    }
}

#[test]
fn chosen_columns_are_written_in_their_order_with_their_types() {
    if !duckdb() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (table, columns) in [
        ("events", "date,test,count,load_avg"),
        ("runs", "complete,date,duration_s,source"),
        ("stats", "last_seen,rate,kind"),
    ] {
        let args = [table, "--columns", columns];
        let file = check_against_csv(dir.path(), table, &args, &fixtures());
        let names: Vec<String> = sql(&[format!("describe select * from {}", quoted(&file))])[0]
            .iter()
            .map(|c| c[0].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names.join(","), columns);
    }
}

/// A sequential 3.12 run of `tests` passing tests: one `passed` event each.
fn passing_log(tests: usize, seed: usize) -> Vec<u8> {
    let mut log = Vec::new();
    writeln!(
        log,
        "== CPython 3.12.1 (heads/main:abc{seed:04}, Dec 15 2023, 13:32:22) [GCC 12.2.0]\n\
         == Linux-6.6.6-x86_64-with-glibc2.38 little-endian\n\
         == cwd: /home/buildbot/buildarea/3.x.b{seed}/build/build/test_python_1\n\
         0:00:00 load avg: 1.10 Run {tests} tests sequentially"
    )
    .unwrap();
    for i in 1..=tests {
        writeln!(
            log,
            "0:00:{:02} load avg: 0.{:02} [{i}/{tests}] test_g{seed}_{i}",
            i % 60,
            i % 100
        )
        .unwrap();
    }
    writeln!(
        log,
        "\nAll {tests} tests OK.\n\nTotal duration: 1 min 2 sec\nResult: SUCCESS"
    )
    .unwrap();
    log
}

#[test]
fn a_large_table_goes_out_in_row_groups_and_duckdb_reads_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    // 4 files of 20,000 events: more than one row group of 65,536 rows, whose boundary
    // falls inside a file
    for seed in 0..4 {
        std::fs::write(logs.join(format!("{seed}.log")), passing_log(20_000, seed)).unwrap();
    }
    let inputs = [logs.clone()];
    let at = |threads: &str| {
        std::fs::read(parquet(
            dir.path(),
            &format!("j{threads}.parquet"),
            &["events", "-j", threads],
            &inputs,
        ))
        .unwrap()
    };
    let one_thread = at("1");
    assert!(one_thread == at("2"), "-j1 and -j2 differ");
    if !duckdb() {
        return;
    }
    let file = dir.path().join("j1.parquet");
    let csv = csv_of(&["events"], &inputs);
    let rows = csv.1.len();
    assert!((65_537..=80_000).contains(&rows), "{rows}");
    let [meta, counts] = <[_; 2]>::try_from(sql(&[
        format!(
            "select num_rows, num_row_groups from parquet_file_metadata({})",
            quoted(&file)
        ),
        format!(
            "select count(*), count(distinct nullif(test, '')), sum(line), count(*) filter (where kind = 'passed') from {}",
            quoted(&file)
        ),
    ]))
    .unwrap();
    assert_eq!(meta[0], [Value::from(rows), Value::from(2)]);
    let passed = column(&csv, "kind")
        .iter()
        .filter(|k| **k == "passed")
        .count();
    assert_eq!(
        counts[0],
        [
            Value::from(rows),
            Value::from(distinct(&column(&csv, "test"))),
            Value::from(sum(&column(&csv, "line"))),
            Value::from(passed)
        ]
    );
}

#[test]
fn the_bytes_are_the_same_at_any_thread_count_and_through_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = fixtures();
    for table in ["events", "runs", "stats"] {
        let at = |threads: &str| {
            let name = format!("{table}-j{threads}.parquet");
            std::fs::read(parquet(dir.path(), &name, &[table, "-j", threads], &inputs)).unwrap()
        };
        let one_thread = at("1");
        assert!(one_thread.starts_with(b"PAR1") && one_thread.ends_with(b"PAR1"));
        assert!(one_thread == at("2"), "{table}: -j1 and -j2 differ");
        assert!(one_thread == at("2"), "{table}: two runs differ");
        // stdout redirected to a file (here a pipe) gets the same bytes as -o
        let out = flakelog()
            .args([table, "-q", "-j2", "--format", "parquet"])
            .args(&inputs)
            .output()
            .unwrap();
        assert!(out.stdout == one_thread, "{table}: stdout differs from -o");
    }
}

#[test]
fn an_input_without_rows_is_a_file_with_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, b"no regrtest here\n").unwrap();
    let file = parquet(dir.path(), "events.parquet", &["events"], &[empty]);
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    if !duckdb() {
        return;
    }
    let [count, described] = <[_; 2]>::try_from(sql(&[
        format!("select count(*) from {}", quoted(&file)),
        format!("describe select * from {}", quoted(&file)),
    ]))
    .unwrap();
    assert_eq!(count[0][0], 0);
    assert_eq!(described.len(), documented_types("events").len());
}

/// `flakelog ARGS` with a terminal (a pty from `script`) as stdout: its exit status and what it
/// printed. `None` when there is no `script`.
fn on_a_terminal(args: &str) -> Option<(i32, String)> {
    let bin = assert_cmd::cargo::cargo_bin("flakelog");
    let command = format!("{} {args}", bin.display());
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

#[test]
fn a_terminal_gets_no_parquet_as_it_gets_no_xlsx() {
    let log = fixture("era-e-3.12.log");
    let log = log.display();
    let Some((status, said)) = on_a_terminal(&format!("events --format parquet {log}")) else {
        eprintln!("NOTICE: no `script` to give a terminal: this test skipped");
        return;
    };
    assert_eq!(status, 2, "{said}");
    assert!(
        said.contains("--format parquet writes a binary file: give -o FILE, or redirect it"),
        "{said}"
    );
    assert!(!said.contains("PAR1"), "{said}");
    let (status, said) = on_a_terminal(&format!("events --format xlsx {log}")).unwrap();
    assert_eq!(status, 2, "{said}");
    assert!(
        said.contains("--format xlsx writes a binary file"),
        "{said}"
    );
    // with -o the terminal is not written to
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.parquet");
    let (status, said) = on_a_terminal(&format!(
        "events --format parquet -o {} {log}",
        file.display()
    ))
    .unwrap();
    assert_eq!(status, 0, "{said}");
    assert!(said.trim().is_empty(), "{said}");
    assert!(std::fs::read(&file).unwrap().starts_with(b"PAR1"));
    // and without --format, -o FILE is no terminal: CSV, not a table
    let file = dir.path().join("e.csv");
    let (status, _) = on_a_terminal(&format!("events -o {} {log}", file.display())).unwrap();
    assert_eq!(status, 0);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("source,line,run,")
    );
}
