#![allow(dead_code)]
//! Deterministic benchmark corpus: realistic CPython regrtest console logs of every era (A–F of
//! `shared/docs/regrtest-format.md`), as a buildbot fleet would produce them, plus the exact
//! `flakelog stats` result they must give (`truth.json`).
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --out DIR --size 1GiB --seed 1 [--no-gz] [--no-plain] [--realistic]
//! ```
//!
//! Writes `DIR/<builder>/<build>.log` (and the same bytes gzipped as `.log.gz`) until the plain
//! text reaches `--size`, then `DIR/truth.json`:
//! `{"files": N, "runs": N, "rows": [{"test", "kind", "resource", "events", "runs"}, …]}` with one
//! row per (test without a leading `test.`, kind, resource) flakelog emits, `passed` included.
//!
//! Every line is one of the forms `grammars/regrtest.md` lists, and every event is counted as it
//! is written, following the run semantics of README.md (sequential silence is a pass, `-- PREV`
//! verdicts belong to the previous test, flaky = failed/env changed/crashed/timed out then passed
//! in the re-run, each warning line is one event, repeated `-R` warnings count each time, a
//! truncated run keeps what it printed, a 3.5 run's outcomes come from its summary).
//!
//! The same seed gives byte-identical output at any thread count.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[path = "support/dress.rs"]
mod dress;
use dress::Dress;

// ------------------------------------------------------------------------------------------
// PRNG: splitmix64 (tiny, fast, good enough, and the same everywhere)

#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x6A09_E667_F3BC_C908);
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }

    /// Index chosen with the given weights.
    pub fn weighted(&mut self, w: &[u32]) -> usize {
        let total: u64 = w.iter().map(|&x| x as u64).sum();
        let mut n = self.below(total);
        for (i, &x) in w.iter().enumerate() {
            if n < x as u64 {
                return i;
            }
            n -= x as u64;
        }
        w.len() - 1
    }

    /// Lower-case hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        const H: &[u8; 16] = b"0123456789abcdef";
        (0..n).map(|_| H[self.below(16) as usize] as char).collect()
    }
}

fn hash_str(s: &str) -> u64 {
    // FNV-1a: stable per name, so a test file prints the same unittest cases in every run
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

// ------------------------------------------------------------------------------------------
// The fleet

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Era {
    A,
    B,
    C,
    D,
    E,
    F,
}

#[derive(Debug, Clone, Copy)]
pub struct Builder {
    pub name: &'static str,
    pub branch: &'static str,
    /// `-jN`; 0 is a sequential run.
    pub workers: u32,
    /// `R` refleak (`-R`), `W` Windows, `V` verbose (`-v`), `C` colour (3.14+), `F` flaky box.
    pub flags: &'static str,
    pub weight: u32,
}

impl Builder {
    fn has(&self, f: char) -> bool {
        self.flags.contains(f)
    }
}

const fn b(
    name: &'static str,
    branch: &'static str,
    workers: u32,
    flags: &'static str,
    weight: u32,
) -> Builder {
    Builder {
        name,
        branch,
        workers,
        flags,
        weight,
    }
}

/// Mostly 3.12–3.14 (era E/F), some 3.9–3.11 (era D), a few 2.7 and 3.5–3.8.
pub const FLEET: &[Builder] = &[
    b("3.x.cstratak-fedora-rawhide-x86_64", "main", 8, "", 5),
    b("3.x.ware-debian-x86", "main", 2, "", 4),
    b("3.x.bolen-ubuntu", "main", 4, "", 4),
    b("3.x.stan-raspbian", "main", 2, "F", 3),
    b("3.x.gps-ubuntu-exclusive-x86_64", "main", 16, "", 3),
    b(
        "3.x.cstratak-fedora-rawhide-x86_64.refleak",
        "main",
        6,
        "R",
        2,
    ),
    b("3.x.itamaro-win64-srv-22-aarch64", "main", 4, "W", 2),
    b("3.x.bolen-windows10", "main", 2, "WF", 2),
    b("3.x.pablogsal-arch-x86_64", "main", 0, "C", 1),
    b("3.x.ambv-bigmem", "main", 0, "", 1),
    b("3.x.edelsohn-aix-ppc64", "main", 4, "F", 1),
    b("3.14.cstratak-fedora-stable-x86_64", "3.14", 8, "", 4),
    b("3.14.ware-debian-x86", "3.14", 2, "", 3),
    b("3.14.bolen-ubuntu", "3.14", 4, "", 3),
    b("3.14.stan-raspbian", "3.14", 2, "F", 2),
    b("3.14.itamaro-win64-srv-22-aarch64", "3.14", 4, "W", 1),
    b("3.14.cstratak-rhel9-ppc64le", "3.14", 0, "VC", 1),
    b("3.13.cstratak-fedora-stable-x86_64", "3.13", 8, "", 4),
    b("3.13.ware-ubuntu-refleak", "3.13", 0, "R", 3),
    b("3.13.bolen-ubuntu", "3.13", 4, "", 3),
    b("3.13.stan-raspbian", "3.13", 2, "F", 2),
    b("3.13.bolen-windows10", "3.13", 2, "W", 2),
    b("3.13.gps-ubuntu-exclusive-x86_64", "3.13", 16, "V", 2),
    b("3.13.ware-debian-x86", "3.13", 0, "", 2),
    b("3.12.cstratak-fedora.x86_64", "3.12", 3, "", 4),
    b("3.12.ware-debian-x86", "3.12", 2, "", 3),
    b("3.12.bolen-ubuntu", "3.12", 4, "", 3),
    b("3.12.cstratak-fedora.x86_64.refleak", "3.12", 6, "R", 2),
    b("3.12.bolen-windows10", "3.12", 2, "WF", 2),
    b("3.12.edelsohn-aix-ppc64", "3.12", 4, "F", 1),
    b("3.12.ambv-bigmem", "3.12", 0, "", 1),
    b("3.11.cstratak-fedora.x86_64", "3.11", 3, "", 3),
    b("3.11.bolen-ubuntu", "3.11", 2, "V", 2),
    b("3.11.ware-win11", "3.11", 2, "W", 2),
    b("3.10.ware-debian-x86.refleak", "3.10", 0, "R", 2),
    b("3.10.cstratak-fedora.x86_64", "3.10", 3, "", 2),
    b("3.10.bolen-ubuntu", "3.10", 2, "", 1),
    b("3.9.cstratak-fedora.x86_64", "3.9", 3, "", 2),
    b("3.9.ware-win11", "3.9", 2, "W", 1),
    b("3.9.stan-raspbian", "3.9", 0, "F", 1),
    b("3.8.bolen-ubuntu", "3.8", 2, "", 2),
    b("3.8.cstratak-rhel8-ppc64le", "3.8", 0, "V", 1),
    b("3.7.bolen-debian", "3.7", 2, "", 2),
    b("3.6.ware-debian-x86", "3.6", 2, "", 1),
    b("3.5.bolen-debian.refleak", "3.5", 0, "R", 1),
    b("3.5.ware-ubuntu", "3.5", 0, "", 1),
    b("2.7.angelico-debian-amd64", "2.7", 2, "", 2),
    b("2.7.bolen-ubuntu", "2.7", 0, "", 1),
];

/// Versions of a branch, oldest first, with the first build date (days since 1970-01-01).
fn branch_versions(branch: &str) -> (&'static [(u32, u32, u32, &'static str)], i64) {
    match branch {
        "main" => (&[(3, 15, 0, "a0")], 20_216),
        "3.14" => (
            &[(3, 14, 0, "rc1"), (3, 14, 0, ""), (3, 14, 1, "+")],
            20_290,
        ),
        "3.13" => (
            &[
                (3, 13, 0, ""),
                (3, 13, 1, "+"),
                (3, 13, 3, "+"),
                (3, 13, 5, "+"),
            ],
            20_004,
        ),
        "3.12" => (
            &[
                (3, 12, 1, "+"),
                (3, 12, 3, "+"),
                (3, 12, 5, "+"),
                (3, 12, 8, "+"),
            ],
            19_706,
        ),
        "3.11" => (
            &[
                (3, 11, 4, "+"),
                (3, 11, 5, "+"),
                (3, 11, 7, "+"),
                (3, 11, 9, "+"),
            ],
            19_520,
        ),
        "3.10" => (&[(3, 10, 13, "+"), (3, 10, 14, "+")], 19_605),
        "3.9" => (&[(3, 9, 18, "+")], 19_605),
        "3.8" => (&[(3, 8, 18, "+")], 19_605),
        "3.7" => (&[(3, 7, 16, "+")], 19_335),
        "3.6" => (&[(3, 6, 15, "+")], 18_880),
        "3.5" => (&[(3, 5, 10, "+")], 18_512),
        _ => (&[(2, 7, 18, "+")], 18_372),
    }
}

// ------------------------------------------------------------------------------------------
// What each version prints

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CrashStyle {
    /// 2.7: `crashed`
    Bare,
    /// 3.6–3.11.5: `crashed (Exit code N)`
    ExitCode,
    /// 3.11.6+: `worker non-zero exit code (Exit code N (SIG…))`
    Worker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RerunStyle {
    None,
    /// 2.7, 3.5, 3.6: `Re-running test 'x' in verbose mode`
    Quoted,
    /// 3.7–3.11.5: `PREFIX Re-running x in verbose mode`
    Prefixed,
    /// 3.11.6+: in subprocesses, with progress lines
    Sub,
}

#[derive(Debug, Clone)]
struct Feat {
    era: Era,
    v: u32,
    py2: bool,
    version: String,
    prefix_mode: bool,
    new_mode: bool,
    single_process: bool,
    two_line_seq: bool,
    running_suffix: bool,
    running_count: bool,
    heartbeat_prefix: bool,
    outcome_counts: bool,
    ran_word: &'static str,
    crash: CrashStyle,
    timed_out: bool,
    worker_bug: bool,
    process_crashed: bool,
    warn_every_line: bool,
    ba_prefixed: bool,
    dangling_thread: bool,
    dangling_prefixed: bool,
    w2b: bool,
    reap: bool,
    uncollectable: bool,
    w8b: bool,
    uncoll_period: bool,
    unraisable: bool,
    uncaught: bool,
    temp_files: bool,
    left_behind_quoted: bool,
    refleak_new: bool,
    leak_kinds: &'static [&'static str],
    final_word: &'static str,
    env_title_new: bool,
    seed_colon: bool,
    enc_comma: bool,
    header_new: bool,
    rerun: RerunStyle,
    matching: bool,
    split_names: bool,
    desc_new: bool,
    old_dur: bool,
    cwd_ae: bool,
    resource_denied: bool,
    progress_outcomes: bool,
}

fn ver(major: u32, minor: u32, micro: u32) -> u32 {
    major * 10_000 + minor * 100 + micro
}

impl Feat {
    fn new(major: u32, minor: u32, micro: u32, suffix: &str) -> Feat {
        let v = ver(major, minor, micro);
        let py2 = major == 2;
        let ge = |a, b, c| !py2 && v >= ver(a, b, c);
        let era = if py2 {
            Era::A
        } else if v < ver(3, 6, 0) {
            Era::B
        } else if v < ver(3, 9, 7) {
            Era::C
        } else if v < ver(3, 11, 6) {
            Era::D
        } else if v < ver(3, 13, 0) {
            Era::E
        } else {
            Era::F
        };
        let py36 = !py2 && minor == 6;
        Feat {
            era,
            v,
            py2,
            version: format!("{major}.{minor}.{micro}{suffix}"),
            prefix_mode: ge(3, 7, 0),
            new_mode: ge(3, 11, 6),
            single_process: ge(3, 13, 0),
            two_line_seq: ge(3, 14, 0),
            running_suffix: ge(3, 7, 0),
            running_count: ge(3, 11, 6),
            heartbeat_prefix: ge(3, 7, 0),
            outcome_counts: ge(3, 9, 7),
            ran_word: if ge(3, 9, 7) {
                "ran no tests"
            } else {
                "run no tests"
            },
            crash: if py2 {
                CrashStyle::Bare
            } else if ge(3, 11, 6) {
                CrashStyle::Worker
            } else {
                CrashStyle::ExitCode
            },
            timed_out: ge(3, 7, 0),
            worker_bug: ge(3, 12, 0),
            process_crashed: v == ver(3, 12, 1) || v == ver(3, 11, 7),
            warn_every_line: ge(3, 8, 0),
            ba_prefixed: ge(3, 11, 0),
            dangling_thread: ge(3, 7, 0),
            dangling_prefixed: ge(3, 8, 0),
            w2b: ge(3, 11, 7),
            reap: ge(3, 6, 0),
            uncollectable: ge(3, 7, 0),
            w8b: py2 || py36 || era == Era::B,
            uncoll_period: !ge(3, 11, 6),
            unraisable: ge(3, 9, 0),
            uncaught: ge(3, 10, 0),
            temp_files: ge(3, 11, 6),
            left_behind_quoted: !py2 && minor == 7,
            refleak_new: ge(3, 13, 0),
            leak_kinds: if py2 {
                &["references", "file descriptors"]
            } else if era == Era::B {
                &["references", "memory blocks"]
            } else {
                &["references", "memory blocks", "file descriptors"]
            },
            final_word: if ge(3, 11, 6) {
                "Result"
            } else {
                "Tests result"
            },
            env_title_new: ge(3, 11, 6),
            seed_colon: ge(3, 11, 6),
            enc_comma: !ge(3, 11, 6),
            header_new: ge(3, 11, 6),
            rerun: if era == Era::B {
                RerunStyle::None
            } else if py2 || py36 {
                RerunStyle::Quoted
            } else if ge(3, 11, 6) {
                RerunStyle::Sub
            } else {
                RerunStyle::Prefixed
            },
            matching: ge(3, 9, 7),
            split_names: ge(3, 12, 0),
            desc_new: ge(3, 11, 0),
            old_dur: py2 || py36,
            cwd_ae: ge(3, 9, 0),
            resource_denied: era != Era::B,
            progress_outcomes: era != Era::B,
        }
    }
}

// ------------------------------------------------------------------------------------------
// Test names

/// Test files common to (nearly) every version; era-specific ones are added in `test_names`.
const TESTS: &[&str] = &[
    "test___all__",
    "test___future__",
    "test__locale",
    "test__opcode",
    "test__osx_support",
    "test_abc",
    "test_abstract_numbers",
    "test_argparse",
    "test_array",
    "test_asdl_parser",
    "test_ast",
    "test_asyncgen",
    "test_atexit",
    "test_augassign",
    "test_base64",
    "test_baseexception",
    "test_bdb",
    "test_bigaddrspace",
    "test_bigmem",
    "test_binascii",
    "test_binop",
    "test_bisect",
    "test_bool",
    "test_buffer",
    "test_bufio",
    "test_builtin",
    "test_bytes",
    "test_bz2",
    "test_c_locale_coercion",
    "test_calendar",
    "test_call",
    "test_capi",
    "test_charmapcodec",
    "test_class",
    "test_clinic",
    "test_cmath",
    "test_cmd",
    "test_cmd_line",
    "test_cmd_line_script",
    "test_code",
    "test_code_module",
    "test_codeccallbacks",
    "test_codecencodings_cn",
    "test_codecencodings_hk",
    "test_codecencodings_iso2022",
    "test_codecencodings_jp",
    "test_codecencodings_kr",
    "test_codecencodings_tw",
    "test_codecmaps_cn",
    "test_codecmaps_hk",
    "test_codecmaps_jp",
    "test_codecmaps_kr",
    "test_codecmaps_tw",
    "test_codecs",
    "test_codeop",
    "test_collections",
    "test_colorsys",
    "test_compare",
    "test_compile",
    "test_compileall",
    "test_complex",
    "test_configparser",
    "test_contains",
    "test_context",
    "test_contextlib",
    "test_contextlib_async",
    "test_copy",
    "test_copyreg",
    "test_coroutines",
    "test_cppext",
    "test_cprofile",
    "test_crashers",
    "test_csv",
    "test_ctypes",
    "test_curses",
    "test_dataclasses",
    "test_datetime",
    "test_dbm",
    "test_dbm_dumb",
    "test_dbm_gnu",
    "test_dbm_ndbm",
    "test_decimal",
    "test_decorators",
    "test_defaultdict",
    "test_deque",
    "test_descr",
    "test_descrtut",
    "test_devpoll",
    "test_dict",
    "test_dict_version",
    "test_dictcomps",
    "test_dictviews",
    "test_difflib",
    "test_dis",
    "test_doctest",
    "test_docxmlrpc",
    "test_dtrace",
    "test_dynamic",
    "test_dynamicclassattribute",
    "test_eintr",
    "test_email",
    "test_embed",
    "test_ensurepip",
    "test_enum",
    "test_enumerate",
    "test_eof",
    "test_epoll",
    "test_errno",
    "test_exception_hierarchy",
    "test_exception_variations",
    "test_exceptions",
    "test_extcall",
    "test_faulthandler",
    "test_fcntl",
    "test_file",
    "test_file_eintr",
    "test_filecmp",
    "test_fileinput",
    "test_fileio",
    "test_finalization",
    "test_float",
    "test_fnmatch",
    "test_fork1",
    "test_format",
    "test_fractions",
    "test_frame",
    "test_frozen",
    "test_fstring",
    "test_ftplib",
    "test_funcattrs",
    "test_functools",
    "test_future_stmt",
    "test_gc",
    "test_gdb",
    "test_generator_stop",
    "test_generators",
    "test_genericalias",
    "test_genericclass",
    "test_genericpath",
    "test_genexps",
    "test_getopt",
    "test_getpass",
    "test_getpath",
    "test_gettext",
    "test_glob",
    "test_global",
    "test_grammar",
    "test_graphlib",
    "test_grp",
    "test_gzip",
    "test_hash",
    "test_hashlib",
    "test_heapq",
    "test_hmac",
    "test_html",
    "test_htmlparser",
    "test_http_cookiejar",
    "test_http_cookies",
    "test_httplib",
    "test_httpservers",
    "test_idle",
    "test_imaplib",
    "test_import",
    "test_importlib",
    "test_index",
    "test_inspect",
    "test_int",
    "test_int_literal",
    "test_io",
    "test_ioctl",
    "test_ipaddress",
    "test_isinstance",
    "test_iter",
    "test_iterlen",
    "test_itertools",
    "test_json",
    "test_keyword",
    "test_keywordonlyarg",
    "test_kqueue",
    "test_largefile",
    "test_linecache",
    "test_list",
    "test_list_extend",
    "test_listcomps",
    "test_lltrace",
    "test_locale",
    "test_logging",
    "test_long",
    "test_longexp",
    "test_lzma",
    "test_mailbox",
    "test_marshal",
    "test_math",
    "test_memoryio",
    "test_memoryview",
    "test_metaclass",
    "test_mimetypes",
    "test_minidom",
    "test_mmap",
    "test_module",
    "test_modulefinder",
    "test_msvcrt",
    "test_multibytecodec",
    "test_multiprocessing_main_handling",
    "test_named_expressions",
    "test_netrc",
    "test_ntpath",
    "test_numeric_tower",
    "test_opcache",
    "test_opcodes",
    "test_openpty",
    "test_operator",
    "test_optparse",
    "test_ordered_dict",
    "test_os",
    "test_pathlib",
    "test_patma",
    "test_pdb",
    "test_peepholer",
    "test_peg_generator",
    "test_pickle",
    "test_picklebuffer",
    "test_pickletools",
    "test_pkg",
    "test_pkgutil",
    "test_platform",
    "test_plistlib",
    "test_poll",
    "test_popen",
    "test_poplib",
    "test_positional_only_arg",
    "test_posix",
    "test_posixpath",
    "test_pow",
    "test_pprint",
    "test_print",
    "test_profile",
    "test_property",
    "test_pstats",
    "test_pty",
    "test_pulldom",
    "test_pwd",
    "test_py_compile",
    "test_pyclbr",
    "test_pydoc",
    "test_pyexpat",
    "test_queue",
    "test_quopri",
    "test_raise",
    "test_random",
    "test_range",
    "test_re",
    "test_readline",
    "test_regrtest",
    "test_repl",
    "test_reprlib",
    "test_resource",
    "test_richcmp",
    "test_rlcompleter",
    "test_robotparser",
    "test_runpy",
    "test_sax",
    "test_sched",
    "test_scope",
    "test_script_helper",
    "test_secrets",
    "test_select",
    "test_selectors",
    "test_set",
    "test_setcomps",
    "test_shelve",
    "test_shlex",
    "test_shutil",
    "test_signal",
    "test_site",
    "test_slice",
    "test_smtplib",
    "test_smtpnet",
    "test_socket",
    "test_socketserver",
    "test_sort",
    "test_source_encoding",
    "test_sqlite3",
    "test_ssl",
    "test_stable_abi_ctypes",
    "test_startfile",
    "test_stat",
    "test_statistics",
    "test_str",
    "test_strftime",
    "test_string",
    "test_string_literals",
    "test_stringprep",
    "test_strptime",
    "test_strtod",
    "test_struct",
    "test_structseq",
    "test_subclassinit",
    "test_subprocess",
    "test_sundry",
    "test_super",
    "test_support",
    "test_symtable",
    "test_syntax",
    "test_sys",
    "test_sys_setprofile",
    "test_sys_settrace",
    "test_sysconfig",
    "test_syslog",
    "test_tabnanny",
    "test_tarfile",
    "test_tcl",
    "test_tempfile",
    "test_termios",
    "test_textwrap",
    "test_thread",
    "test_threadedtempfile",
    "test_threading",
    "test_threading_local",
    "test_threadsignals",
    "test_time",
    "test_timeit",
    "test_timeout",
    "test_tkinter",
    "test_tokenize",
    "test_tools",
    "test_trace",
    "test_traceback",
    "test_tracemalloc",
    "test_tty",
    "test_tuple",
    "test_turtle",
    "test_type_annotations",
    "test_type_comments",
    "test_typechecks",
    "test_types",
    "test_typing",
    "test_ucn",
    "test_unary",
    "test_unicode_file",
    "test_unicode_file_functions",
    "test_unicode_identifiers",
    "test_unicodedata",
    "test_unittest",
    "test_univnewlines",
    "test_unpack",
    "test_unpack_ex",
    "test_unparse",
    "test_urllib",
    "test_urllib2",
    "test_urllib2_localnet",
    "test_urllib2net",
    "test_urllib_response",
    "test_urllibnet",
    "test_urlparse",
    "test_userdict",
    "test_userlist",
    "test_userstring",
    "test_utf8_mode",
    "test_utf8source",
    "test_uuid",
    "test_venv",
    "test_wait3",
    "test_wait4",
    "test_warnings",
    "test_wave",
    "test_weakref",
    "test_weakset",
    "test_webbrowser",
    "test_winapi",
    "test_winconsoleio",
    "test_winreg",
    "test_winsound",
    "test_with",
    "test_wsgiref",
    "test_xml_dom_minicompat",
    "test_xml_etree",
    "test_xml_etree_c",
    "test_xmlrpc",
    "test_xxlimited",
    "test_xxtestfuzz",
    "test_yield_from",
    "test_zipapp",
    "test_zipfile",
    "test_zipfile64",
    "test_zipimport",
    "test_zipimport_support",
    "test_zlib",
    "test_zoneinfo",
];

const ASYNCIO: &[&str] = &[
    "test_base_events",
    "test_buffered_proto",
    "test_context",
    "test_eager_task_factory",
    "test_events",
    "test_futures",
    "test_futures2",
    "test_locks",
    "test_pep492",
    "test_proactor_events",
    "test_protocols",
    "test_queues",
    "test_runners",
    "test_selector_events",
    "test_sendfile",
    "test_server",
    "test_sock_lowlevel",
    "test_ssl",
    "test_sslproto",
    "test_streams",
    "test_subprocess",
    "test_taskgroups",
    "test_tasks",
    "test_threads",
    "test_timeouts",
    "test_transports",
    "test_unix_events",
    "test_waitfor",
    "test_windows_events",
    "test_windows_utils",
];

const CONCURRENT: &[&str] = &[
    "test_as_completed",
    "test_deadlock",
    "test_future",
    "test_init",
    "test_process_pool",
    "test_shutdown",
    "test_thread_pool",
    "test_wait",
];

const MP_PARTS: &[&str] = &[
    "test_manager",
    "test_misc",
    "test_processes",
    "test_threads",
];

/// Newer test files: (name, first minor version, last minor version) for 3.x.
const VERSIONED: &[(&str, u32, u32)] = &[
    ("test_tix", 6, 12),
    ("test_ttk_guionly", 6, 12),
    ("test_ttk_textonly", 6, 12),
    ("test_ttk", 13, 99),
    ("test_lib2to3", 6, 12),
    ("test_asynchat", 6, 11),
    ("test_asyncore", 6, 11),
    ("test_smtpd", 6, 11),
    ("test_imp", 6, 11),
    ("test_distutils", 6, 11),
    ("test_crypt", 6, 12),
    ("test_nis", 6, 12),
    ("test_spwd", 6, 12),
    ("test_ossaudiodev", 6, 12),
    ("test_audioop", 6, 12),
    ("test_cgi", 6, 12),
    ("test_pipes", 6, 12),
    ("test_telnetlib", 6, 12),
    ("test_except_star", 11, 99),
    ("test_exception_group", 11, 99),
    ("test_tomllib", 11, 99),
    ("test_launcher", 11, 99),
    ("test_type_params", 12, 99),
    ("test_type_aliases", 12, 99),
    ("test_monitoring", 12, 99),
    ("test_perf_profiler", 12, 99),
    ("test_interpreters", 13, 99),
    ("test_pyrepl", 13, 99),
    ("test_free_threading", 13, 99),
    ("test_dbm_sqlite3", 13, 99),
    ("test__colorize", 13, 99),
    ("test_external_inspection", 13, 99),
    ("test_generated_cases", 12, 99),
    ("test_wmi", 12, 99),
    ("test_zstd", 14, 99),
    ("test_pep646_syntax", 13, 99),
    ("test_optimizer", 13, 99),
];

const PY2_EXTRA: &[&str] = &[
    "test_multiprocessing",
    "test_bsddb",
    "test_anydbm",
    "test_commands",
    "test_cookie",
    "test_cpickle",
    "test_dircache",
    "test_dummy_thread",
    "test_hotshot",
    "test_md5",
    "test_mhlib",
    "test_mimetools",
    "test_new",
    "test_sets",
    "test_sha",
    "test_strop",
    "test_unicode",
    "test_urllib2net",
    "test_userstring",
];

/// The test files one version runs, sorted and without duplicates.
fn test_names(f: &Feat) -> Vec<String> {
    let minor = (f.v / 100) % 100;
    let mut names: Vec<String> = TESTS.iter().map(|s| s.to_string()).collect();
    if f.py2 {
        names.retain(|n| {
            !matches!(
                n.as_str(),
                "test_asyncgen"
                    | "test_coroutines"
                    | "test_fstring"
                    | "test_patma"
                    | "test_graphlib"
                    | "test_zoneinfo"
                    | "test_peg_generator"
                    | "test_named_expressions"
                    | "test_positional_only_arg"
                    | "test_genericalias"
                    | "test_contextlib_async"
                    | "test_picklebuffer"
                    | "test_getpath"
                    | "test_utf8_mode"
                    | "test_cppext"
                    | "test_opcache"
                    | "test_stable_abi_ctypes"
                    | "test_unparse"
                    | "test_dataclasses"
                    | "test_context"
                    | "test_secrets"
                    | "test_typing"
                    | "test_type_annotations"
                    | "test_winapi"
                    | "test_embed"
                    | "test_multiprocessing_main_handling"
                    | "test_c_locale_coercion"
                    | "test_asdl_parser"
                    | "test_clinic"
                    | "test_finalization"
                    | "test_generator_stop"
                    | "test_dict_version"
            )
        });
        names.extend(PY2_EXTRA.iter().map(|s| s.to_string()));
        names.push("test_asyncore".into());
    } else {
        for &(n, lo, hi) in VERSIONED {
            if minor >= lo && minor <= hi {
                names.push(n.to_string());
            }
        }
        if f.split_names {
            for p in ASYNCIO {
                names.push(format!("test.test_asyncio.{p}"));
            }
            for p in CONCURRENT {
                names.push(format!("test.test_concurrent_futures.{p}"));
            }
            for m in ["fork", "forkserver", "spawn"] {
                for p in MP_PARTS {
                    names.push(format!("test.test_multiprocessing_{m}.{p}"));
                }
            }
        } else {
            names.push("test_asyncio".into());
            names.push("test_concurrent_futures".into());
            for m in ["fork", "forkserver", "spawn"] {
                names.push(format!("test_multiprocessing_{m}"));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Tests that fail, leak and flake more often than the rest.
const TROUBLEMAKERS: &[&str] = &[
    "asyncio",
    "concurrent_futures",
    "multiprocessing",
    "test_ssl",
    "test_socket",
    "test_signal",
    "test_threading",
    "test_subprocess",
    "test_os",
    "test_httplib",
    "test_ftplib",
    "test_imaplib",
    "test_logging",
    "test_selectors",
    "test_eintr",
    "test_queue",
    "test_capi",
    "test_gdb",
    "test_tools",
    "test_venv",
    "test_smtplib",
    "test_urllib2",
    "test_socketserver",
    "test_time",
    "test_thread",
    "test_pty",
    "test_regrtest",
    "test_embed",
    "test_faulthandler",
    "test_io",
    "test_tarfile",
    "test_shutil",
    "test_tempfile",
    "test_ctypes",
    "test_poplib",
    "test_pdb",
];

fn is_troublemaker(name: &str) -> bool {
    TROUBLEMAKERS.iter().any(|t| name.contains(t))
}

/// Slow tests: (substring, typical seconds).
const SLOW: &[(&str, f64)] = &[
    ("concurrent_futures", 90.0),
    ("multiprocessing", 120.0),
    ("asyncio", 25.0),
    ("test_io", 60.0),
    ("test_ssl", 45.0),
    ("test_subprocess", 70.0),
    ("test_socket", 40.0),
    ("test_signal", 35.0),
    ("test_capi", 50.0),
    ("test_regrtest", 150.0),
    ("test_tarfile", 35.0),
    ("test_zipfile", 30.0),
    ("test_math", 30.0),
    ("test_decimal", 40.0),
    ("test_pickle", 35.0),
    ("test_gdb", 80.0),
    ("test_peg_generator", 120.0),
    ("test_tools", 90.0),
    ("test_venv", 60.0),
    ("test_lib2to3", 40.0),
    ("test_email", 30.0),
    ("test_threading", 30.0),
    ("test_compileall", 30.0),
    ("test_tokenize", 40.0),
    ("test_unparse", 45.0),
    ("test_logging", 35.0),
    ("test_bigmem", 60.0),
    ("test_largefile", 40.0),
    ("test_datetime", 40.0),
    ("test_unicodedata", 30.0),
    ("test_httpservers", 30.0),
    ("test_embed", 40.0),
    ("test_pyrepl", 30.0),
];

// ------------------------------------------------------------------------------------------
// What happens to a test in a run

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Oc {
    Passed,
    Failed,
    EnvChanged,
    Skipped,
    Denied,
    NoTests,
    Crashed,
    TimedOut,
    WorkerBug,
}

impl Oc {
    fn kind(self) -> &'static str {
        match self {
            Oc::Passed => "passed",
            Oc::Failed => "failed",
            Oc::EnvChanged => "env_changed",
            Oc::Skipped => "skipped",
            Oc::Denied => "resource_denied",
            Oc::NoTests => "ran_no_tests",
            Oc::Crashed => "crashed",
            Oc::TimedOut => "timed_out",
            Oc::WorkerBug => "worker_bug",
        }
    }

    /// A failure of the test itself: a pass in the re-run makes it flaky.
    fn is_failure(self) -> bool {
        matches!(
            self,
            Oc::Failed | Oc::EnvChanged | Oc::Crashed | Oc::TimedOut
        )
    }

    /// Counted in FAILS (bad + env changed).
    fn counts(self) -> bool {
        matches!(
            self,
            Oc::Failed | Oc::EnvChanged | Oc::Crashed | Oc::TimedOut | Oc::WorkerBug
        )
    }

    /// In regrtest's `bad` list (re-run in every era with re-runs).
    fn is_bad(self) -> bool {
        matches!(
            self,
            Oc::Failed | Oc::Crashed | Oc::TimedOut | Oc::WorkerBug
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailHow {
    Assert { failures: u32, errors: u32 },
    Uncaught,
    RefLeak,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CrashHow {
    Segv,
    /// faulthandler's `--timeout` inside the worker: exit code 1 and a `Timeout` dump
    FaultTimeout,
    Killed,
    Abort,
    WinAccess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Warn {
    Modified(&'static str),
    ThreadingCleanup(u32),
    DanglingThreadSet(u32),
    DanglingProcesses(u32),
    Reap,
    Uncollectable(u32),
    W8b(u32),
    Unraisable,
    Uncaught(&'static str),
    TempFiles(u32),
    LeftBehind(bool),
    Manager,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReRes {
    Pass,
    Again,
}

#[derive(Debug, Clone)]
struct Plan {
    name: String,
    oc: Oc,
    fail: FailHow,
    crash: CrashHow,
    warns: Vec<Warn>,
    /// `-R` warnings printed in these many repetitions (0: once, after the test)
    warn_reps: u32,
    /// refleak lines: (kind, deltas)
    leaks: Vec<(&'static str, Vec<i32>)>,
    /// 3.13+ `(this is fine)` deltas
    fine: Option<Vec<i32>>,
    rerun: Option<ReRes>,
    dur: f64,
    skip_reason: &'static str,
}

impl Plan {
    fn new(name: String, dur: f64) -> Plan {
        Plan {
            name,
            oc: Oc::Passed,
            fail: FailHow::Assert {
                failures: 1,
                errors: 0,
            },
            crash: CrashHow::Segv,
            warns: Vec::new(),
            warn_reps: 0,
            leaks: Vec::new(),
            fine: None,
            rerun: None,
            dur,
            skip_reason: "",
        }
    }
}

// ------------------------------------------------------------------------------------------
// The truth: what flakelog stats must report

type RowKey = (String, &'static str, String);

/// Events of one run, by (test without `test.`, kind, resource).
#[derive(Debug, Default, Clone)]
struct RunTally {
    rows: BTreeMap<RowKey, u64>,
    /// The re-run phase has begun.
    in_rerun: bool,
    /// Per test: `Class.method` that printed FAIL in the main phase, the names its re-run
    /// matched, and `Class.method` that printed `ok` in the re-run (for `method_flaky`).
    failed_main: BTreeMap<String, BTreeSet<String>>,
    matching: BTreeMap<String, BTreeSet<String>>,
    ok_rerun: BTreeMap<String, BTreeSet<String>>,
}

impl RunTally {
    /// A method of `test` printed its status.
    fn method(&mut self, test: &str, class: &str, method: &str, failed: bool) {
        let notes = match (failed, self.in_rerun) {
            (true, false) => &mut self.failed_main,
            (false, true) => &mut self.ok_rerun,
            _ => return,
        };
        notes
            .entry(test.to_string())
            .or_default()
            .insert(format!("{class}.{method}"));
    }

    /// The re-run of `test` matched these method names.
    fn matched(&mut self, test: &str, names: impl Iterator<Item = String>) {
        self.matching
            .entry(test.to_string())
            .or_default()
            .extend(names);
    }

    /// The run is over: a method that failed in the main phase (or that the re-run matched)
    /// and passed in the re-run is `method_flaky`.
    fn settle_methods(&mut self) {
        let ok_rerun = std::mem::take(&mut self.ok_rerun);
        for (test, oks) in ok_rerun {
            for cm in oks {
                let bare = cm.rsplit('.').next().unwrap_or(&cm).to_string();
                let failed = self.failed_main.get(&test).is_some_and(|f| f.contains(&cm));
                let matched = self.matching.get(&test).is_some_and(|m| m.contains(&bare));
                if failed || matched {
                    self.ev(&test, "method_flaky", "");
                }
            }
        }
    }

    fn ev(&mut self, test: &str, kind: &'static str, resource: &str) {
        let test = test.strip_prefix("test.").unwrap_or(test);
        *self
            .rows
            .entry((test.to_string(), kind, resource.to_string()))
            .or_insert(0) += 1;
    }
}

/// Events and runs per row, over any number of runs and files.
#[derive(Debug, Default, Clone)]
pub struct Truth {
    pub files: u64,
    pub runs: u64,
    pub bytes: u64,
    pub gz_bytes: u64,
    pub rows: BTreeMap<RowKey, (u64, u64)>,
    pub eras: BTreeMap<String, u64>,
}

impl Truth {
    fn add_run(&mut self, run: RunTally) {
        self.runs += 1;
        for (k, n) in run.rows {
            let e = self.rows.entry(k).or_insert((0, 0));
            e.0 += n;
            e.1 += 1;
        }
    }

    fn merge(&mut self, other: Truth) {
        self.files += other.files;
        self.runs += other.runs;
        self.bytes += other.bytes;
        self.gz_bytes += other.gz_bytes;
        for (k, (e, r)) in other.rows {
            let x = self.rows.entry(k).or_insert((0, 0));
            x.0 += e;
            x.1 += r;
        }
        for (k, n) in other.eras {
            *self.eras.entry(k).or_insert(0) += n;
        }
    }

    pub fn to_json(&self) -> String {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|((test, kind, resource), (events, runs))| {
                serde_json::json!({
                    "test": test,
                    "kind": kind,
                    "resource": resource,
                    "events": events,
                    "runs": runs,
                })
            })
            .collect();
        let v = serde_json::json!({
            "files": self.files,
            "runs": self.runs,
            "rows": rows,
        });
        let mut s = serde_json::to_string_pretty(&v).expect("json");
        s.push('\n');
        s
    }
}

// ------------------------------------------------------------------------------------------
// Line output

struct Out {
    buf: Vec<u8>,
    nl: &'static [u8],
}

impl Out {
    fn new(crlf: bool, cap: usize) -> Out {
        Out {
            buf: Vec::with_capacity(cap),
            nl: if crlf { b"\r\n" } else { b"\n" },
        }
    }

    #[inline]
    fn s(&mut self, s: &str) -> &mut Out {
        self.buf.extend_from_slice(s.as_bytes());
        self
    }

    #[inline]
    fn end(&mut self) {
        self.buf.extend_from_slice(self.nl);
    }

    #[inline]
    fn line(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.extend_from_slice(self.nl);
    }

    #[inline]
    fn blank(&mut self) {
        self.buf.extend_from_slice(self.nl);
    }

    #[inline]
    fn f(&mut self, args: std::fmt::Arguments<'_>) -> &mut Out {
        let _ = self.buf.write_fmt(args);
        self
    }

    fn len(&self) -> usize {
        self.buf.len()
    }
}

/// Write formatted text and end the line.
macro_rules! ln {
    ($o:expr, $($t:tt)*) => {{
        $o.f(format_args!($($t)*));
        $o.end();
    }};
}

/// Write formatted text, no line end.
macro_rules! put {
    ($o:expr, $($t:tt)*) => {{
        $o.f(format_args!($($t)*));
    }};
}

// ------------------------------------------------------------------------------------------
// Formatting helpers

/// `utils.format_duration` of 3.7+ (`1 hour 2 min`, `2 min 3 sec`, `31.5 sec`, `532 ms`), or the
/// integer form of 2.7/3.6 (`2 min 3 sec`, `36 sec`).
fn fmt_dur(secs: f64, old: bool) -> String {
    let ms_total = (secs * 1000.0).ceil().max(1.0) as u64;
    let (s_total, ms) = (ms_total / 1000, ms_total % 1000);
    let (m_total, s) = (s_total / 60, s_total % 60);
    let (h, m) = (m_total / 60, m_total % 60);
    if old {
        return if h > 0 {
            format!("{h} hour {m} min")
        } else if m > 0 && s == 0 {
            format!("{m} min")
        } else if m > 0 {
            format!("{m} min {s} sec")
        } else if s > 0 {
            format!("{s} sec")
        } else {
            format!("{ms} ms")
        };
    }
    let mut parts: Vec<String> = Vec::new();
    if h > 0 {
        parts.push(format!("{h} hour"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 {
        if parts.is_empty() {
            parts.push(format!("{:.1} sec", s as f64 + ms as f64 / 1000.0));
        } else {
            parts.push(format!("{s} sec"));
        }
    }
    if parts.is_empty() {
        return format!("{ms} ms");
    }
    parts.truncate(2);
    parts.join(" ")
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 → (year, month 1–12, day).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `printlist()`: names wrapped at 70 columns, indented by four spaces.
fn printlist(o: &mut Out, names: &[&str]) {
    let mut line = String::from("   ");
    for n in names {
        if line.len() + 1 + n.len() > 70 && line.len() > 3 {
            o.line(&line);
            line = String::from("   ");
        }
        line.push(' ');
        line.push_str(n);
    }
    if line.len() > 3 {
        o.line(&line);
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

// ------------------------------------------------------------------------------------------
// Word lists for unittest output, tracebacks and noise

const VERBS: &[&str] = &[
    "read", "write", "open", "close", "parse", "format", "encode", "decode", "copy", "move",
    "send", "recv", "connect", "accept", "bind", "join", "wait", "cancel", "create", "delete",
    "load", "dump", "match", "split", "lookup", "compare", "hash", "pickle", "repr", "iter",
    "flush", "seek", "truncate", "resolve", "shutdown", "start", "stop", "fork", "spawn", "lock",
];
const NOUNS: &[&str] = &[
    "file", "socket", "buffer", "thread", "process", "pipe", "path", "header", "bytes", "string",
    "timeout", "signal", "event", "queue", "context", "handler", "cert", "session", "dir", "link",
    "args", "kwargs", "module", "frame", "loop", "future", "task", "stream", "server", "client",
    "cache", "entry", "record", "archive", "member", "environ", "locale", "fd",
];
const CLASSES: &[&str] = &[
    "GeneralTests",
    "BasicTests",
    "MiscTests",
    "TestCase",
    "FunctionalTests",
    "EdgeCaseTests",
    "RegressionTests",
    "UnitTests",
    "ApiTests",
    "ClassTests",
    "PosixTests",
    "LinuxTests",
    "ThreadedTests",
    "NetworkedTests",
    "ContextTests",
    "TimeoutTests",
    "ErrorTests",
    "SubprocessTests",
    "StressTests",
    "CAPITest",
    "PyTests",
    "CTests",
    "TestSupport",
];
const C_FILES: &[&str] = &[
    "Objects/abstract.c",
    "Objects/boolobject.c",
    "Objects/bytes_methods.c",
    "Objects/bytearrayobject.c",
    "Objects/bytesobject.c",
    "Objects/call.c",
    "Objects/capsule.c",
    "Objects/cellobject.c",
    "Objects/classobject.c",
    "Objects/codeobject.c",
    "Objects/complexobject.c",
    "Objects/descrobject.c",
    "Objects/enumobject.c",
    "Objects/exceptions.c",
    "Objects/genericaliasobject.c",
    "Objects/genobject.c",
    "Objects/fileobject.c",
    "Objects/floatobject.c",
    "Objects/frameobject.c",
    "Objects/funcobject.c",
    "Objects/iterobject.c",
    "Objects/listobject.c",
    "Objects/longobject.c",
    "Objects/dictobject.c",
    "Objects/odictobject.c",
    "Objects/memoryobject.c",
    "Objects/methodobject.c",
    "Objects/moduleobject.c",
    "Objects/namespaceobject.c",
    "Objects/object.c",
    "Objects/obmalloc.c",
    "Objects/picklebufobject.c",
    "Objects/rangeobject.c",
    "Objects/setobject.c",
    "Objects/sliceobject.c",
    "Objects/structseq.c",
    "Objects/tupleobject.c",
    "Objects/typeobject.c",
    "Objects/typevarobject.c",
    "Objects/unicodeobject.c",
    "Objects/unicodectype.c",
    "Objects/unionobject.c",
    "Objects/weakrefobject.c",
    "Python/Python-ast.c",
    "Python/Python-tokenize.c",
    "Python/asdl.c",
    "Python/assemble.c",
    "Python/ast.c",
    "Python/ast_opt.c",
    "Python/ast_unparse.c",
    "Python/bltinmodule.c",
    "Python/ceval.c",
    "Python/codecs.c",
    "Python/compile.c",
    "Python/context.c",
    "Python/errors.c",
    "Python/flowgraph.c",
    "Python/frame.c",
    "Python/frozenmain.c",
    "Python/future.c",
    "Python/getargs.c",
    "Python/getcompiler.c",
    "Python/getcopyright.c",
    "Python/getplatform.c",
    "Python/getversion.c",
    "Python/ceval_gil.c",
    "Python/hamt.c",
    "Python/hashtable.c",
    "Python/import.c",
    "Python/importdl.c",
    "Python/initconfig.c",
    "Python/instrumentation.c",
    "Python/intrinsics.c",
    "Python/legacy_tracing.c",
    "Python/marshal.c",
    "Python/modsupport.c",
    "Python/mysnprintf.c",
    "Python/mystrtoul.c",
    "Python/pathconfig.c",
    "Python/preconfig.c",
    "Python/pyarena.c",
    "Python/pyctype.c",
    "Python/pyfpe.c",
    "Python/pyhash.c",
    "Python/pylifecycle.c",
    "Python/pymath.c",
    "Python/pystate.c",
    "Python/pythonrun.c",
    "Python/pytime.c",
    "Python/bootstrap_hash.c",
    "Python/specialize.c",
    "Python/structmember.c",
    "Python/symtable.c",
    "Python/sysmodule.c",
    "Python/thread.c",
    "Python/traceback.c",
    "Python/tracemalloc.c",
    "Python/getopt.c",
    "Python/pystrcmp.c",
    "Python/pystrtod.c",
    "Python/pystrhex.c",
    "Python/dtoa.c",
    "Python/formatter_unicode.c",
    "Python/fileutils.c",
    "Python/suggestions.c",
    "Python/perf_trampoline.c",
    "Python/dynload_shlib.c",
    "Parser/token.c",
    "Parser/pegen.c",
    "Parser/pegen_errors.c",
    "Parser/action_helpers.c",
    "Parser/parser.c",
    "Parser/string_parser.c",
    "Parser/peg_api.c",
    "Parser/myreadline.c",
    "Parser/tokenizer.c",
    "Modules/main.c",
    "Modules/gcmodule.c",
    "Modules/config.c",
    "Modules/getpath.c",
    "Modules/atexitmodule.c",
    "Modules/faulthandler.c",
    "Modules/posixmodule.c",
    "Modules/signalmodule.c",
    "Modules/_tracemalloc.c",
    "Modules/_typingmodule.c",
    "Modules/timemodule.c",
    "Modules/_abc.c",
    "Modules/_codecsmodule.c",
    "Modules/_collectionsmodule.c",
    "Modules/errnomodule.c",
    "Modules/_io/_iomodule.c",
    "Modules/_io/iobase.c",
    "Modules/_io/fileio.c",
    "Modules/_io/bytesio.c",
    "Modules/_io/bufferedio.c",
    "Modules/_io/textio.c",
    "Modules/_io/stringio.c",
    "Modules/itertoolsmodule.c",
    "Modules/_sre/sre.c",
    "Modules/_threadmodule.c",
    "Modules/_operator.c",
    "Modules/_stat.c",
    "Modules/_symtablemodule.c",
    "Modules/pwdmodule.c",
    "Modules/_functoolsmodule.c",
    "Modules/_localemodule.c",
    "Modules/_struct.c",
    "Modules/_json.c",
    "Modules/_pickle.c",
    "Modules/_datetimemodule.c",
    "Modules/_decimal/_decimal.c",
    "Modules/_ssl.c",
    "Modules/socketmodule.c",
    "Modules/selectmodule.c",
    "Modules/mmapmodule.c",
    "Modules/_ctypes/_ctypes.c",
    "Modules/_ctypes/callbacks.c",
    "Modules/_ctypes/callproc.c",
    "Modules/_ctypes/stgdict.c",
    "Modules/_ctypes/cfield.c",
    "Modules/_sqlite/connection.c",
    "Modules/_sqlite/cursor.c",
    "Modules/_sqlite/module.c",
    "Modules/zlibmodule.c",
    "Modules/_bz2module.c",
    "Modules/_lzmamodule.c",
    "Modules/_hashopenssl.c",
    "Modules/_blake2/blake2module.c",
    "Modules/_multiprocessing/multiprocessing.c",
    "Modules/_multiprocessing/semaphore.c",
    "Modules/_asynciomodule.c",
    "Modules/_testcapimodule.c",
    "Modules/_testinternalcapi.c",
    "Modules/_testmultiphase.c",
    "Modules/arraymodule.c",
    "Modules/cmathmodule.c",
    "Modules/mathmodule.c",
    "Modules/_elementtree.c",
    "Modules/pyexpat.c",
];
const CFG_CHECKS: &[&str] = &[
    "for gcc",
    "whether the C compiler works",
    "for C compiler default output file name",
    "for suffix of executables",
    "whether we are cross compiling",
    "for suffix of object files",
    "whether the compiler supports GNU C",
    "whether gcc accepts -g",
    "for gcc option to enable C11 features",
    "how to run the C preprocessor",
    "for grep that handles long lines and -e",
    "for a sed that does not truncate output",
    "for egrep",
    "for CC compiler name",
    "for -Wl,--no-as-needed",
    "for the Android API level",
    "for --with-pydebug",
    "for --with-trace-refs",
    "for --enable-pystats",
    "for --with-assertions",
    "for --enable-optimizations",
    "PROFILE_TASK",
    "for --with-lto",
    "for llvm-profdata",
    "for -Wextra",
    "whether gcc supports ParseTuple __format__",
    "for stdio.h",
    "for stdlib.h",
    "for string.h",
    "for inttypes.h",
    "for stdint.h",
    "for strings.h",
    "for sys/stat.h",
    "for sys/types.h",
    "for unistd.h",
    "for wchar.h",
    "for minix/config.h",
    "whether it is safe to define __EXTENSIONS__",
    "whether _XOPEN_SOURCE should be defined",
    "for dirent.h that defines DIR",
    "for library containing opendir",
    "for alloca.h",
    "for asm/types.h",
    "for bluetooth.h",
    "for conio.h",
    "for crypt.h",
    "for direct.h",
    "for dlfcn.h",
    "for endian.h",
    "for errno.h",
    "for fcntl.h",
    "for grp.h",
    "for io.h",
    "for langinfo.h",
    "for libintl.h",
    "for libutil.h",
    "for linux/auxvec.h",
    "for sys/auxv.h",
    "for linux/fs.h",
    "for linux/limits.h",
    "for linux/memfd.h",
    "for linux/random.h",
    "for linux/soundcard.h",
    "for linux/tipc.h",
    "for linux/wait.h",
    "for netdb.h",
    "for net/ethernet.h",
    "for netinet/in.h",
    "for netpacket/packet.h",
    "for poll.h",
    "for process.h",
    "for pthread.h",
    "for pty.h",
    "for sched.h",
    "for setjmp.h",
    "for shadow.h",
    "for signal.h",
    "for spawn.h",
    "for stropts.h",
    "for sys/audioio.h",
    "for sys/bsdtty.h",
    "for sys/devpoll.h",
    "for sys/endian.h",
    "for sys/epoll.h",
    "for sys/event.h",
    "for sys/eventfd.h",
    "for sys/file.h",
    "for sys/ioctl.h",
    "for sys/kern_control.h",
    "for sys/loadavg.h",
    "for sys/lock.h",
    "for sys/memfd.h",
    "for sys/mkdev.h",
    "for sys/mman.h",
    "for sys/modem.h",
    "for sys/param.h",
    "for sys/poll.h",
    "for sys/random.h",
    "for sys/resource.h",
    "for sys/select.h",
    "for sys/sendfile.h",
    "for sys/socket.h",
    "for sys/soundcard.h",
    "for sys/statvfs.h",
    "for sys/syscall.h",
    "for sys/sys_domain.h",
    "for sys/termio.h",
    "for sys/time.h",
    "for sys/times.h",
    "for sys/uio.h",
    "for sys/un.h",
    "for sys/utsname.h",
    "for sys/wait.h",
    "for sys/xattr.h",
    "for sysexits.h",
    "for syslog.h",
    "for termios.h",
    "for util.h",
    "for utime.h",
    "for utmp.h",
    "whether byte ordering is bigendian",
    "size of int",
    "size of long",
    "size of long long",
    "size of void *",
    "size of short",
    "size of float",
    "size of double",
    "size of fpos_t",
    "size of size_t",
    "size of pid_t",
    "size of uintptr_t",
    "alignment of max_align_t",
    "for long double",
    "size of long double",
    "size of _Bool",
    "size of off_t",
    "whether to enable large file support",
    "size of time_t",
    "for pthread_t",
    "size of pthread_t",
    "size of pthread_key_t",
    "whether pthread_key_t is compatible with int",
    "for --enable-framework",
    "for --with-dsymutil",
    "for dyld",
    "for --with-address-sanitizer",
    "for --with-memory-sanitizer",
    "for --with-undefined-behavior-sanitizer",
    "the extension of shared libraries",
    "LDSHARED",
    "BLDSHARED flags",
    "CCSHARED",
    "LINKFORSHARED",
    "CFLAGSFORSHARED",
    "SHLIBS",
    "for perf trampoline",
    "for sendfile in -lsendfile",
    "for dlopen in -ldl",
    "for shl_load in -ldld",
    "for uuid >= 2.20",
    "for uuid/uuid.h",
    "for uuid_create",
    "for uuid_enc_be",
    "for library containing sem_init",
    "for textdomain in -lintl",
    "aligned memory access is required",
    "for --with-hash-algorithm",
    "for --with-tzpath",
    "for t_open in -lnsl",
    "for socket in -lsocket",
    "for --with-libs",
    "for pkg-config",
    "pkg-config is at least version 0.9.0",
    "for --with-system-expat",
    "for libffi",
    "for ffi.h",
    "for ffi_call in -lffi",
    "libffi has ffi_prep_cif_var",
    "libffi has ffi_prep_closure_loc",
    "libffi has ffi_closure_alloc",
    "for --with-system-libmpdec",
    "for --with-decimal-contextvar",
    "for decimal libmpdec machine",
    "for libnsl",
    "for sqlite3 >= 3.15.2",
    "for sqlite3.h",
    "for sqlite3_bind_double in -lsqlite3",
    "for gdbm.h",
    "for gdbm_open in -lgdbm",
];

// ------------------------------------------------------------------------------------------
// One log

/// A log to write: which builder and build, how big, from which seed.
#[derive(Debug, Clone)]
struct Job {
    builder: usize,
    build: u32,
    /// index of the build within its builder (0 = oldest in this corpus)
    nth: u32,
    target: usize,
    seed: u64,
    /// a build step in real proportions, and the archive's dressing (`--realistic`)
    realistic: bool,
}

struct LogGen {
    rng: Rng,
    b: &'static Builder,
    f: Feat,
    o: Out,
    tally: RunTally,
    /// The test tree, `…/build` (Unix) or `C:\buildbot\…\build` (Windows)
    root: String,
    sep: char,
    windows: bool,
    parallel: bool,
    workers: u32,
    refleak: bool,
    /// warm-ups and runs of `-R`
    reps: (u32, u32),
    verbose: bool,
    colour: bool,
    load: f64,
    seq_t0: f64,
    do_rerun: bool,
    /// `-r`: tests run in random order and the header prints the seed
    randomised: bool,
    slowest: bool,
    environ: String,
    timeout_min: u32,
    fails: u32,
    /// The next failing test_regrtest block may print a nested regrtest run (the outer run
    /// carries on right after it).
    nested_ok: bool,
    job_build: u32,
}

impl LogGen {
    fn new(job: &Job) -> LogGen {
        let b: &'static Builder = &FLEET[job.builder];
        let mut rng = Rng::new(job.seed);
        let (versions, first_day) = branch_versions(b.branch);
        let vi = ((job.nth as usize) / 3).min(versions.len() - 1);
        let vi = if rng.chance(0.2) {
            rng.below(vi as u64 + 1) as usize
        } else {
            vi
        };
        let (ma, mi, mc, suffix) = versions[vi];
        let f = Feat::new(ma, mi, mc, suffix);
        let windows = b.has('W');
        let parallel = b.workers > 0;
        let refleak = b.has('R');
        let reps = match f.era {
            Era::A | Era::B => (5, 4),
            Era::D if !parallel => (3, 3),
            _ => (3, 3),
        };
        let root = if windows {
            format!("C:\\buildbot\\{}\\build", b.name)
        } else {
            format!("/home/buildbot/buildarea/{}/build", b.name)
        };
        let timeout_min = if refleak {
            200
        } else {
            *rng.pick(&[15, 20, 20, 20, 25])
        };
        let environ = String::new();
        let mut g = LogGen {
            rng,
            b,
            f,
            o: Out::new(windows, job.target + (1 << 16)),
            tally: RunTally::default(),
            root,
            sep: if windows { '\\' } else { '/' },
            windows,
            parallel,
            workers: b.workers,
            refleak,
            reps,
            verbose: b.has('V'),
            colour: b.has('C'),
            load: 0.5,
            seq_t0: 0.0,
            do_rerun: true,
            randomised: true,
            slowest: false,
            environ,
            timeout_min,
            fails: 0,
            nested_ok: false,
            job_build: job.build,
        };
        let _ = first_day;
        g.do_rerun = g.f.rerun != RerunStyle::None && g.rng.chance(0.92);
        g.randomised = !matches!(g.f.era, Era::C | Era::D) || g.rng.chance(0.8);
        g.slowest = g.f.new_mode || g.rng.chance(0.3);
        g.environ = g.make_environ();
        g
    }

    // ---------------------------------------------------------------- small pieces

    fn path(&self, rel: &str) -> String {
        if self.windows {
            format!("{}\\{}", self.root, rel.replace('/', "\\"))
        } else {
            format!("{}/{}", self.root, rel)
        }
    }

    /// `Lib/test/test_x.py` or `Lib/test/test_asyncio/test_tasks.py`
    fn test_file(&self, name: &str) -> String {
        let n = name.strip_prefix("test.").unwrap_or(name);
        let rel = match n.split_once('.') {
            Some((pkg, m)) => format!("Lib/test/{pkg}/{m}.py"),
            None => format!("Lib/test/{n}.py"),
        };
        self.path(&rel)
    }

    fn module(&self, name: &str) -> String {
        let n = name.strip_prefix("test.").unwrap_or(name);
        format!("test.{n}")
    }

    fn step_load(&mut self) -> f64 {
        let target = (self.workers.max(1) as f64) * 0.9;
        self.load += (target - self.load) * 0.05 + (self.rng.unit() - 0.5) * 0.3;
        if self.load < 0.01 {
            self.load = 0.01 + self.rng.unit() * 0.1;
        }
        self.load
    }

    /// `0:27:13 load avg: 4.88 ` (with the trailing space).
    fn prefix(&mut self, t: f64) {
        let t = t.max(0.0) as u64;
        let (h, m, s) = (t / 3600, (t / 60) % 60, t % 60);
        put!(self.o, "{h}:{m:02}:{s:02} ");
        let load_printed = self.f.era != Era::B
            && !(self.windows && t < 8)
            && !(self.windows && !self.parallel && self.refleak);
        if load_printed {
            let l = self.step_load();
            put!(self.o, "load avg: {l:.2} ");
        }
    }

    /// A bare PREFIX line (`log('')`).
    fn bare_prefix(&mut self, t: f64) {
        self.prefix(t);
        // no trailing space on a bare prefix
        if self.o.buf.last() == Some(&b' ') {
            self.o.buf.pop();
        }
        self.o.end();
    }

    fn dur(&self, secs: f64) -> String {
        fmt_dur(secs, self.f.old_dur)
    }

    /// The outcome words after a test name (`failed (2 failures)`, `crashed (Exit code -9)`).
    fn outcome_text(&self, p: &Plan, oc: Oc) -> String {
        match oc {
            Oc::Passed => "passed".into(),
            Oc::Failed => {
                if !self.f.outcome_counts {
                    return "failed".into();
                }
                match p.fail {
                    FailHow::RefLeak => "failed (reference leak)".into(),
                    FailHow::Uncaught => "failed (uncaught exception)".into(),
                    FailHow::Assert { failures, errors } => {
                        let mut parts = Vec::new();
                        if errors > 0 {
                            parts.push(count(errors as usize, "error"));
                        }
                        if failures > 0 {
                            parts.push(count(failures as usize, "failure"));
                        }
                        format!("failed ({})", parts.join(", "))
                    }
                }
            }
            Oc::EnvChanged => "failed (env changed)".into(),
            Oc::Skipped => "skipped".into(),
            Oc::Denied => "skipped (resource denied)".into(),
            Oc::NoTests => self.f.ran_word.into(),
            Oc::Crashed => {
                let (code, sig) = match p.crash {
                    CrashHow::Segv => ("-11", "SIGSEGV"),
                    CrashHow::FaultTimeout => ("1", ""),
                    CrashHow::Killed => ("-9", "SIGKILL"),
                    CrashHow::Abort => ("-6", "SIGABRT"),
                    CrashHow::WinAccess => ("3221225477", "STATUS_ACCESS_VIOLATION"),
                };
                match self.f.crash {
                    CrashStyle::Bare => "crashed".into(),
                    CrashStyle::ExitCode => format!("crashed (Exit code {code})"),
                    CrashStyle::Worker => {
                        if self.f.process_crashed && p.crash == CrashHow::FaultTimeout {
                            format!("process crashed (Exit code {code})")
                        } else if sig.is_empty() {
                            format!("worker non-zero exit code (Exit code {code})")
                        } else {
                            format!("worker non-zero exit code (Exit code {code} ({sig}))")
                        }
                    }
                }
            }
            Oc::TimedOut => {
                let d = fmt_dur(self.worker_timeout(), false);
                format!("timed out ({d}) ({d})")
            }
            Oc::WorkerBug => "worker bug (empty JSON)".into(),
        }
    }

    fn worker_timeout(&self) -> f64 {
        let t = self.timeout_min as f64 * 60.0;
        (t * 1.5).min(t + 300.0)
    }

    /// Wrap outcome words in 3.14 colours.
    fn coloured(&self, oc: Oc, text: &str) -> String {
        if !self.colour {
            return text.to_string();
        }
        match oc {
            Oc::Passed => format!("\x1b[32m{text}\x1b[0m"),
            Oc::Skipped | Oc::Denied | Oc::NoTests => format!("\x1b[33m{text}\x1b[0m"),
            _ => format!("\x1b[1;31m\x1b[1;31m{text}\x1b[0m\x1b[0m"),
        }
    }

    fn make_environ(&mut self) -> String {
        let mut s = String::with_capacity(4096);
        let home = if self.windows {
            "C:\\Users\\buildbot".to_string()
        } else {
            "/home/buildbot".to_string()
        };
        let mut vars: Vec<(String, String)> = vec![
            ("BUILDBOT_TESTOPTS".into(), String::new()),
            ("HOME".into(), home.clone()),
            ("LANG".into(), "C.UTF-8".into()),
            ("LOGNAME".into(), "buildbot".into()),
            (
                "PATH".into(),
                "/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin:/home/buildbot/.local/bin"
                    .into(),
            ),
            ("PWD".into(), self.root.clone()),
            (
                "PYTHONHASHSEED".into(),
                self.rng.range(1, 4_294_967_295).to_string(),
            ),
            ("SHELL".into(), "/bin/bash".into()),
            ("SHLVL".into(), "1".into()),
            ("TERM".into(), "dumb".into()),
            ("TESTTIMEOUT".into(), (self.timeout_min * 60).to_string()),
            ("TMPDIR".into(), "/tmp".into()),
            ("USER".into(), "buildbot".into()),
            ("_".into(), "./python".into()),
        ];
        if self.rng.chance(0.7) {
            // dircolors: the usual reason os.environ reprs run to kilobytes
            let mut lc = String::from(
                "rs=0:di=01;34:ln=01;36:mh=00:pi=40;33:so=01;35:do=01;35:bd=40;33;01:cd=40;33;01:or=40;31;01:mi=00:su=37;41:sg=30;43:ca=00:tw=30;42:ow=34;42:st=37;44:ex=01;32",
            );
            for ext in [
                "tar",
                "tgz",
                "arc",
                "arj",
                "taz",
                "lha",
                "lz4",
                "lzh",
                "lzma",
                "tlz",
                "txz",
                "tzo",
                "t7z",
                "zip",
                "z",
                "dz",
                "gz",
                "lrz",
                "lz",
                "lzo",
                "xz",
                "zst",
                "tzst",
                "bz2",
                "bz",
                "tbz",
                "tbz2",
                "tz",
                "deb",
                "rpm",
                "jar",
                "war",
                "ear",
                "sar",
                "rar",
                "alz",
                "ace",
                "zoo",
                "cpio",
                "7z",
                "rz",
                "cab",
                "wim",
                "swm",
                "dwm",
                "esd",
                "avif",
                "jpg",
                "jpeg",
                "mjpg",
                "mjpeg",
                "gif",
                "bmp",
                "pbm",
                "pgm",
                "ppm",
                "tga",
                "xbm",
                "xpm",
                "tif",
                "tiff",
                "png",
                "svg",
                "svgz",
                "mng",
                "pcx",
                "mov",
                "mpg",
                "mpeg",
                "m2v",
                "mkv",
                "webm",
                "webp",
                "ogm",
                "mp4",
                "m4v",
                "mp4v",
                "vob",
                "qt",
                "nuv",
                "wmv",
                "asf",
                "rm",
                "rmvb",
                "flc",
                "avi",
                "fli",
                "flv",
                "gl",
                "dl",
                "xcf",
                "xwd",
                "yuv",
                "cgm",
                "emf",
                "ogv",
                "ogx",
                "aac",
                "au",
                "flac",
                "m4a",
                "mid",
                "midi",
                "mka",
                "mp3",
                "mpc",
                "ogg",
                "ra",
                "wav",
                "oga",
                "opus",
                "spx",
                "xspf",
                "crdownload",
                "dpkg-dist",
                "dpkg-new",
                "dpkg-old",
                "dpkg-tmp",
                "old",
                "orig",
                "part",
                "rej",
                "rpmnew",
                "rpmorig",
                "rpmsave",
                "swp",
                "tmp",
                "ucf-dist",
                "ucf-new",
                "ucf-old",
            ] {
                let colour = match ext.len() % 4 {
                    0 => "01;31",
                    1 => "01;35",
                    2 => "00;36",
                    _ => "00;90",
                };
                lc.push_str(&format!(":*.{ext}={colour}"));
            }
            lc.push(':');
            vars.push(("LS_COLORS".into(), lc));
        }
        if self.rng.chance(0.5) {
            vars.push((
                "SSH_CONNECTION".into(),
                "10.0.2.2 52144 10.0.2.15 22".into(),
            ));
            vars.push(("XDG_RUNTIME_DIR".into(), "/run/user/1000".into()));
            vars.push(("XDG_SESSION_ID".into(), self.rng.range(1, 999).to_string()));
            vars.push((
                "DBUS_SESSION_BUS_ADDRESS".into(),
                "unix:path=/run/user/1000/bus".into(),
            ));
        }
        vars.sort();
        s.push('{');
        for (i, (k, v)) in vars.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&format!("'{k}': '{v}'"));
        }
        s.push('}');
        s
    }

    /// The `Before:`/`After:` values of a modified resource.
    fn modified_values(&mut self, res: &str) -> (String, String) {
        let id = self.rng.range(139_000_000_000_000, 140_999_999_999_999);
        let a1 = self.rng.hex(9);
        let a2 = self.rng.hex(9);
        match res {
            "os.environ" => {
                let before = self.environ.clone();
                let mut after = before.clone();
                let extra = *self.rng.pick(&[
                    "'PYTHONTHREADDEBUG': '1'",
                    "'TZ': 'UTC'",
                    "'LC_ALL': 'C'",
                    "'PYTHONWARNINGS': 'ignore'",
                ]);
                after.insert_str(1, &format!("{extra}, "));
                (
                    format!("({id}, environ({before}), {before})"),
                    format!("({id}, environ({after}), {after})"),
                )
            }
            "sys.path" => {
                let base = [
                    self.path("Lib"),
                    format!(
                        "{}/build/lib.linux-x86_64-{}",
                        self.root,
                        &self.f.version[..4.min(self.f.version.len())]
                    ),
                    self.path("Lib/test"),
                ];
                let list = base
                    .iter()
                    .map(|p| format!("'{p}'"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let extra = format!("'/tmp/tmp{}'", self.rng.hex(8));
                (
                    format!("({id}, [{list}], [{list}])"),
                    format!("({id}, [{list}, {extra}], [{list}])"),
                )
            }
            "threading._dangling" => (
                "set()".into(),
                format!("{{<weakref at 0x7f{a1}; to 'Thread' at 0x7f{a2}>}}"),
            ),
            "multiprocessing.process._dangling" => (
                "set()".into(),
                format!("{{<weakref at 0x7f{a1}; to 'SpawnProcess' at 0x7f{a2}>}}"),
            ),
            "warnings.filters" => {
                let f = "('ignore', None, <class 'DeprecationWarning'>, None, 0), ('default', None, <class 'Warning'>, None, 0), ('error', None, <class 'BytesWarning'>, None, 0)";
                (
                    format!("({id}, [{f}], [{f}])"),
                    format!(
                        "({id}, [('ignore', None, <class 'ResourceWarning'>, None, 0), {f}], [{f}])"
                    ),
                )
            }
            "sys.warnoptions" => (
                format!("({id}, ['default'], ['default'])"),
                format!("({id}, ['default', 'error'], ['default'])"),
            ),
            "asyncio.events._event_loop_policy" => (
                "None".into(),
                format!("<asyncio.unix_events._UnixDefaultEventLoopPolicy object at 0x7f{a1}>"),
            ),
            "logging._handlerList" => (
                format!(
                    "({id}, [<weakref at 0x7f{a1}; to '_StderrHandler' at 0x7f{a2}>], [<weakref at 0x7f{a1}; to '_StderrHandler' at 0x7f{a2}>])"
                ),
                format!(
                    "({id}, [<weakref at 0x7f{a2}; to 'StreamHandler' at 0x7f{a1}>, <weakref at 0x7f{a1}; to '_StderrHandler' at 0x7f{a2}>], [<weakref at 0x7f{a1}; to '_StderrHandler' at 0x7f{a2}>])"
                ),
            ),
            "files" => (
                "[]".into(),
                format!("['@test_{}_tmp']", self.rng.range(1000, 99999)),
            ),
            "cwd" => (
                format!("'{}'", self.path("build/test_python_1234")),
                "'/tmp'".into(),
            ),
            "locale" => (
                "(('LC_ALL', 'C.UTF-8'), ('LC_COLLATE', 'C.UTF-8'), ('LC_CTYPE', 'C.UTF-8'))"
                    .into(),
                "(('LC_ALL', 'C.UTF-8'), ('LC_COLLATE', 'C.UTF-8'), ('LC_CTYPE', 'tr_TR.UTF-8'))"
                    .into(),
            ),
            _ => (
                format!("({id}, None, None)"),
                format!("({id}, <object object at 0x7f{a1}>, None)"),
            ),
        }
    }

    // ---------------------------------------------------------------- planning

    fn plan(&mut self, n_max: Option<usize>) -> Vec<Plan> {
        let all = test_names(&self.f);
        let hi = all.len().min(480);
        let lo = 300.min(hi);
        let n = match n_max {
            Some(m) => self.rng.range(5, m as u64) as usize,
            None => self.rng.range(lo as u64, hi as u64) as usize,
        };
        // keep the well-known ones, drop a random remainder
        let mut pool: Vec<String> = all;
        self.rng.shuffle(&mut pool);
        pool.truncate(n);
        pool.sort();
        if self.randomised {
            self.rng.shuffle(&mut pool);
        }
        let mut plans: Vec<Plan> = pool
            .into_iter()
            .map(|name| {
                let slow = SLOW.iter().find(|(s, _)| name.contains(s)).map(|&(_, d)| d);
                let dur = match slow {
                    Some(d) => d * (0.5 + self.rng.unit() * 1.2),
                    None => {
                        let u = self.rng.unit();
                        if u < 0.55 {
                            0.2 + self.rng.unit() * 2.5
                        } else if u < 0.93 {
                            2.0 + self.rng.unit() * 12.0
                        } else {
                            10.0 + self.rng.unit() * 35.0
                        }
                    }
                };
                Plan::new(name, dur)
            })
            .collect();

        // platform skips and denied resources
        let headless = !self.b.name.contains("bigmem");
        for p in plans.iter_mut() {
            let n = p.name.as_str();
            let (skip, reason): (bool, &'static str) = if self.windows {
                match n {
                    _ if n.contains("multiprocessing_fork") => {
                        (true, "fork is not available on Windows")
                    }
                    "test_epoll" => (true, "test works only on Linux 2.6"),
                    "test_fcntl" => (true, "No module named 'fcntl'"),
                    "test_grp" => (true, "No module named 'grp'"),
                    "test_pwd" => (true, "No module named 'pwd'"),
                    "test_posix" => (true, "No module named 'posix'"),
                    "test_pty" | "test_openpty" => (true, "No module named 'termios'"),
                    "test_resource" => (true, "No module named 'resource'"),
                    "test_syslog" => (true, "No module named 'syslog'"),
                    "test_termios" | "test_tty" => (true, "No module named 'termios'"),
                    "test_wait3" => (true, "os.fork not defined"),
                    "test_wait4" => (
                        true,
                        "object <module 'os' (frozen)> has no attribute 'fork'",
                    ),
                    "test_fork1" => (
                        true,
                        "object <module 'os' (frozen)> has no attribute 'fork'",
                    ),
                    "test_ioctl" => (true, "No module named 'fcntl'"),
                    "test_curses" => (true, "No module named '_curses'"),
                    "test_readline" => (true, "No module named 'readline'"),
                    "test_dbm_gnu" => (true, "No module named '_gdbm'"),
                    "test_dbm_ndbm" => (true, "No module named '_dbm'"),
                    "test_devpoll" => (true, "test works only on Solaris OS family"),
                    "test_kqueue" => (true, "test works only on BSD"),
                    "test_gdb" => (true, "test_gdb only works on source builds at the moment."),
                    "test_perf_profiler" => (true, "perf trampoline profiling not supported"),
                    "test_crypt" | "test_nis" | "test_spwd" | "test_ossaudiodev" => {
                        (true, "No module named '_crypt'")
                    }
                    _ => (false, ""),
                }
            } else {
                match n {
                    "test_winreg" => (true, "No module named 'winreg'"),
                    "test_winsound" => (true, "No module named 'winsound'"),
                    "test_msvcrt" => (true, "No module named 'msvcrt'"),
                    "test_winconsoleio" => (true, "test only relevant on win32"),
                    "test_startfile" => (
                        true,
                        "object <module 'os' (frozen)> has no attribute 'startfile'",
                    ),
                    "test_winapi" => (true, "No module named '_winapi'"),
                    "test_wmi" => (true, "No module named '_wmi'"),
                    "test_launcher" => (true, "test only applies to Windows"),
                    "test_devpoll" => (true, "test works only on Solaris OS family"),
                    "test_kqueue" => (true, "test works only on BSD"),
                    "test_dtrace" => (true, "dtrace(1) failed: no probes"),
                    "test.test_asyncio.test_windows_events"
                    | "test.test_asyncio.test_windows_utils" => (true, "Windows only"),
                    _ => (false, ""),
                }
            };
            if skip {
                p.oc = Oc::Skipped;
                p.skip_reason = reason;
                p.dur = 0.01 + self.rng.unit() * 0.2;
                continue;
            }
            let denied: Option<&'static str> = match n {
                "test_tkinter" | "test_ttk" | "test_ttk_guionly" | "test_idle" | "test_turtle"
                    if headless =>
                {
                    Some("Use of the 'gui' resource not enabled")
                }
                "test_zipfile64" => Some("Use of the 'extralargefile' resource not enabled"),
                "test_ossaudiodev" | "test_winsound" => {
                    Some("Use of the 'audio' resource not enabled")
                }
                "test_curses" if headless => Some("Use of the 'curses' resource not enabled"),
                _ => None,
            };
            if let Some(reason) = denied {
                p.oc = if self.f.resource_denied {
                    Oc::Denied
                } else {
                    Oc::Skipped
                };
                p.skip_reason = reason;
                p.dur = 0.01 + self.rng.unit() * 0.1;
                continue;
            }
            if n == "test_tix" && headless {
                p.oc = Oc::NoTests;
                p.dur = 0.1;
            }
        }

        // incidents: most runs have none, some have a few
        let quiet = if self.b.has('F') { 0.74 } else { 0.86 };
        let k = if self.rng.chance(quiet) {
            0
        } else {
            match self.rng.unit() {
                u if u < 0.65 => 1,
                u if u < 0.87 => 2,
                u if u < 0.96 => 3,
                _ => self.rng.range(4, 6) as usize,
            }
        };
        // refleak builders: leaks are what they are for
        let leaks = if self.refleak && self.rng.chance(0.3) {
            self.rng.range(1, 2) as usize
        } else {
            0
        };
        for j in 0..k + leaks {
            // troublemakers fail far more often
            let candidates: Vec<usize> = plans
                .iter()
                .enumerate()
                .filter(|(_, p)| p.oc == Oc::Passed)
                .filter(|(_, p)| self.rng.chance(0.3) || is_troublemaker(&p.name))
                .map(|(i, _)| i)
                .collect();
            if candidates.is_empty() {
                break;
            }
            let i = *self.rng.pick(&candidates);
            self.incident(&mut plans[i], j >= k);
        }
        // test_regrtest fails now and then on 3.12+ buildbots, quoting a whole nested run
        if self.f.new_mode
            && self.parallel
            && self.rng.chance(0.03)
            && let Some(p) = plans
                .iter_mut()
                .find(|p| p.name == "test_regrtest" && p.oc == Oc::Passed)
        {
            p.oc = Oc::Failed;
            p.fail = FailHow::Assert {
                failures: 1,
                errors: 0,
            };
            p.rerun = (self.do_rerun).then(|| {
                if self.rng.chance(0.7) {
                    ReRes::Pass
                } else {
                    ReRes::Again
                }
            });
        }
        // sequential -R on 3.13+: harmless deltas (`this is fine`) on a few passing tests
        if self.refleak && self.f.refleak_new && !self.parallel {
            for p in plans.iter_mut() {
                if p.oc == Oc::Passed && self.rng.chance(0.015) {
                    let mid = self.rng.range(1, 9) as i32;
                    p.fine = Some(vec![0, mid, 0]);
                }
            }
        }
        plans
    }

    fn incident(&mut self, p: &mut Plan, leak: bool) {
        let f = self.f.clone();
        let seq = !self.parallel;
        // weights: env changed, failed, crashed, timed out, refleak, worker bug
        let w = [
            30,
            30,
            if seq { 5 } else { 8 },
            if f.timed_out && !seq { 4 } else { 0 },
            if self.refleak { 16 } else { 0 },
            if f.worker_bug && !seq { 1 } else { 0 },
        ];
        let kind = if leak { 4 } else { self.rng.weighted(&w) };
        let rerun_pass = |rng: &mut Rng, p: f64| {
            if rng.chance(p) {
                ReRes::Pass
            } else {
                ReRes::Again
            }
        };
        match kind {
            0 => {
                p.oc = Oc::EnvChanged;
                let n = self.rng.range(1, 3);
                for _ in 0..n {
                    let w = self.pick_warn(&p.name);
                    if !p.warns.contains(&w) {
                        p.warns.push(w);
                    }
                }
                if self.refleak && p.warns.iter().any(|w| repeatable(*w)) {
                    p.warn_reps = self.rng.range(1, (self.reps.0 + self.reps.1) as u64) as u32;
                }
                if f.rerun == RerunStyle::Sub {
                    p.rerun = Some(rerun_pass(&mut self.rng, 0.8));
                }
            }
            1 => {
                p.oc = Oc::Failed;
                p.fail = match self.rng.below(10) {
                    0 => FailHow::Uncaught,
                    1 | 2 => FailHow::Assert {
                        failures: self.rng.range(1, 3) as u32,
                        errors: self.rng.range(1, 2) as u32,
                    },
                    3 | 4 => FailHow::Assert {
                        failures: 0,
                        errors: self.rng.range(1, 4) as u32,
                    },
                    _ => FailHow::Assert {
                        failures: self.rng.range(1, 2) as u32,
                        errors: 0,
                    },
                };
                p.rerun = Some(rerun_pass(&mut self.rng, 0.6));
            }
            2 => {
                p.oc = Oc::Crashed;
                p.crash = if self.windows {
                    if self.rng.chance(0.7) {
                        CrashHow::WinAccess
                    } else {
                        CrashHow::FaultTimeout
                    }
                } else {
                    *self.rng.pick(&[
                        CrashHow::Segv,
                        CrashHow::Segv,
                        CrashHow::FaultTimeout,
                        CrashHow::Killed,
                        CrashHow::Abort,
                    ])
                };
                if f.crash == CrashStyle::Bare {
                    // 2.7 has no exit-code detail and no faulthandler timeout dumps per test
                    p.crash = CrashHow::Segv;
                }
                p.rerun = Some(rerun_pass(&mut self.rng, 0.7));
            }
            3 => {
                p.oc = Oc::TimedOut;
                p.dur = self.worker_timeout() + 0.5 + self.rng.unit();
                p.rerun = Some(rerun_pass(&mut self.rng, 0.6));
            }
            4 => {
                p.oc = Oc::Failed;
                p.fail = FailHow::RefLeak;
                let kinds = f.leak_kinds;
                let nk = self.rng.range(1, kinds.len().min(2) as u64) as usize;
                let mut ks: Vec<&'static str> = kinds.to_vec();
                self.rng.shuffle(&mut ks);
                ks.truncate(nk);
                ks.sort_by_key(|k| kinds.iter().position(|x| x == k));
                for k in ks {
                    let d = self.rng.range(1, 12) as i32;
                    let deltas: Vec<i32> = (0..self.reps.1).map(|_| d).collect();
                    p.leaks.push((k, deltas));
                }
                p.rerun = Some(rerun_pass(&mut self.rng, 0.3));
            }
            _ => {
                p.oc = Oc::WorkerBug;
                p.rerun = Some(ReRes::Pass);
            }
        }
        if !self.do_rerun || (f.rerun != RerunStyle::Sub && !p.oc.is_bad()) {
            p.rerun = None;
        }
    }

    fn pick_warn(&mut self, test: &str) -> Warn {
        let f = &self.f;
        let mut opts: Vec<(Warn, u32)> = Vec::new();
        let res: &'static [&'static str] = if f.py2 {
            &["os.environ", "sys.path", "files", "cwd", "sys.argv"]
        } else if f.era == Era::B {
            &[
                "os.environ",
                "sys.path",
                "threading._dangling",
                "multiprocessing.process._dangling",
                "logging._handlerList",
                "locale",
                "files",
            ]
        } else if f.v < ver(3, 8, 0) {
            &[
                "os.environ",
                "sys.path",
                "threading._dangling",
                "multiprocessing.process._dangling",
                "warnings.filters",
                "logging._handlerList",
                "locale",
                "files",
            ]
        } else {
            &[
                "os.environ",
                "sys.path",
                "threading._dangling",
                "multiprocessing.process._dangling",
                "warnings.filters",
                "sys.warnoptions",
                "asyncio.events._event_loop_policy",
                "logging._handlerList",
                "locale",
                "files",
                "cwd",
            ]
        };
        let r = *self.rng.pick(res);
        opts.push((Warn::Modified(r), 30));
        let mp = test.contains("multiprocessing") || test.contains("concurrent_futures");
        if f.reap {
            opts.push((
                Warn::Reap,
                if test.contains("subprocess") || mp {
                    30
                } else {
                    8
                },
            ));
        }
        if f.dangling_thread {
            opts.push((Warn::ThreadingCleanup(self.rng.range(1, 3) as u32), 20));
        }
        if f.reap {
            opts.push((
                Warn::DanglingProcesses(self.rng.range(1, 3) as u32),
                if mp { 30 } else { 3 },
            ));
            opts.push((
                Warn::DanglingThreadSet(self.rng.range(1, 2) as u32),
                if mp { 10 } else { 2 },
            ));
            opts.push((Warn::Manager, if mp { 20 } else { 1 }));
        }
        if f.uncollectable {
            opts.push((Warn::Uncollectable(self.rng.range(1, 4) as u32), 8));
        }
        if f.w8b {
            opts.push((Warn::W8b(self.rng.range(1, 3) as u32), 4));
        }
        if f.unraisable {
            opts.push((Warn::Unraisable, 12));
        }
        if f.uncaught {
            let exc = *self.rng.pick(&[
                "RuntimeError",
                "OSError",
                "AssertionError",
                "ConnectionResetError",
                "ssl.SSLError",
            ]);
            opts.push((Warn::Uncaught(exc), 10));
        }
        if f.temp_files {
            opts.push((Warn::TempFiles(self.rng.range(1, 2) as u32), 10));
        }
        if f.dangling_thread {
            opts.push((Warn::LeftBehind(self.rng.chance(0.5)), 3));
        }
        let weights: Vec<u32> = opts.iter().map(|o| o.1).collect();
        opts[self.rng.weighted(&weights)].0
    }

    // ---------------------------------------------------------------- header

    fn build_text(&mut self, day: i64) -> String {
        let (y, m, d) = civil(day);
        let hh = self.rng.range(0, 23);
        let mm = self.rng.range(0, 59);
        let ss = self.rng.range(0, 59);
        let when = format!(
            "{} {} {}, {:02}:{:02}:{:02}",
            MONTHS[(m - 1) as usize],
            d,
            y,
            hh,
            mm,
            ss
        );
        let compiler = if self.windows {
            "[MSC v.1937 64 bit (AMD64)]".to_string()
        } else if self.b.name.contains("aix") {
            "[GCC 10.3.0]".to_string()
        } else {
            match self.f.era {
                Era::A => "[GCC 8.3.0]".into(),
                Era::B => "[GCC 6.3.0 20170516]".into(),
                Era::C => "[GCC 10.2.1 20210110]".into(),
                Era::D => "[GCC 12.2.0]".into(),
                Era::E => "[GCC 13.2.1 20231205 (Red Hat 13.2.1-6)]".into(),
                Era::F => {
                    if self.b.name.contains("arch") {
                        "[Clang 19.1.7 ]".into()
                    } else {
                        "[GCC 14.2.1 20250110 (Red Hat 14.2.1-7)]".into()
                    }
                }
            }
        };
        let branch = self.b.branch;
        let id = match self.f.era {
            Era::A | Era::B | Era::C => "default".to_string(),
            _ if self.windows => format!("heads/{}:{}", branch, self.rng.hex(10)),
            _ if branch == "main" && self.rng.chance(0.5) => "main".to_string(),
            _ => format!("heads/{}:{}", branch, self.rng.hex(10)),
        };
        format!("({id}, {when}) {compiler}")
    }

    fn platform(&mut self) -> &'static str {
        if self.windows {
            const WINDOWS: [&str; 3] = [
                "Windows-10-10.0.20348-SP0",
                "Windows-10-10.0.19045-SP0",
                "Windows-11-10.0.22631-SP0",
            ];
            return WINDOWS[self.rng.below(3) as usize];
        }
        let n = self.b.name;
        if n.contains("aix") {
            "AIX-3-00F9C1964C00-powerpc-64bit-COFF"
        } else if n.contains("raspbian") {
            "Linux-6.1.21-v8+-aarch64-with-glibc2.36"
        } else if n.contains("ppc64le") {
            "Linux-5.14.0-427.13.1.el9_4.ppc64le-ppc64le-with-glibc2.34"
        } else {
            match self.f.era {
                Era::A => "Linux-4.19.0-8-amd64-x86_64-with-debian-10.3",
                Era::B => "Linux-4.9.0-13-amd64-x86_64-with-debian-9.13",
                Era::C => "Linux-5.10.0-20-amd64-x86_64-with-glibc2.31",
                Era::D => "Linux-6.1.0-12-amd64-x86_64-with-glibc2.36",
                Era::E => "Linux-6.6.6-200.fc39.x86_64-x86_64-with-glibc2.38",
                Era::F => "Linux-6.12.9-200.fc41.x86_64-x86_64-with-glibc2.40",
            }
        }
    }

    fn header(&mut self, day: i64, n: usize) {
        let f = self.f.clone();
        let j = self.workers;
        let python = if self.windows {
            format!("\"{}\\PCbuild\\amd64\\python_d.exe\"", self.root)
        } else {
            "./python".to_string()
        };
        let huntrleaks = if self.refleak {
            format!(" -R {}:{}", self.reps.0, self.reps.1)
        } else {
            String::new()
        };
        let jopt = if self.parallel {
            format!(" -j{j}")
        } else {
            String::new()
        };
        let vopt = if self.verbose { " -v" } else { "" };
        // the command echo
        if f.new_mode {
            let cmd = format!(
                "-m test --slow-ci --timeout={}{jopt}{huntrleaks}{vopt} --junit-xml test-results.xml",
                self.timeout_min * 60
            );
            if self.windows {
                ln!(self.o, "{python}  -u -Wd -E -bb {cmd}");
            } else {
                ln!(self.o, "{python} -E {cmd}");
                ln!(self.o, "+ {python} -u -W default -bb -E {cmd}");
            }
        } else if f.era != Era::B && !f.py2 {
            ln!(
                self.o,
                "{python}  ./Tools/scripts/run_tests.py -j 1 -u all -W --slowest --fail-env-changed --timeout={}{jopt}{huntrleaks}{vopt} ",
                self.timeout_min * 60
            );
            ln!(
                self.o,
                "{}{}python -u -W default -bb -E -m test -r -w -j 1 -u all -W --slowest --fail-env-changed --timeout={}{jopt}{huntrleaks}{vopt}",
                self.root,
                self.sep,
                self.timeout_min * 60
            );
        } else {
            ln!(
                self.o,
                "{python} -Wd -3 -E -tt  ./Lib/test/regrtest.py -uall -rwW{jopt}{huntrleaks}"
            );
        }
        if self.refleak && self.reps.0 < 3 {
            self.o.line("WARNING: Running tests with --huntrleaks/-R and less than 3 warmup repetitions can give false positives!");
        }
        let build = self.build_text(day);
        ln!(self.o, "== CPython {} {}", f.version, build);
        let plat = self.platform();
        let pid = self.rng.range(1000, 65000);
        let ae = if f.cwd_ae { "æ" } else { "" };
        let worker = if f.new_mode && self.parallel && self.rng.chance(0.5) {
            "worker_"
        } else {
            ""
        };
        let cwd = format!(
            "{}{}build{}test_python_{worker}{pid}{ae}",
            self.root, self.sep, self.sep
        );
        match f.era {
            Era::A | Era::B => {
                ln!(self.o, "==   {plat} little-endian");
                if f.era == Era::B {
                    self.o.line("==   hash algorithm: siphash24 64bit");
                }
                ln!(self.o, "==   {cwd}");
                if f.py2 {
                    ln!(self.o, "== CPU count: {}", self.cpu_count());
                }
                if f.py2 {
                    self.o.line("Testing with flags: sys.flags(debug=0, py3k_warning=0, division_warning=0, division_new=0, inspect=0, interactive=0, optimize=0, dont_write_bytecode=0, no_user_site=0, no_site=0, ignore_environment=1, tabcheck=0, verbose=0, unicode=0, bytes_warning=0, hash_randomization=0)");
                } else {
                    self.o.line("Testing with flags: sys.flags(debug=0, inspect=0, interactive=0, optimize=0, dont_write_bytecode=0, no_user_site=0, no_site=0, ignore_environment=1, verbose=0, bytes_warning=2, quiet=0, hash_randomization=1, isolated=0)");
                }
                ln!(
                    self.o,
                    "Using random seed {}",
                    self.rng.range(1_000_000, 9_999_999)
                );
            }
            _ => {
                ln!(self.o, "== {plat} little-endian");
                if f.header_new {
                    let build = if self.refleak || self.rng.chance(0.6) {
                        "debug"
                    } else {
                        *self.rng.pick(&[
                            "release",
                            "release shared LTO+PGO",
                            "debug TraceRefs",
                            "release shared",
                        ])
                    };
                    ln!(self.o, "== Python build: {build}");
                }
                ln!(self.o, "== cwd: {cwd}");
                let cpus = self.cpu_count();
                if f.new_mode && self.rng.chance(0.3) {
                    ln!(
                        self.o,
                        "== CPU count: {} (process) / {} (system)",
                        (cpus / 2).max(1),
                        cpus
                    );
                } else {
                    ln!(self.o, "== CPU count: {cpus}");
                }
                let (loc, fs) = if self.windows {
                    ("cp1252", "utf-8")
                } else {
                    ("UTF-8", "utf-8")
                };
                if f.enc_comma {
                    ln!(self.o, "== encodings: locale={loc}, FS={fs}");
                } else {
                    ln!(self.o, "== encodings: locale={loc} FS={fs}");
                }
                if f.header_new {
                    self.o.line("== resources: all,-cpu");
                    if self.b.name.contains("asan") {
                        self.o.line("== sanitizers: address");
                    }
                    self.o.blank();
                    ln!(
                        self.o,
                        "Using random seed: {}",
                        self.rng.range(1, 4_294_967_295)
                    );
                } else if self.randomised {
                    ln!(
                        self.o,
                        "Using random seed {}",
                        self.rng.range(1_000_000, 9_999_999)
                    );
                }
            }
        }
        // the M line
        let timeout = fmt_dur(self.timeout_min as f64 * 60.0, false);
        let wt = fmt_dur(self.worker_timeout(), false);
        if f.era == Era::B {
            return;
        }
        if self.parallel {
            if f.new_mode {
                self.prefix(0.0);
                ln!(
                    self.o,
                    "Run {} in parallel using {} (timeout: {timeout}, worker timeout: {wt})",
                    count(n, "test"),
                    count(j as usize, "worker process").replace("processs", "processes")
                );
            } else if f.prefix_mode {
                self.prefix(0.0);
                ln!(
                    self.o,
                    "Run tests in parallel using {j} child processes (timeout: {timeout}, worker timeout: {wt})"
                );
            } else {
                ln!(self.o, "Run tests in parallel using {j} child processes");
            }
        } else if f.new_mode {
            self.prefix(0.0);
            let single = if f.single_process {
                " in a single process"
            } else {
                ""
            };
            ln!(
                self.o,
                "Run {} sequentially{single} (timeout: {timeout})",
                count(n, "test")
            );
        } else if f.prefix_mode {
            self.prefix(0.0);
            ln!(self.o, "Run tests sequentially (timeout: {timeout})");
        } else {
            self.o.line("Run tests sequentially");
        }
    }

    fn cpu_count(&self) -> u32 {
        (self.workers.max(1) * 2).next_power_of_two().max(2)
    }

    // ---------------------------------------------------------------- test output

    fn unittest_cases(&self, test: &str, n: usize) -> Vec<(String, String)> {
        let mut r = Rng::new(hash_str(test));
        (0..n)
            .map(|_| {
                let m = format!("test_{}_{}", r.pick(VERBS), r.pick(NOUNS));
                let c = r.pick(CLASSES).to_string();
                (m, c)
            })
            .collect()
    }

    fn desc(&self, module: &str, m: &str, c: &str) -> String {
        if self.f.desc_new {
            format!("{m} ({module}.{c}.{m})")
        } else {
            format!("{m} ({module}.{c})")
        }
    }

    /// Verbose unittest output of one test file; `failing` methods print FAIL.
    fn verbose_cases(
        &mut self,
        test: &str,
        n: usize,
        failing: usize,
        prefix_dot: bool,
    ) -> Vec<String> {
        let module = self.module(test);
        let cases = self.unittest_cases(test, n);
        let mut failed = Vec::new();
        for (i, (m, c)) in cases.iter().enumerate() {
            let d = self.desc(&module, m, c);
            if prefix_dot && i == 0 {
                self.o.s(".");
            }
            if i < failing {
                ln!(self.o, "{d} ... FAIL");
                failed.push(d);
                self.tally.method(test, c, m, true);
            } else if self.rng.chance(0.03) {
                ln!(
                    self.o,
                    "{d} ... skipped 'requires {}'",
                    self.rng.pick(NOUNS)
                );
            } else {
                ln!(self.o, "{d} ... ok");
                self.tally.method(test, c, m, false);
            }
        }
        failed
    }

    fn traceback(&mut self, test: &str, exc: &str) {
        let file = self.test_file(test);
        let line = self.rng.range(50, 5000);
        let m = format!("test_{}_{}", self.rng.pick(VERBS), self.rng.pick(NOUNS));
        self.o.line("Traceback (most recent call last):");
        ln!(self.o, "  File \"{file}\", line {line}, in {m}");
        ln!(
            self.o,
            "    self.check_{}(self.{})",
            self.rng.pick(VERBS),
            self.rng.pick(NOUNS)
        );
        if self.f.v >= ver(3, 13, 0) {
            self.o.line("    ~~~~~~~~~~~~~~~~^^^^^^^^^^^^^^^");
        }
        let l2 = self.rng.range(50, 5000);
        ln!(
            self.o,
            "  File \"{file}\", line {l2}, in check_{}",
            self.rng.pick(VERBS)
        );
        ln!(
            self.o,
            "    self.assertEqual(cm.exception.errno, errno.{})",
            self.rng.pick(&["EBADF", "EINTR", "EPIPE", "ECONNRESET"])
        );
        self.o.line(exc);
    }

    fn unittest_footer(&mut self, n: usize, failures: u32, errors: u32) {
        self.o.blank();
        self.o
            .line("----------------------------------------------------------------------");
        let secs = self.rng.unit() * 40.0;
        ln!(self.o, "Ran {} in {secs:.3}s", count(n, "test"));
        self.o.blank();
        if failures == 0 && errors == 0 {
            if self.rng.chance(0.3) {
                ln!(self.o, "OK (skipped={})", self.rng.range(1, 9));
            } else {
                self.o.line("OK");
            }
        } else {
            let mut parts = Vec::new();
            if failures > 0 {
                parts.push(format!("failures={failures}"));
            }
            if errors > 0 {
                parts.push(format!("errors={errors}"));
            }
            ln!(self.o, "FAILED ({})", parts.join(", "));
        }
    }

    /// The FAIL/ERROR sections and footer of a verbose failing run.
    fn failure_sections(&mut self, test: &str, failed: &[String], failures: u32, errors: u32) {
        for (i, d) in failed.iter().enumerate() {
            self.o.blank();
            self.o
                .line("======================================================================");
            let what = if (i as u32) < errors { "ERROR" } else { "FAIL" };
            ln!(self.o, "{what}: {d}");
            let kind = if what == "ERROR" {
                "method_error"
            } else {
                "method_failed"
            };
            self.tally.ev(test, kind, "");
            self.o
                .line("----------------------------------------------------------------------");
            let exc = if what == "ERROR" {
                "ConnectionResetError: [Errno 104] Connection reset by peer".to_string()
            } else {
                format!(
                    "AssertionError: {} != {}",
                    self.rng.range(0, 99),
                    self.rng.range(100, 999)
                )
            };
            self.traceback(test, &exc);
        }
        let n = failed.len() + self.rng.range(3, 60) as usize;
        self.unittest_footer(n, failures, errors);
    }

    /// Glued `-R` progress symbols and warning repetitions.
    fn refleak_lines(&mut self, p: &Plan, phase_rerun: bool) {
        let (w, r) = self.reps;
        let total = w + r;
        if self.f.refleak_new {
            ln!(
                self.o,
                "beginning {total} repetitions. Showing number of leaks (. for 0 or less, X for 10 or more)"
            );
            let ruler: String = (1..=total)
                .map(|i| char::from_digit(i % 10, 10).unwrap())
                .collect();
            ln!(self.o, "{}:{}", &ruler[..w as usize], &ruler[w as usize..]);
        } else {
            ln!(self.o, "beginning {total} repetitions");
            let ruler: String = (1..=total)
                .map(|i| char::from_digit(i % 10, 10).unwrap())
                .collect();
            self.o.line(&ruler);
        }
        // the symbols, with repeated warnings glued after the dots
        let leaking = !p.leaks.is_empty();
        let fine = p.fine.is_some() && !phase_rerun;
        let mut symbols: Vec<char> = Vec::new();
        for i in 0..total {
            let c = if !self.f.refleak_new {
                '.'
            } else if i < w {
                if i == 0 && self.rng.chance(0.5) {
                    'X'
                } else {
                    '.'
                }
            } else if leaking {
                let d = p.leaks[0].1.first().copied().unwrap_or(1);
                if d >= 10 {
                    'X'
                } else {
                    char::from_digit(d as u32, 10).unwrap()
                }
            } else if fine && i == w + 1 {
                let d = p.fine.as_ref().unwrap()[1];
                char::from_digit(d.clamp(1, 9) as u32, 10).unwrap()
            } else {
                '.'
            };
            symbols.push(c);
        }
        let warn_reps = if phase_rerun {
            0
        } else {
            p.warn_reps.min(total)
        };
        let mut pending = String::new();
        for (i, c) in symbols.iter().enumerate() {
            // 3.13+: a space after the warm-ups (never at the start of a line)
            if self.f.refleak_new && i == w as usize && !pending.is_empty() {
                pending.push(' ');
            }
            pending.push(*c);
            if (i as u32) < warn_reps {
                // the warning lines printed during this repetition, glued to the symbols
                self.o.s(&pending);
                pending.clear();
                let name = p.name.clone();
                for wv in p.warns.clone() {
                    if repeatable(wv) {
                        self.warning(&name, wv);
                    }
                }
            }
        }
        if !pending.is_empty() {
            self.o.line(&pending);
        }
        if !phase_rerun && let Some(d) = &p.fine {
            let s: i32 = d.iter().sum();
            let list = d
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            ln!(
                self.o,
                "{} leaked [{list}] references, sum={s} (this is fine)",
                p.name
            );
            self.tally.ev(&p.name, "refleak_fine", "references");
        }
    }

    fn leak_lines(&mut self, p: &Plan) {
        for (kind, deltas) in &p.leaks {
            let s: i32 = deltas.iter().sum();
            let list = deltas
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            ln!(self.o, "{} leaked [{list}] {kind}, sum={s}", p.name);
            self.tally.ev(&p.name, "refleak", &kind.replace(' ', "_"));
        }
    }

    /// One warning (one or more lines), counted.
    fn warning(&mut self, test: &str, w: Warn) {
        let f = self.f.clone();
        let wp = "Warning -- ";
        let cont = if f.warn_every_line { "Warning -- " } else { "" };
        match w {
            Warn::Modified(res) => {
                let (before, after) = self.modified_values(res);
                ln!(self.o, "{wp}{res} was modified by {test}");
                let bp = if f.ba_prefixed { "Warning -- " } else { "" };
                ln!(self.o, "{bp}  Before: {before}");
                ln!(self.o, "{bp}  After:  {after} ");
                self.tally.ev(test, "modified", res);
            }
            Warn::ThreadingCleanup(k) => {
                if f.w2b {
                    ln!(
                        self.o,
                        "{wp}threading_cleanup() failed to clean up threads in 1.0 seconds"
                    );
                    ln!(self.o, "{wp}  before: thread count=0, dangling=1");
                    ln!(self.o, "{wp}  after: thread count={k}, dangling={}", k + 1);
                } else {
                    ln!(
                        self.o,
                        "{wp}threading_cleanup() failed to cleanup {k} threads (count: {k}, dangling: {})",
                        k + 1
                    );
                }
                self.tally.ev(test, "threading_cleanup", "");
                let dp = if f.dangling_prefixed {
                    "Warning -- "
                } else {
                    ""
                };
                let tid = self.rng.range(139_900_000_000_000, 140_999_999_999_999);
                ln!(
                    self.o,
                    "{dp}Dangling thread: <_MainThread(MainThread, started {tid})>"
                );
                self.tally.ev(test, "dangling_thread", "");
                for i in 0..k {
                    let tid = self.rng.range(139_900_000_000_000, 140_999_999_999_999);
                    let n = self.rng.range(2, 40);
                    if self.f.v >= ver(3, 10, 0) {
                        ln!(
                            self.o,
                            "{dp}Dangling thread: <Thread(Thread-{n} ({}), started daemon {tid})>",
                            self.rng.pick(&["serve", "target", "run", "_worker"])
                        );
                    } else {
                        ln!(
                            self.o,
                            "{dp}Dangling thread: <Thread(Thread-{}, started daemon {tid})>",
                            n + i as u64
                        );
                    }
                    self.tally.ev(test, "dangling_thread", "");
                }
            }
            Warn::DanglingThreadSet(k) => {
                let items: Vec<String> = (0..k)
                    .map(|i| {
                        format!(
                            "<Thread(Thread-{}, started daemon {})>",
                            3 + i,
                            self.rng.range(1000, 60000)
                        )
                    })
                    .collect();
                ln!(self.o, "{wp}Dangling threads: {{{}}}", items.join(", "));
                self.tally.ev(test, "dangling_thread", "");
            }
            Warn::DanglingProcesses(k) => {
                let items: Vec<String> = (0..k)
                    .map(|i| {
                        format!(
                            "<SpawnProcess name='SpawnProcess-{}' pid={} parent={} started>",
                            i + 1,
                            self.rng.range(1000, 60000),
                            self.rng.range(1000, 60000)
                        )
                    })
                    .collect();
                ln!(self.o, "{wp}Dangling processes: {{{}}}", items.join(", "));
                self.tally.ev(test, "dangling_process", "");
            }
            Warn::Reap => {
                ln!(
                    self.o,
                    "{wp}reap_children() reaped child process {}",
                    self.rng.range(1000, 4_000_000)
                );
                self.tally.ev(test, "reap_children", "");
            }
            Warn::Uncollectable(k) => {
                let period = if f.uncoll_period { "." } else { "" };
                ln!(
                    self.o,
                    "{wp}{test} created {k} uncollectable object(s){period}"
                );
                self.tally.ev(test, "uncollectable", "");
            }
            Warn::W8b(k) => {
                ln!(self.o, "Warning: test created {k} uncollectable object(s).");
                self.tally.ev(test, "uncollectable", "");
            }
            Warn::Unraisable => {
                ln!(self.o, "{wp}Unraisable exception");
                ln!(
                    self.o,
                    "Exception ignored in: <function Popen.__del__ at 0x7f{}>",
                    self.rng.hex(9)
                );
                self.o.line("Traceback (most recent call last):");
                ln!(
                    self.o,
                    "  File \"{}\", line 1074, in __del__",
                    self.path("Lib/subprocess.py")
                );
                self.o
                    .line("    _warn(\"subprocess %s is still running\" % self.pid,");
                ln!(
                    self.o,
                    "ResourceWarning: subprocess {} is still running",
                    self.rng.range(1000, 4_000_000)
                );
                self.tally.ev(test, "unraisable", "");
            }
            Warn::Uncaught(exc) => {
                ln!(self.o, "{wp}Uncaught thread exception: {exc}");
                ln!(
                    self.o,
                    "Exception in thread Thread-{} (target):",
                    self.rng.range(2, 40)
                );
                self.o.line("Traceback (most recent call last):");
                ln!(
                    self.o,
                    "  File \"{}\", line 1075, in _bootstrap_inner",
                    self.path("Lib/threading.py")
                );
                self.o.line("    self.run()");
                ln!(
                    self.o,
                    "  File \"{}\", line 1012, in run",
                    self.path("Lib/threading.py")
                );
                self.o.line("    self._target(*self._args, **self._kwargs)");
                ln!(self.o, "{exc}: fail");
                self.tally.ev(test, "uncaught_thread_exception", exc);
            }
            Warn::TempFiles(k) => {
                self.o.blank();
                self.o.blank();
                let files: Vec<String> =
                    (0..k).map(|_| format!("tmp{}", self.rng.hex(8))).collect();
                ln!(
                    self.o,
                    "{wp}{test} leaked temporary files ({k}): {}",
                    files.join(", ")
                );
                self.tally.ev(test, "leaked_temp_files", "");
            }
            Warn::LeftBehind(dir) => {
                let what = if dir { "directory" } else { "file" };
                let n = self.rng.range(1000, 99999);
                let ae = if f.cwd_ae { "æ" } else { "" };
                if f.left_behind_quoted {
                    ln!(
                        self.o,
                        "{wp}'{test}' left behind {what} '@test_{n}_tmp{ae}'"
                    );
                } else {
                    ln!(self.o, "{wp}{test} left behind {what} '@test_{n}_tmp{ae}'");
                }
                self.tally.ev(test, "left_behind", what);
            }
            Warn::Manager => {
                ln!(
                    self.o,
                    "{wp}multiprocessing.Manager still has [<ForkProcess name='SyncManager-1:{}' pid={} parent={} started>] active children after 5.0 seconds",
                    self.rng.range(1, 9),
                    self.rng.range(1000, 60000),
                    self.rng.range(1000, 60000)
                );
                self.tally.ev(test, "manager_children", "");
            }
        }
        let _ = cont;
    }

    /// test_regrtest's failure (3.12+ -W block) quoting the complete output of the regrtest it
    /// ran: a whole nested run (header, progress, warnings, summary) that must not count.
    fn regrtest_failure_with_nested_run(&mut self, name: &str) {
        let module = self.module(name);
        let cases = [
            "test_add_python_opts",
            "test_cleanup",
            "test_coverage",
            "test_crashed",
            "test_env_changed",
            "test_rerun_success",
            "test_slowest",
            "test_wait",
        ];
        let failing = *self.rng.pick(&cases);
        for c in cases {
            let d = self.desc(&module, c, "ArgsTestCase");
            if c == failing {
                ln!(self.o, "{d} ... FAIL");
            } else {
                ln!(self.o, "{d} ... ok");
            }
            self.tally.method(name, "ArgsTestCase", c, c == failing);
        }
        self.o.blank();
        self.o
            .line("======================================================================");
        ln!(
            self.o,
            "FAIL: {}",
            self.desc(&module, failing, "ArgsTestCase")
        );
        self.tally.ev(name, "method_failed", "");
        self.o
            .line("----------------------------------------------------------------------");
        self.o.line("Traceback (most recent call last):");
        let file = self.test_file(name);
        ln!(self.o, "  File \"{file}\", line 1283, in {failing}");
        self.o.line("    output = self.run_tests(\"--rerun\", \"--fail-rerun\", testname, exitcode=EXITCODE_RERUN_FAIL)");
        ln!(self.o, "  File \"{file}\", line 723, in run_command");
        self.o.line("    self.fail(msg)");
        let tmp = format!("/tmp/test_python_{}", self.rng.hex(8));
        ln!(
            self.o,
            "AssertionError: Command ['{}', '-X', 'faulthandler', '-I', '-m', 'test', '--testdir={tmp}', '--rerun', '--fail-rerun', 'test_regrtest_noop1'] failed with exit code 0, but exit code 5 expected",
            self.path("python")
        );
        self.o.blank();
        self.o.line("stdout:");
        self.o.line("---");
        // the nested run: its own header, mode line, progress lines restarting at [1/N] with
        // ELAPSED back at 0:00:00, a warning and a failure of its own, and its own results
        ln!(self.o, "== CPython {} (main) [GCC 13.2.1]", self.f.version);
        let plat = self.platform();
        ln!(self.o, "== {plat} little-endian");
        self.o.line("== Python build: debug");
        ln!(
            self.o,
            "== cwd: {tmp}/test_python_{}æ",
            self.rng.range(1000, 60000)
        );
        self.o.line("== CPU count: 2");
        self.o.line("== encodings: locale=UTF-8 FS=utf-8");
        self.o
            .line("== resources: all test resources are disabled, use -u option to unskip tests");
        self.o.blank();
        ln!(
            self.o,
            "Using random seed: {}",
            self.rng.range(1, 4_294_967_295)
        );
        let inner = self.rng.range(1, 3) as usize;
        ln!(
            self.o,
            "0:00:00 load avg: 1.17 Run {} sequentially",
            count(inner, "test")
        );
        let mut failed = Vec::new();
        for i in 1..=inner {
            let t = format!("test_regrtest_noop{i}");
            ln!(self.o, "0:00:00 load avg: 1.17 [{i}/{inner}] {t}");
            if i == inner {
                ln!(
                    self.o,
                    "Warning -- reap_children() reaped child process {}",
                    self.rng.range(1000, 60000)
                );
                ln!(self.o, "{t} failed (env changed)");
                failed.push(t);
            }
        }
        self.o.blank();
        self.o.line("== Tests result: ENV CHANGED ==");
        self.o.blank();
        self.o
            .line("1 test altered the execution environment (env changed):");
        ln!(self.o, "    {}", failed[0]);
        self.o.blank();
        if inner > 1 {
            ln!(self.o, "{} OK.", count(inner - 1, "test"));
            self.o.blank();
        }
        self.o.line("Total duration: 112 ms");
        ln!(self.o, "Total tests: run={inner}");
        ln!(
            self.o,
            "Total test files: run={inner}/{inner} env_changed=1"
        );
        self.o.line("Result: ENV CHANGED");
        self.o.blank();
        self.o.line("---");
        self.o.blank();
        self.o.blank();
        self.o
            .line("----------------------------------------------------------------------");
        ln!(
            self.o,
            "Ran {} tests in {:.3}s",
            cases.len(),
            100.0 + self.rng.unit() * 100.0
        );
        self.o.blank();
        self.o.line("FAILED (failures=1)");
        ln!(self.o, "test {name} failed");
    }

    /// A crashing worker's output: faulthandler dumps, counted.
    fn crash_output(&mut self, p: &Plan) {
        let test = p.name.clone();
        match p.crash {
            CrashHow::Segv | CrashHow::Abort | CrashHow::WinAccess => {
                if p.crash == CrashHow::WinAccess {
                    self.o.line("Windows fatal exception: access violation");
                } else if p.crash == CrashHow::Abort {
                    self.o.line("Fatal Python error: Aborted");
                } else {
                    self.o.line("Fatal Python error: Segmentation fault");
                }
                self.tally.ev(&test, "fatal_error", "");
                self.o.blank();
                self.thread_dump(&test);
                if self.f.v >= ver(3, 10, 0) && !self.windows {
                    self.o.blank();
                    self.o.line("Extension modules: _testcapi, _ctypes_test, _testinternalcapi, _testbuffer (total: 4)");
                }
            }
            CrashHow::FaultTimeout => {
                ln!(
                    self.o,
                    "Timeout ({})!",
                    fmt_hms(self.timeout_min as u64 * 60)
                );
                self.tally.ev(&test, "timeout", "");
                self.thread_dump(&test);
            }
            CrashHow::Killed => {}
        }
    }

    fn thread_dump(&mut self, test: &str) {
        let file = self.test_file(test);
        let threading = self.path("Lib/threading.py");
        if self.rng.chance(0.5) {
            ln!(
                self.o,
                "Thread 0x00007f{} (most recent call first):",
                self.rng.hex(10)
            );
            ln!(self.o, "  File \"{threading}\", line 355 in wait");
            ln!(self.o, "  File \"{threading}\", line 655 in wait");
            ln!(
                self.o,
                "  File \"{threading}\", line 1075 in _bootstrap_inner"
            );
            ln!(self.o, "  File \"{threading}\", line 1032 in _bootstrap");
            self.o.blank();
        }
        ln!(
            self.o,
            "Current thread 0x00007f{} (most recent call first):",
            self.rng.hex(10)
        );
        ln!(
            self.o,
            "  File \"{file}\", line {} in test_{}",
            self.rng.range(20, 3000),
            self.rng.pick(VERBS)
        );
        let case = self.path("Lib/unittest/case.py");
        let suite = self.path("Lib/unittest/suite.py");
        ln!(self.o, "  File \"{case}\", line 606 in _callTestMethod");
        ln!(self.o, "  File \"{case}\", line 651 in run");
        ln!(self.o, "  File \"{case}\", line 707 in __call__");
        for _ in 0..2 {
            ln!(self.o, "  File \"{suite}\", line 122 in run");
            ln!(self.o, "  File \"{suite}\", line 84 in __call__");
        }
        let single = self.path("Lib/test/libregrtest/single.py");
        ln!(self.o, "  File \"{single}\", line 57 in _run_suite");
        ln!(self.o, "  File \"{single}\", line 37 in run_unittest");
        ln!(self.o, "  File \"{single}\", line 135 in test_func");
        ln!(self.o, "  File \"{single}\", line 91 in regrtest_runner");
        if self.parallel {
            let worker = self.path("Lib/test/libregrtest/worker.py");
            ln!(self.o, "  File \"{worker}\", line 77 in worker_process");
            ln!(self.o, "  File \"{worker}\", line 112 in main");
        } else {
            let main = self.path("Lib/test/libregrtest/main.py");
            ln!(
                self.o,
                "  File \"{main}\", line 492 in run_tests_sequentially"
            );
            ln!(self.o, "  File \"{main}\", line 678 in _run_tests");
            ln!(self.o, "  File \"{main}\", line 743 in main");
        }
        self.o
            .line("  File \"<frozen runpy>\", line 88 in _run_code");
        self.o
            .line("  File \"<frozen runpy>\", line 198 in _run_module_as_main");
    }

    /// What a test prints in the main phase (its worker block, or its sequential window), with
    /// the events it carries counted. Parallel blocks of passing tests are shown only with -v
    /// (and never under 3.11.6+'s -W for a pass).
    fn test_output(&mut self, p: &Plan) {
        let name = p.name.clone();
        let f = self.f.clone();
        let hide_pass = self.parallel && !self.verbose;
        match p.oc {
            Oc::Skipped | Oc::Denied => {
                let (a, z) = if self.colour {
                    ("\x1b[33m", "\x1b[0m")
                } else {
                    ("", "")
                };
                ln!(self.o, "{a}{name} skipped -- {}{z}", p.skip_reason);
                return;
            }
            Oc::NoTests => {
                if self.verbose || f.new_mode {
                    self.o.blank();
                    self.o.line(
                        "----------------------------------------------------------------------",
                    );
                    self.o.line("Ran 0 tests in 0.000s");
                    self.o.blank();
                    self.o.line(if f.v >= ver(3, 12, 0) {
                        "NO TESTS RAN"
                    } else {
                        "OK"
                    });
                }
                return;
            }
            _ => {}
        }
        let refleak = self.refleak && !matches!(p.oc, Oc::Crashed | Oc::TimedOut | Oc::WorkerBug);
        if p.oc == Oc::Passed && p.fine.is_none() && hide_pass {
            return;
        }
        if p.oc == Oc::Passed && p.fine.is_none() && !self.verbose && !refleak {
            return;
        }
        if refleak && (!self.parallel || p.oc != Oc::Passed) {
            self.refleak_lines(p, false);
        }
        match p.oc {
            Oc::Passed if self.verbose => {
                let n = self.rng.range(5, 80) as usize;
                self.verbose_cases(&name, n, 0, false);
                self.unittest_footer(n, 0, 0);
            }
            Oc::Failed => {
                let (failures, errors) = match p.fail {
                    FailHow::Assert { failures, errors } => (failures, errors),
                    _ => (0, 0),
                };
                if p.fail == FailHow::RefLeak {
                    self.leak_lines(p);
                } else if p.fail == FailHow::Uncaught {
                    ln!(
                        self.o,
                        "test {name} crashed -- Traceback (most recent call last):"
                    );
                    ln!(
                        self.o,
                        "  File \"{}\", line 3, in <module>",
                        self.test_file(&name)
                    );
                    self.o.line("    import _testcapi");
                    self.o
                        .line("ModuleNotFoundError: No module named '_testcapi'");
                    self.o.blank();
                } else if self.nested_ok
                    && name == "test_regrtest"
                    && self.parallel
                    && f.new_mode
                    && failures == 1
                    && errors == 0
                {
                    self.regrtest_failure_with_nested_run(&name);
                } else if (self.parallel && f.new_mode) || self.verbose {
                    // -W / -v: the verbose re-run of the failing test in the worker
                    let n = self.rng.range(5, 40) as usize;
                    let nf = (failures + errors) as usize;
                    let failed = self.verbose_cases(&name, n.max(nf), nf, false);
                    self.failure_sections(&name, &failed, failures, errors);
                    let (a, z) = if self.colour {
                        ("\x1b[31m\x1b[31m", "\x1b[0m")
                    } else {
                        ("", "")
                    };
                    ln!(self.o, "{a}test {name} failed{z}");
                } else if failures + errors > 1 {
                    ln!(
                        self.o,
                        "test {name} failed -- multiple errors occurred; run in verbose mode for details"
                    );
                } else {
                    let (a, z) = if self.colour {
                        ("\x1b[31m\x1b[31m", "\x1b[0m")
                    } else {
                        ("", "")
                    };
                    put!(self.o, "{a}test {name} failed{z} -- ");
                    let exc = format!(
                        "AssertionError: {} != {}",
                        self.rng.range(0, 99),
                        self.rng.range(100, 999)
                    );
                    self.traceback(&name, &exc);
                    self.o.blank();
                }
            }
            Oc::EnvChanged => {
                if self.verbose {
                    let n = self.rng.range(5, 40) as usize;
                    self.verbose_cases(&name, n, 0, false);
                    self.unittest_footer(n, 0, 0);
                }
                for w in p.warns.clone() {
                    if refleak && repeatable(w) && p.warn_reps > 0 {
                        continue; // printed during the repetitions
                    }
                    self.warning(&name, w);
                }
            }
            Oc::Crashed => self.crash_output(p),
            Oc::TimedOut | Oc::WorkerBug => {}
            _ => {}
        }
    }

    // ---------------------------------------------------------------- main phase

    fn fails_suffix(&self) -> String {
        if self.fails > 0 {
            format!("/{}", self.fails)
        } else {
            String::new()
        }
    }

    /// `[ 12/433/1] ` with the index right-aligned to TOTAL's width.
    fn counter(&self, i: usize, n: usize) -> String {
        let w = n.to_string().len();
        format!("[{i:>w$}/{n}{}] ", self.fails_suffix())
    }

    fn running_list(&self, items: &[(String, f64)]) -> String {
        let list = items
            .iter()
            .map(|(t, d)| format!("{t} ({})", fmt_dur(*d, self.f.old_dur)))
            .collect::<Vec<_>>()
            .join(", ");
        if self.f.running_count {
            format!("running ({}): {list}", items.len())
        } else {
            format!("running: {list}")
        }
    }

    /// Returns whether the run was cut short (no summary).
    fn main_parallel(&mut self, plans: &mut [Plan], truncate: Option<f64>) -> bool {
        let n = plans.len();
        let w = self.workers.max(1) as usize;
        // schedule: each test on the first free worker, results in completion order
        let mut free = vec![0.5f64; w];
        let mut sched: Vec<(f64, f64, usize)> = Vec::with_capacity(n);
        for (i, p) in plans.iter().enumerate() {
            let (wi, start) =
                free.iter()
                    .copied()
                    .enumerate()
                    .fold(
                        (0, f64::MAX),
                        |acc, (k, t)| if t < acc.1 { (k, t) } else { acc },
                    );
            let end = start + p.dur.max(0.05);
            free[wi] = end + 0.02;
            sched.push((start, end, i));
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| sched[a].1.partial_cmp(&sched[b].1).unwrap().then(a.cmp(&b)));
        let cut_at = truncate.map(|frac| ((n as f64 * frac) as usize).clamp(1, n - 1));
        let mut last_t = 0.5f64;
        for (k, &si) in order.iter().enumerate() {
            let (start, end, pi) = sched[si];
            if Some(k) == cut_at {
                // the step hangs: heartbeats for the tests still running, then buildbot kills it
                let mut h = last_t + 30.0;
                let beats = self.rng.range(0, 40);
                for _ in 0..beats {
                    let running = self.running_at(&sched, plans, h);
                    if running.is_empty() {
                        break;
                    }
                    self.heartbeat(h, &running);
                    h += 30.0;
                }
                self.buildbot_kill(h + 1200.0);
                return true;
            }
            // heartbeats while nothing finishes
            let mut h = last_t + 30.0;
            while h + 0.5 < end {
                let running = self.running_at(&sched, plans, h);
                if !running.is_empty() {
                    self.heartbeat(h, &running);
                }
                h += 30.0;
            }
            let p = plans[pi].clone();
            if p.oc.counts() {
                self.fails += 1;
            }
            let text = self.outcome_text(&p, p.oc);
            let text = self.coloured(p.oc, &text);
            let took = end - start;
            self.prefix(end);
            let c = self.counter(k + 1, n);
            self.o.s(&c);
            put!(self.o, "{} {text}", p.name);
            if took >= 30.0 && p.oc != Oc::Crashed && p.oc != Oc::TimedOut && p.oc != Oc::WorkerBug
            {
                put!(self.o, " ({})", self.dur(took));
            }
            if self.f.running_suffix {
                let running: Vec<(String, f64)> = self
                    .running_at(&sched, plans, end)
                    .into_iter()
                    .filter(|(t, _)| *t != p.name)
                    .collect();
                if !running.is_empty() {
                    let r = self.running_list(&running);
                    put!(self.o, " -- {r}");
                }
            }
            self.o.end();
            self.tally.ev(&p.name, p.oc.kind(), "");
            // nested regrtest output is safe only when the outer run visibly goes on
            self.nested_ok = k + 1 < n && cut_at != Some(k + 1) && self.rng.chance(0.7);
            self.test_output(&p);
            self.nested_ok = false;
            last_t = end;
        }
        self.seq_t0 = last_t;
        false
    }

    /// Tests running at `t` for at least 30 s, by start time.
    fn running_at(
        &self,
        sched: &[(f64, f64, usize)],
        plans: &[Plan],
        t: f64,
    ) -> Vec<(String, f64)> {
        let mut v: Vec<(f64, String)> = sched
            .iter()
            .filter(|(s, e, _)| *s <= t && *e > t && t - *s >= 30.0)
            .map(|(s, _, i)| (*s, plans[*i].name.clone()))
            .collect();
        v.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
        v.into_iter().map(|(s, n)| (n, t - s)).collect()
    }

    fn heartbeat(&mut self, t: f64, running: &[(String, f64)]) {
        if self.f.heartbeat_prefix {
            self.prefix(t);
        }
        let r = self.running_list(running);
        self.o.line(&r);
    }

    fn buildbot_kill(&mut self, t: f64) {
        let j = if self.parallel {
            format!("-j{} ", self.workers)
        } else {
            String::new()
        };
        ln!(
            self.o,
            "command timed out: 1200 seconds without output running [b'make', b'buildbottest', b'TESTOPTS={j}--junit-xml test-results.xml ${{BUILDBOT_TESTOPTS}}', b'TESTPYTHONOPTS=', b'TESTTIMEOUT={}'], attempting to kill",
            self.timeout_min * 60
        );
        self.o.line("process killed by signal 9");
        self.o.line("program finished with exit code -1");
        ln!(self.o, "elapsedTime={:.1}", t);
    }

    /// Sequential main phase (2.7.14+/3.6–3.13 with `-- PREV`, 3.14 with two lines per test,
    /// 3.5 with none). Returns whether the run was cut short.
    fn main_sequential(&mut self, plans: &mut [Plan], truncate: Option<f64>) -> bool {
        let n = plans.len();
        let f = self.f.clone();
        let mut t = 0.3f64;
        let day_secs = if f.era == Era::B {
            self.rng.range(7 * 3600, 14 * 3600) as f64
        } else {
            0.0
        };
        let cut_at = truncate.map(|frac| ((n as f64 * frac) as usize).clamp(1, n - 1));
        // a crash kills a sequential regrtest: the log ends there
        let crash_at = plans.iter().position(|p| p.oc == Oc::Crashed);
        let mut prev: Option<(Plan, f64)> = None;
        for i in 0..n {
            let p = plans[i].clone();
            let cut = Some(i) == cut_at;
            // the progress line: this test, and the previous one's verdict
            self.prefix(t + day_secs);
            let mut prev_text = String::new();
            if let Some((pp, took)) = &prev
                && f.progress_outcomes
                && !f.two_line_seq
            {
                let slow = *took >= 30.0;
                if pp.oc != Oc::Passed || slow {
                    if pp.oc.counts() && (f.era != Era::B) {
                        self.fails += 1;
                    }
                    let mut s = format!(" -- {} {}", pp.name, self.outcome_text(pp, pp.oc));
                    if slow {
                        s.push_str(&format!(" in {}", self.dur(*took)));
                    }
                    prev_text = s;
                }
                // a verdict on this line, or silence: both count now
                self.tally.ev(&pp.name, pp.oc.kind(), "");
            }
            if f.era == Era::B && i > 0 {
                let pp = &plans[i - 1];
                if pp.oc == Oc::Failed {
                    self.fails += 1;
                }
            }
            let c = self.counter(i + 1, n);
            self.o.s(&c);
            ln!(self.o, "{}{prev_text}", p.name);
            if cut {
                if self.rng.chance(0.5) && p.oc == Oc::Passed && self.verbose {
                    let k = self.rng.range(2, 20) as usize;
                    self.verbose_cases(&p.name, k, 0, false);
                }
                self.buildbot_kill(t + 1200.0);
                return true;
            }
            if Some(i) == crash_at {
                // the crash output, then make and buildbot give up; the test whose window
                // the crash ends is `crashed`
                self.crash_output(&p);
                self.tally.ev(&p.name, "crashed", "");
                ln!(
                    self.o,
                    "make: *** [Makefile:2243: buildbottest] Error {}",
                    if p.crash == CrashHow::FaultTimeout {
                        1
                    } else {
                        139
                    }
                );
                ln!(self.o, "program finished with exit code 2");
                ln!(self.o, "elapsedTime={:.1}", t + p.dur);
                return true;
            }
            self.test_output(&p);
            let took = p.dur;
            t += took + 0.05;
            if f.two_line_seq {
                if p.oc.counts() {
                    self.fails += 1;
                }
                self.prefix(t);
                let c = self.counter(i + 1, n);
                self.o.s(&c);
                let text = self.outcome_text(&p, p.oc);
                let text = self.coloured(p.oc, &format!("{} {text}", p.name));
                self.o.s(&text);
                if took >= 30.0 {
                    put!(self.o, " in {}", self.dur(took));
                }
                self.o.end();
                self.tally.ev(&p.name, p.oc.kind(), "");
            }
            prev = Some((p, took));
        }
        // the last test's verdict, printed alone (or nothing for a fast pass: the summary
        // closes its window as passed)
        if let Some((pp, took)) = prev
            && f.progress_outcomes
            && !f.two_line_seq
        {
            let slow = took >= 30.0;
            if pp.oc != Oc::Passed || slow {
                if pp.oc.counts() {
                    self.fails += 1;
                }
                let mut s = format!("{} {}", pp.name, self.outcome_text(&pp, pp.oc));
                if slow {
                    s.push_str(&format!(" in {}", self.dur(took)));
                }
                self.o.line(&s);
            }
            self.tally.ev(&pp.name, pp.oc.kind(), "");
        }
        self.seq_t0 = t + day_secs;
        false
    }

    // ---------------------------------------------------------------- summaries

    fn list(&mut self, title_n: usize, title: &str, names: &mut Vec<&str>) {
        if names.is_empty() {
            return;
        }
        names.sort();
        let t = format!("{} {title}:", count(title_n, "test"));
        if self.colour {
            ln!(self.o, "\x1b[1;31m{t}\x1b[0m");
        } else {
            self.o.line(&t);
        }
        printlist(&mut self.o, names);
    }

    fn state_main(&self, plans: &[Plan]) -> String {
        let bad = plans.iter().any(|p| p.oc.is_bad() && p.oc != Oc::WorkerBug);
        let bug = plans.iter().any(|p| p.oc == Oc::WorkerBug);
        let env = plans.iter().any(|p| p.oc == Oc::EnvChanged);
        let mut parts = Vec::new();
        if bad {
            parts.push("FAILURE");
        }
        if bug {
            parts.push("WORKER BUG");
        }
        if parts.is_empty() && env {
            parts.push("ENV CHANGED");
        }
        if parts.is_empty() {
            parts.push("SUCCESS");
        }
        parts.join(", ")
    }

    fn slowest(&mut self, plans: &[Plan]) {
        if !self.slowest {
            return;
        }
        let mut v: Vec<(f64, &str)> = plans.iter().map(|p| (p.dur, p.name.as_str())).collect();
        v.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then(a.1.cmp(b.1)));
        self.o.line("10 slowest tests:");
        for (d, name) in v.into_iter().take(10) {
            if self.f.era <= Era::B {
                ln!(self.o, "- {name}: {d:.1}s");
            } else {
                ln!(self.o, "- {name}: {}", fmt_dur(d, self.f.old_dur));
            }
        }
        self.o.blank();
    }

    /// The first summary; era B (3.5) outcomes are counted here.
    fn summary_main(&mut self, plans: &[Plan]) {
        let f = self.f.clone();
        let mut failed = names_where(plans, |p| p.oc.is_bad());
        let mut env = names_where(plans, |p| p.oc == Oc::EnvChanged);
        let mut skipped = names_where(plans, |p| {
            p.oc == Oc::Skipped || (!f.new_mode && p.oc == Oc::Denied)
        });
        let mut denied = names_where(plans, |p| f.new_mode && p.oc == Oc::Denied);
        let mut notests = names_where(plans, |p| p.oc == Oc::NoTests);
        let ok = plans.iter().filter(|p| p.oc == Oc::Passed).count();
        let all_ok = failed.is_empty()
            && env.is_empty()
            && skipped.is_empty()
            && denied.is_empty()
            && notests.is_empty();
        let state = self.state_main(plans);
        match f.era {
            Era::B => {
                if all_ok {
                    ln!(self.o, "All {} OK.", count(ok, "test"));
                } else {
                    ln!(self.o, "{} OK.", count(ok, "test"));
                }
                let nf = failed.len();
                self.list(nf, "failed", &mut failed);
                let ne = env.len();
                self.list(ne, "altered the execution environment", &mut env);
                let ns = skipped.len();
                self.list(ns, "skipped", &mut skipped);
                // 3.5: every test without a listed result passed, every listed one is as listed
                for p in plans {
                    self.tally.ev(&p.name, p.oc.kind(), "");
                }
            }
            Era::E | Era::F => {
                self.o.blank();
                ln!(self.o, "== Tests result: {state} ==");
                self.o.blank();
                self.slowest(plans);
                let env_title = "altered the execution environment (env changed)";
                for (title, list) in [
                    ("skipped", &mut skipped),
                    ("skipped (resource denied)", &mut denied),
                    ("run no tests", &mut notests),
                    (env_title, &mut env),
                    ("failed", &mut failed),
                ] {
                    if !list.is_empty() {
                        let n = list.len();
                        self.list(n, title, list);
                        self.o.blank();
                    }
                }
                if all_ok {
                    ln!(self.o, "All {} OK.", count(ok, "test"));
                } else {
                    ln!(self.o, "{} OK.", count(ok, "test"));
                }
                self.o.blank();
            }
            _ => {
                self.o.blank();
                ln!(self.o, "== Tests result: {state} ==");
                self.o.blank();
                if all_ok {
                    ln!(self.o, "All {} OK.", count(ok, "test"));
                } else {
                    ln!(self.o, "{} OK.", count(ok, "test"));
                }
                self.o.blank();
                self.slowest(plans);
                for (title, list) in [
                    ("failed", &mut failed),
                    ("altered the execution environment", &mut env),
                    ("skipped", &mut skipped),
                    ("run no tests", &mut notests),
                ] {
                    if !list.is_empty() {
                        let n = list.len();
                        self.list(n, title, list);
                        if f.py2 && title == "skipped" {
                            self.o.line("Those skips are all expected on linux2.");
                        }
                        self.o.blank();
                    }
                }
            }
        }
    }

    /// The re-run phase and the second summary; flaky tests are counted here.
    fn rerun_phase(&mut self, plans: &[Plan]) -> Option<String> {
        let f = self.f.clone();
        let rerun: Vec<Plan> = plans
            .iter()
            .filter(|p| p.rerun.is_some())
            .cloned()
            .collect();
        if rerun.is_empty() {
            return None;
        }
        self.tally.in_rerun = true;
        let mut t = self.seq_t0 + 1.0;
        let mut again: Vec<String> = Vec::new();
        match f.rerun {
            RerunStyle::Sub => {
                self.prefix(t);
                ln!(
                    self.o,
                    "Re-running {} failed tests in verbose mode in subprocesses",
                    rerun.len()
                );
                self.prefix(t);
                let w = (self.workers.max(1) as usize).min(rerun.len());
                let timeout = fmt_dur(self.timeout_min as f64 * 60.0, false);
                let wt = fmt_dur(self.worker_timeout(), false);
                ln!(
                    self.o,
                    "Run {} in parallel using {} (timeout: {timeout}, worker timeout: {wt})",
                    count(rerun.len(), "test"),
                    count(w, "worker process").replace("processs", "processes")
                );
                self.fails = 0;
                let n = rerun.len();
                let mut order = rerun.clone();
                self.rng.shuffle(&mut order);
                for (k, p) in order.iter().enumerate() {
                    t += 1.0 + self.rng.unit() * p.dur.min(120.0);
                    let oc = match p.rerun {
                        Some(ReRes::Pass) => Oc::Passed,
                        _ => match p.oc {
                            Oc::WorkerBug | Oc::TimedOut => Oc::Failed,
                            o => o,
                        },
                    };
                    if oc.counts() {
                        self.fails += 1;
                        again.push(p.name.clone());
                    }
                    let text = self.outcome_text(p, oc);
                    let text = self.coloured(oc, &text);
                    self.prefix(t);
                    let c = self.counter(k + 1, n);
                    self.o.s(&c);
                    ln!(self.o, "{} {text}", p.name);
                    self.tally.ev(&p.name, oc.kind(), "");
                    if oc == Oc::Passed && p.oc.is_failure() {
                        self.tally.ev(&p.name, "flaky", "");
                    }
                    self.rerun_block(p, oc);
                }
            }
            RerunStyle::Prefixed | RerunStyle::Quoted => {
                if f.rerun == RerunStyle::Prefixed {
                    self.bare_prefix(t);
                    self.prefix(t);
                }
                self.o.line("Re-running failed tests in verbose mode");
                for p in &rerun {
                    let oc = if p.rerun == Some(ReRes::Pass) {
                        Oc::Passed
                    } else {
                        Oc::Failed
                    };
                    if f.rerun == RerunStyle::Prefixed {
                        self.prefix(t);
                        put!(self.o, "Re-running {} in verbose mode", p.name);
                        if f.matching
                            && p.oc == Oc::Failed
                            && p.fail != FailHow::RefLeak
                            && p.fail != FailHow::Uncaught
                        {
                            let cases = self.unittest_cases(&p.name, 3);
                            self.tally
                                .matched(&p.name, cases.iter().map(|c| c.0.clone()));
                            put!(
                                self.o,
                                " (matching: {})",
                                cases
                                    .iter()
                                    .map(|c| c.0.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            );
                        }
                        self.o.end();
                    } else {
                        ln!(self.o, "Re-running test '{}' in verbose mode", p.name);
                    }
                    self.rerun_block(p, oc);
                    // unittest's last word, or `failed again`, decides
                    self.tally.ev(&p.name, oc.kind(), "");
                    if oc == Oc::Passed && p.oc.is_failure() {
                        self.tally.ev(&p.name, "flaky", "");
                    }
                    if oc != Oc::Passed {
                        again.push(p.name.clone());
                    }
                    t += 2.0 + self.rng.unit() * p.dur.min(200.0);
                }
                if !again.is_empty() {
                    let mut a: Vec<&str> = again.iter().map(|s| s.as_str()).collect();
                    let n = a.len();
                    self.list(n, "failed again", &mut a);
                }
            }
            RerunStyle::None => return None,
        }
        self.seq_t0 = t;
        let first = self.state_main(plans);
        let second = if again.is_empty() {
            "SUCCESS"
        } else {
            "FAILURE"
        };
        let state = format!("{first} then {second}");
        // the second summary
        let rerun_names: Vec<String> = rerun.iter().map(|p| p.name.clone()).collect();
        let mut rr: Vec<&str> = rerun_names.iter().map(|s| s.as_str()).collect();
        let mut failed: Vec<&str> = again.iter().map(|s| s.as_str()).collect();
        let mut env: Vec<&str> = plans
            .iter()
            .filter(|p| p.oc == Oc::EnvChanged && (p.rerun.is_none() || again.contains(&p.name)))
            .map(|p| p.name.as_str())
            .collect();
        let mut skipped: Vec<&str> = plans
            .iter()
            .filter(|p| p.oc == Oc::Skipped || (!f.new_mode && p.oc == Oc::Denied))
            .map(|p| p.name.as_str())
            .collect();
        let ok = plans.iter().filter(|p| p.oc == Oc::Passed).count() + rerun.len() - again.len();
        self.o.blank();
        ln!(self.o, "== Tests result: {state} ==");
        self.o.blank();
        if f.new_mode {
            self.slowest(plans);
            let n = skipped.len();
            if n > 0 {
                self.list(n, "skipped", &mut skipped);
                self.o.blank();
            }
            let n = env.len();
            if n > 0 {
                self.list(
                    n,
                    "altered the execution environment (env changed)",
                    &mut env,
                );
                self.o.blank();
            }
            let n = rr.len();
            rr.sort();
            ln!(self.o, "{}:", count(n, "re-run test"));
            printlist(&mut self.o, &rr);
            self.o.blank();
            let n = failed.len();
            if n > 0 {
                self.list(n, "failed", &mut failed);
                self.o.blank();
            }
            ln!(self.o, "{} OK.", count(ok, "test"));
            self.o.blank();
        } else {
            ln!(self.o, "{} OK.", count(ok, "test"));
            self.o.blank();
            let n = failed.len();
            if n > 0 {
                self.list(n, "failed", &mut failed);
                self.o.blank();
            }
            let n = env.len();
            if n > 0 {
                self.list(n, "altered the execution environment", &mut env);
                self.o.blank();
            }
            let n = skipped.len();
            if n > 0 {
                self.list(n, "skipped", &mut skipped);
                if f.py2 {
                    self.o.line("Those skips are all expected on linux2.");
                }
                self.o.blank();
            }
            let n = rr.len();
            rr.sort();
            ln!(self.o, "{}:", count(n, "re-run test"));
            printlist(&mut self.o, &rr);
            self.o.blank();
        }
        Some(state)
    }

    /// A re-run test's output: T6 (3.11.6+), verbose unittest lines, leaks again.
    fn rerun_block(&mut self, p: &Plan, oc: Oc) {
        let f = self.f.clone();
        let name = p.name.clone();
        if f.rerun == RerunStyle::Sub {
            put!(self.o, "Re-running {name} in verbose mode");
            if p.oc == Oc::Failed && p.fail != FailHow::RefLeak && p.fail != FailHow::Uncaught {
                let cases = self.unittest_cases(&name, 2);
                self.tally.matched(&name, cases.iter().map(|c| c.0.clone()));
                put!(
                    self.o,
                    " (matching: {})",
                    cases
                        .iter()
                        .map(|c| c.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            self.o.end();
        }
        let refleak = self.refleak && p.fail == FailHow::RefLeak;
        let pass = oc == Oc::Passed;
        if refleak {
            // -R again: one verbose pass per repetition, dots glued in front
            let total = self.reps.0 + self.reps.1;
            if f.refleak_new {
                ln!(
                    self.o,
                    "beginning {total} repetitions. Showing number of leaks (. for 0 or less, X for 10 or more)"
                );
                let ruler: String = (1..=total)
                    .map(|i| char::from_digit(i % 10, 10).unwrap())
                    .collect();
                ln!(
                    self.o,
                    "{}:{}",
                    &ruler[..self.reps.0 as usize],
                    &ruler[self.reps.0 as usize..]
                );
            } else {
                ln!(self.o, "beginning {total} repetitions");
                let ruler: String = (1..=total)
                    .map(|i| char::from_digit(i % 10, 10).unwrap())
                    .collect();
                self.o.line(&ruler);
            }
            let n = self.rng.range(1, 6) as usize;
            for r in 0..total {
                self.verbose_cases(&name, n, 0, r > 0);
                self.unittest_footer(n, 0, 0);
            }
            self.o.line(".");
            if !pass {
                self.leak_lines(p);
            }
            return;
        }
        let n = self.rng.range(1, 12) as usize;
        if oc == Oc::Crashed {
            self.verbose_cases(&name, n, 0, false);
            self.crash_output(p);
        } else if pass {
            self.verbose_cases(&name, n, 0, false);
            self.unittest_footer(n, 0, 0);
        } else if p.oc == Oc::EnvChanged && oc == Oc::EnvChanged {
            self.verbose_cases(&name, n, 0, false);
            self.unittest_footer(n, 0, 0);
            for w in p.warns.clone() {
                self.warning(&name, w);
            }
        } else {
            let failed = self.verbose_cases(&name, n.max(1), 1, false);
            self.failure_sections(&name, &failed, 1, 0);
            if f.py2 {
                put!(self.o, "test {name} failed -- ");
                self.traceback(&name, "AssertionError: False is not true");
                self.o.blank();
            } else {
                ln!(self.o, "test {name} failed");
            }
        }
    }

    fn totals(&mut self, plans: &[Plan], state: &str) {
        let f = self.f.clone();
        let total = self.seq_t0.max(1.0) + self.rng.unit() * 10.0;
        if f.era != Era::B {
            ln!(self.o, "Total duration: {}", fmt_dur(total, f.old_dur));
        }
        if f.new_mode {
            let cases = plans.len() as u64 * self.rng.range(60, 110);
            let fails = plans.iter().filter(|p| p.oc == Oc::Failed).count();
            let skipped = cases / 20;
            ln!(
                self.o,
                "Total tests: run={} failures={fails} skipped={}",
                thousands(cases),
                thousands(skipped)
            );
            let n = plans.len();
            let run = plans
                .iter()
                .filter(|p| !matches!(p.oc, Oc::Skipped | Oc::Denied))
                .count()
                + plans.iter().filter(|p| p.rerun.is_some()).count();
            let mut s = format!("Total test files: run={run}/{n}");
            let c = |pred: &dyn Fn(&Plan) -> bool| plans.iter().filter(|p| pred(p)).count();
            for (k, v) in [
                (
                    "failed",
                    c(&|p| p.oc.is_bad() && p.rerun != Some(ReRes::Pass)),
                ),
                (
                    "env_changed",
                    c(&|p| p.oc == Oc::EnvChanged && p.rerun != Some(ReRes::Pass)),
                ),
                ("skipped", c(&|p| p.oc == Oc::Skipped)),
                ("resource_denied", c(&|p| p.oc == Oc::Denied)),
                ("rerun", c(&|p| p.rerun.is_some())),
                ("run_no_tests", c(&|p| p.oc == Oc::NoTests)),
            ] {
                if v > 0 {
                    s.push_str(&format!(" {k}={v}"));
                }
            }
            self.o.line(&s);
        }
        if self.colour {
            ln!(self.o, "{}: \x1b[1;31m{state}\x1b[0m", f.final_word);
        } else {
            ln!(self.o, "{}: {state}", f.final_word);
        }
    }

    // ---------------------------------------------------------------- the whole log

    /// One regrtest run: header, main phase, summary, re-runs, result. Returns whether it was
    /// cut short (no summary). A second run in the same log is short and never cut.
    fn run(&mut self, day: i64, second: bool) -> bool {
        self.fails = 0;
        self.seq_t0 = 0.0;
        let mut plans = self.plan(second.then_some(40));
        let n = plans.len();
        let truncate = if !second && self.rng.chance(0.035) {
            Some(0.15 + self.rng.unit() * 0.8)
        } else {
            None
        };
        self.header(day, n);
        let cut = if self.parallel {
            self.main_parallel(&mut plans, truncate)
        } else {
            self.main_sequential(&mut plans, truncate)
        };
        if cut {
            return true;
        }
        self.summary_main(&plans);
        let state = if self.do_rerun {
            self.rerun_phase(&plans)
        } else {
            None
        };
        let state = state.unwrap_or_else(|| self.state_main(&plans));
        if self.f.era != Era::B && !self.o.buf.ends_with(self.o.nl.repeat(2).as_slice()) {
            self.o.blank();
        }
        self.totals(&plans, &state);
        if self.rng.chance(0.5) && !self.windows {
            let code = if state.ends_with("SUCCESS") { 0 } else { 2 };
            if code != 0 {
                self.o
                    .line("make: *** [Makefile:2243: buildbottest] Error 2");
            }
            ln!(self.o, "program finished with exit code {code}");
            ln!(self.o, "elapsedTime={:.6}", self.seq_t0 + 12.5);
        }
        false
    }
}

fn names_where(plans: &[Plan], pred: impl Fn(&Plan) -> bool) -> Vec<&str> {
    plans
        .iter()
        .filter(|p| pred(p))
        .map(|p| p.name.as_str())
        .collect()
}

fn fmt_hms(secs: u64) -> String {
    format!("{}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60)
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Warnings a test prints again in every `-R` repetition.
fn repeatable(w: Warn) -> bool {
    matches!(
        w,
        Warn::Reap | Warn::ThreadingCleanup(_) | Warn::Unraisable | Warn::Uncollectable(_)
    )
}

/// Compile noise: configure output and compiler lines, `bytes` long (roughly).
fn noise(rng: &mut Rng, o: &mut Out, bytes: usize, windows: bool, root: &str) {
    let start = o.len();
    if windows {
        ln!(
            o,
            "Using py.exe launcher to run \"{root}\\PCbuild\\build.bat\" -e -d -p x64"
        );
        while o.len() - start < bytes {
            let file = rng.pick(C_FILES);
            let name = file.rsplit('/').next().unwrap_or(file);
            ln!(o, "  {name}");
            if rng.chance(0.02) {
                ln!(
                    o,
                    "{root}\\{}(1234,17): warning C4244: '=': conversion from 'Py_ssize_t' to 'int', possible loss of data [{root}\\PCbuild\\pythoncore.vcxproj]",
                    file.replace('/', "\\")
                );
            }
            if rng.chance(0.01) {
                ln!(
                    o,
                    "  pythoncore.vcxproj -> {root}\\PCbuild\\amd64\\python313_d.dll"
                );
            }
        }
        return;
    }
    if bytes > 20_000 {
        o.line("./configure --with-pydebug --with-assertions");
        for c in CFG_CHECKS {
            let ans = *rng.pick(&["yes", "no", "yes", "gcc", "none needed", "(cached) yes"]);
            ln!(o, "checking {c}... {ans}");
            if o.len() - start >= bytes / 4 {
                break;
            }
        }
        o.line("configure: creating ./config.status");
        o.line("config.status: creating Makefile.pre");
        o.line("config.status: creating Misc/python.pc");
        o.line("config.status: creating pyconfig.h");
        o.line("creating Modules/Setup.local");
        o.line("creating Makefile");
    }
    let flags = "-fno-strict-overflow -Wsign-compare -g -Og -Wall -std=c11 -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wstrict-prototypes -Werror=implicit-function-declaration -fvisibility=hidden";
    while o.len() - start < bytes {
        let file = rng.pick(C_FILES);
        let obj = file.strip_suffix(".c").unwrap_or(file);
        if file.starts_with("Modules/_") && rng.chance(0.3) {
            ln!(
                o,
                "gcc -fPIC {flags}  -I./Include/internal -I./Include/internal/mimalloc  -I. -I./Include    -c {file} -o {obj}.o"
            );
        } else {
            ln!(
                o,
                "gcc -c {flags}  -I./Include/internal -I./Include/internal/mimalloc  -I. -I./Include    -DPy_BUILD_CORE -o {obj}.o {file}"
            );
        }
        if rng.chance(0.01) {
            let func = format!("_Py{}_{}", rng.pick(NOUNS), rng.pick(VERBS));
            ln!(o, "{file}: In function ‘{func}’:");
            ln!(
                o,
                "{file}:{}:{}: warning: ‘{}’ may be used uninitialized [-Wmaybe-uninitialized]",
                rng.range(10, 9000),
                rng.range(1, 60),
                rng.pick(NOUNS)
            );
        }
    }
    o.line("./python -E -S -m sysconfig --generate-posix-vars ;\\");
    o.line("if test $? -ne 0 ; then \\");
    o.line("\techo \"generate-posix-vars failed\" ; \\");
    o.line("\trm -f ./pybuilddir.txt ; \\");
    o.line("\texit 1 ; \\");
    o.line("fi");
    ln!(
        o,
        "gcc -Xlinker -export-dynamic -o python Programs/python.o -L. -lpython3.x -ldl  -lpthread -lm "
    );
    o.line("./python -E ./Tools/build/generate-build-details.py `cat pybuilddir.txt`/build-details.json");
}

/// Words C code and compiler messages are made of (the build step's source context).
const C_WORDS: &[&str] = &[
    "self", "args", "kwargs", "obj", "result", "item", "index", "count", "size", "value", "dict",
    "list", "tuple", "key", "hash", "len", "buf", "ptr", "str", "name", "type", "tp", "op", "res",
    "frame", "code", "tstate", "interp", "module", "state", "flags", "mask", "bits", "offset",
    "nbytes", "width", "prec", "sign", "digit", "ival", "fval", "exc", "tb", "ctx", "lock", "cond",
];
const C_TYPES: &[&str] = &[
    "Py_ssize_t",
    "size_t",
    "int",
    "unsigned int",
    "long",
    "unsigned long",
    "uint64_t",
    "char *",
    "const char *",
    "PyObject *",
    "Py_UCS4",
    "double",
    "digit",
    "twodigits",
    "uint8_t",
];
const C_WARNINGS: &[&str] = &[
    "comparison of integer expressions of different signedness: ‘{a}’ and ‘{b}’ [-Wsign-compare]",
    "‘{w}’ may be used uninitialized [-Wmaybe-uninitialized]",
    "unused variable ‘{w}’ [-Wunused-variable]",
    "conversion from ‘{a}’ to ‘{b}’ may change value [-Wconversion]",
    "passing argument {n} of ‘{f}’ discards ‘const’ qualifier from pointer target type [-Wdiscarded-qualifiers]",
    "‘{f}’ defined but not used [-Wunused-function]",
    "implicit conversion from ‘{a}’ to ‘{b}’ changes value from {n} to {m} [-Wconstant-conversion]",
    "this statement may fall through [-Wimplicit-fallthrough=]",
];
const MAKE_DIRS: &[&str] = &[
    "Objects",
    "Python",
    "Parser",
    "Modules",
    "Programs",
    "Modules/_io",
];

/// A C identifier of CPython's style (`_PyLong_FromDigits`, `unicode_decode_utf8`).
fn c_ident(rng: &mut Rng) -> String {
    if rng.chance(0.5) {
        let w = rng.pick(C_WORDS);
        format!(
            "_Py{}{}_{}{}",
            &w[..1].to_uppercase(),
            &w[1..],
            rng.pick(VERBS),
            rng.pick(NOUNS)
        )
    } else {
        format!(
            "{}_{}_{}",
            rng.pick(NOUNS),
            rng.pick(VERBS),
            rng.pick(C_WORDS)
        )
    }
}

/// A line of C code as gcc quotes it under a warning.
fn c_code(rng: &mut Rng) -> String {
    let indent = " ".repeat(4 * rng.range(1, 4) as usize);
    match rng.below(5) {
        0 => format!(
            "{indent}if ({} <= 0 || {} > {}->{} * {}) {{",
            rng.pick(C_WORDS),
            rng.pick(C_WORDS),
            rng.pick(C_WORDS),
            rng.pick(C_WORDS),
            rng.range(1, 64)
        ),
        1 => format!(
            "{indent}{} {} = {}({}, {});",
            rng.pick(C_TYPES),
            rng.pick(C_WORDS),
            c_ident(rng),
            rng.pick(C_WORDS),
            rng.pick(C_WORDS)
        ),
        2 => format!(
            "{indent}for ({} = 0; {} < {}; {}++) {{",
            rng.pick(C_WORDS),
            rng.pick(C_WORDS),
            rng.pick(C_WORDS),
            rng.pick(C_WORDS)
        ),
        3 => format!(
            "{indent}return {}({}, {});",
            c_ident(rng),
            rng.pick(C_WORDS),
            rng.range(0, 4096)
        ),
        _ => format!(
            "{indent}{}->{} = ({}){} + {};",
            rng.pick(C_WORDS),
            rng.pick(C_WORDS),
            rng.pick(C_TYPES),
            rng.pick(C_WORDS),
            rng.range(0, 1 << 20)
        ),
    }
}

/// The build step of a Unix buildbot log as it is stored: configure, make with its compiler
/// lines, warnings quoted with their source context (`  415 |     code`, `      |   ^~~`),
/// extension modules, the link. About 146 bytes a line, and under `gzip -6` about as
/// compressible as real build logs (not the 14× of a repeated line).
fn build_step(rng: &mut Rng, o: &mut Out, bytes: usize, root: &str) {
    let start = o.len();
    ln!(
        o,
        "./configure --with-pydebug --with-assertions --prefix={root}/target"
    );
    for c in CFG_CHECKS.iter().cycle() {
        if o.len() - start >= bytes / 10 {
            break;
        }
        match rng.below(4) {
            0 => ln!(
                o,
                "checking {c}... {}",
                rng.pick(&["yes", "no", "none needed", "(cached) yes"])
            ),
            1 => ln!(
                o,
                "checking for {}.h... {}",
                rng.pick(C_WORDS),
                rng.pick(&["yes", "no"])
            ),
            2 => ln!(
                o,
                "checking size of {}... {}",
                rng.pick(C_TYPES),
                1u64 << rng.below(4)
            ),
            _ => ln!(
                o,
                "checking whether {} is declared... {}",
                c_ident(rng),
                rng.pick(&["yes", "no"])
            ),
        }
    }
    o.line("configure: creating ./config.status");
    o.line("config.status: creating Makefile.pre");
    o.line("config.status: creating pyconfig.h");
    let flags = "-fno-strict-overflow -Wsign-compare -g -Og -Wall -std=c11 -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wstrict-prototypes -Werror=implicit-function-declaration -fvisibility=hidden";
    let mut dir = "";
    while o.len() - start < bytes {
        let file = rng.pick(C_FILES);
        let obj = file.strip_suffix(".c").unwrap_or(file);
        let top = file.split('/').next().unwrap_or(file);
        if top != dir && rng.chance(0.2) {
            dir = MAKE_DIRS
                .iter()
                .find(|d| **d == top)
                .copied()
                .unwrap_or("Modules");
            ln!(
                o,
                "make[{}]: Entering directory '{root}/{dir}'",
                rng.range(1, 3)
            );
        }
        match rng.below(10) {
            0 => ln!(
                o,
                "./_bootstrap_python ./Programs/_freeze_module.py {} ./Lib/{}.py Python/frozen_modules/{}.h",
                rng.pick(NOUNS),
                rng.pick(NOUNS),
                rng.pick(NOUNS)
            ),
            1 if file.starts_with("Modules/_") => ln!(
                o,
                "gcc -pthread -shared -Wl,--strip-all build/temp.linux-x86_64-3.{}/{obj}.o -L{root}/target/lib -o build/lib.linux-x86_64-3.{}/{}.cpython-3{}-x86_64-linux-gnu.so",
                rng.range(8, 15),
                rng.range(8, 15),
                obj.rsplit('/').next().unwrap_or(obj),
                rng.range(8, 15)
            ),
            _ => ln!(
                o,
                "gcc -pthread -c {flags} -I./Include/internal -I. -I./Include -DPy_BUILD_CORE -o {obj}.o {file}"
            ),
        }
        if rng.chance(0.12) {
            // a warning with its source context
            let func = c_ident(rng);
            ln!(o, "./{file}: In function ‘{func}’:");
            for _ in 0..rng.range(1, 4) {
                let line_no = rng.range(10, 12000);
                let template = *rng.pick(C_WARNINGS);
                let (a, b, word) = (*rng.pick(C_TYPES), *rng.pick(C_TYPES), *rng.pick(C_WORDS));
                let (f, n, m) = (c_ident(rng), rng.range(1, 9), rng.range(0, 1 << 16));
                let w = template
                    .replace("{a}", a)
                    .replace("{b}", b)
                    .replace("{w}", word)
                    .replace("{f}", &f)
                    .replace("{n}", &n.to_string())
                    .replace("{m}", &m.to_string());
                ln!(o, "./{file}:{line_no}:{}: warning: {w}", rng.range(1, 80));
                ln!(o, "{line_no:>5} | {}", c_code(rng));
                let at = rng.range(4, 60) as usize;
                let squiggle = "~".repeat(rng.range(0, 24) as usize);
                ln!(o, "      | {}^{squiggle}", " ".repeat(at));
                if rng.chance(0.3) {
                    ln!(
                        o,
                        "./{file}:{}:{}: note: ‘{}’ was declared here",
                        rng.range(10, 12000),
                        rng.range(1, 40),
                        rng.pick(C_WORDS)
                    );
                    ln!(o, "{:>5} | {}", rng.range(10, 12000), c_code(rng));
                    ln!(o, "      | {}^~~~", " ".repeat(rng.range(4, 40) as usize));
                }
            }
        }
    }
    o.line("gcc -pthread -Xlinker -export-dynamic -o python Programs/python.o -L. -lpython3.x -ldl -lpthread -lm");
    ln!(o, "make[1]: Leaving directory '{root}'");
}

/// Generate one log: (bytes, the tally of each of its runs, era).
fn make_log(job: &Job) -> (Vec<u8>, Vec<RunTally>, Era) {
    let mut g = LogGen::new(job);
    let (_, first_day) = branch_versions(g.b.branch);
    let day = first_day + (job.nth as i64 * 13) / 10 + (job.seed % 3) as i64;
    let cut = g.run(day, false);
    g.tally.settle_methods();
    let mut tallies = vec![std::mem::take(&mut g.tally)];
    // a few steps hold a second run (a second invocation on a subset, like rt.bat's -d pass)
    if !cut && g.rng.chance(0.03) {
        g.run(day, true);
        g.tally.settle_methods();
        tallies.push(std::mem::take(&mut g.tally));
    }
    let era = g.f.era;
    // noise first, then the test step, sized to the target
    let body = std::mem::take(&mut g.o.buf);
    let mut nrng = Rng::new(job.seed ^ 0x5555_5555);
    if !job.realistic {
        let fill = job.target.saturating_sub(body.len()).max(2_000);
        let mut o = Out::new(g.windows, fill + body.len() + 4096);
        noise(&mut nrng, &mut o, fill, g.windows, &g.root);
        o.buf.extend_from_slice(&body);
        return (o.buf, tallies, era);
    }
    // as buildbots store them: the build step is about 70% of a log's lines, and a log wears the
    // dressing of the archive it was fetched from
    let fill = body.len() * 6;
    let mut o = Out::new(g.windows, fill + body.len() + 4096);
    if g.windows {
        noise(&mut nrng, &mut o, fill, true, &g.root);
    } else {
        build_step(&mut nrng, &mut o, fill, &g.root);
    }
    o.buf.extend_from_slice(&body);
    let dress = if g.windows {
        Dress::Plain // CRLF already
    } else {
        *nrng.pick(&[
            Dress::Plain,
            Dress::Plain,
            Dress::Plain,
            Dress::Buildbot,
            Dress::Buildbot,
            Dress::Gha,
            Dress::Gha,
            Dress::Docker,
            Dress::Ansi,
            Dress::Crlf,
        ])
    };
    if dress == Dress::Plain {
        return (o.buf, tallies, era);
    }
    (dress.apply(&o.buf), tallies, era)
}

// ------------------------------------------------------------------------------------------
// The corpus

/// The logs to write, in order: builder, build number, target size and seed of each. An endless
/// deterministic sequence; the corpus takes jobs until its plain text reaches the size asked.
struct Planner {
    rng: Rng,
    weights: Vec<u32>,
    next_build: Vec<u32>,
    nth: Vec<u32>,
    min_log: u64,
    max_log: u64,
    realistic: bool,
}

impl Planner {
    fn new(size: u64, seed: u64, realistic: bool) -> Planner {
        // a few MB each (1–6 MB); smaller when the whole corpus is small, so that it still
        // holds many logs (a log is never smaller than its test step, ~100–300 KB)
        let max_log = (6u64 << 20).min((size / 64).max(64 << 10));
        let min_log = (1u64 << 20).min(max_log / 6);
        Planner {
            rng: Rng::new(seed),
            weights: FLEET.iter().map(|b| b.weight).collect(),
            next_build: FLEET
                .iter()
                .map(|b| 1000 + (hash_str(b.name) % 4000) as u32)
                .collect(),
            nth: vec![0; FLEET.len()],
            min_log,
            max_log,
            realistic,
        }
    }

    fn next_job(&mut self) -> Job {
        let bi = self.rng.weighted(&self.weights);
        let target = self.rng.range(self.min_log, self.max_log);
        let job = Job {
            builder: bi,
            build: self.next_build[bi],
            nth: self.nth[bi],
            target: target as usize,
            seed: self.rng.next_u64(),
            realistic: self.realistic,
        };
        // now and then a build number is skipped (a build that never got to the tests)
        self.next_build[bi] += 1 + (self.rng.below(4) == 0) as u32;
        self.nth[bi] += 1;
        job
    }
}

/// `data` gzipped: fast for the benchmark corpus, `gzip -6` (what archives use) for the
/// realistic one.
fn gzip(data: &[u8], level: flate2::Compression) -> io::Result<Vec<u8>> {
    let mut e = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 8), level);
    e.write_all(data)?;
    e.finish()
}

/// One generated log, ready to write.
struct Made {
    plain: Vec<u8>,
    gz: Option<Vec<u8>>,
    truth: Truth,
}

fn make(job: &Job, gz: bool) -> io::Result<Made> {
    let (bytes, tallies, era) = make_log(job);
    let mut truth = Truth {
        files: 1,
        bytes: bytes.len() as u64,
        ..Truth::default()
    };
    for tally in tallies {
        truth.add_run(tally);
    }
    *truth.eras.entry(format!("{era:?}")).or_insert(0) += 1;
    let level = if job.realistic {
        flate2::Compression::default()
    } else {
        flate2::Compression::fast()
    };
    let z = if gz { Some(gzip(&bytes, level)?) } else { None };
    truth.gz_bytes = z.as_ref().map_or(0, |z| z.len() as u64);
    Ok(Made {
        plain: bytes,
        gz: z,
        truth,
    })
}

/// Write the corpus into `out` (see the module docs) and return what it holds. Logs are made
/// in parallel, a batch at a time, and taken in job order until the plain text reaches `size`,
/// so the result does not depend on the number of threads.
pub fn generate_truth(
    out: &Path,
    size: u64,
    seed: u64,
    plain: bool,
    gz: bool,
    realistic: bool,
) -> io::Result<Truth> {
    std::fs::create_dir_all(out)?;
    let mut planner = Planner::new(size, seed, realistic);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 16);
    let mut truth = Truth::default();
    while truth.bytes < size {
        let batch: Vec<Job> = (0..threads * 2).map(|_| planner.next_job()).collect();
        let next = AtomicUsize::new(0);
        let made: Mutex<Vec<Option<io::Result<Made>>>> =
            Mutex::new((0..batch.len()).map(|_| None).collect());
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= batch.len() {
                            break;
                        }
                        let m = make(&batch[i], gz);
                        made.lock().unwrap()[i] = Some(m);
                    }
                });
            }
        });
        for (job, m) in batch.iter().zip(made.into_inner().unwrap()) {
            if truth.bytes >= size {
                break;
            }
            let m = m.expect("every job of the batch was made")?;
            let dir: PathBuf = out.join(FLEET[job.builder].name);
            std::fs::create_dir_all(&dir)?;
            if plain {
                std::fs::write(dir.join(format!("{}.log", job.build)), &m.plain)?;
            }
            if let Some(z) = &m.gz {
                std::fs::write(dir.join(format!("{}.log.gz", job.build)), z)?;
            }
            truth.merge(m.truth);
        }
    }
    std::fs::write(out.join("truth.json"), truth.to_json())?;
    Ok(truth)
}

/// Write the corpus into `out`: logs, their gzip copies and `truth.json`.
pub fn generate(out: &Path, size: u64, seed: u64, plain: bool, gz: bool) -> io::Result<()> {
    generate_truth(out, size, seed, plain, gz, false).map(|_| ())
}

/// `generate` in the shape of a real archive: a build step of about 70% of each log's lines, and
/// logs in the dressings archives hold (buildbot prefixes, GitHub Actions timestamps, a
/// docker wrapper, colours, CRLF).
pub fn generate_realistic(
    out: &Path,
    size: u64,
    seed: u64,
    plain: bool,
    gz: bool,
) -> io::Result<()> {
    generate_truth(out, size, seed, plain, gz, true).map(|_| ())
}

/// `1GiB`, `3 MiB`, `512KiB`, `1G`, `100M`, `4096`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let num: f64 = num.parse().map_err(|_| format!("bad size: {s}"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "ki" => 1 << 10,
        "m" | "mib" | "mi" => 1 << 20,
        "g" | "gib" | "gi" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        u => return Err(format!("bad size unit: {u}")),
    };
    Ok((num * mult as f64) as u64)
}

#[derive(clap::Parser, Debug)]
#[command(about = "Write a deterministic corpus of realistic regrtest logs and its truth.json")]
struct Args {
    /// Output directory
    #[arg(long)]
    out: PathBuf,
    /// Total size of the plain logs (KiB/MiB/GiB suffixes)
    #[arg(long, default_value = "1GiB")]
    size: String,
    /// Seed: the same seed gives the same bytes
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Do not write the .log.gz copies
    #[arg(long)]
    no_gz: bool,
    /// Do not write the plain .log files
    #[arg(long)]
    no_plain: bool,
    /// Logs shaped like a real archive's: a build step of about 70% of each log (configure,
    /// compiler lines, warnings with source context) and mixed dressings (buildbot prefixes,
    /// GitHub Actions timestamps, docker, colours, CRLF)
    #[arg(long)]
    realistic: bool,
}

fn main() {
    use clap::Parser;
    let args = Args::parse();
    let size = match parse_size(&args.size) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            std::process::exit(2);
        }
    };
    let t0 = std::time::Instant::now();
    match generate_truth(
        &args.out,
        size,
        args.seed,
        !args.no_plain,
        !args.no_gz,
        args.realistic,
    ) {
        Ok(t) => {
            let secs = t0.elapsed().as_secs_f64();
            let eras = t
                .eras
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ");
            eprintln!(
                "gen_corpus: {} logs ({}), {} runs, {:.1} MiB plain, {:.1} MiB gzip, {} truth rows, {:.1} s",
                t.files,
                eras,
                t.runs,
                t.bytes as f64 / (1 << 20) as f64,
                t.gz_bytes as f64 / (1 << 20) as f64,
                t.rows.len(),
                secs
            );
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            std::process::exit(1);
        }
    }
}
