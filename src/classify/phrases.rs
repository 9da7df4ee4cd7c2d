//! Phrase search: every phrase list the rules use, found in one pass over a description.
//!
//! Rules declare their lists as [`Phrases`] statics and register them in
//! [`super::rules::PHRASE_LISTS`]. [`scan`] runs one Aho-Corasick automaton built from
//! all of them (ASCII case-insensitive, overlapping matches) over the description once
//! per tool; rules then look up the hits of their own list in [`super::Ctx`]. Matching
//! the original text case-insensitively keeps every offset an offset into the
//! description itself, so quotes never need a second search.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, Anchored, MatchKind};
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
    dfa: DFA,
    /// Length of the longest needle.
    longest: usize,
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
        let needles = || lists.iter().flat_map(|l| l.needles.iter().copied());
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(needles())
            .expect("phrase lists are plain strings");
        let longest = needles().map(str::len).max().unwrap_or(1);
        let whole_text = super::rules::WHOLE_TEXT_LISTS
            .iter()
            .filter_map(|l| index_of(l))
            .collect();
        Combined {
            dfa,
            longest,
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
    let bytes = text.as_bytes();
    let mut hits = Vec::new();
    let mut record = |sid: StateID, end: usize| {
        for k in 0..c.dfa.match_len(sid) {
            let pattern = c.dfa.match_pattern(sid, k);
            let list = c.list_of[pattern.as_usize()];
            if end <= cut || c.whole_text.contains(&list) {
                let start = end - c.dfa.pattern_len(pattern);
                hits.push(PhraseHit { list, start, end });
            }
        }
    };
    let Ok(start) = c.dfa.start_state(Anchored::No) else {
        return hits;
    };
    // Each step of a walk waits on the one before, so independent walks over parts of
    // the text, interleaved, go several times faster than one.
    let n = bytes.len();
    let longest = c.longest;
    if n >= 64 * longest {
        walk::<4>(&c.dfa, start, bytes, longest, &mut record);
    } else if n >= 4 * longest {
        walk::<2>(&c.dfa, start, bytes, longest, &mut record);
    } else {
        walk::<1>(&c.dfa, start, bytes, longest, &mut record);
    }
    hits.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.list));
    hits
}

/// Walk the DFA over `bytes` in `W` interleaved parts, calling `record` at every match
/// state with the end of the match. A part's walk starts `longest - 1` bytes early, so it
/// sees every phrase that ends in its part, and it reports only those.
fn walk<const W: usize>(
    dfa: &DFA,
    start: StateID,
    bytes: &[u8],
    longest: usize,
    record: &mut impl FnMut(StateID, usize),
) {
    let n = bytes.len();
    let part = n / W;
    let bound = |w: usize| if w == W { n } else { w * part };
    let from: [usize; W] = std::array::from_fn(|w| bound(w).saturating_sub(longest - 1));
    let mut state = [start; W];
    // Every part's walk is at least `part` bytes long.
    for k in 0..part {
        for w in 0..W {
            let at = from[w] + k;
            state[w] = dfa.next_state(Anchored::No, state[w], bytes[at]);
            if dfa.is_match(state[w]) && at >= bound(w) {
                record(state[w], at + 1);
            }
        }
    }
    for w in 0..W {
        for (at, &b) in bytes
            .iter()
            .enumerate()
            .take(bound(w + 1))
            .skip(from[w] + part)
        {
            state[w] = dfa.next_state(Anchored::No, state[w], b);
            if dfa.is_match(state[w]) && at >= bound(w) {
                record(state[w], at + 1);
            }
        }
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

    /// A plain overlapping search over every registered list, to check [`scan`] against.
    fn plain_scan(text: &str) -> Vec<PhraseHit> {
        static AC: OnceLock<AhoCorasick> = OnceLock::new();
        let lists = super::super::rules::PHRASE_LISTS;
        let ac = AC.get_or_init(|| build(lists.iter().flat_map(|l| l.needles.iter().copied())));
        let list_of: Vec<usize> = lists
            .iter()
            .enumerate()
            .flat_map(|(i, l)| l.needles.iter().map(move |_| i))
            .collect();
        let mut expected: Vec<PhraseHit> = ac
            .find_overlapping_iter(text)
            .map(|m| PhraseHit {
                list: list_of[m.pattern().as_usize()],
                start: m.start(),
                end: m.end(),
            })
            .collect();
        expected.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.list));
        expected
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The interleaved walks find exactly what a plain overlapping search finds.
        #[test]
        fn split_walks_match_a_plain_search(
            text in "(permanently|Cannot be undone|tab|url|read-only|<important>|sql| |x|é|\n){0,600}"
        ) {
            proptest::prop_assert_eq!(scan(&text, text.len()), plain_scan(&text));
        }
    }

    #[test]
    fn split_walks_on_the_bundled_descriptions() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
        let catalog = crate::catalog::load(&dir).expect("bundled catalogue");
        for tool in catalog.servers.iter().flat_map(|s| &s.tools) {
            let d = tool.description();
            assert_eq!(scan(d, d.len()), plain_scan(d), "{}", tool.name);
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
