//! The build is atomic: a failed build leaves the previous site untouched.

use crate::common::{bundled_catalog, one_server_catalog, stderr, toolcat, tree};
use std::process::{Command, Output};
use toolcat::config::Config;

#[test]
fn failing_midway_leaves_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("index.html"), "old site").unwrap();
    let before = tree(&out);
    let result = toolcat::write::build_dir(&out, |staging| {
        staging.write("index.html", b"new")?;
        staging.write("tools/a/index.html", b"half")?;
        anyhow::bail!("disk full (simulated)")
    });
    assert!(result.unwrap_err().to_string().contains("disk full"));
    assert_eq!(tree(&out), before, "old site untouched");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "staging directory removed: {leftovers:?}"
    );
}

#[test]
fn a_build_that_fails_to_render_keeps_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    toolcat::site::build(
        &bundled_catalog(),
        &out,
        &Config::default(),
        &toolcat::render::Templates::default(),
        toolcat::site::BuildOptions::default(),
    )
    .unwrap();
    let before = tree(&out);
    // A staging write that tries to leave the output directory fails the build midway.
    let result = toolcat::write::build_dir(&out, |staging| {
        staging.write("index.html", b"replaced")?;
        staging.write("../escape.html", b"x")
    });
    assert!(result.is_err());
    assert!(!dir.path().join("escape.html").exists());
    assert_eq!(tree(&out), before);
}

#[test]
fn a_successful_build_replaces_stale_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("stale.html"), "gone").unwrap();
    toolcat::write::build_dir(&out, |s| s.write("index.html", b"fresh")).unwrap();
    assert_eq!(
        tree(&out),
        vec![("index.html".to_string(), b"fresh".to_vec())]
    );
}

/// Run toolcat with files limited to `blocks` of 512 bytes (`ulimit -f`), the signal a
/// larger write raises ignored: such a write fails with EFBIG partway, as on a full disk.
fn toolcat_with_file_limit(dir: &std::path::Path, blocks: u32, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_toolcat"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("sh runs")
}

#[test]
fn an_ingest_whose_write_fails_partway_ingests_nothing_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let bundled = bundled_catalog();
    let cat = dir.path().join("cat");
    std::fs::create_dir(&cat).unwrap();
    // The catalogue holds an older definition of one server.
    let old = std::fs::read_to_string(bundled.join("mcp-server-time.json"))
        .unwrap()
        .replacen("\"description\": \"", "\"description\": \"Older. ", 1);
    std::fs::write(cat.join("mcp-server-time.json"), &old).unwrap();
    let small = bundled.join("mcp-server-time.json");
    let large = bundled.join("azure-mcp.json");
    let args = [
        "ingest",
        "--catalog",
        "cat",
        small.to_str().unwrap(),
        large.to_str().unwrap(),
    ];
    // 200 blocks: the time server's file fits, the Azure server's (about 790 KB) does not.
    let o = toolcat_with_file_limit(dir.path(), 200, &args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("nothing was ingested") && stderr(&o).contains("azure-mcp.json"),
        "{}",
        stderr(&o)
    );
    let left: Vec<String> = std::fs::read_dir(&cat)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        ["mcp-server-time.json"],
        "no temporary file, no new server"
    );
    assert_eq!(
        std::fs::read_to_string(cat.join("mcp-server-time.json")).unwrap(),
        old
    );

    // Without the limit, both are ingested.
    let o = toolcat(dir.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(&cat).unwrap().count(), 2);
}

#[test]
fn a_build_never_replaces_a_folder_that_holds_its_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let one = one_server_catalog(dir.path());
    let o = toolcat(dir.path(), &["build", "--catalog", "one", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The catalogue (or the templates) kept inside the site, or the site written over the
    // folder that holds the catalogue: a full build would delete them with the old site.
    let catalog = dir.path().join("site/catalog");
    std::fs::create_dir(&catalog).unwrap();
    std::fs::copy(
        one.join("mcp-server-time.json"),
        catalog.join("mcp-server-time.json"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("site/tpl")).unwrap();
    for args in [
        &[
            "build",
            "--catalog",
            "site/catalog",
            "--out",
            "site",
            "--full",
        ][..],
        &[
            "build",
            "--catalog",
            "site/catalog",
            "--out",
            "./site/",
            "--force",
        ],
        &[
            "build",
            "--catalog",
            "one",
            "--out",
            "site",
            "--templates",
            "site/tpl",
        ],
        &["build", "--catalog", "one", "--out", ".", "--force"],
    ] {
        crate::common::assert_refused(dir.path(), args, "is inside the output directory");
        assert!(catalog.join("mcp-server-time.json").is_file(), "{args:?}");
        assert!(one.join("mcp-server-time.json").is_file(), "{args:?}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn leftovers_of_builds_killed_outright_are_removed_while_the_site_stands() {
    let dir = tempfile::tempdir().unwrap();
    one_server_catalog(dir.path());
    // No process has a number past the kernel's largest (4,194,304); this test's does run.
    let dead = [
        "site.toolcat-staging-999999999",
        "site.toolcat-old-999999999",
    ];
    let kept = [
        format!("site.toolcat-staging-{}", std::process::id()),
        "site.toolcat-staging-x1".to_string(),
        "other.toolcat-staging-999999999".to_string(),
    ];
    for d in dead.iter().copied().chain(kept.iter().map(String::as_str)) {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
        std::fs::write(dir.path().join(d).join("index.html"), "left").unwrap();
    }
    // Without the site, a build killed between its renames may have left it only there.
    let build = || {
        toolcat(
            dir.path(),
            &["build", "--catalog", "one", "--out", "site", "--full"],
        )
    };
    assert!(build().status.success());
    for d in dead.iter().copied().chain(kept.iter().map(String::as_str)) {
        assert!(
            dir.path().join(d).is_dir(),
            "{d} kept while there was no site"
        );
    }
    let o = build();
    assert!(o.status.success(), "{}", stderr(&o));
    for d in dead {
        assert!(!dir.path().join(d).exists(), "{d} removed");
    }
    for d in &kept {
        assert!(dir.path().join(d).join("index.html").is_file(), "{d} kept");
    }
}

#[test]
fn init_templates_whose_write_fails_partway_changes_no_template() {
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("tpl");
    let o = toolcat(dir.path(), &["init-templates", "tpl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Templates a person edited, then `--force` with the larger ones (over 4 KB) too big
    // to write: none is replaced.
    for e in std::fs::read_dir(&tpl).unwrap() {
        std::fs::write(e.unwrap().path(), "edited").unwrap();
    }
    let before = tree(&tpl);
    let o = toolcat_with_file_limit(dir.path(), 4, &["init-templates", "tpl", "--force"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no template was written"),
        "{}",
        stderr(&o)
    );
    assert!(
        tree(&tpl) == before,
        "the edited templates are as they were"
    );
    assert_eq!(std::fs::read_dir(&tpl).unwrap().count(), before.len());
}
