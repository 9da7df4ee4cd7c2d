//! Phrase search: every phrase list the rules use, found in one pass over a description.
//!
//! Rules declare their lists as [`Phrases`] statics and register them in
//! [`super::rules::PHRASE_LISTS`]. [`scan`] runs one Aho-Corasick automaton built from
//! all of them (ASCII case-insensitive, overlapping matches) over the description once
//! per tool; rules then look up the hits of their own list in [`super::Ctx`]. Matching
//! the original text case-insensitively keeps every offset an offset into the
//! description itself, so quotes never need a second search.

use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, MatchKind};
use std::sync::OnceLock;

/// A list of lower-case ASCII phrases.
pub struct Phrases {
    pub needles: &'static [&'static str],
    own: OnceLock<AhoCorasick>,
    lower: OnceLock<Lower>,
}

/// A searcher for already lower-cased text: SIMD (Teddy) where the CPU has it.
enum Lower {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl Phrases {
    pub const fn new(needles: &'static [&'static str]) -> Self {
        Phrases {
            needles,
            own: OnceLock::new(),
            lower: OnceLock::new(),
        }
    }

    /// The first phrase of this list in `text`, ignoring ASCII case.
    pub fn find(&self, text: &str) -> Option<(usize, usize)> {
        let ac = self.own.get_or_init(|| build(self.needles.iter().copied()));
        ac.find(text).map(|m| (m.start(), m.end()))
    }

    /// As [`Phrases::find`], for text whose ASCII letters are already lower case: faster
    /// on long texts.
    pub fn find_in_lowercase(&self, text: &str) -> Option<(usize, usize)> {
        let lower = self.lower.get_or_init(|| {
            packed::Config::new()
                .match_kind(packed::MatchKind::LeftmostFirst)
                .builder()
                .extend(self.needles)
                .build()
                .map_or_else(
                    || Lower::Automaton(build(self.needles.iter().copied())),
                    Lower::Packed,
                )
        });
        match lower {
            Lower::Packed(p) => p.find(text).map(|m| (m.start(), m.end())),
            Lower::Automaton(ac) => ac.find(text).map(|m| (m.start(), m.end())),
        }
    }
}

/// A phrase found in the description: which registered list, and the byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseHit {
    pub list: usize,
    pub start: usize,
    pub end: usize,
}

struct Combined {
    ac: AhoCorasick,
    /// The list each pattern belongs to.
    list_of: Vec<usize>,
    /// The lists searched past the cut.
    whole_text: Vec<usize>,
}

fn build<'n>(needles: impl IntoIterator<Item = &'n str>) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(needles)
        .expect("phrase lists are plain strings")
}

fn combined() -> &'static Combined {
    static C: OnceLock<Combined> = OnceLock::new();
    C.get_or_init(|| {
        let lists = super::rules::PHRASE_LISTS;
        let list_of = lists
            .iter()
            .enumerate()
            .flat_map(|(i, l)| l.needles.iter().map(move |_| i))
            .collect();
        let ac = build(lists.iter().flat_map(|l| l.needles.iter().copied()));
        let whole_text = super::rules::WHOLE_TEXT_LISTS
            .iter()
            .filter_map(|l| index_of(l))
            .collect();
        Combined {
            ac,
            list_of,
            whole_text,
        }
    })
}

/// The index of a list in the registry.
pub fn index_of(list: &Phrases) -> Option<usize> {
    super::rules::PHRASE_LISTS
        .iter()
        .position(|l| std::ptr::eq(*l, list))
}

/// Every phrase of every registered list in `text`, sorted by position. Hits that end past
/// `cut` are kept only for the lists of [`super::rules::WHOLE_TEXT_LISTS`] (hidden
/// instructions may sit at the very end).
pub fn scan(text: &str, cut: usize) -> Vec<PhraseHit> {
    let c = combined();
    let whole_text = &c.whole_text;
    let mut hits: Vec<PhraseHit> =
        c.ac.find_overlapping_iter(text)
            .map(|m| PhraseHit {
                list: c.list_of[m.pattern().as_usize()],
                start: m.start(),
                end: m.end(),
            })
            .filter(|h| h.end <= cut || whole_text.contains(&h.list))
            .collect();
    hits.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.list));
    hits
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
    (0..=h.len() - w.len()).any(|i| {
        // An ASCII match starts and ends on char boundaries.
        h[i].eq_ignore_ascii_case(&w[0])
            && h[i..i + w.len()].eq_ignore_ascii_case(w)
            && hay[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
            && hay[i + w.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_whole_and_case_blind() {
        assert!(contains_word("Opens the Browser.", "browser"));
        assert!(!contains_word("browsers", "browser"));
        assert!(!contains_word("ébrowser", "browser"));
        assert!(contains_word("é browser", "browser"));
        assert!(!contains_word("", "x"));
    }

    #[test]
    fn every_registered_list_is_found_in_one_pass() {
        for (i, list) in super::super::rules::PHRASE_LISTS.iter().enumerate() {
            assert_eq!(index_of(list), Some(i));
            for needle in list.needles {
                assert_eq!(*needle, needle.to_ascii_lowercase(), "lists are lower-case");
                let text = format!("x {} y", needle.to_uppercase());
                let hits = scan(&text, text.len());
                assert!(
                    hits.iter()
                        .any(|h| h.list == i && &text[h.start..h.end].to_lowercase() == needle),
                    "{needle}"
                );
            }
        }
    }

    #[test]
    fn lowercase_search_agrees_with_case_blind_search() {
        for list in super::super::rules::PHRASE_LISTS {
            for needle in list.needles {
                let text = format!("Ab {} cd", needle.to_uppercase());
                let lower = text.to_ascii_lowercase();
                assert_eq!(list.find(&text), list.find_in_lowercase(&lower), "{needle}");
                assert!(list.find(&text).is_some());
            }
            assert_eq!(list.find_in_lowercase("zzzz"), None);
        }
    }

    #[test]
    fn cut_drops_late_hits_except_whole_text_lists() {
        let text = "cannot be undone";
        assert!(scan(text, 3).is_empty());
        assert!(!scan(text, text.len()).is_empty());
        let text = "Adds. <IMPORTANT>";
        assert!(
            !scan(text, 3).is_empty(),
            "hidden instructions are found past the cut"
        );
    }
}
