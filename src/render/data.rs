//! The machine-readable files of the site: `api/catalog.json`, a `tool.json` beside every
//! tool page, the search index, `sitemap.xml`, `llms.txt`, `robots.txt`; and JSON-LD.

use super::pages::{self, Question};
use super::{File, ServerEntry, Settings, ToolEntry};
use crate::markdown::visible;
use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::json;
use std::fmt::Write;

/// URLs in one sitemap file, at most (the sitemaps protocol's limit).
pub const SITEMAP_URLS: usize = 50_000;

/// Serialize for a `<script>` element or a `.js` file: `<`, `>` and `&` (and the line
/// separators old parsers stop at) are escaped inside strings, so no `</script>` or
/// `<!--` from a definition can end or alter the element.
pub fn script_json<T: Serialize>(value: &T) -> Result<String> {
    let text = serde_json::to_string(value).context("serializing JSON for a page")?;
    Ok(text
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029"))
}

/// The schema.org `FAQPage` of a tool's questions, ready for a `<script>` element.
pub fn faq_json_ld(questions: &[Question]) -> String {
    let value = json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": questions.iter().map(|q| json!({
            "@type": "Question",
            "name": q.question,
            "acceptedAnswer": {"@type": "Answer", "text": q.answer},
        })).collect::<Vec<_>>(),
    });
    script_json(&value).unwrap_or_else(|_| "{}".into())
}

/// A tool's definition and verdict, the JSON file beside its page.
pub fn tool_json(e: &ServerEntry<'_>, t: &ToolEntry<'_>) -> Result<Vec<u8>> {
    let value = json!({
        "server": {
            "slug": e.slug(),
            "name": e.server.server.name,
            "package": e.server.server.package,
        },
        "slug": t.slug,
        "fingerprint": t.tool.fingerprint(),
        "definition": t.tool,
        "verdict": t.verdict,
    });
    let mut text = serde_json::to_string_pretty(&value).context("serializing a tool's JSON")?;
    text.push('\n');
    Ok(crate::markdown::escape_invisible(&text)
        .into_owned()
        .into_bytes())
}

/// Every machine-readable file; `pages` are the HTML pages already rendered.
pub fn files(
    entries: &[ServerEntry<'_>],
    settings: &Settings,
    pages: &[File],
) -> Result<Vec<File>> {
    let mut files = vec![
        ("api/catalog.json".to_string(), catalog_json(entries)?),
        ("assets/search-index.js".to_string(), search_index(entries)?),
        (
            "llms.txt".to_string(),
            llms_txt(entries, settings).into_bytes(),
        ),
        ("robots.txt".to_string(), robots_txt(settings).into_bytes()),
    ];
    files.extend(sitemaps(settings, pages));
    Ok(files)
}

fn catalog_json(entries: &[ServerEntry<'_>]) -> Result<Vec<u8>> {
    let servers: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            json!({
                "slug": e.slug(),
                "name": e.server.server.name,
                "package": e.server.server.package,
                "version": e.server.server.version,
                "page": pages::server_path(e.slug()),
                "tools": e.tools.iter().map(|t| json!({
                    "name": t.tool.name,
                    "slug": t.slug,
                    "page": pages::tool_path(e.slug(), &t.slug),
                    "summary": t.summary,
                    "fingerprint": t.tool.fingerprint(),
                    "verdict": t.verdict,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = json!({
        "generator": "toolcat",
        "servers": entries.len(),
        "tools": entries.iter().map(|e| e.tools.len()).sum::<usize>(),
        "catalog": servers,
    });
    let mut text = serde_json::to_string(&value).context("serializing api/catalog.json")?;
    text.push('\n');
    Ok(crate::markdown::escape_invisible(&text)
        .into_owned()
        .into_bytes())
}

/// The search index: `window.TOOLCAT_SEARCH = [[name, server, category, risk, summary,
/// page], ...]`, a script rather than JSON so that search works from `file://` too.
fn search_index(entries: &[ServerEntry<'_>]) -> Result<Vec<u8>> {
    let rows: Vec<[String; 6]> = entries
        .iter()
        .flat_map(|e| {
            e.tools.iter().map(move |t| {
                [
                    visible(&t.tool.name),
                    visible(&e.server.server.name),
                    t.verdict.category.as_str().to_string(),
                    t.verdict.risk.as_str().to_string(),
                    t.summary.chars().take(140).collect(),
                    pages::tool_path(e.slug(), &t.slug),
                ]
            })
        })
        .collect();
    let mut text = String::from("window.TOOLCAT_SEARCH = ");
    text.push_str(&script_json(&rows)?);
    text.push_str(";\n");
    Ok(text.into_bytes())
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

fn llms_txt(entries: &[ServerEntry<'_>], settings: &Settings) -> String {
    let base = &settings.base_url;
    let tools: usize = entries.iter().map(|e| e.tools.len()).sum();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", plain(&settings.title));
    let _ = writeln!(
        out,
        "> A risk catalogue of {tools} MCP tools across {} servers. Every tool is classified \
         by what it can do (read, write, execute, destructive, financial) and how risky it is \
         to hand to an agent (low, medium, high, critical), with the evidence quoted from its \
         definition.\n",
        entries.len()
    );
    let _ = writeln!(out, "## Browse\n");
    for c in crate::model::Category::ALL {
        let n = entries
            .iter()
            .flat_map(|e| &e.tools)
            .filter(|t| t.verdict.category == c)
            .count();
        let _ = writeln!(
            out,
            "- [{} tools]({base}categories/{}/): {}. {}",
            c.label(),
            c.as_str(),
            count(n),
            pages::what_it_does(c)
        );
    }
    for r in crate::model::Risk::ALL {
        let n = entries
            .iter()
            .flat_map(|e| &e.tools)
            .filter(|t| t.verdict.risk == r)
            .count();
        let _ = writeln!(
            out,
            "- [{} risk]({base}risks/{}/): {n} tools",
            r.label(),
            r.as_str()
        );
    }
    let _ = writeln!(
        out,
        "- [Classifier rules]({base}rules/): how verdicts are reached\n"
    );
    let _ = writeln!(out, "## Servers\n");
    for e in entries {
        let worst = e
            .tools
            .iter()
            .map(|t| t.verdict.risk)
            .max()
            .unwrap_or(crate::model::Risk::Low);
        let _ = writeln!(
            out,
            "- [{}]({base}servers/{}/): {}, highest risk {}",
            plain(&e.server.server.name),
            e.slug(),
            count(e.tools.len()),
            worst.as_str()
        );
    }
    let _ = writeln!(out, "\n## Machine-readable\n");
    let _ = writeln!(
        out,
        "- [Catalogue JSON]({base}api/catalog.json): every tool with its verdict"
    );
    let _ = writeln!(out, "- [Sitemap]({base}sitemap.xml)");
    out
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 tool".into()
    } else {
        format!("{n} tools")
    }
}

fn robots_txt(settings: &Settings) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        settings.base_url
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The absolute URL of a page: directory URLs for `index.html` pages.
fn page_url(settings: &Settings, path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    xml_escape(&format!("{}{path}", settings.base_url))
}

/// `sitemap.xml`; past [`SITEMAP_URLS`] pages it becomes an index of `sitemap-N.xml` files.
fn sitemaps(settings: &Settings, pages: &[File]) -> Vec<File> {
    let urls: Vec<String> = pages
        .iter()
        .map(|p| p.0.as_str())
        .filter(|p| {
            std::path::Path::new(p)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("html"))
                && *p != "404.html"
        })
        .map(|p| page_url(settings, p))
        .collect();
    let urlset = |urls: &[String]| {
        let mut s = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for u in urls {
            let _ = writeln!(s, "<url><loc>{u}</loc></url>");
        }
        s.push_str("</urlset>\n");
        s.into_bytes()
    };
    if urls.len() <= SITEMAP_URLS {
        return vec![("sitemap.xml".into(), urlset(&urls))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in urls.chunks(SITEMAP_URLS).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        let _ = writeln!(
            index,
            "<sitemap><loc>{}</loc></sitemap>",
            page_url(settings, &name)
        );
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".into(), index.into_bytes()));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let s = script_json(&json!({"q": "</script><script>alert(1)</script> & <!-- \u{2028}"}))
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
    fn a_large_site_gets_a_sitemap_index() {
        let settings = Settings::new("t", "https://example.org/docs");
        let pages: Vec<File> = (0..SITEMAP_URLS + 5)
            .map(|i| (format!("tools/s/t{i}/index.html"), Vec::new()))
            .collect();
        let files = sitemaps(&settings, &pages);
        let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]);
        let index = String::from_utf8(files[2].1.clone()).unwrap();
        assert!(index.contains("<loc>https://example.org/docs/sitemap-2.xml</loc>"));
        let second = String::from_utf8(files[1].1.clone()).unwrap();
        assert_eq!(second.matches("<url>").count(), 5);
        assert!(second.contains("<loc>https://example.org/docs/tools/s/t50004/</loc>"));
    }

    #[test]
    fn llms_lines_hold_no_link_syntax_from_definitions() {
        assert_eq!(plain("a](javascript:x)\n[b"), "a javascript:x b");
    }
}
