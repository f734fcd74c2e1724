//! Warnings, leaks and crashes: each becomes an event of the test it names, else of the test
//! whose output block or window holds it. `X was modified by test_y` waits for its
//! `Before:`/`After:` lines and becomes the difference between them.

use super::cursor::PendingModified;
use super::reasons::{DumpReader, Reading};
use super::{Detail, Event, Flow, RunBuilder, RunEvents, RunInfo, text};
use crate::grammar::{crash::CrashLine, refleak::RefleakLine, warning::WarningLine};
use crate::kind::Kind;

impl<F: FnMut(RunInfo, RunEvents) -> Flow> RunBuilder<'_, F> {
    /// The test a warning belongs to: the one it names, else the owner of the output (the
    /// test of its progress line, else the module of the last method line).
    fn owner(&self, named: Option<&[u8]>) -> Option<String> {
        named
            .map(text)
            .or_else(|| self.cursor.output_test().map(str::to_string))
    }

    /// An event of `kind` for the test `named`, or the output's owner, in the method running.
    fn warning_event(&self, line: u64, kind: Kind, named: Option<&[u8]>) -> Event {
        let mut e = self.event(line, kind, self.owner(named));
        if named.is_none() || e.test.as_deref() == self.cursor.output_test() {
            e.method = self.open_method_name();
        }
        e
    }

    /// A warning named `test`: in a sequential log that began in the middle of a test, the
    /// one that was running.
    fn note_named(&mut self, test: &[u8]) {
        if self.cursor.owner.is_none() && !self.cursor.mode.is_parallel() {
            self.cursor.running_hint = Some(text(test));
        }
    }

    pub(super) fn warning(&mut self, number: u64, w: WarningLine<'_>) {
        let event = match w {
            WarningLine::Modified { resource, test } => {
                self.note_named(test);
                let test = text(test);
                let method = (self.cursor.output_test() == Some(test.as_str()))
                    .then(|| self.open_method_name())
                    .flatten();
                self.cursor.pending_modified = Some(PendingModified {
                    line: number,
                    resource: text(resource),
                    test,
                    method,
                    before: None,
                    is_cut: false,
                });
                return;
            }
            WarningLine::Before(value) => {
                if let Some(p) = &mut self.cursor.pending_modified {
                    p.before = Some(value.to_vec());
                }
                return;
            }
            WarningLine::After(value) => return self.modified_after(value),
            WarningLine::LeakedTempFiles { test, count, files } => {
                let mut e = self.warning_event(number, Kind::LeakedTempFiles, Some(test));
                e.count = Some(count as i64);
                e.detail = Detail::Text(text(files));
                e
            }
            WarningLine::ReapChildren { pid } => {
                let mut e = self.warning_event(number, Kind::ReapChildren, None);
                e.count = Some(1);
                e.detail = Detail::Text(pid.to_string());
                e
            }
            WarningLine::ThreadingCleanup { dangling } => {
                let mut e = self.warning_event(number, Kind::ThreadingCleanup, None);
                e.count = dangling;
                e
            }
            WarningLine::DanglingThread(repr) | WarningLine::DanglingThreads(repr) => {
                self.leak_event(number, Kind::DanglingThread, repr)
            }
            WarningLine::DanglingProcesses(repr) => {
                self.leak_event(number, Kind::DanglingProcess, repr)
            }
            WarningLine::ManagerChildren(list) => {
                self.leak_event(number, Kind::ManagerChildren, list)
            }
            WarningLine::Unraisable => self.warning_event(number, Kind::Unraisable, None),
            WarningLine::UncaughtThreadException { exception } => {
                let mut e = self.warning_event(number, Kind::UncaughtThreadException, None);
                e.resource = Some(text(exception));
                e
            }
            WarningLine::Uncollectable { test, count } => {
                let mut e = self.warning_event(number, Kind::Uncollectable, test);
                e.count = Some(count as i64);
                e
            }
            WarningLine::LeftBehind { test, what, path } => {
                let mut e = self.warning_event(number, Kind::LeftBehind, Some(test));
                e.resource = Some(text(what));
                e.detail =
                    Detail::Text(self.rules.mask(&String::from_utf8_lossy(path)).into_owned());
                e
            }
            WarningLine::ThreadingCleanupDetail
            | WarningLine::ManagerSharedObjects
            | WarningLine::WorkerThreadFailed
            | WarningLine::WorkerCleanupFailed
            | WarningLine::RerunParseFailed
            | WarningLine::Other(_) => return,
        };
        self.push_event(event);
    }

    /// A warning listing what is left (`Dangling thread: <…>`), named by the leak rules.
    fn leak_event(&self, number: u64, kind: Kind, repr: &[u8]) -> Event {
        let leaked = self.rules.describe(repr);
        let mut e = self.warning_event(number, kind, None);
        e.count = Some(leaked.count() as i64);
        e.detail = Detail::Leaked(leaked);
        e
    }

    /// The `After:` value of a pending `modified` warning: the difference is its event.
    fn modified_after(&mut self, after: &[u8]) {
        let Some(p) = self.cursor.pending_modified.take() else {
            return;
        };
        let leaked = self.rules.diff(p.before.as_deref().unwrap_or(b""), after);
        let mut e = self.event(p.line, Kind::Modified, Some(p.test));
        e.method = p.method;
        e.resource = Some(p.resource);
        e.count = Some(leaked.count() as i64);
        e.detail = Detail::Leaked(leaked);
        e.is_cut = p.is_cut;
        self.push_event(e);
    }

    /// A `modified` warning whose `After:` never came (early 3.4, or a log cut in the
    /// middle): the leak is still counted.
    pub(super) fn flush_modified(&mut self) {
        if let Some(p) = self.cursor.pending_modified.take() {
            let mut e = self.event(p.line, Kind::Modified, Some(p.test));
            e.method = p.method;
            e.resource = Some(p.resource);
            self.push_event(e);
        }
    }

    pub(super) fn refleak(&mut self, number: u64, r: RefleakLine<'_>) {
        if let RefleakLine::Leaked {
            test,
            deltas,
            kind,
            sum,
            is_fine,
        } = r
        {
            let kind_of = if is_fine {
                Kind::RefleakFine
            } else {
                Kind::Refleak
            };
            let mut e = self.event(number, kind_of, Some(text(test)));
            e.resource = Some(kind.name().to_string());
            e.count = Some(sum);
            e.detail = Detail::Text(text(deltas));
            self.push_event(e);
        }
    }

    /// A timeout or a fatal error: its event waits for the dump that says where.
    pub(super) fn crash(&mut self, number: u64, line: &[u8], c: CrashLine<'_>) {
        let (kind, detail) = match c {
            CrashLine::Timeout(d) => {
                if let Ok((_, seconds)) = crate::grammar::prefix::elapsed(d) {
                    self.run.note_timeout(seconds);
                }
                (Kind::Timeout, d)
            }
            CrashLine::FatalError(m) | CrashLine::WindowsFatal(m) => (Kind::FatalError, m),
            CrashLine::ThreadDump => return,
        };
        let mut e = self.warning_event(number, kind, None);
        e.detail = Detail::Text(text(detail));
        e.is_cut |= self.line_is_cut;
        self.start_reading(Reading::Dump(DumpReader::new(e, text(line))));
    }
}
