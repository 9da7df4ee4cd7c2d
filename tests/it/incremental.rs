//! Incremental builds: after catalogue files change, `toolcat build` renders only what
//! depends on them, and the site is the same, byte for byte, as a full build.

use crate::common::{bundled_catalog, stderr, toolcat, tree};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn build(dir: &Path, catalog: &str, out: &str, extra: &[&str]) -> String {
    let mut args = vec!["build", "--catalog", catalog, "--out", out];
    args.extend(extra);
    let o = toolcat(dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// Inode and modification time of every file: what changes when a file is rewritten.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (rel.into_owned(), (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

/// The files of `after` that are new or were rewritten since `before`.
fn differing<'a>(
    before: &BTreeMap<String, (u64, i64, i64)>,
    after: &'a BTreeMap<String, (u64, i64, i64)>,
) -> Vec<&'a String> {
    after
        .iter()
        .filter(|(p, s)| before.get(*p) != Some(*s))
        .map(|(p, _)| p)
        .collect()
}

/// Edit a catalogue file's JSON in place.
fn edit(path: &Path, change: impl FnOnce(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    change(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

/// The site after an incremental build equals a full build of the same catalogue.
fn assert_same_as_full(dir: &Path, site: &str) {
    let clean = format!("{site}-clean");
    let log = build(dir, "cat", &clean, &[]);
    assert!(log.starts_with("built "), "{log}");
    assert!(
        tree(&dir.join(site)) == tree(&dir.join(&clean)),
        "incremental and full builds differ"
    );
    std::fs::remove_dir_all(dir.join(&clean)).unwrap();
}

/// A copy of the bundled catalogue in `cat` and a full build of it in `site`.
fn built_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&bundled_catalog(), &tmp.path().join("cat"));
    let log = build(tmp.path(), "cat", "site", &[]);
    assert!(log.starts_with("built "), "{log}");
    tmp
}

#[test]
fn an_incremental_build_renders_only_what_changed_and_equals_a_full_build() {
    let tmp = built_site();
    let dir = tmp.path();
    let cat = dir.join("cat");
    assert!(
        dir.join(".site.toolcat-state/header.json").is_file(),
        "state beside the site"
    );
    assert!(!tree(&dir.join("site"))
        .iter()
        .any(|f| f.0.contains("toolcat-state")));

    // Nothing changed: nothing is rendered or written.
    let before = stamps(&dir.join("site"));
    let log = build(dir, "cat", "site", &[]);
    assert!(
        log.contains("0 of 74 servers rendered again, 0 files written, 0 removed"),
        "{log}"
    );
    assert_eq!(stamps(&dir.join("site")), before);

    // One tool of one server becomes destructive.
    let state_before = stamps(&dir.join(".site.toolcat-state"));
    edit(&cat.join("mcp-server-git.json"), |v| {
        v["tools"][0]["description"] =
            "Permanently deletes every file of the repository. Cannot be undone.".into();
    });
    let log = build(dir, "cat", "site", &[]);
    assert!(log.contains("1 of 74 servers rendered again"), "{log}");
    // Of the state, the server's chunk, the shared files' keys and the header change.
    let state_after = stamps(&dir.join(".site.toolcat-state"));
    let changed = differing(&state_before, &state_after);
    assert_eq!(changed.len(), 3, "{changed:?}");
    assert!(
        changed.iter().any(|p| p.starts_with("servers-")),
        "{changed:?}"
    );
    let after = stamps(&dir.join("site"));
    let rewritten = differing(&before, &after);
    assert!(rewritten.contains(&&"tools/mcp-server-git/git_add.html".to_string()));
    assert!(rewritten.contains(&&"categories/destructive/index.html".to_string()));
    assert!(
        rewritten.contains(&&"index.html".to_string()),
        "counts on the home page"
    );
    assert!(
        rewritten
            .iter()
            .all(|p| !p.starts_with("tools/") || p.starts_with("tools/mcp-server-git/")),
        "only the changed server's tool pages: {rewritten:?}"
    );
    assert!(
        rewritten.len() < 80,
        "{} files rewritten: {rewritten:?}",
        rewritten.len()
    );
    assert_same_as_full(dir, "site");

    // A server gone, a tool added to another, a server added.
    std::fs::remove_file(cat.join("arxiv-mcp-server.json")).unwrap();
    edit(&cat.join("mcp-server-git.json"), |v| {
        let mut tool = v["tools"][1].clone();
        tool["name"] = "git_gc".into();
        v["tools"].as_array_mut().unwrap().push(tool);
    });
    edit(&cat.join("mcp-server-git.json"), |_| {});
    std::fs::copy(cat.join("mcp-server-git.json"), dir.join("git-copy.json")).unwrap();
    edit(&dir.join("git-copy.json"), |v| {
        v["server"]["slug"] = "git-fork".into();
        v["server"]["name"] = "Git fork".into();
    });
    std::fs::rename(dir.join("git-copy.json"), cat.join("git-fork.json")).unwrap();
    let log = build(dir, "cat", "site", &[]);
    assert!(log.contains("2 of 74 servers rendered again"), "{log}");
    assert!(!dir.join("site/servers/arxiv-mcp-server").exists());
    assert!(
        !dir.join("site/tools/arxiv-mcp-server").exists(),
        "emptied folders go"
    );
    assert!(dir.join("site/tools/mcp-server-git/git_gc.html").is_file());
    assert!(dir.join("site/tools/git-fork/git_gc.html").is_file());
    assert_same_as_full(dir, "site");

    // --full renders everything, to the same bytes.
    let incremental = tree(&dir.join("site"));
    let log = build(dir, "cat", "site", &["--full"]);
    assert!(log.starts_with("built "), "{log}");
    assert!(tree(&dir.join("site")) == incremental);
}

#[test]
fn other_settings_a_copied_site_or_a_lost_state_mean_a_full_build() {
    let tmp = built_site();
    let dir = tmp.path();
    assert!(build(dir, "cat", "site", &[]).starts_with("updated "));

    // Another site title.
    std::fs::write(dir.join("toolcat.toml"), "[site]\ntitle = \"Other\"\n").unwrap();
    assert!(build(dir, "cat", "site", &[]).starts_with("built "));
    assert!(build(dir, "cat", "site", &[]).starts_with("updated "));

    // A site restored from a copy is not the one the state describes.
    let copy = dir.join("site-copy");
    copy_dir_all(&dir.join("site"), &copy);
    std::fs::remove_dir_all(dir.join("site")).unwrap();
    std::fs::rename(&copy, dir.join("site")).unwrap();
    assert!(build(dir, "cat", "site", &[]).starts_with("built "));

    // A damaged state is ignored.
    std::fs::write(dir.join(".site.toolcat-state/header.json"), "{not json").unwrap();
    assert!(build(dir, "cat", "site", &[]).starts_with("built "));

    // So is a file where the state's folder goes (an older toolcat's state).
    std::fs::remove_dir_all(dir.join(".site.toolcat-state")).unwrap();
    std::fs::write(dir.join(".site.toolcat-state"), "old").unwrap();
    assert!(build(dir, "cat", "site", &[]).starts_with("built "));
    assert!(build(dir, "cat", "site", &[]).starts_with("updated "));
}

#[test]
fn a_bad_file_fails_an_incremental_build_and_changes_nothing() {
    let tmp = built_site();
    let dir = tmp.path();
    let cat = dir.join("cat");
    let before = tree(&dir.join("site"));
    std::fs::write(cat.join("mcp-server-git.json"), "{\"tools\": [").unwrap();
    let o = toolcat(dir, &["build", "--catalog", "cat", "--out", "site"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("mcp-server-git.json"), "{}", stderr(&o));
    assert!(tree(&dir.join("site")) == before);
    assert!(
        dir.join(".site.toolcat-state/header.json").is_file(),
        "the state still holds"
    );
}

#[test]
fn a_write_failing_midway_says_so_and_the_next_build_is_full() {
    let tmp = built_site();
    let dir = tmp.path();
    edit(&dir.join("cat/mcp-server-git.json"), |v| {
        v["tools"][0]["description"] = "Deletes the repository.".into();
    });
    // A file where the server's folder of tool pages was: its pages cannot be written.
    let pages = dir.join("site/tools/mcp-server-git");
    std::fs::remove_dir_all(&pages).unwrap();
    std::fs::write(&pages, "in the way").unwrap();
    let o = toolcat(dir, &["build", "--catalog", "cat", "--out", "site"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("may be partly updated; the next build rebuilds it whole")
            && stderr(&o).contains("tools/mcp-server-git"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join(".site.toolcat-state/header.json").exists());

    std::fs::remove_file(&pages).unwrap();
    let log = build(dir, "cat", "site", &[]);
    assert!(log.starts_with("built "), "a full build: {log}");
    assert_same_as_full(dir, "site");
}

fn copy_dir_all(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}
