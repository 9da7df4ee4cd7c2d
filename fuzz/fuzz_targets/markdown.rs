//! Markdown rendering and sanitizing: every tag that comes out is one Markdown makes, no
//! attribute is an event handler, no link or source points at script or data, and no
//! invisible character is left.
#![no_main]
use libfuzzer_sys::fuzz_target;

/// Tags Markdown rendering may produce.
const ALLOWED: &[&str] = &[
    "p",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "sup",
    "div",
    "span",
    "input",
];

/// The attributes of a tag's text (without `<` and `>`): names lower-cased, values as
/// written between double quotes.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let rest = tag.trim_start_matches('/');
    let mut chars = rest
        .chars()
        .skip_while(char::is_ascii_alphanumeric)
        .peekable();
    let mut name = String::new();
    while let Some(c) = chars.next() {
        match c {
            '=' => {
                let mut value = String::new();
                if chars.peek() == Some(&'"') {
                    chars.next();
                    for v in chars.by_ref() {
                        if v == '"' {
                            break;
                        }
                        value.push(v);
                    }
                }
                out.push((std::mem::take(&mut name).to_ascii_lowercase(), value));
            }
            c if c.is_whitespace() || c == '/' => {
                if !name.is_empty() {
                    out.push((
                        std::mem::take(&mut name).to_ascii_lowercase(),
                        String::new(),
                    ));
                }
            }
            c => name.push(c),
        }
    }
    if !name.is_empty() {
        out.push((name.to_ascii_lowercase(), String::new()));
    }
    out
}

fuzz_target!(|text: &str| {
    let html = toolcat::markdown::to_html(text);
    // Text never holds a raw `<`, so every `<` starts a tag written by the renderer.
    for (at, _) in html.match_indices('<') {
        let tag = &html[at + 1..html[at..].find('>').map_or(html.len(), |e| at + e)];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(ALLOWED.contains(&name.as_str()), "tag <{name}> in {html}");
        for (attr, value) in attributes(tag) {
            assert!(
                !attr.starts_with("on"),
                "an event handler {attr} in <{tag}>"
            );
            if attr == "href" || attr == "src" {
                let v = value.trim_start().to_ascii_lowercase();
                for bad in ["javascript:", "data:", "vbscript:"] {
                    assert!(!v.starts_with(bad), "{attr}={value}");
                }
            }
        }
    }
    assert!(
        toolcat::untrusted::find_invisible(&html).is_none(),
        "invisible characters are shown"
    );
    let _ = toolcat::markdown::summary(text, 200);
});
