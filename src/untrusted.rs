//! Text from a tool definition, which anyone may have written, made safe for each place
//! it goes: invisible and direction-changing characters revealed (pages, terminals,
//! comments) or escaped (JSON, YAML), HTML special characters escaped, and single lines
//! for comments and tables. Every writer of such text goes through this module.

use std::fmt::Write as _;

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

/// Text on one line, without control or invisible characters, at most `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    // One pass that stops after `max` characters, so a huge description costs no more than
    // a short one: whitespace runs become one space (none at the ends), and invisible
    // characters are shown as `⟨U+XXXX⟩` (not taken for whitespace).
    let mut out = String::new();
    let (mut count, mut space, mut cut) = (0, false, false);
    let mut piece = String::new();
    'text: for (i, c) in text.char_indices() {
        if c.is_whitespace() && !crate::untrusted::is_invisible(c) {
            space = count > 0;
            continue;
        }
        piece.clear();
        crate::untrusted::push_visible(&mut piece, text, i, c);
        for p in space.then_some(' ').into_iter().chain(piece.chars()) {
            if count == max {
                cut = true;
                break 'text;
            }
            out.push(p);
            count += 1;
        }
        space = false;
    }
    if cut {
        out.push('…');
    }
    out
}

/// A string as a YAML double-quoted literal: JSON's escapes, which YAML reads, with an
/// invisible character past U+FFFF written `\UXXXXXXXX` (YAML takes no surrogate pairs).
pub fn quoted_yaml(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    crate::untrusted::escape_invisible_yaml(&json).into_owned()
}

/// A string as a TOML basic string: JSON's escapes, which TOML reads alike, with DEL
/// escaped too and a character past U+FFFF as `\UXXXXXXXX` (TOML takes no surrogate pairs).
pub fn quoted_toml(s: &str) -> String {
    quoted_yaml(s).replace('\u{7f}', "\\u007F")
}

/// `s` in double quotes, `\\`, `"`, line feed, carriage return and tab escaped with a
/// backslash, and every other control, invisible or direction-changing character written
/// by `code` (the escape of the target language, such as `\u{200b}`).
pub fn c_quoted(s: &str, code: impl Fn(&mut String, char)) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for (i, c) in s.char_indices() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || invisible_at(s, i) => code(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string as a JSON literal, invisible characters escaped.
pub fn quoted_json(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    crate::untrusted::escape_invisible(&json).into_owned()
}

/// Tera's autoescape: `&`, `<`, `>`, `"` and `'` become entities, which is all that HTML
/// text and quoted attribute values need. Runs of plain bytes are copied whole, and `/` is
/// left as it is, so paths stay readable (tera's own escaper also rewrites `/`).
pub fn escape_html(input: &str) -> String {
    // Chunks without any of the five characters, most of them, are tested with one
    // branch-free pass the compiler vectorizes, and copied whole.
    const CHUNK: usize = 32;
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    let mut plain = 0;
    for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
        if !chunk.iter().fold(false, |acc, &b| acc | special(b)) {
            continue;
        }
        for (j, &b) in chunk.iter().enumerate() {
            let entity = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#x27;",
                _ => continue,
            };
            let i = n * CHUNK + j;
            // The five are ASCII, so `i` and `i + 1` are char boundaries.
            out.push_str(&input[plain..i]);
            out.push_str(entity);
            plain = i + 1;
        }
    }
    out.push_str(&input[plain..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::to_html;

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
                let comment = crate::untrusted::one_line(&text, 100);
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

    /// [`one_line`] as a plain composition: make invisible characters visible, collapse
    /// whitespace, take `max` characters, and mark a cut.
    fn one_line_plainly(text: &str, max: usize) -> String {
        let collapsed = crate::untrusted::visible(text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut out: String = collapsed.chars().take(max).collect();
        if collapsed.chars().count() > max {
            out.push('…');
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn one_line_is_the_plain_composition(
            text in "[a-c \t\n\u{85}\u{a0}\u{200b}\u{202e}\u{7}é]{0,30}",
            max in 0usize..12,
        ) {
            proptest::prop_assert_eq!(one_line(&text, max), one_line_plainly(&text, max));
        }
    }

    #[test]
    fn one_line_marks_a_cut_only_when_text_was_left_out() {
        assert_eq!(one_line("  ab   cd  ", 5), "ab cd");
        assert_eq!(one_line("ab cd ef", 5), "ab cd…");
        assert_eq!(one_line("abc de", 4), "abc …");
        assert_eq!(one_line("a\u{202e}b", 20), "a⟨U+202E⟩b");
        // A huge text is read only as far as the cut.
        let huge = "word ".repeat(2_000_000);
        assert_eq!(one_line(&huge, 9), "word word…");
    }

    #[test]
    fn escaping_replaces_the_five_markup_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"<a href="x" title='y'>&amp;</a> ../é/"#),
            "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;amp;&lt;/a&gt; ../é/"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html("&"), "&amp;");
        // Across chunk boundaries, with multi-byte characters around the entities.
        let long = format!("{}é\"{}<", "x".repeat(31), "ü".repeat(40));
        assert_eq!(
            escape_html(&long),
            format!("{}é&quot;{}&lt;", "x".repeat(31), "ü".repeat(40))
        );
    }
}
