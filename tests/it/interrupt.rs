//! Ctrl-C during a build or while ingest writes: toolcat stops, cleans up as after any
//! failure, and exits 130.

use crate::common::{bundled_catalog, stderr, tree};
use std::path::Path;
use std::process::{Command, Stdio};

/// Whether the process has a handler for SIGINT (bit 1 of `SigCgt` in its status).
fn catches_sigint(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigCgt:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|mask| mask & 0b10 != 0)
}

/// Start `toolcat build` in `dir`, send it SIGINT once it catches the signal, and return
/// its output.
fn build_interrupted(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--catalog", "cat", "--out", "site"];
    args.extend(extra);
    interrupted(dir, &args)
}

/// Start toolcat with `args` in `dir`, send it SIGINT once it catches the signal, and
/// return its output.
fn interrupted(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_toolcat"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    while !catches_sigint(pid) {
        assert!(child.try_wait().unwrap().is_none(), "the build ended first");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let sent = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    child.wait_with_output().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_stops_a_build_or_an_ingest_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Enough tools that the build is still rendering when the signal comes.
    let corpus = toolcat::catalog::load(&bundled_catalog()).unwrap();
    for server in toolcat::synth::generate(&corpus, 150, 3_000, 1) {
        toolcat::catalog::write_server(&dir.join("cat"), &server).unwrap();
    }
    crate::common::one_server_catalog(dir);
    let o = crate::common::toolcat(dir, &["build", "--catalog", "one", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let old = tree(&dir.join("site"));

    for extra in [&["--full"][..], &[]] {
        let o = build_interrupted(dir, extra);
        assert_eq!(o.status.code(), Some(130), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
        let mut left: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".site.toolcat-state", "cat", "one", "site"],
            "{extra:?}: no staging directory is left"
        );
        // Stopped while rendering, before writing: the site is the old one.
        assert!(tree(&dir.join("site")) == old, "{extra:?}: the old site");
    }

    let o = crate::common::toolcat(dir, &["build", "--catalog", "cat", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("for 3000 tools"), "{}", stderr(&o));

    // An ingest stopped while it writes its temporary files ingests nothing and leaves
    // none of them.
    let o = interrupted(dir, &["ingest", "--catalog", "new", "cat"]);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("nothing was ingested"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_dir(dir.join("new")).unwrap().count(), 0);
}
