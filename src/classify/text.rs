//! Tokenizing names and descriptions. Matching is always on whole words.

use super::lexicon::{self, Strength};
use crate::model::Category;
use std::borrow::Cow;

/// Split a tool name into lower-case word tokens (borrowed from the name where it is
/// already lower case).
///
/// Separators are anything not alphanumeric (`_`, `-`, `.`, `/`, `:`, spaces); camelCase
/// and `HTTPRequest`-style boundaries split too; digits form their own tokens.
pub fn name_tokens(name: &str) -> Vec<Cow<'_, str>> {
    let mut tokens = Vec::with_capacity(8);
    // The token being read starts at `start`; `prev` is its last character.
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut chars = name.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !c.is_alphanumeric() {
            if prev.take().is_some() {
                tokens.push(lower_token(&name[start..i]));
            }
            continue;
        }
        let Some(p) = prev.replace(c) else {
            start = i;
            continue;
        };
        let boundary = (p.is_lowercase() && c.is_uppercase())
            || (p.is_uppercase()
                && c.is_uppercase()
                && chars.peek().is_some_and(|&(_, n)| n.is_lowercase()))
            || p.is_ascii_digit() != c.is_ascii_digit();
        if boundary {
            tokens.push(lower_token(&name[start..i]));
            start = i;
        }
    }
    if prev.is_some() {
        tokens.push(lower_token(&name[start..]));
    }
    tokens
}

/// A token of a name in lower case, each character on its own (a token is no sentence:
/// a final sigma stays `σ`).
fn lower_token(token: &str) -> Cow<'_, str> {
    if token.is_ascii() {
        lower(token)
    } else {
        Cow::Owned(token.chars().flat_map(char::to_lowercase).collect())
    }
}

/// A word of a text with its byte range in that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

/// The words (runs of letters, digits, `_` and `'`) of a text.
pub fn words(text: &str) -> Vec<Word<'_>> {
    word_iter(text).collect()
}

/// The words of a text, one at a time.
pub fn word_iter(text: &str) -> impl Iterator<Item = Word<'_>> {
    let bytes = text.as_bytes();
    let mut at = 0;
    // Whether the character at byte `i` is part of a word, and its length.
    let class = move |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b.is_ascii() {
            (b.is_ascii_alphanumeric() || b == b'_' || b == b'\'', 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric() || c == '’', c.len_utf8())
        }
    };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (in_word, len) = class(at);
            if in_word {
                break;
            }
            at += len;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() {
            let (in_word, len) = class(at);
            if !in_word {
                break;
            }
            at += len;
        }
        Some(Word {
            text: &text[start..at],
            start,
            end: at,
        })
    })
}

/// `text` in lower case, borrowed when it already is.
pub fn lower(text: &str) -> Cow<'_, str> {
    // One pass over the bytes (the usual key is short), with no branch but the loop's: is
    // it ASCII, has it capitals?
    let (any, upper) = text.bytes().fold((0u8, 0u8), |(any, upper), b| {
        (any | b, upper | u8::from(b.is_ascii_uppercase()))
    });
    if any >= 0x80 {
        Cow::Owned(text.to_lowercase())
    } else if upper != 0 {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// Call `f` with the word in lower case; short ASCII words are lowered on the stack.
pub fn with_lower<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    const N: usize = 32;
    if !word
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        return f(word);
    }
    if word.len() <= N && word.is_ascii() {
        let mut buf = [0u8; N];
        let b = &mut buf[..word.len()];
        // Copied and lowered in one loop: no call to `memcpy` for a few bytes.
        for (to, from) in b.iter_mut().zip(word.bytes()) {
            *to = from.to_ascii_lowercase();
        }
        if let Ok(s) = std::str::from_utf8(b) {
            return f(s);
        }
    }
    f(&word.to_lowercase())
}

/// Call `f` with the base form of an English verb as it appears in descriptions
/// ("Deletes" -> "delete").
pub fn with_verb_base<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    with_lower(word, |w| f(&base_form(w)))
}

/// [`with_verb_base`], returning the base form.
pub fn verb_base(word: &str) -> String {
    with_verb_base(word, str::to_string)
}

/// The base form of a lower-case word.
pub(crate) fn base_form(w: &str) -> Cow<'_, str> {
    let w = w.trim_matches(|c| c == '\'' || c == '’');
    if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() >= 2) {
        return Cow::Owned(format!("{stem}y"));
    }
    let keep = if ["sses", "shes", "ches", "xes", "zes"]
        .iter()
        .any(|s| w.ends_with(s))
    {
        w.len() - 2
    } else if w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        w.len() - 1
    } else {
        w.len()
    };
    Cow::Borrowed(&w[..keep])
}

/// The lexicon entry of the verb behind a gerund or action noun ("deleting" -> delete,
/// "running" -> run, "removal" -> remove): `None` when the word is not one, or no form of
/// its stem is a verb the lexicon knows. Nothing is allocated for the usual short word.
pub fn gerund_verb(word: &str) -> Option<Option<(Category, Strength)>> {
    let b = word.as_bytes();
    let tail = |s: &[u8]| b.len() >= s.len() && b[b.len() - s.len()..].eq_ignore_ascii_case(s);
    if !(tail(b"ing") || tail(b"al") || tail(b"ion")) {
        return None;
    }
    with_lower(word, |w| {
        let noun = match w {
            "removal" => Some("remove"),
            "deletion" => Some("delete"),
            "installation" => Some("install"),
            "execution" => Some("execute"),
            "creation" => Some("create"),
            "termination" => Some("terminate"),
            "destruction" => Some("destroy"),
            _ => None,
        };
        if let Some(n) = noun {
            return Some(lexicon::verb(n));
        }
        let stem = w.strip_suffix("ing")?;
        if stem.len() < 2 {
            return None;
        }
        // The stem, the stem with `e` ("deleting"), the stem with its doubled consonant
        // undone ("running"), in that order.
        let s = stem.as_bytes();
        // Characters, not bytes: two equal bytes may end one character (U+0861 is E0 A1 A1).
        let mut back = stem.chars().rev();
        let undoubled = match (back.next(), back.next()) {
            (Some(last), Some(before)) if last == before && s.len() >= 3 => {
                Some(&stem[..stem.len() - last.len_utf8()])
            }
            _ => None,
        };
        let with_e = || {
            // No verb is longer than 16 bytes, so a longer stem needs no lookup.
            let mut buf = [0u8; 17];
            let n = s.len() + 1;
            if n > buf.len() {
                return None;
            }
            buf[..s.len()].copy_from_slice(s);
            buf[s.len()] = b'e';
            std::str::from_utf8(&buf[..n]).ok().and_then(lexicon::verb)
        };
        lexicon::verb(stem)
            .or_else(with_e)
            .or_else(|| undoubled.and_then(lexicon::verb))
            .map(Some)
    })
}

/// The first sentence of a description (up to a period followed by space or newline).
pub fn first_sentence(text: &str) -> &str {
    let text = text.trim_start();
    let mut end = text.len().min(400);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    // Only ASCII bytes can end a sentence, and an ASCII byte is a whole character.
    let stop = memchr::memchr3_iter(b'.', b';', b'\n', head.as_bytes())
        .map(|i| (i, char::from(head.as_bytes()[i])))
        .find(|&(i, c)| {
            let rest = &head[i + 1..];
            let ends = match c {
                '.' | ';' => rest.chars().next().is_none_or(char::is_whitespace),
                // A line break ends a sentence only before a blank line, a list or a heading.
                '\n' => rest
                    .trim_start_matches([' ', '\t'])
                    .chars()
                    .next()
                    .is_none_or(|n| matches!(n, '\n' | '-' | '*' | '#' | '|' | '\r')),
                _ => false,
            };
            ends && !head[..i].ends_with("e.g") && !head[..i].ends_with("i.e")
        })
        .map_or(head.len(), |(i, _)| i);
    &head[..stop]
}

/// Up to `max` characters of `text` around the byte range, on char boundaries, one line.
pub fn quote(text: &str, start: usize, end: usize, max: usize) -> String {
    let mut s = start.saturating_sub(max / 2);
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    // The windows are short: byte loops find line breaks sooner than calls to `memchr`.
    if let Some(nl) = text.as_bytes()[s..start].iter().rposition(|&b| b == b'\n') {
        s += nl + 1;
    }
    let mut e = (end + max / 2).min(text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    if let Some(nl) = text.as_bytes()[end..e].iter().position(|&b| b == b'\n') {
        e = end + nl;
    }
    let mut out = String::with_capacity(e - s + 8);
    if s > 0 {
        out.push('…');
    }
    push_words(&mut out, &text[s..e]);
    if e < text.len() {
        out.push('…');
    }
    out
}

/// Append the words of `part` to `out`, one space between them: white space collapsed.
fn push_words(out: &mut String, part: &str) {
    // Most quotes are ASCII words and single spaces already: copied whole. (Both tests are
    // branch-free over the bytes, which the compiler vectorizes. The ASCII characters that
    // are white space: tab, line feed, vertical tab, form feed, carriage return, space.)
    let b = part.as_bytes();
    let breaks = b
        .iter()
        .fold(0u8, |a, &c| a | u8::from(c.wrapping_sub(b'\t') < 5));
    let doubled = b
        .iter()
        .zip(b.get(1..).unwrap_or_default())
        .fold(0u8, |a, (&x, &y)| {
            a | (u8::from(x == b' ') & u8::from(y == b' '))
        });
    let collapsed = breaks | doubled == 0 && b.first() != Some(&b' ') && b.last() != Some(&b' ');
    if collapsed && part.is_ascii() {
        out.push_str(part);
        return;
    }
    for (i, w) in part.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
}

/// Where `needle` (ASCII) first occurs in `hay`, ignoring ASCII case.
pub fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// Whether `needle` (ASCII) occurs in `hay`, ignoring ASCII case.
pub fn contains_ci(hay: &str, needle: &str) -> bool {
    find_ci(hay, needle).is_some()
}

/// Whether `word` (lower-case ASCII) occurs in `hay` as a whole word, ignoring ASCII case.
pub fn contains_word(hay: &str, word: &str) -> bool {
    let (h, w) = (hay.as_bytes(), word.as_bytes());
    if w.is_empty() || w.len() > h.len() {
        return false;
    }
    let first = w[0];
    let starts = &h[..=h.len() - w.len()];
    let mut candidates = memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        starts,
    );
    // An ASCII match starts and ends on char boundaries.
    candidates
        .any(|i| h[i..i + w.len()].eq_ignore_ascii_case(w) && stands_alone(hay, i, i + w.len()))
}

/// Whether `hay[start..end]` stands as a whole word: no letter or digit just before or after.
pub fn stands_alone(hay: &str, start: usize, end: usize) -> bool {
    hay[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
        && hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`name_tokens`] character by character, into new strings: what it must agree with.
    fn name_tokens_chars(name: &str) -> Vec<String> {
        let chars: Vec<char> = name.chars().collect();
        let mut tokens = Vec::new();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            if !c.is_alphanumeric() {
                flush(&mut current, &mut tokens);
                continue;
            }
            if let Some(&prev) = i.checked_sub(1).and_then(|j| chars.get(j)) {
                let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
                let boundary = (prev.is_lowercase() && c.is_uppercase())
                    || (prev.is_uppercase() && c.is_uppercase() && next_lower)
                    || (prev.is_ascii_digit() != c.is_ascii_digit() && prev.is_alphanumeric());
                if boundary {
                    flush(&mut current, &mut tokens);
                }
            }
            current.extend(c.to_lowercase());
        }
        flush(&mut current, &mut tokens);
        tokens
    }

    fn flush(current: &mut String, tokens: &mut Vec<String>) {
        if !current.is_empty() {
            tokens.push(std::mem::take(current));
        }
    }

    #[test]
    fn words_are_whole_and_case_blind() {
        assert!(contains_word("Opens the Browser.", "browser"));
        assert!(!contains_word("browsers", "browser"));
        assert!(!contains_word("ébrowser", "browser"));
        assert!(contains_word("é browser", "browser"));
        assert!(!contains_word("", "x"));
    }

    /// Every position compared: what [`contains_word`] finds with `memchr`.
    fn contains_word_naive(hay: &str, word: &str) -> bool {
        let (h, w) = (hay.as_bytes(), word.as_bytes());
        !w.is_empty()
            && w.len() <= h.len()
            && (0..=h.len() - w.len()).any(|i| {
                h[i..i + w.len()].eq_ignore_ascii_case(w) && stands_alone(hay, i, i + w.len())
            })
    }

    proptest::proptest! {
        #[test]
        fn whole_words_are_found_where_a_plain_search_finds_them(
            hay in "(sql|SQL|Sq|s|l|é|ésql| |_|1){0,12}", word in "(sql|s|1sq|_)"
        ) {
            proptest::prop_assert_eq!(contains_word(&hay, &word), contains_word_naive(&hay, &word));
        }
    }

    #[test]
    fn tokens_split_every_convention() {
        assert_eq!(
            name_tokens("github.create_issue"),
            ["github", "create", "issue"]
        );
        assert_eq!(
            name_tokens("slack__post_message"),
            ["slack", "post", "message"]
        );
        assert_eq!(name_tokens("getHTTPResponse"), ["get", "http", "response"]);
        assert_eq!(name_tokens("search-actors"), ["search", "actors"]);
        assert_eq!(
            name_tokens("s3Bucket2List"),
            ["s", "3", "bucket", "2", "list"]
        );
    }

    proptest::proptest! {
        #[test]
        fn any_word_ending_like_a_gerund_is_looked_up_without_panicking(
            stem in "\\PC{0,5}", tail in "(ing|ING|al|ion)"
        ) {
            let _ = gerund_verb(&format!("{stem}{tail}"));
        }

        #[test]
        fn ascii_words_collapse_like_split_whitespace(text in "[a-z \t\n\r\x0B\x0C\x1C-\x1F.]{0,80}") {
            let mut out = String::new();
            push_words(&mut out, &text);
            let slow: Vec<&str> = text.split_whitespace().collect();
            proptest::prop_assert_eq!(out, slow.join(" "));
        }

        #[test]
        fn tokens_match_a_character_by_character_split(name in "[a-zA-Z0-9_./: -]{0,24}") {
            proptest::prop_assert_eq!(name_tokens(&name), name_tokens_chars(&name));
        }

        #[test]
        fn words_are_runs_of_word_characters(text in "[a-zA-Z0-9_' .,\\-é’—\u{200b}\n]{0,40}") {
            // Character by character: ASCII letters, digits, `_` and `'`; any other
            // alphanumeric character, and `’`.
            let is_word = |c: char| {
                if c.is_ascii() {
                    c.is_ascii_alphanumeric() || c == '_' || c == '\''
                } else {
                    c.is_alphanumeric() || c == '’'
                }
            };
            let mut expected = Vec::new();
            let mut start = None;
            for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
                match (is_word(c) && i < text.len(), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        expected.push((s, i));
                        start = None;
                    }
                    _ => {}
                }
            }
            let found: Vec<(usize, usize)> = word_iter(&text).map(|w| (w.start, w.end)).collect();
            proptest::prop_assert_eq!(found, expected);
        }

        #[test]
        fn unicode_tokens_match_a_character_by_character_split(
            name in "[a-zA-Z0-9_ éÉßİΣσ٣中-]{0,24}"
        ) {
            proptest::prop_assert_eq!(name_tokens(&name), name_tokens_chars(&name));
        }
    }

    #[test]
    fn words_split_on_anything_but_letters_digits_and_apostrophes() {
        let t = "Don’t delete_it, café 42x! l'été";
        let ws: Vec<&str> = words(t).iter().map(|w| w.text).collect();
        assert_eq!(ws, ["Don’t", "delete_it", "café", "42x", "l'été"]);
        assert!(words(t).iter().all(|w| &t[w.start..w.end] == w.text));
        assert!(words("  ,; ").is_empty());
    }

    #[test]
    fn quotes_collapse_white_space() {
        let mut out = String::new();
        push_words(&mut out, "");
        assert_eq!(out, "");
        assert_eq!(quote("a  b\tc", 0, 1, 80), "a b c");
        assert_eq!(quote(" a b ", 1, 2, 80), "a b");
        assert_eq!(quote("x\ny z", 2, 3, 80), "…y z");
        assert_eq!(quote("a b\nc", 0, 1, 80), "a b…");
        assert_eq!(quote("é  b", 0, 2, 80), "é b");
    }

    #[test]
    fn verb_bases() {
        for (w, b) in [
            ("Deletes", "delete"),
            ("Lists", "list"),
            ("Queries", "query"),
            ("Fetches", "fetch"),
            ("Pushes", "push"),
            ("access", "access"),
            ("status", "status"),
        ] {
            assert_eq!(verb_base(w), b, "{w}");
        }
    }

    #[test]
    fn gerunds_and_action_nouns_name_their_verb() {
        let verb = |w: &str| lexicon::verb(w);
        assert_eq!(gerund_verb("Deleting"), Some(verb("delete")));
        assert_eq!(gerund_verb("running"), Some(verb("run")));
        assert_eq!(gerund_verb("listing"), Some(verb("list")));
        assert_eq!(gerund_verb("removal"), Some(verb("remove")));
        assert_eq!(gerund_verb("Termination"), Some(verb("terminate")));
        assert!(verb("delete").is_some() && verb("run").is_some());
        // A stem ending in two equal bytes inside one character (U+0861 is E0 A1 A1).
        assert_eq!(gerund_verb("x\u{861}ing"), None);
        assert_eq!(gerund_verb("\u{861}\u{861}ing"), None);
        // Not a gerund, or no verb behind it: the caller looks the word up itself.
        for w in ["deletes", "thing", "ing", "national", "xyzzying"] {
            assert_eq!(gerund_verb(w), None, "{w}");
        }
    }

    #[test]
    fn sentences() {
        assert_eq!(
            first_sentence("Delete a file. It is gone."),
            "Delete a file"
        );
        assert_eq!(first_sentence("Use e.g. this. Then"), "Use e.g. this");
        assert_eq!(first_sentence("v1.2 release notes"), "v1.2 release notes");
        assert_eq!(
            first_sentence("Lists a,\n  b and c.\n"),
            "Lists a,\n  b and c"
        );
        assert_eq!(first_sentence("Title\n\nBody"), "Title");
    }
}
