//! The build is atomic: a failed build leaves the previous site untouched.

use crate::common::{bundled_catalog, tree};
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
        toolcat::site::Options::default(),
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
