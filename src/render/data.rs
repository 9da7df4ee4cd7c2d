//! The machine-readable files of the site: `api/catalog.json`, an API file of each server
//! (its tools' definitions and verdicts), the search index, `sitemap.xml`, `llms.txt`, `robots.txt`; and JSON-LD.

use super::pages::{self, Question};
use super::{ServerDigest, ServerEntry, Settings};
use crate::model::{Category, Risk};
use crate::policy::counted;
use crate::untrusted::visible;
use anyhow::{Context, Result};
use serde::Serialize;
use std::fmt::Write;

/// URLs in one sitemap file, at most (the sitemaps protocol's limit).
pub const SITEMAP_URLS: usize = 50_000;

/// Serialize for a `<script>` element or a `.js` file: `<`, `>` and `&` (and the line
/// separators old parsers stop at) are escaped inside strings, so no `</script>` or
/// `<!--` from a definition can end or alter the element.
pub fn script_json<T: Serialize>(value: &T) -> Result<String> {
    let text = serde_json::to_string(value).context("serializing JSON for a page")?;
    // U+2028 and U+2029 are the only characters of the five not ASCII: both start with
    // the byte 0xE2, so a text without it and the three ASCII ones is returned as it is.
    if !text
        .bytes()
        .fold(false, |acc, b| acc | matches!(b, b'<' | b'>' | b'&' | 0xE2))
    {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The schema.org `FAQPage` of a tool's questions, ready for a `<script>` element.
pub fn faq_json_ld(questions: &[Question]) -> String {
    // Fields in the order of their names, as a `serde_json::Value` would print them.
    #[derive(Serialize)]
    struct Faq<'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "mainEntity")]
        main_entity: Vec<Entry<'a>>,
    }
    #[derive(Serialize)]
    struct Entry<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        #[serde(rename = "acceptedAnswer")]
        accepted_answer: Answer<'a>,
        name: &'a str,
    }
    #[derive(Serialize)]
    struct Answer<'a> {
        #[serde(rename = "@type")]
        kind: &'static str,
        text: &'a str,
    }
    let faq = Faq {
        context: "https://schema.org",
        kind: "FAQPage",
        main_entity: questions
            .iter()
            .map(|q| Entry {
                kind: "Question",
                accepted_answer: Answer {
                    kind: "Answer",
                    text: &q.answer,
                },
                name: &q.question,
            })
            .collect(),
    };
    script_json(&faq).unwrap_or_else(|_| "{}".into())
}

/// The path of a server's API file: its tools with their whole definitions and verdicts.
pub fn server_api_path(server: &str) -> String {
    format!("api/servers/{server}.json")
}

/// A server's API file: `api/servers/<slug>.json`.
pub fn server_json(e: &ServerEntry<'_>) -> Result<Vec<u8>> {
    #[derive(Serialize)]
    struct ToolOut<'a> {
        definition: &'a crate::model::Tool,
        fingerprint: &'a str,
        name: &'a str,
        page: String,
        slug: &'a str,
        summary: &'a str,
        verdict: &'a crate::classify::Verdict,
    }
    #[derive(Serialize)]
    struct ServerOut<'a> {
        name: &'a str,
        package: Option<&'a str>,
        page: String,
        slug: &'a str,
        tools: Vec<ToolOut<'a>>,
        version: Option<&'a str>,
    }
    let s = &e.server.server;
    let value = ServerOut {
        name: &s.name,
        package: s.package.as_deref(),
        page: pages::server_path(e.slug()),
        slug: e.slug(),
        tools: e
            .tools
            .iter()
            .map(|t| ToolOut {
                definition: t.tool,
                fingerprint: &t.fingerprint,
                name: &t.tool.name,
                page: pages::tool_path(e.slug(), &t.slug),
                slug: &t.slug,
                summary: &t.summary,
                verdict: &t.verdict,
            })
            .collect(),
        version: s.version.as_deref(),
    };
    json_file(&value)
}

/// `api/catalog.json`: every server with its counts by category and risk, and where its
/// own API file is. Per-tool verdicts are in the servers' files, so this index stays
/// small at any catalogue size.
pub fn catalog_json(servers: &[ServerDigest]) -> Result<Vec<u8>> {
    let catalog: Vec<CatalogEntry<'_>> = servers
        .iter()
        .map(|s| {
            // Counted by discriminant, named the same way.
            let mut categories = [("", 0); 5];
            for c in Category::ALL {
                categories[c as usize].0 = c.as_str();
            }
            let mut risks = [("", 0); 4];
            for r in Risk::ALL {
                risks[r as usize].0 = r.as_str();
            }
            for t in &s.tools {
                categories[t.category as usize].1 += 1;
                risks[t.risk as usize].1 += 1;
            }
            CatalogEntry {
                api: server_api_path(&s.slug),
                categories: ByName::new(categories),
                name: &s.name,
                package: s.package.as_deref(),
                page: pages::server_path(&s.slug),
                risks: ByName::new(risks),
                slug: &s.slug,
                tools: s.tools.len(),
                version: s.version.as_deref(),
            }
        })
        .collect();
    json_file(&CatalogFile {
        catalog,
        generator: "toolcat",
        servers: servers.len(),
        tools: servers.iter().map(|s| s.tools.len()).sum(),
    })
}

/// `api/catalog.json`. Fields are in the order of their names, as in every API file.
#[derive(Serialize)]
struct CatalogFile<'a> {
    catalog: Vec<CatalogEntry<'a>>,
    generator: &'static str,
    servers: usize,
    tools: usize,
}

/// A server in `api/catalog.json`, fields in the order of their names.
#[derive(Serialize)]
struct CatalogEntry<'a> {
    api: String,
    categories: ByName<5>,
    name: &'a str,
    package: Option<&'a str>,
    page: String,
    risks: ByName<4>,
    slug: &'a str,
    tools: usize,
    version: Option<&'a str>,
}

/// Counts written as a JSON object with its keys in the order of their names.
struct ByName<const N: usize>([(&'static str, usize); N]);

impl<const N: usize> ByName<N> {
    fn new(mut counts: [(&'static str, usize); N]) -> Self {
        counts.sort_unstable_by_key(|c| c.0);
        ByName(counts)
    }
}

impl<const N: usize> Serialize for ByName<N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(N))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Compact JSON with a final newline, invisible characters escaped.
fn json_file<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut text = serde_json::to_string(value).context("serializing an API file")?;
    text.push('\n');
    Ok(crate::untrusted::escape_invisible(&text)
        .into_owned()
        .into_bytes())
}

/// Text from a definition for a Markdown list: one line, no link syntax.
fn plain(s: &str) -> String {
    visible(s)
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '[' | ']' | '(' | ')' | '<' | '>' | '`' => ' ',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn llms_txt(servers: &[ServerDigest], settings: &Settings) -> String {
    let base = &settings.base_url;
    let tools: usize = servers.iter().map(|s| s.tools.len()).sum();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", plain(&settings.title));
    let _ = writeln!(
        out,
        "> A risk catalogue of {tools} MCP tools across {} servers. Every tool is classified \
         by what it can do (read, write, execute, destructive, financial) and how risky it is \
         to hand to an agent (low, medium, high, critical), with the evidence quoted from its \
         definition.\n",
        servers.len()
    );
    let _ = writeln!(out, "## Browse\n");
    let all = || servers.iter().flat_map(|s| &s.tools);
    let categories = pages::category_counts(all().map(|t| t.category));
    for (c, n) in Category::ALL.into_iter().zip(categories) {
        let _ = writeln!(
            out,
            "- [{} tools]({base}categories/{}/): {}. {}",
            n.label,
            n.key,
            counted(n.tools, "tool"),
            pages::what_it_does(c)
        );
    }
    for n in pages::risk_counts(all().map(|t| t.risk)) {
        let _ = writeln!(
            out,
            "- [{} risk]({base}risks/{}/): {} tools",
            n.label, n.key, n.tools
        );
    }
    let _ = writeln!(
        out,
        "- [Classifier rules]({base}rules/): how verdicts are reached\n"
    );
    let _ = writeln!(out, "## Servers\n");
    for s in servers {
        let _ = writeln!(
            out,
            "- [{}]({base}servers/{}/): {}, highest risk {}",
            plain(&s.name),
            s.slug,
            counted(s.tools.len(), "tool"),
            s.worst().as_str()
        );
    }
    let _ = writeln!(out, "\n## Machine-readable\n");
    let _ = writeln!(
        out,
        "- [Catalogue JSON]({base}api/catalog.json): every server, with the path of a JSON \
         file of its tools and their verdicts"
    );
    let _ = writeln!(out, "- [Sitemap]({base}sitemap.xml)");
    out
}

pub fn robots_txt(settings: &Settings) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        settings.base_url
    )
}

/// The absolute URL of a page: directory URLs for `index.html` pages.
fn page_url(settings: &Settings, path: &str) -> String {
    crate::untrusted::escape_html(&pages::canonical_url(&settings.base_url, path))
}

/// Whether a file is a page the sitemap lists.
pub fn in_sitemap(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html"))
        && path != "404.html"
}

/// One `sitemap*.xml` file of the pages at `paths`.
pub fn urlset(settings: &Settings, paths: &[String]) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        let _ = writeln!(s, "<url><loc>{}</loc></url>", page_url(settings, p));
    }
    s.push_str("</urlset>\n");
    s.into_bytes()
}

/// The sitemap index of `count` files named `sitemap-1.xml`...
pub fn sitemap_index(settings: &Settings, count: usize) -> Vec<u8> {
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for i in 1..=count {
        let _ = writeln!(
            index,
            "<sitemap><loc>{}</loc></sitemap>",
            page_url(settings, &format!("sitemap-{i}.xml"))
        );
    }
    index.push_str("</sitemapindex>\n");
    index.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let s = script_json(
            &serde_json::json!({"q": "</script><script>alert(1)</script> & <!-- \u{2028}"}),
        )
        .unwrap();
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(
            back["q"],
            "</script><script>alert(1)</script> & <!-- \u{2028}"
        );
    }

    #[test]
    fn sitemap_files_list_directory_urls() {
        let settings = Settings::new("t", "https://example.org/docs");
        let one = String::from_utf8(urlset(&settings, &["tools/s/a&b/index.html".into()])).unwrap();
        assert!(one.contains("<loc>https://example.org/docs/tools/s/a&amp;b/</loc>"));
        let index = String::from_utf8(sitemap_index(&settings, 2)).unwrap();
        assert!(index.contains("<loc>https://example.org/docs/sitemap-2.xml</loc>"));
        assert_eq!(index.matches("<sitemap>").count(), 2);
        assert!(in_sitemap("servers/x/index.html") && !in_sitemap("404.html"));
        assert!(!in_sitemap("api/servers/x.json"));
    }

    #[test]
    fn the_catalogue_file_counts_each_server_with_keys_in_name_order() {
        let tool = |category, risk| super::super::ToolDigest {
            name: "t".into(),
            slug: "t".into(),
            category,
            risk,
            rules: crate::classify::rules::RuleSet::default(),
            summary: String::new(),
            needs_review: false,
        };
        let servers = [ServerDigest {
            slug: "s".into(),
            name: "S \u{200b}".into(),
            package: Some("npm:s".into()),
            version: None,
            tools: vec![
                tool(Category::Destructive, Risk::High),
                tool(Category::Read, Risk::Low),
                tool(Category::Read, Risk::Critical),
            ],
        }];
        let text = String::from_utf8(catalog_json(&servers).unwrap()).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"catalog":[{"api":"api/servers/s.json","#,
                r#""categories":{"destructive":1,"execute":0,"financial":0,"read":2,"write":0},"#,
                r#""name":"S \u200b","package":"npm:s","page":"servers/s/index.html","#,
                r#""risks":{"critical":1,"high":1,"low":1,"medium":0},"slug":"s","tools":3,"#,
                r#""version":null}],"generator":"toolcat","servers":1,"tools":3}"#,
                "\n"
            )
        );
    }

    #[test]
    fn llms_lines_hold_no_link_syntax_from_definitions() {
        assert_eq!(plain("a](javascript:x)\n[b"), "a javascript:x b");
    }
}
