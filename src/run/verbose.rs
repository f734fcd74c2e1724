//! Verbose unittest output (§10): method lines open and close methods and name the module
//! that owns the output where no progress line does; failing methods become events when their
//! U2 block (and the reason in it) has been read; a method that failed and then passed in the
//! re-run is noted for `method_flaky`; what a test printed after ` ... ` is read as a line.

use super::cursor::FailedMethod;
use super::reasons::{Explains, Reading, TracebackReader};
use super::{Detail, Event, Flow, Phase, RunBuilder, RunEvents, RunInfo, text};
use crate::grammar::{
    self, LineKind,
    unittest::{Desc, FailureWhat, MethodStatus, UnittestLine, desc},
};
use crate::kind::Kind;

/// Longest description and method name kept, in characters: enough for any real one, and a
/// bound on what a run keeps of them.
const NAME_CHARS: usize = 1024;

/// The description as kept (a U1 line's and its U2 block's are kept alike, so they meet).
fn kept_desc(d: &Desc<'_>) -> String {
    crate::text::fit(&text(d.text), NAME_CHARS).into_owned()
}

/// `Class.test_m` as kept.
fn kept_method(d: &Desc<'_>) -> Option<String> {
    d.method()
        .map(|m| crate::text::fit(&m, NAME_CHARS).into_owned())
}

fn kind_of(status: MethodStatus) -> Kind {
    match status {
        MethodStatus::Error => Kind::MethodError,
        MethodStatus::UnexpectedSuccess => Kind::MethodUnexpectedSuccess,
        _ => Kind::MethodFailed,
    }
}

impl<F: FnMut(RunInfo, RunEvents) -> Flow> RunBuilder<'_, F> {
    pub(super) fn unittest(&mut self, number: u64, u: UnittestLine<'_>) {
        match u {
            UnittestLine::Method {
                desc,
                status,
                after,
            } => self.method_line(number, desc, status, after),
            UnittestLine::Desc(desc) => self.open_method(&desc),
            UnittestLine::Status(status) => self.method_status(number, status),
            UnittestLine::FailureHeader { what, desc } => self.failure_block(number, what, desc),
            UnittestLine::Ran { tests } => {
                // the U2 blocks are over: methods that got none failed without a reason
                self.release_failed_methods();
                self.cursor.unit.ran_none = tests == 0;
            }
            UnittestLine::Result { outcome, .. } => self.unittest_result(number, outcome),
            // `push_one` notes it for the header that may follow
            UnittestLine::Rule => {}
        }
    }

    /// `DESC ... ` and what follows: a status, the next DESC (≤3.10: this method's subtests
    /// failed, so it got no status), or what the test printed, read as a line of its own.
    fn method_line<'l>(
        &mut self,
        number: u64,
        mut desc: Desc<'l>,
        mut status: Option<MethodStatus>,
        mut after: &'l [u8],
    ) {
        // a loop, not a recursion: a line may hold any number of them
        loop {
            self.open_method(&desc);
            if let Some(s) = status {
                return self.method_status(number, s);
            }
            if after.is_empty() {
                return;
            }
            // (a progress line glued further into the text is not looked for: the search
            // would go over the rest of the line once per DESC)
            match grammar::classify_unglued(after) {
                LineKind::Unittest(UnittestLine::Method {
                    desc: next,
                    status: next_status,
                    after: rest,
                }) => (desc, status, after) = (next, next_status, rest),
                kind => return self.handle(number, after, kind),
            }
        }
    }

    /// A method begins: its module owns what follows where no progress line does. (Failing
    /// methods of an earlier module keep waiting: unittest prints every U2 block at the end.)
    fn open_method(&mut self, desc: &Desc<'_>) {
        // with a progress line's test owning the output, the module is not needed
        if self.cursor.owner.is_none()
            && let Some(module) = desc.module()
        {
            self.cursor.unit.set_module(module);
        }
        self.cursor.unit.open(desc.text);
    }

    /// The open method's status.
    fn method_status(&mut self, number: u64, status: MethodStatus) {
        let in_rerun = self.cursor.phase() == Phase::Rerun;
        let worth_keeping = status.is_failure() || status == MethodStatus::Ok && in_rerun;
        if !worth_keeping {
            // most methods pass: nothing to keep
            self.cursor.unit.close();
            return;
        }
        let Some(open) = self.cursor.unit.close().and_then(desc) else {
            return;
        };
        let (desc, method) = (kept_desc(&open), kept_method(&open));
        let test = self.cursor.output_test().map(str::to_string);
        if status.is_failure() {
            self.cursor.failed_methods.push(FailedMethod {
                desc,
                method,
                status,
                test,
                line: number,
            });
        } else if let (Some(test), Some(method)) = (test, method) {
            self.run
                .results_mut()
                .method_passed_in_rerun(&test, &method, number);
        }
    }

    /// U2 `FAIL: DESC` right after its rule: the method's failure, whose reason the traceback
    /// below gives. Elsewhere such a line is what a test printed.
    fn failure_block(&mut self, number: u64, what: FailureWhat, desc: Option<Desc<'_>>) {
        let Some(desc) = desc.filter(|_| self.cursor.after_rule) else {
            return;
        };
        let desc_text = kept_desc(&desc);
        let failed = match self.cursor.failed_methods.take(&desc_text) {
            // the block's word wins over the status line's
            Some(waiting) => FailedMethod {
                status: what.status(),
                ..waiting
            },
            None => FailedMethod {
                method: kept_method(&desc),
                desc: desc_text,
                status: what.status(),
                test: self
                    .cursor
                    .owner_test()
                    .map(str::to_string)
                    .or_else(|| desc.module().map(text)),
                line: number,
            },
        };
        let subtest = Some(text(desc.subtest())).filter(|s| !s.is_empty());
        let mut e = self.method_event(failed);
        if let Some(s) = subtest {
            e.detail = Detail::Text(s);
        }
        let reader = TracebackReader::before_start(Explains::Method(Box::new(e)));
        self.start_reading(Reading::Traceback(reader));
    }

    fn method_event(&self, failed: FailedMethod) -> Event {
        let mut e = self.event(failed.line, kind_of(failed.status), failed.test);
        e.method = failed.method;
        e
    }

    /// Failing methods still waiting for their U2 block: the block will not come, they
    /// failed without a reason.
    pub(super) fn release_failed_methods(&mut self) {
        let waiting: Vec<FailedMethod> = self.cursor.failed_methods.drain().collect();
        for failed in waiting {
            let e = self.method_event(failed);
            self.push_method_failure(e);
        }
    }

    /// A method's failure event, ready: recorded, and noted for `method_flaky` and as the
    /// test's reason.
    pub(super) fn push_method_failure(&mut self, e: Event) {
        if let Some(test) = &e.test {
            let results = self.run.results_mut();
            if let Some(reason) = &e.reason {
                results.note_reason(test, e.phase, super::results::ReasonFrom::Traceback, reason);
            }
            if e.phase == Phase::Main
                && let Some(method) = &e.method
            {
                results.method_failed(test, method, e.reason.as_deref());
            }
        }
        self.push_event(e);
    }

    /// The output of a test is over (another test's began): what its methods said is done.
    pub(super) fn end_unit(&mut self) {
        self.release_failed_methods();
        self.cursor.unit = Default::default();
    }

    /// The method open in the output being read, for the events found in it.
    pub(super) fn open_method_name(&self) -> Option<String> {
        self.cursor.unit.open_method()
    }
}
