//! Phrase search: every phrase list the rules use, found in one pass over a description.
//!
//! Rules declare their lists as [`Phrases`] statics and register them in
//! [`super::rules::PHRASE_LISTS`]. [`scan`] finds all of them (ASCII case-insensitive,
//! overlapping matches) in the description once per tool; rules then look up the hits of
//! their own list in [`super::Ctx`]. Matching the original text case-insensitively keeps
//! every offset an offset into the description itself, so quotes never need a second
//! search. The same pass finds the description's first invisible character
//! ([`INVISIBLE`]). How the pass is made fast is the business of the private `automaton`
//! module alone.

mod automaton;

use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, MatchKind};
use automaton::Automaton;
use std::sync::OnceLock;

/// A list of lower-case ASCII phrases.
pub struct Phrases {
    pub needles: &'static [&'static str],
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
            lower: OnceLock::new(),
        }
    }

    /// The first phrase of this list in `text`, whose ASCII letters are already lower
    /// case.
    pub fn find_in_lowercase(&self, text: impl AsRef<[u8]>) -> Option<(usize, usize)> {
        let text = text.as_ref();
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

fn build<'n>(needles: impl IntoIterator<Item = &'n str>) -> AhoCorasick {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(needles)
        .expect("phrase lists are plain strings")
}

/// The index of a list in the registry.
pub fn index_of(list: &Phrases) -> Option<usize> {
    super::rules::PHRASE_LISTS
        .iter()
        .position(|l| std::ptr::eq(*l, list))
}

/// The [`PhraseHit::list`] of the first invisible or direction-changing character of a
/// text (see [`crate::untrusted::is_invisible`]), which [`scan`] reports among the phrases.
pub const INVISIBLE: usize = usize::MAX;

/// Every phrase of every registered list in `text`, sorted by position, and its first
/// invisible character (list [`INVISIBLE`]), wherever it is. Hits that end past
/// `cut` are kept only for the lists of [`super::rules::WHOLE_TEXT_LISTS`] (hidden
/// instructions may sit at the very end).
pub fn scan(text: &str, cut: usize) -> Vec<PhraseHit> {
    combined().scan(text, cut)
}

/// The automaton of every registered list, built on first use.
fn combined() -> &'static Automaton {
    static C: OnceLock<Automaton> = OnceLock::new();
    C.get_or_init(|| {
        let lists = super::rules::PHRASE_LISTS;
        let whole_text: Vec<usize> = super::rules::WHOLE_TEXT_LISTS
            .iter()
            .filter_map(|l| index_of(l))
            .collect();
        let needles: Vec<&[&str]> = lists.iter().map(|l| l.needles).collect();
        Automaton::new(&needles, &whole_text)
            .expect("the phrase automaton fits a 16-bit table (a unit test checks it)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let case_blind = build(list.needles.iter().copied());
            let find = |text: &str| case_blind.find(text).map(|m| (m.start(), m.end()));
            for needle in list.needles {
                let text = format!("Ab {} cd", needle.to_uppercase());
                let lower = text.to_ascii_lowercase();
                assert_eq!(find(&text), list.find_in_lowercase(&lower), "{needle}");
                assert!(find(&text).is_some());
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
