//! Why something failed: the exception line that ends a traceback, or what faulthandler said
//! and where (`reason`), and the same with what changes from one machine to the next masked
//! (`reason_key`), so that one failure seen on 40 builders is one key.

use regex::Regex;
use std::sync::LazyLock;

/// Longest reason kept, in characters: enough for an assertion message, not for a repr dump.
pub const REASON_CHARS: usize = 300;

/// The masks, in the order they apply: each later one sees what the earlier ones left.
static MASKS: LazyLock<[(Regex, &'static str); 4]> = LazyLock::new(|| {
    let re = |s: &str| Regex::new(s).expect("built-in reason mask");
    [
        // addresses and ids: `0x7f58c25be6c0`
        (re(r"0[xX][0-9a-fA-F]+"), "<hex>"),
        // paths, Unix and Windows, with at least one directory
        (
            re(r#"(?:\b[A-Za-z]:\\|/)(?:[^\s'"<>:,;()\[\]\\/]+[/\\])+[^\s'"<>:,;()\[\]\\/]*"#),
            "<path>",
        ),
        // temporary names: `tmpab12cd_x`, `@test_3574_tmp…`, `test_python_w4c63o54`
        (
            re(r"@test_\d+_tmp\S*|\btmp[A-Za-z0-9_]{6,}|\btest_python_[A-Za-z0-9_]+"),
            "<tmp>",
        ),
        // numbers: counts, ports, pids, errno, durations; not the digits of a name (`test_1`)
        (re(r"\b\d+(?:\.\d+)?\b"), "<n>"),
    ]
});

/// `reason` with addresses, temporary names, paths and numbers masked.
pub fn reason_key(reason: &str) -> String {
    let mut key = reason.to_string();
    for (re, mask) in MASKS.iter() {
        if let std::borrow::Cow::Owned(masked) = re.replace_all(&key, *mask) {
            key = masked;
        }
    }
    key
}

/// A reason as kept: trimmed and cut to `REASON_CHARS`.
pub fn fit_reason(reason: &str) -> String {
    crate::text::fit(reason.trim(), REASON_CHARS).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_varies_between_machines_is_masked() {
        let cases = [
            ("AssertionError: 58 != 128", "AssertionError: <n> != <n>"),
            (
                "ConnectionResetError: [Errno 104] Connection reset by peer",
                "ConnectionResetError: [Errno <n>] Connection reset by peer",
            ),
            (
                "AssertionError: <Thread(Thread-1, started 0x7f58c25be6c0)> is alive",
                "AssertionError: <Thread(Thread-<n>, started <hex>)> is alive",
            ),
            (
                "FileNotFoundError: [Errno 2] No such file or directory: '/tmp/test_python_w4c63o54/x.txt'",
                "FileNotFoundError: [Errno <n>] No such file or directory: '<path>'",
            ),
            (
                r"PermissionError: [WinError 5] Access is denied: 'C:\Users\bb\AppData\tmpab12cd_x'",
                "PermissionError: [WinError <n>] Access is denied: '<path>'",
            ),
            (
                "OSError: [Errno 98] Address already in use: ('127.0.0.1', 50021)",
                "OSError: [Errno <n>] Address already in use: ('<n>.<n>', <n>)",
            ),
            (
                "Timeout (0:15:00)! at test_signal.py:973 in measure_itimer_resolution",
                "Timeout (<n>:<n>:<n>)! at test_signal.py:<n> in measure_itimer_resolution",
            ),
            // digits that are part of a name stay
            (
                "AssertionError: test_1 failed in utf8",
                "AssertionError: test_1 failed in utf8",
            ),
            (
                "ValueError: bad tmpdir @test_3574_tmpæ",
                "ValueError: bad tmpdir <tmp>",
            ),
        ];
        for (reason, key) in cases {
            assert_eq!(reason_key(reason), key, "{reason}");
        }
        // the same failure on two machines is one key
        assert_eq!(
            reason_key("AssertionError: 1 not less than 0 (pid 4411)"),
            reason_key("AssertionError: 3 not less than 2 (pid 90210)")
        );
    }

    #[test]
    fn reasons_are_cut() {
        let long = format!("ValueError: {}", "x".repeat(1000));
        assert_eq!(fit_reason(&long).chars().count(), REASON_CHARS);
        assert_eq!(fit_reason("  KeyError: 'a'  "), "KeyError: 'a'");
    }
}
