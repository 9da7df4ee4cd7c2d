//! The documentation site: every page kind, links, well-formed pages, determinism across
//! thread counts, hostile definitions, template overrides, snapshots of whole pages.

use crate::common::{bundled_catalog, repo, stderr, toolcat};
use crate::html;
use std::collections::BTreeMap;
use std::path::Path;
use toolcat::config::Config;
use toolcat::render::{File, Templates};

fn render(catalog_dir: &Path) -> Vec<File> {
    let catalog = toolcat::catalog::load(catalog_dir).expect("catalogue loads");
    toolcat::site::render_site(&catalog, &Config::default(), &Templates::default())
        .expect("site renders")
}

fn text(files: &[File], path: &str) -> String {
    let f = files
        .iter()
        .find(|f| f.0 == path)
        .unwrap_or_else(|| panic!("{path} is built"));
    String::from_utf8(f.1.clone()).expect("UTF-8")
}

/// The rows of every shard of the search index (each tool once), checking that the
/// index lists exactly the shard files there are.
fn search_index(files: &[File]) -> Vec<Vec<String>> {
    let js = text(files, "assets/search-index.js");
    let json = js
        .strip_prefix("window.TOOLCAT_SEARCH = ")
        .and_then(|j| j.strip_suffix(";\n"))
        .expect("the index is one assignment");
    let index: serde_json::Value = serde_json::from_str(json).expect("the index is JSON");
    let mut listed = std::collections::BTreeSet::new();
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for shard in index["shards"].as_array().expect("a list of shards") {
        for part in 0..shard[2].as_u64().unwrap() {
            let path = format!("assets/search/{}-{part}.js", shard[4].as_str().unwrap());
            let js = text(files, &path);
            let call = js
                .strip_prefix("TOOLCAT_SHARD(")
                .and_then(|j| j.strip_suffix(");\n"))
                .unwrap_or_else(|| panic!("{path} is one call"));
            let args: serde_json::Value =
                serde_json::from_str(&format!("[{call}]")).expect("the shard is JSON");
            assert_eq!(args[0], shard[0], "{path} names its shard");
            for row in args[2].as_array().unwrap() {
                let row: Vec<String> = serde_json::from_value(row.clone()).unwrap();
                rows.insert(row[5].clone(), row);
            }
            listed.insert(path);
        }
    }
    let on_disk: std::collections::BTreeSet<String> = files
        .iter()
        .filter(|f| f.0.starts_with("assets/search/"))
        .map(|f| f.0.clone())
        .collect();
    assert_eq!(listed, on_disk, "the index lists every shard file");
    assert_eq!(index["tools"].as_u64().unwrap() as usize, rows.len());
    rows.into_values().collect()
}

/// Every HTML page is well-formed and every local link resolves to a file of the site.
fn check_pages_and_links(files: &[File]) {
    let paths = html::paths(files);
    for (path, bytes) in files {
        if Path::new(path).extension().is_none_or(|e| e != "html") {
            continue;
        }
        let page = std::str::from_utf8(bytes).expect("UTF-8");
        let tags = html::check(page).unwrap_or_else(|e| panic!("{path}: {e}"));
        for link in html::local_links(&tags) {
            let target = html::resolve(path, &link)
                .unwrap_or_else(|| panic!("{path}: {link} leaves the site"));
            assert!(
                paths.contains(target.as_str()),
                "{path}: link {link} to missing {target}"
            );
        }
    }
}

#[test]
fn bundled_site_has_every_page_kind_and_every_link_resolves() {
    let files = render(&bundled_catalog());
    let paths = html::paths(&files);
    let catalog = toolcat::catalog::load(&bundled_catalog()).unwrap();
    let tool_pages = paths
        .iter()
        .filter(|p| p.starts_with("tools/") && p.ends_with(".html"))
        .count();
    assert_eq!(tool_pages, catalog.tool_count());
    assert_eq!(
        paths
            .iter()
            .filter(|p| p.starts_with("api/servers/"))
            .count(),
        catalog.servers.len()
    );
    for s in &catalog.servers {
        assert!(paths.contains(format!("servers/{}/index.html", s.server.slug).as_str()));
        for ext in ["yaml", "json", "claude.json"] {
            assert!(paths.contains(format!("policies/{}.{ext}", s.server.slug).as_str()));
        }
        let yaml = text(&files, &format!("policies/{}.yaml", s.server.slug));
        let problems = toolcat::policy::check::check(&yaml);
        assert!(problems.is_empty(), "{}: {problems:?}", s.server.slug);
    }
    for fixed in [
        "index.html",
        "404.html",
        "search/index.html",
        "rules/index.html",
        "rules/tc001/index.html",
        "rules/tc201/index.html",
        "categories/read/index.html",
        "categories/financial/index.html",
        "risks/low/index.html",
        "risks/critical/index.html",
        "servers/index.html",
        "api/catalog.json",
        "assets/style.css",
        "assets/search.js",
        "assets/search-index.js",
        "sitemap.xml",
        "llms.txt",
        "robots.txt",
    ] {
        assert!(paths.contains(fixed), "{fixed} is built");
    }
    assert_eq!(
        paths.iter().filter(|p| p.starts_with("rules/tc")).count(),
        toolcat::classify::rules::RULES.len()
    );
    check_pages_and_links(&files);

    // Machine-readable files agree with the pages.
    let api: serde_json::Value = serde_json::from_str(&text(&files, "api/catalog.json")).unwrap();
    assert_eq!(api["tools"], catalog.tool_count());
    let listed: u64 = api["catalog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["tools"].as_u64().unwrap())
        .sum();
    assert_eq!(listed as usize, catalog.tool_count());
    let server_api: serde_json::Value =
        serde_json::from_str(&text(&files, api["catalog"][0]["api"].as_str().unwrap())).unwrap();
    let first = &server_api["tools"][0];
    assert!(paths.contains(first["page"].as_str().unwrap()));
    assert_eq!(first["definition"]["name"], first["name"]);
    assert!(first["verdict"]["evidence"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    let index = search_index(&files);
    assert_eq!(index.len(), catalog.tool_count());
    assert!(index.iter().all(|row| paths.contains(row[5].as_str())));
    let sitemap = text(&files, "sitemap.xml");
    let html_pages = paths
        .iter()
        .filter(|p| p.ends_with(".html") && **p != "404.html")
        .count();
    assert_eq!(sitemap.matches("<url>").count(), html_pages);
    assert!(
        sitemap.contains("<loc>https://example.invalid/tools/mcp-server-git/git_reset.html</loc>")
    );
    let llms = text(&files, "llms.txt");
    assert!(llms.starts_with("# toolcat"));
    assert!(llms.contains("(https://example.invalid/servers/mcp-server-git/)"));

    // A tool page has every section the issue lists.
    let page = text(&files, "tools/mcp-server-git/git_reset.html");
    for section in [
        "What it does",
        "Why it needs a policy",
        "Parameters",
        "Annotations",
        "Description",
        "Questions",
        "Schemas and fingerprint",
        "Recommended policy",
        "Intercept YAML",
        "Claude Code permissions",
        "mcp__mcp-server-git__git_reset",
        "What risk level is git_reset?",
        "\"@type\":\"FAQPage\"",
        "pypi:mcp-server-git",
    ] {
        assert!(page.contains(section), "{section} on the tool page");
    }
    let server = text(&files, "servers/mcp-server-git/index.html");
    assert!(server.contains("<svg class=\"chart\""));
    assert!(server.contains("-token window"));
}

#[test]
fn a_build_on_one_thread_is_byte_identical_to_a_parallel_one() {
    let catalog = toolcat::catalog::load(&bundled_catalog()).unwrap();
    let render =
        || toolcat::site::render_site(&catalog, &Config::default(), &Templates::default()).unwrap();
    let parallel = render();
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(render);
    assert_eq!(parallel.len(), single.len());
    for (a, b) in parallel.iter().zip(&single) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between thread counts", a.0);
    }
}

/// Whether a tag can only have come from toolcat's templates: elements a definition
/// could use to load, style or run something are allowed only as the templates write them.
fn ours(t: &html::Tag) -> bool {
    match t.name.as_str() {
        "iframe" | "img" | "style" | "object" | "embed" | "base" | "b" | "i" | "frame" => false,
        "div" => matches!(t.attr("class"), Some("prose" | "charts")),
        "svg" => t.attr("class") == Some("chart"),
        "form" => t.attr("role") == Some("search"),
        "input" => matches!(t.attr("id"), Some("site-q" | "q")),
        _ => true,
    }
}

/// Payloads of the hostile fixture set `window.__pwned` or the title; none may survive as
/// markup.
#[test]
fn hostile_definitions_cannot_run_or_break_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = crate::common::ingest_hostile(dir.path());
    // A description of a megabyte, with a payload at its very end.
    let mut huge = "Reads a very long thing. ".repeat(42_000);
    huge.push_str("<script>window.__pwned=99</script>");
    let big = serde_json::json!({"tools": [{"name": "huge_description", "description": huge, "inputSchema": {"type": "object"}}]});
    std::fs::write(dir.path().join("huge.json"), big.to_string()).unwrap();
    let o = toolcat(
        dir.path(),
        &[
            "ingest",
            "--catalog",
            catalog.to_str().unwrap(),
            "--server",
            "huge",
            "huge.json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let files = render(&catalog);
    check_pages_and_links(&files);
    let mut scripts: BTreeMap<String, usize> = BTreeMap::new();
    for (path, bytes) in &files {
        let body = String::from_utf8_lossy(bytes);
        // Pages show them as ⟨U+…⟩; JSON and YAML keep the exact value as \u escapes.
        assert!(
            !body.contains('\u{202e}') && !body.contains('\u{200b}'),
            "{path}: invisible characters are shown or escaped"
        );
        if !path.ends_with(".html") {
            continue;
        }
        let tags = html::check(&body).unwrap_or_else(|e| panic!("{path}: {e}"));
        for t in tags.iter().filter(|t| !t.end) {
            for (name, value) in &t.attrs {
                assert!(
                    !name.starts_with("on"),
                    "{path}: event handler {name} on <{}>",
                    t.name
                );
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    !(v.starts_with("javascript:")
                        || v.starts_with("data:")
                        || v.starts_with("vbscript:")),
                    "{path}: {name}={value}"
                );
            }
            assert!(
                ours(t),
                "{path}: <{}> {:?} from a definition",
                t.name,
                t.attrs
            );
            if t.name == "script" {
                *scripts.entry(path.clone()).or_default() += 1;
                let ok = t.attr("type") == Some("application/ld+json")
                    || t.attr("src").is_some_and(|s| {
                        s.ends_with("assets/search-index.js") || s.ends_with("assets/search.js")
                    });
                assert!(
                    ok,
                    "{path}: a script that toolcat did not write: {:?}",
                    t.attrs
                );
            }
        }
        // JSON-LD stays one JSON document, with the payloads as inert text.
        if let Some(start) = body.find("<script type=\"application/ld+json\">") {
            let rest = &body[start + 35..];
            let json = &rest[..rest.find("</script>").unwrap()];
            let v: serde_json::Value = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse: {e}"));
            assert_eq!(v["@type"], "FAQPage");
        }
    }
    let tool_pages = scripts.keys().filter(|p| p.starts_with("tools/")).count();
    assert_eq!(
        tool_pages, 7,
        "every tool page has exactly its JSON-LD script"
    );
    assert!(scripts.values().all(|&n| n <= 2));
    // The search index and its shards are calls with inert strings.
    for (path, bytes) in files
        .iter()
        .filter(|f| f.0.starts_with("assets/search/") || f.0 == "assets/search-index.js")
    {
        let js = String::from_utf8_lossy(bytes);
        assert!(!js.contains('<') && !js.contains("</script"), "{path}");
    }
    let index = search_index(&files);
    assert!(index
        .iter()
        .any(|row| row[0].contains("<script>window.__pwned=1</script>")));
    // The megabyte description is on its page, escaped, and the page is whole.
    let huge_page = files
        .iter()
        .find(|f| f.0.starts_with("tools/huge/"))
        .map(|f| String::from_utf8_lossy(&f.1).into_owned())
        .unwrap();
    assert!(
        huge_page.len() < 600_000,
        "a long description is cut on its page"
    );
    assert!(huge_page.contains("bytes long; the first 256 KiB are shown"));
    assert!(huge_page.trim_end().ends_with("</html>"));
    let huge_json = text(&files, "api/servers/huge.json");
    assert!(
        huge_json.contains("<script>window.__pwned=99</script>"),
        "the server's API file keeps it whole"
    );
}

#[test]
fn templates_can_be_copied_out_and_override_the_defaults_file_by_file() {
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("tpl");
    let o = toolcat(dir.path(), &["init-templates", tpl.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tpl.join("tool.html").exists() && tpl.join("style.css").exists());
    // Refuses to overwrite edits without --force.
    let o = toolcat(dir.path(), &["init-templates", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));

    // Keep only an edited base.html: every other template falls back to the default.
    for entry in std::fs::read_dir(&tpl).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name().unwrap() != "base.html" {
            std::fs::remove_file(p).unwrap();
        }
    }
    let base = std::fs::read_to_string(tpl.join("base.html")).unwrap();
    std::fs::write(
        tpl.join("base.html"),
        base.replace(
            "<main id=\"main\">",
            "<p class=\"house-banner\">Internal</p>\n<main id=\"main\">",
        ),
    )
    .unwrap();
    let catalog = bundled_catalog();
    let build = |out: &Path| {
        toolcat(
            dir.path(),
            &[
                "build",
                "--catalog",
                catalog.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--templates",
                tpl.to_str().unwrap(),
            ],
        )
    };
    let out = dir.path().join("site");
    let o = build(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(out.join("tools/mcp-server-git/git_reset.html")).unwrap();
    assert!(page.contains("house-banner") && page.contains("What it does"));

    // A file that is no template is an error that names it, and nothing is written.
    std::fs::write(tpl.join("stlye.css"), "").unwrap();
    let out2 = dir.path().join("site2");
    let o = build(&out2);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("stlye.css"), "{}", stderr(&o));
    assert!(!out2.exists());
}

#[test]
fn whole_pages_match_their_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog");
    for input in ["mcp-server-git.json", "mcp-server-time.jsonl"] {
        let path = repo().join("tests/data/inputs").join(input);
        let mut args = vec!["ingest", "--catalog", catalog.to_str().unwrap()];
        if input.ends_with(".jsonl") {
            args.extend(["--server", "mcp-server-time"]);
        }
        args.push(path.to_str().unwrap());
        let o = toolcat(dir.path(), &args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let files = render(&catalog);
    for page in [
        "index.html",
        "servers/mcp-server-git/index.html",
        "tools/mcp-server-git/git_reset.html",
        "llms.txt",
    ] {
        let name = page.replace(['/', '.'], "_");
        insta::assert_snapshot!(name, text(&files, page));
    }
}
