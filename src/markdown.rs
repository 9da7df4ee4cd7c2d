//! Untrusted text to safe HTML. The one place that owns pulldown-cmark's options.
//!
//! Raw HTML in a description is turned into escaped text; links keep only `http`,
//! `https`, `mailto` and in-page `#` targets; images become links (no remote asset is
//! ever loaded by a page); invisible and direction-changing characters are shown as
//! visible `⟨U+XXXX⟩` markers.

use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// The Unicode version the tables below are taken from.
pub const UNICODE_VERSION: &str = "16.0.0";

/// `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt) and `Bidi_Control`
/// (PropList.txt) of Unicode [`UNICODE_VERSION`], merged into sorted, disjoint ranges:
/// characters a renderer draws as nothing, or that reorder the text around them. Every
/// `Bidi_Control` character (U+061C, U+200E..U+200F, U+202A..U+202E, U+2066..U+2069) is
/// also default-ignorable, so the union is this list.
pub const IGNORABLE_OR_BIDI: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// Characters that hide text or reorder it on screen: the [`IGNORABLE_OR_BIDI`] set and
/// control characters other than line breaks and tabs. (In running text one exception
/// applies, see [`invisible_at`].)
pub fn is_invisible(c: char) -> bool {
    let u = c as u32;
    if u < 0xAD {
        return c.is_control() && !matches!(c, '\n' | '\t' | '\r');
    }
    if c.is_control() {
        return true;
    }
    let i = IGNORABLE_OR_BIDI.partition_point(|&(_, hi)| hi < u);
    IGNORABLE_OR_BIDI.get(i).is_some_and(|&(lo, _)| lo <= u)
}

/// Whether the character starting at byte `i` of `text` hides or reorders text. It is
/// [`is_invisible`], except for the emoji presentation selectors U+FE0E and U+FE0F when
/// one of them alone follows a visible character beyond ASCII (`⚠️` is U+26A0 U+FE0F):
/// that is how emoji are written. Two selectors in a row, one after ASCII or at the
/// start, and every other variation selector are revealed (runs of them smuggle data).
pub fn invisible_at(text: &str, i: usize) -> bool {
    let Some(c) = text[i..].chars().next() else {
        return false;
    };
    if !is_invisible(c) {
        return false;
    }
    if !matches!(c, '\u{FE0E}' | '\u{FE0F}') {
        return true;
    }
    let before = text[..i].chars().next_back();
    let after = text[i + c.len_utf8()..].chars().next();
    let emoji = before.is_some_and(|b| !b.is_ascii() && !is_invisible(b) && !b.is_whitespace())
        && !after.is_some_and(variation_selector);
    !emoji
}

fn variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{180B}'..='\u{180D}' | '\u{180F}')
}

/// Byte offset of the first invisible or direction-changing character, if any.
pub fn find_invisible(text: &str) -> Option<usize> {
    // Only these bytes can start an invisible character: see [`may_start_invisible`]. A
    // lead byte is always a char boundary. Chunks without any byte beyond plain text,
    // nearly all text, are passed over with one branch-free test the compiler vectorizes.
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
                if may_start_invisible(b) && (b < 0x80 || invisible_at(text, i)) {
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

/// Whether a byte may start an invisible character (see [`find_invisible`]): ASCII
/// controls other than line breaks and tabs, DEL, and the UTF-8 lead bytes of the ranges
/// of [`IGNORABLE_OR_BIDI`] and of the C1 controls (a test checks the list against the
/// table).
#[inline]
pub fn may_start_invisible(b: u8) -> bool {
    (b < 0x20 && b != b'\n' && b != b'\t' && b != b'\r')
        || b == 0x7f
        || matches!(
            b,
            0xc2 | 0xcd | 0xd8 | 0xe1 | 0xe2 | 0xe3 | 0xef | 0xf0 | 0xf3
        )
}

/// JSON or YAML text with every invisible or direction-changing character inside its
/// strings written as a `\uXXXX` escape: the value is unchanged, but a reader of the file
/// sees the character instead of having it reorder or hide text (Trojan Source). Both
/// formats read `\u` escapes, and surrogate pairs for characters past U+FFFF.
pub fn escape_invisible(text: &str) -> std::borrow::Cow<'_, str> {
    escape_invisible_as(text, false)
}

/// [`escape_invisible`] for YAML double-quoted strings, which take no surrogate pairs:
/// a character past U+FFFF is written `\UXXXXXXXX`.
pub fn escape_invisible_yaml(text: &str) -> std::borrow::Cow<'_, str> {
    escape_invisible_as(text, true)
}

fn escape_invisible_as(text: &str, yaml: bool) -> std::borrow::Cow<'_, str> {
    if find_invisible(text).is_none() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        if matches!(c, '\n' | '\t' | '\r') || !invisible_at(text, i) {
            out.push(c);
        } else if yaml && u32::from(c) > 0xFFFF {
            let _ = write!(out, "\\U{:08X}", u32::from(c));
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
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
    for (i, c) in text.char_indices() {
        push_visible(&mut out, text, i, c);
    }
    out
}

/// Append `c`, the character at byte `i` of `text`, or its `⟨U+XXXX⟩` marker when it is
/// invisible there.
pub fn push_visible(out: &mut String, text: &str, i: usize, c: char) {
    if invisible_at(text, i) {
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

    /// Every code point of `Default_Ignorable_Code_Point` and `Bidi_Control`, alone and
    /// between letters, is revealed in pages, in terminal text and policy comments, and
    /// escaped in JSON and YAML; and [`may_start_invisible`] admits the lead byte of each.
    #[test]
    fn every_ignorable_and_bidi_control_character_is_revealed() {
        let points = IGNORABLE_OR_BIDI
            .iter()
            .flat_map(|&(lo, hi)| lo..=hi)
            .chain([0x0, 0x7, 0x1B, 0x7F, 0x85, 0x9F])
            .filter_map(char::from_u32);
        let mut n = 0;
        for c in points {
            n += 1;
            let marker = format!("⟨U+{:04X}⟩", c as u32);
            let mut lead = [0u8; 4];
            c.encode_utf8(&mut lead);
            assert!(
                may_start_invisible(lead[0]),
                "{marker}: lead byte {:#x}",
                lead[0]
            );
            assert!(is_invisible(c), "{marker}");
            for text in [format!("{c}"), format!("a{c}b"), format!("é{c}{c}")] {
                assert!(find_invisible(&text).is_some(), "{marker} in {text:?}");
                assert!(visible(&text).contains(&marker), "{marker} in {text:?}");
                assert!(to_html(&text).contains(&marker), "{marker} in {text:?}");
                let comment = crate::policy::one_line(&text, 100);
                assert!(
                    comment.contains(&marker),
                    "policy comment: {marker} in {text:?}"
                );
                assert!(!escape_invisible(&text).contains(c), "{marker} in {text:?}");
                let yaml = escape_invisible_yaml(&text);
                assert!(
                    !yaml.contains(c) && !yaml.contains("\\ud"),
                    "{marker}: {yaml}"
                );
            }
        }
        assert_eq!(n, 4_174 + 6, "the table's code points and six controls");
        // Between the table's ranges, nothing is taken for invisible.
        for c in [
            '\u{AC}', '\u{AE}', '\u{34E}', '\u{350}', '\u{2070}', '\u{FE10}', 'é', '😀',
        ] {
            assert!(!is_invisible(c), "{c:?}");
        }
    }

    /// An emoji's presentation selector is part of the emoji; runs of selectors, or one
    /// after ASCII, are how data is smuggled, and are shown.
    #[test]
    fn emoji_selectors_pass_and_smuggled_runs_do_not() {
        assert_eq!(visible("⚠\u{FE0F} careful"), "⚠\u{FE0F} careful");
        assert_eq!(find_invisible("⚠\u{FE0F}"), None);
        assert_eq!(visible("😀\u{FE0F}\u{FE01}"), "😀⟨U+FE0F⟩⟨U+FE01⟩");
        assert_eq!(visible("a\u{FE0F}"), "a⟨U+FE0F⟩");
        assert_eq!(visible("\u{FE0F}"), "⟨U+FE0F⟩");
        assert_eq!(visible("😀\u{E0100}"), "😀⟨U+E0100⟩");
        assert_eq!(escape_invisible_yaml("\"x\u{E0041}\""), "\"x\\U000E0041\"");
        assert_eq!(escape_invisible("\"x\u{E0041}\""), "\"x\\udb40\\udc41\"");
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
