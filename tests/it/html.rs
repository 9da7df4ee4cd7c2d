//! A strict reader of the HTML toolcat writes: tags, attributes, nesting. toolcat escapes
//! every `<` of text, so a stray one is an error here, not text.

use std::collections::BTreeSet;

/// A start or end tag.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub end: bool,
    /// Written `<x ... />`.
    pub self_closing: bool,
    /// Byte offset of the `<`.
    pub at: usize,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

const VOID: &[&str] = &["meta", "link", "input", "br", "img", "hr", "source", "wbr"];
/// Elements whose content is raw text up to their end tag.
const RAW: &[&str] = &["script", "style"];

/// Every tag of `html`, in order; an error says where the markup is broken.
pub fn tags(html: &str) -> Result<Vec<Tag>, String> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").ok_or(format!("unclosed comment at {i}"))?;
            i += end + 3;
            continue;
        }
        if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype") {
            i += rest.find('>').ok_or("unclosed doctype")? + 1;
            continue;
        }
        let end = rest.starts_with("</");
        let mut j = i + if end { 2 } else { 1 };
        let name_start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == name_start {
            return Err(format!(
                "a raw '<' in text at byte {i}: {}",
                snippet(html, i)
            ));
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut self_closing = false;
        loop {
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= b.len() {
                return Err(format!("unclosed tag <{name} at {i}"));
            }
            if b[j] == b'>' {
                j += 1;
                break;
            }
            if html[j..].starts_with("/>") {
                j += 2;
                self_closing = true;
                break;
            }
            let a = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !b"=>/\"'<".contains(&b[j]) {
                j += 1;
            }
            if j == a {
                return Err(format!(
                    "bad attribute in <{name} at {i}: {}",
                    snippet(html, j)
                ));
            }
            let attr = html[a..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                let q = b[j];
                if q != b'"' && q != b'\'' {
                    return Err(format!("unquoted value of {attr} in <{name} at {i}"));
                }
                let close = html[j + 1..]
                    .find(q as char)
                    .ok_or(format!("unclosed value of {attr} in <{name} at {i}"))?;
                let raw_value = &html[j + 1..j + 1 + close];
                if raw_value.contains('<') || raw_value.contains('>') {
                    return Err(format!(
                        "a raw < or > in {attr} of <{name} at {i}: {raw_value}"
                    ));
                }
                value = decode(raw_value);
                j += close + 2;
            }
            attrs.push((attr, value));
        }
        let raw = !end && RAW.contains(&name.as_str());
        out.push(Tag {
            name: name.clone(),
            attrs,
            end,
            self_closing,
            at: i,
        });
        i = j;
        if raw {
            let close = format!("</{name}");
            let stop = html[i..]
                .find(&close)
                .ok_or(format!("unclosed <{name}> at {i}"))?;
            i += stop;
        }
    }
    Ok(out)
}

/// Decode the character references toolcat's escaping writes.
fn decode(v: &str) -> String {
    v.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

fn snippet(html: &str, at: usize) -> String {
    html[at..].chars().take(60).collect()
}

/// Check nesting: every element closed in order, void elements never closed, one
/// `<html>`, `<head>`, `<main>` and `<h1>`, one `<title>` in the head, and no markup
/// inside it.
pub fn check(html: &str) -> Result<Vec<Tag>, String> {
    if !html.starts_with("<!DOCTYPE html>") {
        return Err("no doctype".into());
    }
    let tags = tags(html)?;
    let mut stack: Vec<&Tag> = Vec::new();
    for t in &tags {
        if VOID.contains(&t.name.as_str()) {
            if t.end {
                return Err(format!("</{}> closes a void element", t.name));
            }
            continue;
        }
        if t.end {
            match stack.pop() {
                Some(open) if open.name == t.name => {}
                Some(open) => {
                    return Err(format!(
                        "</{}> at {} closes <{}> opened at {}",
                        t.name, t.at, open.name, open.at
                    ))
                }
                None => return Err(format!("</{}> at {} closes nothing", t.name, t.at)),
            }
        } else if !t.self_closing {
            stack.push(t);
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("<{}> at {} is never closed", open.name, open.at));
    }
    let head_end = tags
        .iter()
        .position(|t| t.name == "head" && t.end)
        .ok_or("no </head>")?;
    let head_titles = tags[..head_end]
        .iter()
        .filter(|t| t.name == "title" && !t.end)
        .count();
    if head_titles != 1 {
        return Err(format!("{head_titles} <title> elements in <head>"));
    }
    for (name, want) in [("html", 1), ("head", 1), ("main", 1), ("h1", 1)] {
        let n = tags.iter().filter(|t| t.name == name && !t.end).count();
        if n != want {
            return Err(format!("{n} <{name}> elements"));
        }
    }
    let title_at = tags
        .iter()
        .position(|t| t.name == "title" && !t.end)
        .unwrap_or(0);
    if tags
        .get(title_at + 1)
        .is_none_or(|t| t.name != "title" || !t.end)
    {
        return Err("markup inside <title>".into());
    }
    Ok(tags)
}

/// Links of a page that must resolve to files of the site: `href`, `src` and `action`,
/// without external URLs or in-page anchors.
pub fn local_links(tags: &[Tag]) -> Vec<String> {
    tags.iter()
        .filter(|t| !t.end)
        .flat_map(|t| {
            ["href", "src", "action"]
                .into_iter()
                .filter_map(|a| t.attr(a))
        })
        .filter(|u| {
            !(u.starts_with("http://")
                || u.starts_with("https://")
                || u.starts_with("mailto:")
                || u.starts_with('#'))
        })
        .map(|u| u.split(['#', '?']).next().unwrap_or("").to_string())
        .collect()
}

/// Resolve `link` from the page at `page` (both relative to the site's root).
pub fn resolve(page: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The set of paths of a site's files.
pub fn paths(files: &[(String, Vec<u8>)]) -> BTreeSet<&str> {
    files.iter().map(|f| f.0.as_str()).collect()
}
