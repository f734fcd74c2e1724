//! Verbose unittest output (§10): method lines open and close methods and name the module
//! that owns the output where no progress line does; failing methods become events when their
//! U2 block (and the reason in it) has been read; a method that failed and then passed in the
//! re-run is noted for `method_flaky`; what a test printed after ` ... ` is read as a line.

use super::cursor::FailedMethod;
use super::reasons::{Explains, Reading, TracebackReader};
use super::{Detail, Event, Flow, Phase, RunBuilder, RunEvents, RunInfo, text};
use crate::grammar::{
    self,
    unittest::{Desc, FailureWhat, MethodStatus, UnittestLine, desc, method_line, method_status},
};
use crate::kind::Kind;

/// At most this many failing methods wait for their U2 block; past it the oldest is recorded
/// without a reason.
const WAITING_MAX: usize = 1024;

/// The method whose status just came.
struct OpenMethod {
    desc: String,
    method: Option<String>,
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
        loop {
            self.open_method(&desc);
            if let Some(s) = status {
                return self.method_status(number, s);
            }
            if after.is_empty() {
                return;
            }
            match method_line(after) {
                Some((next, rest)) => {
                    (desc, status, after) = (next, method_status(rest), rest);
                }
                None => {
                    let kind = grammar::classify(after);
                    return self.handle(number, after, kind);
                }
            }
        }
    }

    /// A method begins: its module owns what follows where no progress line does.
    fn open_method(&mut self, desc: &Desc<'_>) {
        // with a progress line's test owning the output, the module is not needed
        if self.cursor.owner.is_none()
            && let Some(module) = desc.module()
            && self.cursor.unit.module.as_deref().map(str::as_bytes) != Some(module)
        {
            // another module's output: its failures are not this one's
            self.release_failed_methods();
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
        let Some(open_desc) = self.cursor.unit.close() else {
            return;
        };
        let open = OpenMethod {
            desc: text(open_desc),
            method: desc(open_desc).and_then(|d| d.method()),
        };
        let test = self.cursor.output_test().map(str::to_string);
        if status.is_failure() {
            if self.cursor.failed_methods.len() >= WAITING_MAX {
                let oldest = self.cursor.failed_methods.remove(0);
                self.record_failed_method(oldest, None);
            }
            self.cursor.failed_methods.push(FailedMethod {
                desc: open.desc,
                method: open.method,
                status,
                test,
                line: number,
            });
        } else if let (Some(test), Some(method)) = (test, open.method) {
            self.run
                .results_mut()
                .method_passed_in_rerun(&test, &method, number);
        }
    }

    /// U2 `FAIL: DESC`: the method's failure, whose reason the traceback below gives.
    fn failure_block(&mut self, number: u64, what: FailureWhat, desc: Option<Desc<'_>>) {
        let desc_text = desc.as_ref().map(|d| text(d.text));
        let waiting = self
            .cursor
            .failed_methods
            .iter()
            .position(|m| Some(&m.desc) == desc_text.as_ref());
        let failed = match waiting {
            // the block's word wins over the status line's
            Some(at) => FailedMethod {
                status: what.status(),
                ..self.cursor.failed_methods.remove(at)
            },
            None => FailedMethod {
                desc: desc_text.unwrap_or_default(),
                method: desc.as_ref().and_then(Desc::method),
                status: what.status(),
                test: self
                    .cursor
                    .owner_test()
                    .map(str::to_string)
                    .or_else(|| desc.as_ref().and_then(Desc::module).map(text)),
                line: number,
            },
        };
        let subtest = desc.map(|d| text(d.subtest())).filter(|s| !s.is_empty());
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

    /// A failed method without a U2 block to say why.
    fn record_failed_method(&mut self, failed: FailedMethod, reason: Option<&str>) {
        let mut e = self.method_event(failed);
        e.give_reason(reason);
        self.push_method_failure(e);
    }

    /// Failing methods still waiting for their U2 block: the block will not come.
    pub(super) fn release_failed_methods(&mut self) {
        for failed in std::mem::take(&mut self.cursor.failed_methods) {
            self.record_failed_method(failed, None);
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
