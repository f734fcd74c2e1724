//! The columns of each command as a contract: name, type and meaning, in output order.
//! `flakelog columns TABLE` prints them, `--schema` as the JSON Schema of a `--format
//! json`/`jsonl` row (shipped in `schemas/`); tests check that the commands write exactly these
//! columns and that their rows validate, and that README's column tables name each one.

use crate::stats::GroupBy;

/// What a column holds; every column may also be empty (`null` in JSON). A `Date` is text
/// in CSV and JSON (type `string`), a DATE in Parquet.
pub use crate::output::ColumnType as Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: Type,
    pub about: &'static str,
}

const fn c(name: &'static str, ty: Type, about: &'static str) -> Column {
    Column { name, ty, about }
}

use Type::{Boolean as B, Date as D, Integer as I, Number as N, Text as T};

const RUN_PLACE: [Column; 5] = [
    c("builder", T, r#"see "Where a run comes from""#),
    c("build", T, r#"see "Where a run comes from""#),
    c("branch", T, r#"see "Where a run comes from""#),
    c(
        "commit",
        T,
        r#"the commit of the header's build text (`heads/main:abc1234` → `abc1234`): the source the run tested"#,
    ),
    c(
        "date",
        D,
        r#"the header's build date, `YYYY-MM-DD` (`2023-12-15`)"#,
    ),
];

pub const EVENTS: [Column; 21] = [
    c("source", T, r#"the path as given; `-` for stdin"#),
    c(
        "line",
        I,
        r#"1-based line number in the decompressed source"#,
    ),
    c(
        "run",
        I,
        r#"0-based index of the regrtest run within the source (a stream may hold several)"#,
    ),
    c(
        "python",
        T,
        r#"version from the `== CPython 3.12.1 …` header"#,
    ),
    c(
        "phase",
        T,
        r#"`main`, or `rerun` for the re-run of failed tests (`-w`, `--rerun`, `--slow-ci`)"#,
    ),
    c(
        "test",
        T,
        r#"test file name as printed (`test_os`, `test.test_asyncio.test_tasks`); where no progress line names the test (a pasted fragment, a `-v` run's output), the module of the last verbose method line (`test.test_signal` of `test_x (test.test_signal.StressTest) ... `)"#,
    ),
    c(
        "method",
        T,
        r#"`Class.test_method` the event happened in, from the verbose method line (`test_x (test.test_y.T.test_x) ... `) whose status had not come yet; empty when unknown"#,
    ),
    c("kind", T, r#"what happened: see the vocabulary below"#),
    c("resource", T, r#"what the kind is about (see below)"#),
    c("count", I, r#"how many (see below)"#),
    c(
        "detail",
        T,
        r#"the rest: outcome detail, what leaked, refleak deltas, error text; a subtest's parameters (`(i=1)`) for a method's failure"#,
    ),
    c(
        "reason",
        T,
        r#"why, for `failed`, `crashed`, `timed_out`, the `method_*` kinds, `flaky`, `timeout` and `fatal_error`: see "Reasons" below"#,
    ),
    c(
        "reason_key",
        T,
        r#"`reason` with what differs between machines masked: `0x…` addresses → `<hex>`, paths → `<path>`, temporary names (`tmpab12cd`, `@test_123_tmp…`, `test_python_…`) → `<tmp>`, numbers (counts, ports, pids, errno, durations) → `<n>`; digits inside a name stay (`test_1`): `ConnectionResetError: [Errno <n>] Connection reset by peer`"#,
    ),
    c(
        "elapsed",
        I,
        r#"seconds from the line's ELAPSED prefix (`0:27:13` → 1633)"#,
    ),
    c("load_avg", N, r#"the line's `load avg:`"#),
    c(
        "running",
        T,
        r#"the tests of the progress line's `-- running:` suffix, `;`-separated"#,
    ),
    RUN_PLACE[0],
    RUN_PLACE[1],
    RUN_PLACE[2],
    RUN_PLACE[3],
    RUN_PLACE[4],
];

pub const RUNS: [Column; 22] = [
    c("source", T, r#"the input as given; `-` for stdin"#),
    c("run", I, r#"the run's 0-based index in its input"#),
    RUN_PLACE[0],
    RUN_PLACE[1],
    RUN_PLACE[2],
    RUN_PLACE[3],
    c("python", T, r#"the version from the header (`3.12.1`)"#),
    c(
        "platform",
        T,
        r#"the platform from the header (`Linux-6.5.0-x86_64-with-glibc2.36`)"#,
    ),
    RUN_PLACE[4],
    c(
        "mode",
        T,
        r#"`parallel` or `sequential` (empty when the run does not say)"#,
    ),
    c("workers", I, r#"the worker count of a parallel run"#),
    c("tests_total", I, r#"the TOTAL the run announced"#),
    c(
        "tests_run",
        I,
        r#"test files with a result in the main phase"#,
    ),
    c(
        "failed",
        I,
        r#"main-phase `failed`, `crashed`, `timed_out`, `worker_bug`"#,
    ),
    c("env_changed", I, r#"main-phase `env_changed`"#),
    c(
        "skipped",
        I,
        r#"main-phase `skipped` and `resource_denied`"#,
    ),
    c("rerun", I, r#"test files re-run"#),
    c("flaky", I, r#"`flaky` events"#),
    c(
        "result",
        T,
        r#"the final `Result:` / `Tests result:` state (`FAILURE then SUCCESS`), else the last `== Tests result: … ==`"#,
    ),
    c(
        "top_reason",
        T,
        r#"the `reason_key` its events said most often (a tie: the first seen; up to 10,000 distinct keys are counted per run)"#,
    ),
    c(
        "duration_s",
        N,
        r#"`Total duration:` in seconds, else the last ELAPSED seen"#,
    ),
    c("complete", B, r#"the final result line was seen"#),
];

pub const STATS: [Column; 17] = [
    c(
        "test",
        T,
        r#"the test file; a leading `test.` is dropped so `test.test_asyncio.test_tasks` (3.12+) and `test_asyncio.test_tasks` meet"#,
    ),
    c("kind", T, r#"as in `events`"#),
    c("resource", T, r#"as in `events`"#),
    c("events", I, r#"how many such events"#),
    c("runs", I, r#"runs with at least one such event"#),
    c(
        "runs_with_test",
        I,
        r#"runs in which the test appeared at all (any event, `passed` included): the denominator"#,
    ),
    c(
        "rate",
        N,
        r#"`runs / runs_with_test`, rounded to 4 decimals: how often the test does this when it runs"#,
    ),
    c(
        "builders",
        I,
        r#"how many distinct builders it happened on"#,
    ),
    c(
        "first_seen",
        D,
        r#"the earliest and latest run date; when no run has a date, the `source:line` of the first and last occurrence in input order"#,
    ),
    c(
        "last_seen",
        D,
        r#"the earliest and latest run date; when no run has a date, the `source:line` of the first and last occurrence in input order"#,
    ),
    c(
        "first_seen_at",
        T,
        r#"`source:line` of the earliest and latest occurrence: by run date (dated runs before undated ones), then in input order. `first_seen_at` is the run where `first_seen` came from"#,
    ),
    c(
        "last_seen_at",
        T,
        r#"`source:line` of the earliest and latest occurrence: by run date (dated runs before undated ones), then in input order. `first_seen_at` is the run where `first_seen` came from"#,
    ),
    c(
        "first_commit",
        T,
        r#"the commit (from the header) of the run at `first_seen_at`: where to start bisecting "when did this begin""#,
    ),
    c(
        "example",
        T,
        r#"`source:line` of the most recent occurrence (`last_seen_at`): the problem as it is now"#,
    ),
    c(
        "top_leaked",
        T,
        r#"for `modified`, `dangling_thread`, `dangling_process`, `manager_children`: the three objects that leaked most, `SpawnProcess (12); Thread (3)`"#,
    ),
    c(
        "top_reason",
        T,
        r#"the `reason_key` its events said most often (a tie: the alphabetically first)"#,
    ),
    c(
        "repro",
        T,
        r#"the command that reproduces the row, see below"#,
    ),
];

pub const CONTEXT: [Column; 11] = [
    c(
        "test",
        T,
        r#"the test file, named as in `stats`; only tests that failed at least once"#,
    ),
    c(
        "failing",
        I,
        r#"its main-phase results that were `failed`, `crashed` or `timed_out` (a flaky test's first failure included)"#,
    ),
    c("passing", I, r#"its main-phase `passed` results"#),
    c(
        "load_failing",
        N,
        r#"the mean `load avg:` of the progress lines of its failing results (2 decimals); empty when none showed one"#,
    ),
    c("load_passing", N, r#"the same for its passing results"#),
    c(
        "failing_parallel",
        I,
        r#"failing results in parallel (`-jN`) runs, where regrtest prints `-- running:`: the denominator of `lift`"#,
    ),
    c("passing_parallel", I, r#"passing results in parallel runs"#),
    c(
        "neighbour",
        T,
        r#"a test named in the `-- running:` suffix of the progress line of one of its failing results (regrtest lists the tests running for 30 s or more); one row per neighbour, empty when none was seen"#,
    ),
    c(
        "with_failing",
        I,
        r#"its failing results (in parallel runs) with `neighbour` running alongside"#,
    ),
    c(
        "with_passing",
        I,
        r#"its passing results with `neighbour` running alongside"#,
    ),
    c(
        "lift",
        N,
        r#"`(with_failing / failing_parallel) / ((with_failing + with_passing) / (failing_parallel + passing_parallel))`, 2 decimals: how many times likelier `neighbour` is to be running when the test fails than when it runs at all; rows are sorted by it within a test"#,
    ),
];

/// A `--group-by` column of `stats` (they come first, in the order asked).
pub fn group_column(g: GroupBy) -> Column {
    let about = match g {
        GroupBy::Builder => "the run's builder",
        GroupBy::Branch => "the run's branch",
        GroupBy::Python => "the run's Python version",
        GroupBy::Month => "the run's month, YYYY-MM",
        GroupBy::Method => "the method the events happened in",
        GroupBy::Reason => "the events' `reason_key`",
    };
    c(g.name(), T, about)
}

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    Events,
    Runs,
    Stats,
    Context,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Events => "events",
            Table::Runs => "runs",
            Table::Stats => "stats",
            Table::Context => "context",
        }
    }

    /// The columns always written, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Events => &EVENTS,
            Table::Runs => &RUNS,
            Table::Stats => &STATS,
            Table::Context => &CONTEXT,
        }
    }

    /// Columns written only when asked (`stats --group-by`).
    pub fn optional_columns(self) -> Vec<Column> {
        match self {
            Table::Stats => <GroupBy as clap::ValueEnum>::value_variants()
                .iter()
                .map(|&g| group_column(g))
                .collect(),
            Table::Events | Table::Runs | Table::Context => Vec::new(),
        }
    }

    /// The columns as README's table shows them (README holds this text, between
    /// `<!-- flakelog columns TABLE --markdown -->` and `<!-- end -->`; a test checks it).
    pub fn markdown(self) -> String {
        let mut out = String::from("| column | type | meaning |\n|---|---|---|\n");
        for col in self.optional_columns() {
            out.push_str(&format!(
                "| `{}` | {} | with `--group-by {}`, first: {} |\n",
                col.name,
                col.ty.name(),
                col.name,
                col.about
            ));
        }
        for col in self.columns() {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                col.name,
                col.ty.name(),
                col.about
            ));
        }
        out
    }

    /// The JSON Schema (draft 2020-12) of one row of `--format json`/`jsonl`.
    pub fn schema(self) -> serde_json::Value {
        use serde_json::{Map, Value, json};
        let mut properties = Map::new();
        for col in self.optional_columns().iter().chain(self.columns()) {
            properties.insert(
                col.name.to_string(),
                json!({"type": [col.ty.name(), "null"], "description": col.about}),
            );
        }
        let required: Vec<Value> = self.columns().iter().map(|c| json!(c.name)).collect();
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": format!("a row of `flakelog {}`", self.name()),
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }
}

/// The names the commands write: the contract's, checked by the tests below.
pub fn names(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

#[cfg(test)]
mod tests {
    use super::super::{context, events, runs, stats};
    use super::*;

    #[test]
    fn the_commands_write_the_documented_columns() {
        assert_eq!(names(&EVENTS), events::COLUMNS);
        assert_eq!(names(&RUNS), runs::COLUMNS);
        assert_eq!(names(&STATS), stats::COLUMNS);
        assert_eq!(names(&CONTEXT), context::COLUMNS);
    }

    #[test]
    fn the_schema_requires_every_column_and_allows_no_other() {
        let schema = Table::Stats.schema();
        assert_eq!(schema["required"].as_array().unwrap().len(), STATS.len());
        assert_eq!(
            schema["properties"].as_object().unwrap().len(),
            STATS.len() + 6
        );
        assert_eq!(schema["properties"]["rate"]["type"][0], "number");
        assert_eq!(schema["additionalProperties"], false);
    }
}
