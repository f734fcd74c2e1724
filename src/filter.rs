//! What a user asked to see (`--test`, `--builder`, `--branch`, `--python`, `--since`,
//! `--until`, `--kind`): runs and events are kept or dropped before any aggregation, the same
//! way in every command.

use crate::kind::{Kind, KindSelector};
use crate::run::{Event, RunInfo};
use jiff::civil::Date;
use regex::Regex;

/// The filters of the command line, checked. An empty filter keeps everything.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Matched against an event's test (`test_os`, `test.test_os`) or method.
    pub test: Option<Regex>,
    pub builder: Option<Regex>,
    pub branch: Option<Regex>,
    /// A version or its prefix: `3.12` keeps `3.12.1` and `3.12.0a1+`, not `3.1`.
    pub python: Option<String>,
    /// The run's date (its header's build date), inclusive.
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub kinds: Vec<KindSelector>,
}

/// A `--since`/`--until` value: an ISO date.
pub fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>()
        .map_err(|e| format!("`{s}` is not a date (YYYY-MM-DD): {e}"))
}

/// A regex of the command line, with the option it came from in the error.
pub fn parse_regex(s: &str) -> Result<Regex, String> {
    Regex::new(s).map_err(|e| e.to_string())
}

impl Filter {
    /// Does anything about events (not only runs) narrow the output?
    pub fn selects_events(&self) -> bool {
        self.test.is_some() || !self.kinds.is_empty()
    }

    /// Is the run one the user asked about? A run that does not say what a filter asks
    /// (no builder, no date) is not.
    pub fn keeps_run(&self, run: &RunInfo) -> bool {
        let matches = |re: &Option<Regex>, value: &Option<String>| match re {
            None => true,
            Some(re) => value.as_deref().is_some_and(|v| re.is_match(v)),
        };
        if !matches(&self.builder, &run.builder) || !matches(&self.branch, &run.branch) {
            return false;
        }
        if let Some(want) = &self.python {
            let ok = run.python.as_deref().is_some_and(|v| {
                v.strip_prefix(want.as_str()).is_some_and(|rest| {
                    rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_digit())
                })
            });
            if !ok {
                return false;
            }
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(date) = run.date.as_deref().and_then(|d| d.parse::<Date>().ok()) else {
                return false;
            };
            if self.since.is_some_and(|s| date < s) || self.until.is_some_and(|u| date > u) {
                return false;
            }
        }
        true
    }

    /// Does `--kind` keep an event of `kind` about `resource`? (No `--kind`: yes.)
    pub fn keeps_kind(&self, kind: Kind, resource: Option<&str>) -> bool {
        self.kinds.is_empty() || self.kinds.iter().any(|k| k.matches(kind, resource))
    }

    /// Does `--test` keep a test (and method)? (No `--test`: yes.)
    pub fn keeps_test(&self, test: Option<&str>, method: Option<&str>) -> bool {
        match &self.test {
            None => true,
            Some(re) => {
                test.is_some_and(|t| re.is_match(t)) || method.is_some_and(|m| re.is_match(m))
            }
        }
    }

    pub fn keeps_event(&self, e: &Event) -> bool {
        self.keeps_kind(e.kind, e.resource.as_deref())
            && self.keeps_test(e.test.as_deref(), e.method.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(python: &str, date: &str, builder: &str) -> RunInfo {
        RunInfo {
            python: Some(python.into()),
            date: Some(date.into()),
            builder: Some(builder.into()),
            ..RunInfo::default()
        }
    }

    #[test]
    fn runs_are_kept_by_builder_python_and_date() {
        let r = run("3.12.1", "2024-03-05", "3.x.bolen-ubuntu");
        assert!(Filter::default().keeps_run(&r));
        let f = |f: Filter| f.keeps_run(&r);
        assert!(f(Filter {
            python: Some("3.12".into()),
            ..Filter::default()
        }));
        assert!(!f(Filter {
            python: Some("3.1".into()),
            ..Filter::default()
        }));
        assert!(f(Filter {
            builder: Some(parse_regex("bolen").unwrap()),
            ..Filter::default()
        }));
        assert!(!f(Filter {
            builder: Some(parse_regex("^ware").unwrap()),
            ..Filter::default()
        }));
        let since = |d: &str| Filter {
            since: Some(parse_date(d).unwrap()),
            ..Filter::default()
        };
        let until = |d: &str| Filter {
            until: Some(parse_date(d).unwrap()),
            ..Filter::default()
        };
        assert!(f(since("2024-03-05")) && !f(since("2024-03-06")));
        assert!(f(until("2024-03-05")) && !f(until("2024-03-04")));
        // a run without a date is not in any date range
        let undated = RunInfo::default();
        assert!(!since("2000-01-01").keeps_run(&undated));
        assert!(parse_date("2024-13-01").is_err() && parse_date("March").is_err());
    }

    #[test]
    fn events_are_kept_by_test_method_and_kind() {
        let f = Filter {
            test: Some(parse_regex("^test_os$|test_fork").unwrap()),
            kinds: vec![KindSelector::Threads],
            ..Filter::default()
        };
        assert!(f.keeps_test(Some("test_os"), None));
        assert!(f.keeps_test(Some("test_x"), Some("test_fork_exec")));
        assert!(!f.keeps_test(Some("test_osx"), None) && !f.keeps_test(None, None));
        assert!(f.keeps_kind(Kind::Modified, Some("threading._dangling")));
        assert!(!f.keeps_kind(Kind::Failed, None));
        assert!(Filter::default().keeps_kind(Kind::Passed, None));
    }
}
