//! grammars/regrtest.md is executable: every row of its table gives one literal line and the
//! line kind it must classify as. A grammar change that the document does not follow (or a
//! document change the grammar does not follow) fails here, naming the row.

use flakelog::grammar::classify;
use std::path::Path;

/// The cells of a markdown table row; `|` inside a code span does not split.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut in_code = false;
    for ch in inner.chars() {
        match ch {
            '`' => {
                in_code = !in_code;
                cells.last_mut().unwrap().push(ch);
            }
            '|' if !in_code => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(ch),
        }
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

/// The text of a cell that is one code span, exactly as written between the backticks.
fn code(cell: &str) -> Option<&str> {
    cell.strip_prefix('`')?.strip_suffix('`')
}

/// (id, example, expected kind) of every row of the table.
fn rows() -> Vec<(String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/regrtest.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text
        .lines()
        .skip_while(|l| !l.starts_with("| id | example |"));
    let header = cells(lines.next().expect("the table's header row"));
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, example, kind) = (column("id"), column("example"), column("line kind"));
    lines
        .skip(1) // the |---| row
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let c = cells(l);
            let ex = code(&c[example]).unwrap_or_else(|| panic!("example not a code span: {l}"));
            let k = code(&c[kind]).unwrap_or_else(|| panic!("kind not a code span: {l}"));
            (c[id].clone(), ex.to_string(), k.to_string())
        })
        .collect()
}

#[test]
fn every_example_line_classifies_as_its_row_says() {
    let rows = rows();
    assert!(rows.len() > 100, "only {} rows read", rows.len());
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|(id, example, want)| {
            let got = classify(example.as_bytes()).name();
            (&got != want).then(|| format!("{id}: `{example}` is {got}, the table says {want}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_table_reader_splits_rows_and_keeps_code_spans_whole() {
    assert_eq!(
        cells("| W1 | `a | b` | `Warning(ReapChildren)` | x |"),
        vec!["W1", "`a | b`", "`Warning(ReapChildren)`", "x"]
    );
    assert_eq!(code("`  Before: []`"), Some("  Before: []"));
    assert_eq!(code("Before"), None);
}
