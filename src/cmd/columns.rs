//! The columns of each command as a contract: name, type and meaning, in output order.
//! `flakelog columns TABLE` prints them, `--schema` as the JSON Schema of a `--format
//! json`/`jsonl` row (shipped in `schemas/`); tests check that the commands write exactly these
//! columns and that their rows validate, and that README's column tables name each one.

use crate::stats::GroupBy;

/// What a column holds; every column may also be empty (`null` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Integer,
    Number,
    Boolean,
}

impl Type {
    pub fn name(self) -> &'static str {
        match self {
            Type::Text => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: Type,
    pub about: &'static str,
}

const fn c(name: &'static str, ty: Type, about: &'static str) -> Column {
    Column { name, ty, about }
}

use Type::{Boolean as B, Integer as I, Number as N, Text as T};

const RUN_PLACE: [Column; 5] = [
    c(
        "builder",
        T,
        "the buildbot worker (from `== cwd:` or --path-pattern)",
    ),
    c("build", T, "the build number (--path-pattern)"),
    c("branch", T, "the branch of the header's build text"),
    c(
        "commit",
        T,
        "the commit of the header's build text: the source the run tested",
    ),
    c("date", T, "the header's build date, YYYY-MM-DD"),
];

pub const EVENTS: [Column; 21] = [
    c("source", T, "the input as given; `-` for stdin"),
    c("line", I, "1-based line number in the decompressed input"),
    c("run", I, "0-based index of the run within its input"),
    c("python", T, "the version from the `== CPython` header"),
    c(
        "phase",
        T,
        "`main`, or `rerun` for the re-run of failed tests",
    ),
    c(
        "test",
        T,
        "the test file as printed (`test_os`, `test.test_asyncio.test_tasks`)",
    ),
    c(
        "method",
        T,
        "`Class.test_method` the event happened in, when known",
    ),
    c("kind", T, "what happened (README's kind vocabulary)"),
    c(
        "resource",
        T,
        "what the kind is about (`os.environ`, `file`, `references`…)",
    ),
    c("count", I, "how many (threads, references, files…)"),
    c(
        "detail",
        T,
        "the rest: outcome detail, what leaked, refleak deltas, error text",
    ),
    c("reason", T, "why: the exception or crash line"),
    c(
        "reason_key",
        T,
        "`reason` with addresses, paths, temporary names and numbers masked",
    ),
    c("elapsed", I, "seconds from the line's elapsed-time prefix"),
    c("load_avg", N, "the line's `load avg:`"),
    c(
        "running",
        T,
        "the tests of the progress line's `-- running:` suffix, `;`-separated",
    ),
    RUN_PLACE[0],
    RUN_PLACE[1],
    RUN_PLACE[2],
    RUN_PLACE[3],
    RUN_PLACE[4],
];

pub const RUNS: [Column; 22] = [
    c("source", T, "the input as given; `-` for stdin"),
    c("run", I, "0-based index of the run within its input"),
    RUN_PLACE[0],
    RUN_PLACE[1],
    RUN_PLACE[2],
    RUN_PLACE[3],
    c("python", T, "the version from the `== CPython` header"),
    c("platform", T, "the header's platform line"),
    RUN_PLACE[4],
    c("mode", T, "`parallel` or `sequential`, when the run says"),
    c("workers", I, "the worker count of a parallel run"),
    c("tests_total", I, "the TOTAL the run announced"),
    c("tests_run", I, "test files with a result in the main phase"),
    c(
        "failed",
        I,
        "main-phase `failed`, `crashed`, `timed_out`, `worker_bug`",
    ),
    c("env_changed", I, "main-phase `env_changed`"),
    c("skipped", I, "`skipped` and `resource_denied`"),
    c("rerun", I, "test files re-run"),
    c("flaky", I, "`flaky` events"),
    c(
        "result",
        T,
        "the final result state (`FAILURE then SUCCESS`)",
    ),
    c(
        "top_reason",
        T,
        "the `reason_key` its events said most often",
    ),
    c(
        "duration_s",
        N,
        "`Total duration:` in seconds, else the last elapsed time",
    ),
    c("complete", B, "the final result line was read"),
];

pub const STATS: [Column; 17] = [
    c("test", T, "the test file, without a leading `test.`"),
    c("kind", T, "what happened (README's kind vocabulary)"),
    c(
        "resource",
        T,
        "what the kind is about; empty when it has none",
    ),
    c("events", I, "how many events"),
    c("runs", I, "in how many runs"),
    c("runs_with_test", I, "how many runs ran the test at all"),
    c("rate", N, "runs / runs_with_test"),
    c("builders", I, "on how many builders"),
    c(
        "first_seen",
        T,
        "the earliest run date, else the first `source:line`",
    ),
    c(
        "last_seen",
        T,
        "the latest run date, else the last `source:line`",
    ),
    c(
        "first_seen_at",
        T,
        "`source:line` of the earliest occurrence by run date",
    ),
    c(
        "last_seen_at",
        T,
        "`source:line` of the latest occurrence by run date",
    ),
    c(
        "first_commit",
        T,
        "the commit of the run at `first_seen_at`",
    ),
    c("example", T, "`source:line` of the most recent occurrence"),
    c(
        "top_leaked",
        T,
        "the objects that leaked most: `SpawnProcess (12); Thread (3)`",
    ),
    c("top_reason", T, "the `reason_key` said most often"),
    c("repro", T, "the regrtest command that reproduces the row"),
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
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Events => "events",
            Table::Runs => "runs",
            Table::Stats => "stats",
        }
    }

    /// The columns always written, in order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Events => &EVENTS,
            Table::Runs => &RUNS,
            Table::Stats => &STATS,
        }
    }

    /// Columns written only when asked (`stats --group-by`).
    pub fn optional_columns(self) -> Vec<Column> {
        match self {
            Table::Stats => <GroupBy as clap::ValueEnum>::value_variants()
                .iter()
                .map(|&g| group_column(g))
                .collect(),
            Table::Events | Table::Runs => Vec::new(),
        }
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
    use super::super::{events, runs, stats};
    use super::*;

    #[test]
    fn the_commands_write_the_documented_columns() {
        assert_eq!(names(&EVENTS), events::COLUMNS);
        assert_eq!(names(&RUNS), runs::COLUMNS);
        assert_eq!(names(&STATS), stats::COLUMNS);
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
