//! Untrusted text to safe HTML. The one place that owns pulldown-cmark's options.
//!
//! Raw HTML in a description is turned into escaped text; links keep only `http`,
//! `https`, `mailto` and in-page `#` targets; images become links (no remote asset is
//! ever loaded by a page); invisible and direction-changing characters are shown as
//! visible `⟨U+XXXX⟩` markers.

use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Characters that hide text or reorder it on screen.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{180E}' | '\u{00AD}'
        | '\u{E0000}'..='\u{E007F}')
        || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
}

/// Byte offset of the first invisible or direction-changing character, if any.
pub fn find_invisible(text: &str) -> Option<usize> {
    // Only these bytes can start an invisible character: ASCII controls other than line
    // breaks and tabs, DEL, and the lead bytes of C1 controls and U+00AD (0xC2), U+180E
    // (0xE1), U+200B..U+2069 (0xE2), U+FEFF (0xEF) and the tag characters (0xF3). A lead
    // byte is always a char boundary. Chunks without any of them, nearly all text, are
    // passed over with one branch-free test the compiler vectorizes.
    const CHUNK: usize = 64;
    let bytes = text.as_bytes();
    let mut base = 0;
    for chunk in bytes.chunks(CHUNK) {
        let suspects = chunk
            .iter()
            .fold(0u8, |acc, &b| acc | u8::from(beyond_plain_text(b)));
        if suspects != 0 {
            for (j, &b) in chunk.iter().enumerate() {
                let i = base + j;
                let hit = may_start_invisible(b)
                    && (b < 0x80 || text[i..].chars().next().is_some_and(is_invisible));
                if hit {
                    return Some(i);
                }
            }
        }
        base += chunk.len();
    }
    None
}

/// Anything but printable ASCII, line breaks and tabs: a superset of the bytes that may
/// start an invisible character, cheap to test on every byte (loops of it vectorize).
#[inline]
pub fn beyond_plain_text(b: u8) -> bool {
    b.wrapping_sub(0x20) >= 0x5f && b != b'\n' && b != b'\t' && b != b'\r'
}

/// Whether a byte may start an invisible character (see [`find_invisible`]).
#[inline]
pub fn may_start_invisible(b: u8) -> bool {
    (b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r')
        || b == 0x7f
        || b == 0xc2
        || b == 0xe1
        || b == 0xe2
        || b == 0xef
        || b == 0xf3
}

/// JSON or YAML text with every invisible or direction-changing character inside its
/// strings written as a `\uXXXX` escape: the value is unchanged, but a reader of the file
/// sees the character instead of having it reorder or hide text (Trojan Source). Both
/// formats read `\u` escapes, and surrogate pairs for characters past U+FFFF.
pub fn escape_invisible(text: &str) -> std::borrow::Cow<'_, str> {
    if find_invisible(text).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_invisible(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The text with every invisible or direction-changing character made visible.
pub fn visible(text: &str) -> String {
    if find_invisible(text).is_none() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    out
}

/// Append `c`, or its `⟨U+XXXX⟩` marker when it is invisible.
pub fn push_visible(out: &mut String, c: char) {
    if is_invisible(c) {
        let _ = write!(out, "⟨U+{:04X}⟩", c as u32);
    } else {
        out.push(c);
    }
}

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
