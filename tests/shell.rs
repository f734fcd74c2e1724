//! Shell integration (issue #13): completions and the man page are generated, and a bare
//! `flakelog` on a terminal says what it waits for instead of waiting in silence.

mod common;

#[test]
fn completions_are_generated_for_every_shell() {
    for (shell, says) in [
        ("bash", "_flakelog()"),
        ("zsh", "#compdef flakelog"),
        ("fish", "complete -c flakelog"),
    ] {
        let out = common::flakelog()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(says),
            "{shell}: {}",
            &text[..text.len().min(200)]
        );
        // the options of every command are there, the filters too
        let (since, group_by) = if shell == "fish" {
            ("-l since", "-l group-by")
        } else {
            ("--since", "--group-by")
        };
        assert!(text.contains(since) && text.contains(group_by), "{shell}");
    }
    let out = common::flakelog()
        .args(["completions", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let out = common::flakelog().arg("man").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(".TH flakelog 1"),
        "{}",
        &text[..text.len().min(200)]
    );
    for command in ["stats", "events", "runs", "completions"] {
        assert!(text.contains(command), "{command}");
    }
}

/// A terminal on stdin: the hint comes first on stderr (`script` gives the command a pty).
#[cfg(unix)]
#[test]
fn a_terminal_on_stdin_gets_a_hint() {
    let have = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok()
    };
    if !have("script") || !have("timeout") {
        eprintln!("NOTICE: no `script` or `timeout` here: the terminal hint is not checked");
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("flakelog");
    // the pty's input never ends: `timeout` stops flakelog once the hint had time to come
    let out = std::process::Command::new("timeout")
        .args(["3", "script", "-qec"])
        .arg(format!("{} runs", bin.display()))
        .arg("/dev/null")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("reading regrtest output from the terminal"),
        "{text}"
    );
}
