//! Hostile inputs for the memory and time check (`bench/memory.sh`): logs that are small on
//! disk and enormous in what they hold.
//!
//!   gen_pathological runs N     # N tiny complete runs, one after the other
//!   gen_pathological warnings N # one run holding N warning lines
//!   gen_pathological reruns N   # one run re-running N failed tests, each flaky
//!   gen_pathological dict N     # one `modified` warning whose Before/After dicts hold N keys
//!
//! The log goes to stdout; pipe it through `gzip` for the compressed form.

use std::io::{self, BufWriter, Write};

fn runs(out: &mut impl Write, n: u64) -> io::Result<()> {
    for i in 0..n {
        writeln!(
            out,
            "== CPython 3.12.1 (main, Dec 15 2023, 13:32:22) [GCC 12.2.0]"
        )?;
        writeln!(
            out,
            "0:00:00 load avg: 1.00 Run 2 tests in parallel using 2 worker processes"
        )?;
        writeln!(out, "0:00:01 load avg: 1.00 [1/2] test_a passed")?;
        writeln!(
            out,
            "0:00:02 load avg: 1.00 [2/2/1] test_b{} failed (1 failure)",
            i % 97
        )?;
        writeln!(out, "Warning -- reap_children() reaped child process {i}")?;
        writeln!(out)?;
        writeln!(out, "== Tests result: FAILURE ==")?;
        writeln!(out)?;
        writeln!(out, "Result: FAILURE")?;
    }
    Ok(())
}

fn warnings(out: &mut impl Write, n: u64) -> io::Result<()> {
    writeln!(
        out,
        "== CPython 3.12.1 (main, Dec 15 2023, 13:32:22) [GCC 12.2.0]"
    )?;
    writeln!(
        out,
        "0:00:00 load avg: 1.00 Run 2 tests in parallel using 2 worker processes"
    )?;
    writeln!(
        out,
        "0:00:01 load avg: 1.00 [1/2/1] test_a failed (env changed)"
    )?;
    for i in 0..n {
        match i % 4 {
            0 => writeln!(out, "Warning -- Unraisable exception")?,
            1 => writeln!(out, "Warning -- reap_children() reaped child process {i}")?,
            2 => writeln!(
                out,
                "Warning -- Dangling thread: <Thread(Thread-{i}, started daemon {i})>"
            )?,
            _ => writeln!(
                out,
                "Warning -- test_a{} created 1 uncollectable object(s)",
                i % 50
            )?,
        }
    }
    writeln!(out, "0:00:02 load avg: 1.00 [2/2/1] test_b passed")?;
    writeln!(out, "Result: FAILURE")
}

fn reruns(out: &mut impl Write, n: u64) -> io::Result<()> {
    writeln!(
        out,
        "== CPython 3.12.1 (main, Dec 15 2023, 13:32:22) [GCC 12.2.0]"
    )?;
    writeln!(
        out,
        "0:00:00 load avg: 1.00 Run {n} tests in parallel using 2 worker processes"
    )?;
    for i in 1..=n {
        writeln!(
            out,
            "0:00:01 load avg: 1.00 [{i}/{n}/{i}] test_x{i} failed (1 failure)"
        )?;
    }
    writeln!(
        out,
        "0:00:02 load avg: 1.00 Re-running {n} failed tests in verbose mode in subprocesses"
    )?;
    writeln!(
        out,
        "0:00:02 load avg: 1.00 Run {n} tests in parallel using 2 worker processes"
    )?;
    for i in 1..=n {
        writeln!(out, "0:00:03 load avg: 1.00 [{i}/{n}] test_x{i} passed")?;
    }
    writeln!(out, "Result: FAILURE then SUCCESS")
}

fn dict(out: &mut impl Write, n: u64) -> io::Result<()> {
    writeln!(out, "Warning -- os.environ was modified by test_os")?;
    let entries = |changed: bool| {
        let mut s = String::from("{");
        for i in 0..n {
            let v = if changed && i % 1000 == 0 {
                "changed"
            } else {
                "v"
            };
            s.push_str(&format!("'KEY_{i}': '{v}', "));
        }
        s.push('}');
        s
    };
    writeln!(out, "  Before: {}", entries(false))?;
    writeln!(out, "  After:  {} ", entries(true))
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_pathological runs|warnings|reruns|dict N";
    let (what, n) = match args.as_slice() {
        [what, n] => (what.as_str(), n.parse::<u64>().expect(usage)),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    match what {
        "runs" => runs(&mut out, n)?,
        "warnings" => warnings(&mut out, n)?,
        "reruns" => reruns(&mut out, n)?,
        "dict" => dict(&mut out, n)?,
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
    out.flush()
}
