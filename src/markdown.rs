//! Untrusted text to safe HTML. The one place that owns pulldown-cmark's options.
//!
//! Raw HTML in a description is turned into escaped text; links keep only `http`,
//! `https`, `mailto` and in-page `#` targets; images become links (no remote asset is
//! ever loaded by a page); invisible and direction-changing characters are shown as
//! visible `⟨U+XXXX⟩` markers.

use crate::untrusted::{find_invisible, visible};

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

fn parser(text: &str) -> Parser<'_> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    Parser::new_ext(text, options)
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('#') && !lower.contains(':'))
}

/// Render untrusted Markdown to HTML that cannot run script or load remote assets.
pub fn to_html(text: &str) -> String {
    let text = visible(text);
    // Ends of links dropped for unsafe targets must be dropped too: a stack of "kept?".
    let mut kept: Vec<bool> = Vec::new();
    let events = parser(&text).filter_map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let ok = safe_url(&dest_url);
            kept.push(ok);
            ok.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let ok = safe_url(&dest_url) && !dest_url.starts_with('#');
            kept.push(ok);
            ok.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => kept
            .pop()
            .unwrap_or(false)
            .then_some(Event::End(TagEnd::Link)),
        Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => None,
        Event::Start(Tag::FootnoteDefinition(_)) => Some(Event::Text(CowStr::Borrowed(""))),
        other => Some(other),
    });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    // Links a tool's author wrote: no endorsement, no referrer window. Every `<` of the
    // input is text by now (escaped), so only the renderer's own links start this way.
    if html.contains("<a href=") {
        html = html.replace("<a href=", r#"<a rel="nofollow ugc noopener" href="#);
    }
    // Markdown decodes character references (`&#x202E;`, `&ZeroWidthSpace;`, `&it;`) in
    // text, titles and code-block languages: what they decode to is made visible too.
    if find_invisible(&html).is_some() {
        html = visible(&html);
    }
    html
}

/// The first sentence of a description as plain text, for summaries.
pub fn summary(text: &str, max_chars: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    let sentence = match line.find(". ") {
        Some(i) => &line[..=i],
        None => line,
    };
    // More than `max_chars` characters fit in this many bytes, so a longer sentence (a
    // 100 MB one-line description) is made visible only as far as the cut needs.
    let mut end = sentence
        .len()
        .min(max_chars.saturating_add(2).saturating_mul(4));
    while !sentence.is_char_boundary(end) {
        end -= 1;
    }
    let shown = visible(&sentence[..end]);
    let mut out: String = shown.chars().take(max_chars).collect();
    if shown.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_mark_a_cut_only_when_text_was_left_out() {
        // Exactly as long as allowed: nothing is left out.
        assert_eq!(summary("Lists files. More here.", 12), "Lists files.");
        assert_eq!(summary("Lists files. More here.", 11), "Lists files…");
        assert_eq!(summary("Lists files. More here.", 5), "Lists…");
        assert_eq!(summary("# Title\n\nLists \u{202e}files", 9), "Lists ⟨U+…");
        assert_eq!(summary("é".repeat(50).as_str(), 3), "ééé…");
        let huge = "word ".repeat(2_000_000);
        assert_eq!(summary(&huge, 9), "word word…");
    }

    #[test]
    fn raw_html_is_text() {
        let h = to_html("hi <script>alert(1)</script> <img src=x onerror=alert(1)>");
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("<img"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    #[test]
    fn unsafe_links_lose_their_target() {
        let h = to_html("[a](javascript:alert(1)) [b](data:text/html,x) [c](https://e.com) ![i](http://t/x.png)");
        assert!(!h.contains("javascript:") && !h.contains("data:"), "{h}");
        assert!(
            h.contains(r#"<a rel="nofollow ugc noopener" href="https://e.com">c</a>"#),
            "{h}"
        );
        assert!(!h.contains("<img"), "{h}");
    }

    #[test]
    fn bidi_is_shown() {
        assert_eq!(visible("a\u{202E}b"), "a⟨U+202E⟩b");
        assert!(to_html("x\u{200B}y").contains("⟨U+200B⟩"));
    }

    /// Character references decode after the source text was made visible: in text, link
    /// and image text, titles and code-block languages (found by the `markdown` fuzz target
    /// from `&it;`, U+2062).

    #[test]
    fn characters_from_references_are_shown() {
        for (text, marker) in [
            ("a&#x202E;b", "⟨U+202E⟩"),
            ("&it;x", "⟨U+2062⟩"),
            ("&ZeroWidthSpace;", "⟨U+200B⟩"),
            ("[x](http://a.example/ \"t&#8203;\")", "⟨U+200B⟩"),
            ("![i&shy;](http://a.example/x.png)", "⟨U+00AD⟩"),
            ("```&#x202E;\ncode\n```", "⟨U+202E⟩"),
            ("# h&#8206;", "⟨U+200E⟩"),
        ] {
            let html = to_html(text);
            assert_eq!(find_invisible(&html), None, "{text:?} -> {html:?}");
            assert!(html.contains(marker), "{text:?} -> {html:?}");
        }
        // What was already visible stays as it was.
        assert_eq!(to_html("a &amp; b"), "<p>a &amp; b</p>\n");
    }
}
