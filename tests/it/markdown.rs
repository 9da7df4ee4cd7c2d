//! Invisible and direction-changing characters are found wherever they hide.

use proptest::prelude::*;

proptest! {
    /// The byte-level scan for invisible characters agrees with a char-by-char one.
    #[test]
    fn invisible_scan_agrees_with_chars(
        pad in "[a-z \\né—]{0,150}",
        tail in "[a-z \\n\\t\\u{0}-\\u{1f}\\u{7f}-\\u{a0}\\u{ad}\\u{180e}\\u{2000}-\\u{2070}\\u{feff}\\u{e0000}-\\u{e0080}é€😀]{0,40}"
    ) {
        // Plain text before, so that hits fall in any 64-byte chunk or the remainder.
        let text = pad + &tail;
        prop_assert_eq!(
            toolcat::untrusted::find_invisible(&text),
            text.find(toolcat::untrusted::is_invisible)
        );
    }
}

proptest! {
    /// Escaping invisible characters in JSON keeps every value exactly.
    #[test]
    fn escaped_json_reads_back_the_same(
        s in "[a-z \\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\u{feff}\\u{e0000}-\\u{e0010}é\"\\\\]{0,30}"
    ) {
        let json = serde_json::to_string(&s).unwrap();
        let escaped = toolcat::untrusted::escape_invisible(&json);
        prop_assert!(toolcat::untrusted::find_invisible(&escaped).is_none());
        let back: String = serde_json::from_str(&escaped).unwrap();
        prop_assert_eq!(back, s);
    }
}

/// Found by fuzzing (`fuzz/fuzz_targets/markdown.rs`): link-looking text in a description
/// stays text.
#[test]
fn attribute_shaped_text_stays_text() {
    let html = toolcat::markdown::to_html(
        "WHEN TO UShref=\"javascript:alert(1)\" and <a href=\"javascript:alert(2)\">x</a>",
    );
    assert!(!html.contains("<a"), "{html}");
    assert!(html.contains("&lt;a href="), "{html}");
}
