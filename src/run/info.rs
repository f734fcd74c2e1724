//! One regrtest run as a whole: what its header says, and what its tests came to.

/// Facts about a run, for the `runs` table and for the run columns of `events` and `stats`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunInfo {
    /// 0-based index of the run within its source.
    pub run: u32,
    pub python: Option<String>,
    pub platform: Option<String>,
    /// The buildbot worker directory name from `== cwd:` (`3.x.cstratak-fedora.x86_64`),
    /// or the `builder` group of `--path-pattern`.
    pub builder: Option<String>,
    /// The `build` group of `--path-pattern`.
    pub build: Option<String>,
    /// From the H1 build text: `(heads/main:abc1234, Dec 15 2023, 13:32:22)`.
    pub branch: Option<String>,
    pub commit: Option<String>,
    /// The build date of the H1 header, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `parallel` or `sequential`, when the run says.
    pub mode: Option<&'static str>,
    pub workers: Option<u64>,
    pub tests_total: Option<u64>,
    /// Test files with a result in the main phase.
    pub tests_run: u64,
    /// Main-phase `failed`, `crashed`, `timed_out` and `worker_bug`.
    pub failed: u64,
    pub env_changed: u64,
    /// `skipped` and `resource_denied`.
    pub skipped: u64,
    /// Test files re-run.
    pub rerun: u64,
    pub flaky: u64,
    /// The final `Tests result:`/`Result:` state, else the last `== Tests result: … ==`.
    pub result: Option<String>,
    /// The longest timeout it had, in seconds: its M line's, or one faulthandler printed.
    pub timeout_s: Option<u64>,
    /// The `reason_key` its events said most often.
    pub top_reason: Option<String>,
    /// `Total duration:`, else the last ELAPSED seen.
    pub duration_s: Option<f64>,
    /// The final result line was seen: the run was not cut short.
    pub complete: bool,
    /// The first and last line of the source that belong to the run.
    pub first_line: u64,
    pub last_line: u64,
    /// How many events the run held.
    pub events: u64,
}

/// The buildbot worker directory in a cwd path: the component after `buildarea` (or
/// `buildbot` on Windows workers) that is followed by `build`.
pub fn builder_from_cwd(cwd: &str) -> Option<String> {
    let parts: Vec<&str> = cwd.split(['/', '\\']).collect();
    parts.windows(3).find_map(|w| {
        (matches!(w[0], "buildarea" | "buildbot") && w[2] == "build" && !w[1].is_empty())
            .then(|| w[1].to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_from_buildbot_cwd() {
        assert_eq!(
            builder_from_cwd(
                "/home/buildbot/buildarea/3.x.cstratak-fedora.x86_64/build/build/test_python_1æ"
            ),
            Some("3.x.cstratak-fedora.x86_64".into())
        );
        assert_eq!(
            builder_from_cwd("C:\\buildbot\\3.9.ware-win11\\build\\build\\test_python_5124"),
            Some("3.9.ware-win11".into())
        );
        assert_eq!(builder_from_cwd("/tmp/test_python_1"), None);
    }
}

/// `--path-pattern`: a regex with any of the named groups `builder`, `build`, `branch`,
/// matched against each source's path. What it finds overrides what the log says.
#[derive(Debug, Clone)]
pub struct PathPattern(regex::Regex);

impl PathPattern {
    pub fn new(pattern: &str) -> Result<PathPattern, String> {
        let re = regex::Regex::new(pattern).map_err(|e| e.to_string())?;
        let named = re
            .capture_names()
            .flatten()
            .any(|n| matches!(n, "builder" | "build" | "branch"));
        if !named {
            return Err("needs at least one of the named groups (?P<builder>…), (?P<build>…), (?P<branch>…)".into());
        }
        Ok(PathPattern(re))
    }

    /// Fill the run's origin from `path`.
    pub fn apply(&self, path: &str, info: &mut RunInfo) {
        let Some(caps) = self.0.captures(path) else {
            return;
        };
        let group = |name| caps.name(name).map(|m| m.as_str().to_string());
        if let Some(b) = group("builder") {
            info.builder = Some(b);
        }
        if let Some(b) = group("build") {
            info.build = Some(b);
        }
        if let Some(b) = group("branch") {
            info.branch = Some(b);
        }
    }
}

#[cfg(test)]
mod path_pattern_tests {
    use super::*;

    #[test]
    fn named_groups_fill_the_origin() {
        let p = PathPattern::new(r"logs/(?P<builder>[^/]+)/(?P<build>\d+)\.log").unwrap();
        let mut info = RunInfo {
            builder: Some("from-cwd".into()),
            branch: Some("main".into()),
            ..RunInfo::default()
        };
        p.apply("archive/logs/AMD64 Ubuntu 3.x/1234.log.gz", &mut info);
        assert_eq!(info.builder.as_deref(), Some("AMD64 Ubuntu 3.x"));
        assert_eq!(info.build.as_deref(), Some("1234"));
        assert_eq!(info.branch.as_deref(), Some("main"));
        let mut untouched = RunInfo::default();
        p.apply("elsewhere.log", &mut untouched);
        assert_eq!(untouched, RunInfo::default());
        assert!(PathPattern::new("(no groups)").is_err());
        assert!(PathPattern::new("(?P<builder>").is_err());
    }
}
