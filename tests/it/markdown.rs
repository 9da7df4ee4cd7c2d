//! Invisible and direction-changing characters are found wherever they hide.

use proptest::prelude::*;

proptest! {
    /// The byte-level scan for invisible characters agrees with a char-by-char one.
    #[test]
    fn invisible_scan_agrees_with_chars(
        text in "[a-z \\n\\t\\u{0}-\\u{1f}\\u{7f}-\\u{a0}\\u{ad}\\u{180e}\\u{2000}-\\u{2070}\\u{feff}\\u{e0000}-\\u{e0080}é€😀]{0,40}"
    ) {
        prop_assert_eq!(
            toolcat::markdown::find_invisible(&text),
            text.find(toolcat::markdown::is_invisible)
        );
    }
}
