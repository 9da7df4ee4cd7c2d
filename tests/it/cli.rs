//! The commands as a user runs them.

use crate::common::{bundled_catalog, input, repo, stderr, stdout, toolcat};

#[test]
fn classify_jsonl_has_the_stable_fields_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let o = toolcat(
        dir.path(),
        &[
            "classify",
            input("mcp-server-git.json").to_str().unwrap(),
            "--format",
            "jsonl",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12);
    let names: Vec<&str> = lines.iter().map(|l| l["tool"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    for l in &lines {
        assert_eq!(l["server"], "mcp-server-git");
        for key in [
            "category",
            "risk",
            "confidence",
            "rules",
            "signals",
            "evidence",
        ] {
            assert!(l.get(key).is_some(), "{key} in {l}");
        }
    }
    let reset = lines.iter().find(|l| l["tool"] == "git_reset").unwrap();
    assert_eq!(reset["category"], "destructive", "{reset}");
    let status = lines.iter().find(|l| l["tool"] == "git_status").unwrap();
    assert_eq!(status["category"], "read");
    assert_eq!(
        status["risk"], "medium",
        "a repo_path parameter raises risk: {status}"
    );
}

#[test]
fn explain_quotes_the_definition() {
    let o = toolcat(
        &repo(),
        &[
            "explain",
            "stripe-mcp/create_refund",
            "--catalog",
            bundled_catalog().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("category:   financial"), "{out}");
    assert!(out.contains("TC010 moves-money"), "{out}");
    assert!(out.contains("create_refund"), "{out}");
}

#[test]
fn explain_unknown_tool_is_a_usage_error() {
    let o = toolcat(&repo(), &["explain", "stripe-mcp/nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("has no tool `nope`"));
    let o = toolcat(&repo(), &["explain", "no-slash"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn rules_list_and_one_rule() {
    let o = toolcat(&repo(), &["rules"]);
    assert!(stdout(&o).contains("TC001  action-verb-in-name"));
    let o = toolcat(&repo(), &["rules", "tc107"]);
    let out = stdout(&o);
    assert!(out.starts_with("TC107 hidden-instructions"), "{out}");
    assert!(out.contains("Fires on:"));
    assert_eq!(toolcat(&repo(), &["rules", "TC999"]).status.code(), Some(2));
}

#[test]
fn eval_prints_accuracy_and_confusion() {
    let labels = repo().join("tests/data/labels/corpus-labels.jsonl");
    let o = toolcat(&repo(), &["eval", labels.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("accuracy (sure):"));
    assert!(out.contains("confusion (rows: label, columns: verdict)"));
    assert!(out.contains("dangerous as safe:"));
}

#[test]
fn build_writes_a_page_per_tool_with_its_facts() {
    let dir = tempfile::tempdir().unwrap();
    let o = toolcat(
        dir.path(),
        &["build", "--catalog", bundled_catalog().to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let site = dir.path().join("site");
    let page = std::fs::read_to_string(site.join("tools/mcp-server-git/git_reset.html")).unwrap();
    for needle in [
        "git_reset",
        "mcp-server-git",
        "pypi:mcp-server-git",
        "Destructive",
        "repo_path",
        "Why it needs a policy",
        "Fingerprint",
    ] {
        assert!(page.contains(needle), "{needle} on the page");
    }
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("2632 tools across 74 servers"), "{index}");
    let pages = walkdir::WalkDir::new(site.join("tools"))
        .into_iter()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "html")
        })
        .count();
    assert_eq!(pages, 2632);
}

#[test]
fn hostile_description_cannot_inject_markup() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("evil.json"),
        r#"[{"name":"<script>alert(1)</script>","description":"<img src=x onerror=alert(1)> [x](javascript:alert(1)) \u202egnp.exe","inputSchema":{"properties":{"a\"><b>":{"type":"string","description":"</td><script>x</script>"}}}}]"#,
    )
    .unwrap();
    assert!(toolcat(dir.path(), &["ingest", "evil.json"])
        .status
        .success());
    let o = toolcat(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for entry in walkdir::WalkDir::new(dir.path().join("site")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            for (at, _) in html.match_indices("<script") {
                let tag = &html[at..html[at..].find('>').map_or(html.len(), |e| at + e + 1)];
                assert!(
                    tag == r#"<script type="application/ld+json">"#
                        || tag.ends_with(r#"assets/search-index.js">"#)
                        || tag.ends_with(r#"assets/search.js">"#),
                    "{}: {tag}",
                    entry.path().display()
                );
            }
            assert!(!html.contains("<img"), "{}", entry.path().display());
            assert!(
                !html.contains("href=\"javascript"),
                "{}",
                entry.path().display()
            );
            assert!(!html.contains('\u{202e}'), "bidi override shown visibly");
        }
    }
}

#[test]
fn build_without_catalogue_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = toolcat(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("catalogue directory catalog does not exist"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("site").exists());
}
