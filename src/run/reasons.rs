//! Why something failed. A traceback (after a T2/T3 line, or in a U2 failure block) and a
//! faulthandler dump (after `Timeout`/`Fatal Python error`) are read as they come; what they
//! say goes to the event or the test they explain. Outcome events of the test whose output is
//! being read are held until that output ends, so a reason printed after the verdict (a `-j`
//! worker block follows its progress line) still reaches them.

use super::results::ReasonFrom;
use super::{Event, Flow, Phase, RunBuilder, RunEvents, RunInfo};
use crate::grammar::LineKind;
use crate::grammar::traceback::{
    dump_frame, exception_line, is_chain_line, is_dump_line, is_traceback_start,
};
use crate::grammar::unittest::is_rule;

/// At most this many outcome events wait for their test's output to end.
const HELD_MAX: usize = 64;

/// A reader open on the lines that follow.
#[derive(Debug, Default)]
pub enum Reading {
    #[default]
    Nothing,
    Traceback(TracebackReader),
    Dump(DumpReader),
}

impl Reading {
    pub fn is_open(&self) -> bool {
        !matches!(self, Reading::Nothing)
    }
}

/// What a traceback explains.
#[derive(Debug)]
pub enum Explains {
    /// A test's failure in a phase (T2, T3).
    Test { test: String, phase: Phase },
    /// A method's failure (a U2 block): its event waits for the reason.
    Method(Box<Event>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TracebackAt {
    /// Right after a U2 header: the first line of the method's docstring may come before
    /// the rule.
    Header { docstring: bool },
    /// Before `Traceback (most recent call last):` (a U2 block's rule comes first).
    Start,
    /// In its frames: the first line that is not indented is the exception.
    Frames,
    /// After the exception line: a chained traceback may follow.
    End,
}

#[derive(Debug)]
pub struct TracebackReader {
    explains: Explains,
    at: TracebackAt,
    /// The last exception line read: with chained exceptions, the one that propagated.
    exception: Option<String>,
}

impl TracebackReader {
    /// Reading the lines after `what … -- Traceback (most recent call last):`.
    pub fn in_frames(explains: Explains) -> TracebackReader {
        TracebackReader {
            explains,
            at: TracebackAt::Frames,
            exception: None,
        }
    }

    /// Reading a U2 block from its header on.
    pub fn before_start(explains: Explains) -> TracebackReader {
        TracebackReader {
            explains,
            at: TracebackAt::Header { docstring: false },
            exception: None,
        }
    }

    /// Take `line` if it belongs to the traceback.
    fn take(&mut self, line: &[u8]) -> bool {
        match self.at {
            TracebackAt::Header { .. } if is_rule(line) => {
                self.at = TracebackAt::Start;
                true
            }
            TracebackAt::Header { docstring: false }
                if !line.is_empty() && crate::grammar::classify(line) == LineKind::Other =>
            {
                self.at = TracebackAt::Header { docstring: true };
                true
            }
            TracebackAt::Header { .. } => false,
            TracebackAt::Start if line.is_empty() || is_rule(line) => true,
            TracebackAt::Start if is_traceback_start(line) => {
                self.at = TracebackAt::Frames;
                true
            }
            TracebackAt::Start => false,
            TracebackAt::Frames => {
                // an exception group's own exception: `  | ExceptionGroup: … (2 sub-exceptions)`
                let in_group = line.starts_with(b"  | ") && !line[4..].starts_with(b" ");
                if line.is_empty() || line.starts_with(b" ") && !in_group {
                    return true;
                }
                match exception_line(line) {
                    Some(e) => {
                        self.exception = Some(e);
                        self.at = TracebackAt::End;
                        true
                    }
                    None => false,
                }
            }
            TracebackAt::End if line.is_empty() => true,
            TracebackAt::End if is_chain_line(line) => {
                self.at = TracebackAt::Start;
                true
            }
            TracebackAt::End => false,
        }
    }
}

/// A faulthandler dump: its `timeout`/`fatal_error` event waits for the frame that says where.
#[derive(Debug)]
pub struct DumpReader {
    event: Box<Event>,
    /// What faulthandler said: `Timeout (0:15:00)!`, `Fatal Python error: Aborted`.
    said: String,
    /// Where the first frame is, and the first frame in a test module (where a test hung or
    /// crashed): `test_signal.py:973 in measure`.
    first: Option<String>,
    in_test: Option<String>,
    /// The last line was blank: only a thread's header (or what ends a dump) may follow.
    after_blank: bool,
}

impl DumpReader {
    pub fn new(event: Event, said: String) -> DumpReader {
        DumpReader {
            event: Box::new(event),
            said,
            first: None,
            in_test: None,
            after_blank: false,
        }
    }

    fn take(&mut self, line: &[u8]) -> bool {
        if line.is_empty() {
            self.after_blank = true;
            return true;
        }
        if is_dump_line(line) {
            self.after_blank = false;
            return true;
        }
        // after a blank line, frames belong to no thread: the dump is over (a dump that did
        // not end the process is followed by the test's own output)
        if self.after_blank {
            return false;
        }
        if let Some(frame) = dump_frame(line) {
            if self.in_test.is_none() && frame.in_test {
                self.in_test = Some(frame.place());
            }
            if self.first.is_none() {
                self.first = Some(frame.place());
            }
            return true;
        }
        // `  <no Python frame>`, `  Garbage-collecting`, `  ...`
        line.starts_with(b"  ")
    }

    /// `Timeout (0:15:00)! at test_signal.py:973 in measure_itimer_resolution`
    fn reason(&self) -> String {
        match self.in_test.as_ref().or(self.first.as_ref()) {
            Some(place) => format!("{} at {place}", self.said),
            None => self.said.clone(),
        }
    }
}

impl<F: FnMut(RunInfo, RunEvents) -> Flow> RunBuilder<'_, F> {
    /// Give `line` to the open reader; whether the reader took it. A line it does not take
    /// ends the reading and is read as any other line.
    pub(super) fn read_reason(&mut self, line: &[u8]) -> bool {
        let taken = match &mut self.cursor.reading {
            Reading::Nothing => return false,
            Reading::Traceback(t) => t.take(line),
            Reading::Dump(d) => d.take(line),
        };
        if !taken {
            self.stop_reading();
        }
        taken
    }

    /// Start reading for a reason; a reader already open delivers what it has.
    pub(super) fn start_reading(&mut self, reading: Reading) {
        self.stop_reading();
        self.cursor.reading = reading;
    }

    /// The reading is over: its reason goes where it belongs.
    pub(super) fn stop_reading(&mut self) {
        match std::mem::take(&mut self.cursor.reading) {
            Reading::Nothing => {}
            Reading::Traceback(t) => {
                let reason = t.exception;
                match t.explains {
                    Explains::Test { test, phase } => {
                        if let Some(r) = &reason {
                            self.run.results_mut().note_reason(
                                &test,
                                phase,
                                ReasonFrom::Traceback,
                                r,
                            );
                        }
                    }
                    Explains::Method(mut e) => {
                        e.give_reason(reason.as_deref());
                        self.push_method_failure(*e);
                    }
                }
            }
            Reading::Dump(d) => {
                let reason = d.reason();
                let mut e = *d.event;
                if let Some(test) = &e.test {
                    self.run.results_mut().note_reason(
                        test,
                        e.phase,
                        ReasonFrom::Faulthandler,
                        &reason,
                    );
                }
                e.give_reason(Some(&reason));
                self.run.push_event(e);
            }
        }
    }

    /// An outcome event: held while its test's output is being read (its reason may still
    /// come), else given its reason and recorded.
    pub(super) fn hold_outcome(&mut self, e: Event) {
        if !e.kind.carries_reason() {
            return self.run.push_event(e);
        }
        // an event of another test than the output's: released after this line
        self.cursor.release_held |= e.test.as_deref() != self.cursor.owner_test();
        self.cursor.held.push(e);
        if self.cursor.held.len() > HELD_MAX {
            self.release_held(true);
        }
    }

    /// Record the held events whose test's output is over (`all`: every one).
    pub(super) fn release_held(&mut self, all: bool) {
        self.cursor.release_held = false;
        if self.cursor.held.is_empty() {
            return;
        }
        let mut still_held = Vec::new();
        for mut e in std::mem::take(&mut self.cursor.held) {
            let owner = self.cursor.owner_test();
            if !all && owner.is_some() && e.test.as_deref() == owner {
                still_held.push(e);
                continue;
            }
            if let Some(test) = &e.test {
                let reason = self.run.results().reason_for(test, e.phase, e.kind);
                e.give_reason(reason);
            }
            self.run.push_event(e);
        }
        self.cursor.held = still_held;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;

    fn read(reader: &mut TracebackReader, lines: &[&str]) -> Vec<bool> {
        lines.iter().map(|l| reader.take(l.as_bytes())).collect()
    }

    #[test]
    fn a_traceback_ends_at_its_exception_and_chains_keep_the_last() {
        let explains = Explains::Test {
            test: "test_x".into(),
            phase: Phase::Main,
        };
        let mut r = TracebackReader::in_frames(explains);
        let taken = read(
            &mut r,
            &[
                "  File \"/b/Lib/test/test_x.py\", line 10, in test_b",
                "    self.assertEqual(58, 128)",
                "AssertionError: 58 != 128",
                "",
                "During handling of the above exception, another exception occurred:",
                "",
                "Traceback (most recent call last):",
                "  File \"/b/Lib/test/test_x.py\", line 12, in test_b",
                "    raise RuntimeError('boom')",
                "RuntimeError: boom",
                "",
                "0:00:01 load avg: 1.00 [2/3] test_y",
            ],
        );
        assert_eq!(
            taken,
            [
                true, true, true, true, true, true, true, true, true, true, true, false
            ]
        );
        assert_eq!(r.exception.as_deref(), Some("RuntimeError: boom"));
    }

    #[test]
    fn a_u2_block_is_read_from_its_rule_and_a_cut_traceback_has_no_reason() {
        let e = Event::new(1, Phase::Main, Kind::MethodFailed, Some("test_x".into()));
        let mut r = TracebackReader::before_start(Explains::Method(Box::new(e)));
        let taken = read(
            &mut r,
            &[
                "Connecting to a TLSv1.1 server with various client options.",
                &"-".repeat(70),
                "Traceback (most recent call last):",
                "  File \"x.py\", line 1, in test_a",
                "0:00:01 load avg: 1.00 [2/3] test_y",
            ],
        );
        assert_eq!(taken, [true, true, true, true, false]);
        assert_eq!(r.exception, None);
        // a block with no traceback at all (an unexpected success) is not read on
        let e = Event::new(1, Phase::Main, Kind::MethodFailed, Some("test_x".into()));
        let mut r = TracebackReader::before_start(Explains::Method(Box::new(e)));
        assert_eq!(
            read(&mut r, &[&"-".repeat(70), "Ran 3 tests in 0.1s"]),
            [true, false]
        );
    }

    #[test]
    fn a_dump_says_where_a_test_module_was() {
        let e = Event::new(1, Phase::Main, Kind::Timeout, None);
        let mut d = DumpReader::new(e, "Timeout (1:00:00)!".into());
        for line in [
            "Thread 0x00000001:",
            "  File \"/b/Lib/selectors.py\", line 265 in select",
            "  File \"/b/Lib/test/test_asyncio/test_events.py\", line 1012 in test_subprocess_interactive",
            "  File \"/b/Lib/unittest/case.py\", line 571 in run",
            "",
            "Extension modules: _testcapi (total: 1)",
        ] {
            assert!(d.take(line.as_bytes()), "{line}");
        }
        assert!(!d.take(b"0:00:01 load avg: 1.00 [2/3] test_y"));
        assert_eq!(
            d.reason(),
            "Timeout (1:00:00)! at test_events.py:1012 in test_subprocess_interactive"
        );
        let d = DumpReader::new(
            Event::new(1, Phase::Main, Kind::FatalError, None),
            "Fatal Python error: Aborted".into(),
        );
        assert_eq!(d.reason(), "Fatal Python error: Aborted");
    }
}
