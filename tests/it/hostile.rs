//! Malicious inputs: huge, deep, looping, colliding and malformed definitions are handled
//! with a clear error or a whole result, never a crash, a partial catalogue or a write
//! outside the output directory.

use crate::common::{stderr, stdout, toolcat};
use serde_json::json;
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn ingest(dir: &Path, file: &str, server: &str) -> std::process::Output {
    toolcat(dir, &["ingest", "--server", server, file])
}

#[test]
fn a_100_megabyte_description_is_cut_on_its_page_and_kept_in_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut description = "Reads one record of the archive. ".repeat(3_200_000);
    description.push_str("END-OF-DESCRIPTION");
    let doc = json!({"tools": [{"name": "read_record", "description": description, "inputSchema": {"type": "object"}}]});
    write(dir.path(), "big.json", &doc.to_string());
    drop(doc);
    let o = ingest(dir.path(), "big.json", "big");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = toolcat(dir.path(), &["build", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(dir.path().join("site/tools/big/read_record.html")).unwrap();
    assert!(page.len() < 1_000_000, "{} bytes", page.len());
    assert!(page.contains("the first 256 KiB are shown"));
    let o = toolcat(dir.path(), &["classify", "--format", "jsonl"]);
    assert!(
        stdout(&o).contains("\"category\":\"read\""),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_deeply_nested_schema_is_an_input_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut schema = "{\"type\":\"string\"}".to_string();
    for _ in 0..10_000 {
        schema = format!("{{\"type\":\"object\",\"properties\":{{\"a\":{schema}}}}}");
    }
    write(
        dir.path(),
        "deep.json",
        &format!("{{\"tools\":[{{\"name\":\"deep\",\"inputSchema\":{schema}}}]}}"),
    );
    let o = ingest(dir.path(), "deep.json", "deep");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("deep.json"), "{}", stderr(&o));
    assert!(!dir.path().join("catalog").exists(), "nothing written");
    // Deep, but within what JSON parsing allows: walked up to its bound.
    let mut schema = json!({"type": "string"});
    for _ in 0..50 {
        schema = json!({"type": "object", "properties": {"a": schema}});
    }
    write(
        dir.path(),
        "deep.json",
        &json!({"tools": [{"name": "deep", "inputSchema": schema}]}).to_string(),
    );
    let o = ingest(dir.path(), "deep.json", "deep");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = toolcat(dir.path(), &["build", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(dir.path().join("site/tools/deep/deep.html")).unwrap();
    assert!(page.contains("deeper or larger than toolcat lists"));
}

#[test]
fn ref_loops_and_huge_enums_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let values: Vec<String> = (0..50_000).map(|i| format!("v{i}")).collect();
    let doc = json!({"tools": [{"name": "loop", "inputSchema": {
        "type": "object",
        "properties": {"a": {"$ref": "#/$defs/A"}, "e": {"enum": values}},
        "$defs": {"A": {"type": "object", "properties": {"b": {"$ref": "#/$defs/B"}}},
                  "B": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}}}
    }}]});
    write(dir.path(), "loop.json", &doc.to_string());
    assert!(ingest(dir.path(), "loop.json", "loop").status.success());
    let o = toolcat(dir.path(), &["build", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn hostile_names_get_safe_distinct_pages_inside_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "../../escape",
        "..",
        ".",
        "a/b\\c",
        "nul\u{0}byte",
        "rtl\u{202e}txt.exe",
        "🔥🔥🔥",
        "Delete",
        "delete",
        "DELETE",
        "delete",
        "con",
        "index.html",
    ];
    let tools: Vec<_> = names
        .iter()
        .map(|n| json!({"name": n, "inputSchema": {"type": "object"}}))
        .collect();
    write(
        dir.path(),
        "names.json",
        &json!({"tools": tools}).to_string(),
    );
    let o = ingest(dir.path(), "names.json", "../../etc");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = toolcat(dir.path(), &["build", "--out", "out/site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Everything is below out/site, with safe names; one page per tool, case included.
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(dir.path()) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(dir.path())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // The build's state is kept beside the site it describes.
        if rel.is_empty()
            || rel == "names.json"
            || rel.starts_with("catalog")
            || rel == "out"
            || rel.starts_with("out/.site.toolcat-state")
        {
            continue;
        }
        assert!(rel.starts_with("out/site"), "written outside --out: {rel}");
        let name = entry.file_name().to_string_lossy();
        assert!(name.bytes().all(|b| b.is_ascii_graphic()), "{rel}");
        if rel.starts_with("out/site/tools/") && name.ends_with(".html") {
            pages += 1;
        }
    }
    assert_eq!(pages, names.len());
    // On a case-insensitive filesystem slugs must not collide by case either.
    let mut slugs: Vec<String> = walkdir::WalkDir::new(dir.path().join("out/site/tools"))
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_lowercase())
        .collect();
    let before = slugs.len();
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), before);
}

#[test]
fn malformed_files_are_errors_naming_the_file_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad-utf8.json"),
        b"{\"tools\": [{\"name\": \"a\xff\xfe\"}]}",
    )
    .unwrap();
    write(
        dir.path(),
        "huge-number.json",
        "{\"tools\": [{\"name\": \"n\", \"inputSchema\": {\"maximum\": 1e400}}]}",
    );
    write(dir.path(), "good.json", "{\"tools\": [{\"name\": \"ok\"}]}");
    for bad in ["bad-utf8.json", "huge-number.json"] {
        let o = toolcat(dir.path(), &["ingest", "good.json", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains(bad), "{bad}: {}", stderr(&o));
        assert!(
            !dir.path().join("catalog").exists(),
            "{bad}: all or nothing"
        );
    }
    // Duplicate keys: the last one counts, as in JavaScript, and nothing breaks.
    write(
        dir.path(),
        "dup.json",
        "{\"tools\": [{\"name\": \"first\", \"name\": \"second\"}]}",
    );
    let o = toolcat(dir.path(), &["ingest", "--server", "dup", "dup.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("+ second"), "{}", stdout(&o));
}

#[test]
fn injected_yaml_stays_inside_its_string() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json!({"tools": [
        {"name": "x\n---\nversion: \"2\"\ndefault: allow #", "description": "Deletes it.\n---\ndefault: \"allow\"\n# }\ntools: {}", "inputSchema": {"type": "object"}},
        {"name": "y", "description": "Reads.\r\n  - name: sneaky\n    action: allow", "inputSchema": {"type": "object"}}
    ]});
    write(dir.path(), "inj.json", &doc.to_string());
    assert!(ingest(dir.path(), "inj.json", "inj").status.success());
    for profile in ["default", "strict", "permissive"] {
        let o = toolcat(
            dir.path(),
            &["policy", "inj", "--profile", profile, "--out", "p.yaml"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let o = toolcat(dir.path(), &["policy", "--check", "p.yaml"]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        let yaml = std::fs::read_to_string(dir.path().join("p.yaml")).unwrap();
        let doc = toolcat::policy::yaml::parse(&yaml).unwrap().unwrap();
        assert_eq!(
            doc.get("version")
                .and_then(toolcat::policy::yaml::Node::string),
            Some("1")
        );
        assert_eq!(
            doc.get("default")
                .and_then(toolcat::policy::yaml::Node::string),
            Some("deny")
        );
        let top: Vec<&str> = doc
            .entries()
            .unwrap()
            .iter()
            .filter_map(|(k, _)| k.text())
            .collect();
        assert_eq!(
            top,
            ["version", "description", "default", "hide", "tools"],
            "{profile}"
        );
        assert_eq!(
            yaml.matches("\n---").count(),
            0,
            "no document separator got out"
        );
    }
}

#[test]
fn the_output_directory_is_only_replaced_when_toolcat_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.json", "{\"tools\": [{\"name\": \"ok\"}]}");
    assert!(ingest(dir.path(), "t.json", "t").status.success());
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    write(&dir.path().join("docs"), "thesis.tex", "years of work");
    let o = toolcat(dir.path(), &["build", "--out", "docs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(dir.path().join("docs/thesis.tex").exists(), "untouched");
    let o = toolcat(dir.path(), &["build", "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = toolcat(dir.path(), &["build", "--out", "site"]);
    assert!(
        o.status.success(),
        "its own output is replaced: {}",
        stderr(&o)
    );
    let o = toolcat(dir.path(), &["build", "--out", "docs", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!dir.path().join("docs/thesis.tex").exists());
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_the_catalogue_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("catalog")).unwrap();
    write(
        dir.path(),
        "outside.json",
        "{\"tools\": [{\"name\": \"ok\"}]}",
    );
    std::os::unix::fs::symlink(
        dir.path().join("outside.json"),
        dir.path().join("catalog/linked.json"),
    )
    .unwrap();
    let o = toolcat(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
}

#[test]
fn a_server_with_100000_tools_is_ingested_classified_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let tools: Vec<_> = (0..100_000)
        .map(|i| json!({"name": format!("tool_{i}"), "description": if i % 3 == 0 { "Deletes a row." } else { "Lists rows." }, "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}}}))
        .collect();
    write(
        dir.path(),
        "many.json",
        &json!({"tools": tools}).to_string(),
    );
    let o = ingest(dir.path(), "many.json", "many");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = toolcat(dir.path(), &["classify", "--format", "jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 100_000);
    let o = toolcat(
        dir.path(),
        &["check", "many.json", "--server", "many", "--fail-on", "any"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn concurrent_ingests_leave_a_whole_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..4 {
        let tools: Vec<_> = (0..200)
            .map(|t| json!({"name": format!("t{i}_{t}")}))
            .collect();
        write(
            dir.path(),
            &format!("s{i}.json"),
            &json!({"tools": tools}).to_string(),
        );
    }
    let runs: Vec<_> = (0..8)
        .map(|k| {
            let d = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let file = format!("s{}.json", k % 4);
                toolcat(&d, &["ingest", "--server", "shared", &file])
            })
        })
        .collect();
    for r in runs {
        assert!(r.join().unwrap().status.success());
    }
    let catalog = toolcat::catalog::load(&dir.path().join("catalog")).unwrap();
    assert_eq!(catalog.servers.len(), 1);
    assert_eq!(
        catalog.servers[0].tools.len(),
        200,
        "one whole version of the file, not a mix"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// A server whose name and tools are made of hostile pieces renders every file of its
    /// own (pages, policies, API file), inside its folders, the same bytes twice, and no
    /// page or policy holds an invisible or direction-changing character.
    #[test]
    fn hostile_text_anywhere_renders_a_whole_server(
        server_name in crate::common::hostile_text(6),
        name in crate::common::hostile_text(6),
        description in crate::common::hostile_text(30),
        key in crate::common::hostile_text(4),
        param_description in crate::common::hostile_text(10),
    ) {
        use toolcat::model::{Server, ServerInfo, Tool};
        use toolcat::render::{self, pages};
        let mut tool = Tool::named(&name);
        tool.title = Some(name.clone());
        tool.description = Some(description);
        tool.input_schema = Some(json!({
            "type": "object",
            "properties": {key.clone(): {"type": "string", "description": param_description, "default": key}},
        }).into());
        // A second tool whose name differs only in case and punctuation, for slug collisions.
        let twin = Tool::named(&format!("{}_", name.to_uppercase()));
        let server = Server {
            server: ServerInfo {
                slug: "hostile".into(),
                name: server_name,
                ..ServerInfo::default()
            },
            tools: vec![tool, twin],
        };
        let settings = render::Settings::new("Hostile", "https://example.invalid/");
        let templates = render::Templates::default();
        let tera = templates.engine().expect("the built-in templates load");
        let renderer = pages::Renderer::new(&tera, &settings);
        let entry = render::prepare_server(&server, &toolcat::classify::Classifier::plain());
        let files = renderer.server_files(&entry).expect("a hostile server renders");
        let again = renderer.server_files(&entry).expect("a hostile server renders");
        proptest::prop_assert_eq!(&files, &again);
        let paths: std::collections::BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        proptest::prop_assert_eq!(paths.len(), files.len(), "two files share a path");
        for p in paths {
            proptest::prop_assert!(!p.contains("..") && !p.starts_with('/'), "{}", p);
        }
        for (path, bytes) in &files {
            let text = String::from_utf8_lossy(bytes);
            let at = toolcat::untrusted::find_invisible(&text);
            proptest::prop_assert!(
                at.is_none(),
                "{} holds {:?}",
                path,
                at.map(|i| &text[i.saturating_sub(30)..(i + 8).min(text.len())])
            );
        }
    }
}

/// `classify --format json` and `jsonl`, read in a terminal, show control, invisible and
/// direction-changing characters as `\u` escapes (`serde_json` writes C1 controls and
/// U+202E raw), and its warnings show them as markers; the values are unchanged.
#[test]
fn classify_json_escapes_what_a_terminal_would_obey() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}[2J\u{202e}x";
    let description = "Deletes \u{9b}31m things\u{200b}.";
    let input = json!({"tools": [{"name": name, "description": description}]});
    std::fs::write(dir.path().join("in.json"), input.to_string()).unwrap();
    for format in ["json", "jsonl"] {
        let o = toolcat(dir.path(), &["classify", "in.json", "--format", format]);
        assert!(o.status.success(), "{}", stderr(&o));
        // The warning that the tool has no input schema names it: shown, not obeyed.
        assert!(
            stderr(&o).contains("evil⟨U+001B⟩[2J⟨U+202E⟩x"),
            "{}",
            stderr(&o)
        );
        assert_eq!(toolcat::untrusted::find_invisible(&stderr(&o)), None);
        let out = stdout(&o);
        assert_eq!(
            toolcat::untrusted::find_invisible(&out),
            None,
            "{format}: {out}"
        );
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        let line = if format == "json" { &v[0] } else { &v };
        assert_eq!(line["tool"], name);
        assert!(line["evidence"][0]["quote"]
            .as_str()
            .unwrap()
            .contains("\u{9b}31m"));
    }
}
