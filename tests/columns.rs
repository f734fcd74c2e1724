//! Columns as a contract (issue #13): `flakelog columns` lists each command's columns with
//! their type and meaning; `schemas/*.schema.json` are what `--schema` prints; every row of
//! `--format jsonl` validates against its schema; README's column tables are the generated ones.

mod common;

use serde_json::Value;

const TABLES: [&str; 4] = ["events", "runs", "stats", "context"];

fn stdout(args: &[&str]) -> Vec<u8> {
    let out = common::flakelog().args(args).output().unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}");
    out.stdout
}

#[test]
fn the_shipped_schemas_are_the_generated_ones() {
    for table in TABLES {
        let shipped = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schemas")
                .join(format!("{table}.schema.json")),
        )
        .unwrap();
        let generated = String::from_utf8(stdout(&["columns", table, "--schema"])).unwrap();
        assert_eq!(
            shipped, generated,
            "regenerate: flakelog columns {table} --schema > schemas/{table}.schema.json"
        );
    }
}

#[test]
fn every_row_validates_against_its_schema() {
    let fixtures = common::fixture("");
    let fixtures = fixtures.to_str().unwrap();
    for (table, extra) in [
        ("events", &[][..]),
        ("runs", &[][..]),
        ("stats", &["--kind", "all"][..]),
        ("context", &[][..]),
        (
            "stats",
            &[
                "--group-by",
                "builder",
                "--group-by",
                "month",
                "--group-by",
                "method",
            ][..],
        ),
    ] {
        let schema: Value =
            serde_json::from_slice(&stdout(&["columns", table, "--schema"])).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let mut args = vec![table, "--format", "jsonl", "-q"];
        args.extend_from_slice(extra);
        args.push(fixtures);
        let rows = common::jsonl(&stdout(&args));
        assert!(rows.len() > 20, "{table}: {} rows", rows.len());
        for row in &rows {
            let errors: Vec<String> = validator.iter_errors(row).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{table} {extra:?}: {row}: {errors:?}");
        }
        // and the schema can fail: a wrong type, a missing column, an unknown one
        let mut wrong = rows[0].clone();
        let first = schema["required"][0].as_str().unwrap().to_string();
        wrong[&first] = Value::Bool(true);
        assert!(!validator.is_valid(&wrong), "{table}");
        let mut missing = rows[0].clone();
        missing.as_object_mut().unwrap().remove(&first);
        assert!(!validator.is_valid(&missing), "{table}");
        let mut extra_column = rows[0].clone();
        extra_column["nonsense"] = Value::Null;
        assert!(!validator.is_valid(&extra_column), "{table}");
    }
}

#[test]
fn columns_lists_each_column_and_readme_shows_the_generated_table() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    for table in TABLES {
        let text = String::from_utf8(stdout(&["columns", table])).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("column,type,meaning,when"));
        let mut always = 0;
        for line in lines {
            let ty = line.split(',').nth(1).unwrap();
            assert!(
                ["string", "integer", "number", "boolean"].contains(&ty),
                "{line}"
            );
            always += usize::from(line.ends_with(",always"));
        }
        // the command writes exactly these columns
        let fixture = common::fixture("era-e-3.12.log");
        let header = String::from_utf8(stdout(&[
            table,
            "--format",
            "csv",
            "-q",
            fixture.to_str().unwrap(),
        ]))
        .unwrap();
        assert_eq!(
            header.lines().next().unwrap().split(',').count(),
            always,
            "{table}"
        );
        // README's table is the generated one, word for word
        let markdown = String::from_utf8(stdout(&["columns", table, "--markdown"])).unwrap();
        let marker = format!("<!-- flakelog columns {table} --markdown -->\n");
        let start = readme
            .find(&marker)
            .unwrap_or_else(|| panic!("README has no generated `{table}` table"))
            + marker.len();
        let end = start + readme[start..].find("<!-- end -->").unwrap();
        assert_eq!(
            &readme[start..end],
            markdown,
            "README's `{table}` columns: paste `flakelog columns {table} --markdown`"
        );
    }
}
