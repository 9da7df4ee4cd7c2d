//! The phrase automaton: every registered list's phrases, found in one pass.
//!
//! This is the fast path behind [`super::scan`]; rules never see it. It copies an
//! Aho-Corasick DFA (ASCII case-insensitive, overlapping matches) into a table of 2^16
//! `u16` entries, so a step is two loads without a bounds check, and walks a long text
//! as two or four interleaved parts, whose chains of dependent loads then overlap. The
//! same table stops at any byte that may start an invisible character, so the first one
//! is found in the same pass. The tests hold it to a plain overlapping search with the
//! `aho-corasick` crate on random texts and on every bundled description.

use super::{PhraseHit, INVISIBLE};
use aho_corasick::automaton::{Automaton as _, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

/// A phrase automaton as a table walked one byte at a time.
///
/// It is a copy of an Aho-Corasick DFA (states reached from the start, renumbered so
/// match states come first, bytes folded into classes that no state tells apart). Entries
/// are premultiplied by the class count and the table has 2^16 entries, so one step is two
/// loads with no bounds check: every `u16` index is in range.
pub(super) struct Automaton {
    table: Box<[u16; 1 << 16]>,
    class: [u8; 256],
    /// Entries at or past this one are not match states.
    match_limit: u16,
    start: u16,
    /// The matches of match state `i` (`i` premultiplied, divided back):
    /// `matches[offsets[i]..offsets[i + 1]]`, as (list, phrase length, whole text); list
    /// `u16::MAX` is the pseudo-match of `REVEAL`.
    offsets: Vec<u32>,
    matches: Vec<(u16, u16, bool)>,
    /// Length of the longest needle.
    longest: usize,
    classes: u16,
}

impl Automaton {
    /// The automaton of `lists` (each a list of lower-case ASCII phrases; a hit names its
    /// list by index). Hits of the lists in `whole_text` are kept past the cut of
    /// [`Automaton::scan`]. `None` if it does not fit the table.
    pub(super) fn new(lists: &[&[&str]], whole_text: &[usize]) -> Option<Self> {
        let needles = || lists.iter().flat_map(|l| l.iter().copied());
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(needles())
            .ok()?;
        let list_of: Vec<usize> = lists
            .iter()
            .enumerate()
            .flat_map(|(i, l)| l.iter().map(move |_| i))
            .collect();
        let longest = needles().map(str::len).max().unwrap_or(1);
        tabulate(&dfa, &list_of, whole_text, longest)
    }

    /// Every phrase in `text`, sorted by position, and its first invisible character
    /// (list [`INVISIBLE`]), wherever it is. Hits that end past `cut` are kept only for
    /// the whole-text lists.
    pub(super) fn scan(&self, text: &str, cut: usize) -> Vec<PhraseHit> {
        let c = self;
        let bytes = text.as_bytes();
        // Room for the usual tool's hits (about five), so the vector rarely grows.
        let mut hits = Vec::with_capacity(8);
        let mut invisible: Option<usize> = None;
        let mut record = |state: u16, end: usize| {
            let i = usize::from(state / c.classes);
            let (from, to) = (c.offsets[i] as usize, c.offsets[i + 1] as usize);
            for &(list, len, whole_text) in &c.matches[from..to] {
                if list == u16::MAX {
                    // `REVEAL`: the byte before `end` may start an invisible character, and
                    // it starts a character (it is no continuation byte).
                    let at = end - 1;
                    let found = crate::untrusted::invisible_at(text, at);
                    if found && invisible.is_none_or(|first| at < first) {
                        invisible = Some(at);
                    }
                } else if end <= cut || whole_text {
                    let start = end - usize::from(len);
                    hits.push(PhraseHit {
                        list: usize::from(list),
                        start,
                        end,
                    });
                }
            }
        };
        // Each step of a walk waits on the one before, so independent walks over parts of
        // the text (two or four), interleaved, go several times faster than one. A part's walk
        // starts `longest - 1` bytes early, so it sees every phrase that ends in its part, and
        // it reports only those.
        let n = bytes.len();
        let overlap = c.longest - 1;
        if n >= 4 * c.longest {
            walk_four(c, bytes, parts(n, overlap), &mut record);
        } else if n >= 2 * c.longest {
            let [a, b] = parts(n, overlap);
            walk_two(c, bytes, a, b, &mut record);
        } else {
            let all = Part {
                from: 0,
                report: 0,
                end: n,
            };
            walk_one(c, bytes, all, c.start, &mut record);
        }
        if let Some(at) = invisible {
            let len = text[at..].chars().next().map_or(1, char::len_utf8);
            hits.push(PhraseHit {
                list: INVISIBLE,
                start: at,
                end: at + len,
            });
        }
        hits.sort_unstable_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.list));
        hits
    }
}

/// Copy `dfa` into an [`Automaton`] table; `None` if it does not fit 2^16 entries.
fn tabulate(
    dfa: &DFA,
    list_of: &[usize],
    whole_text: &[usize],
    longest: usize,
) -> Option<Automaton> {
    let start = dfa.start_state(Anchored::No).ok()?;
    // Every state reachable from the start.
    let mut states = vec![start];
    let mut seen = std::collections::HashMap::from([(start, 0usize)]);
    let mut at = 0;
    while at < states.len() {
        let s = states[at];
        for b in 0..=255u8 {
            let next = dfa.next_state(Anchored::No, s, b);
            if let std::collections::hash_map::Entry::Vacant(e) = seen.entry(next) {
                e.insert(states.len());
                states.push(next);
            }
        }
        at += 1;
    }
    // Match states first, in a stable order.
    states.sort_by_key(|&s| (!dfa.is_match(s), seen[&s]));
    // A byte that may start an invisible character is in no phrase, so from any state it
    // leads back to the start. It leads instead to an extra state, `REVEAL` (local 0),
    // which goes on as the start does but counts as a match: the walk stops there and
    // looks at the character. Phrases are found exactly as before.
    for &s in &states {
        for b in (0..=255u8).filter(|&b| crate::untrusted::may_start_invisible(b)) {
            if dfa.next_state(Anchored::No, s, b) != start {
                return None;
            }
        }
    }
    let local: std::collections::HashMap<StateID, usize> = states
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, i + 1))
        .collect();
    let rows: Vec<StateID> = std::iter::once(start)
        .chain(states.iter().copied())
        .collect();
    let next = |s: StateID, b: u8| {
        if crate::untrusted::may_start_invisible(b) {
            REVEAL
        } else {
            local[&dfa.next_state(Anchored::No, s, b)]
        }
    };
    // Bytes that every state sends to the same place share a class.
    let mut class = [0u8; 256];
    let mut signatures: Vec<Vec<usize>> = Vec::new();
    for b in 0..=255u8 {
        let sig: Vec<usize> = rows.iter().map(|&s| next(s, b)).collect();
        let c = signatures
            .iter()
            .position(|x| *x == sig)
            .unwrap_or_else(|| {
                signatures.push(sig);
                signatures.len() - 1
            });
        class[usize::from(b)] = u8::try_from(c).ok()?;
    }
    let classes = signatures.len();
    if rows.len() * classes > 1 << 16 {
        return None;
    }
    let mut table = vec![0u16; 1 << 16].into_boxed_slice();
    for (c, sig) in signatures.iter().enumerate() {
        for (s, &next) in sig.iter().enumerate() {
            table[s * classes + c] = u16::try_from(next * classes).ok()?;
        }
    }
    let match_states = 1 + states.iter().take_while(|&&s| dfa.is_match(s)).count();
    // `REVEAL` reports one pseudo-match, of no length, that the scan checks.
    let (mut offsets, mut matches) = (vec![0u32, 1], vec![(u16::MAX, 0, true)]);
    for &s in &states[..match_states - 1] {
        for k in 0..dfa.match_len(s) {
            let pattern = dfa.match_pattern(s, k);
            let list = list_of[pattern.as_usize()];
            matches.push((
                u16::try_from(list).ok().filter(|&l| l != u16::MAX)?,
                u16::try_from(dfa.pattern_len(pattern)).ok()?,
                whole_text.contains(&list),
            ));
        }
        offsets.push(u32::try_from(matches.len()).ok()?);
    }
    Some(Automaton {
        table: table.try_into().ok()?,
        class,
        match_limit: u16::try_from(match_states * classes).ok()?,
        start: u16::try_from(local[&start] * classes).ok()?,
        offsets,
        matches,
        longest,
        classes: u16::try_from(classes).ok()?,
    })
}

/// The local state a byte that may start an invisible character leads to.
const REVEAL: usize = 0;

/// `n` bytes cut into `W` parts whose walks, each `overlap` bytes longer than the part it
/// reports (but the first), are of one length, but the last, which may be up to `W - 1`
/// bytes longer: the walks run side by side, and only those bytes are walked alone. Needs
/// `n >= W * (overlap + 1)`.
fn parts<const W: usize>(n: usize, overlap: usize) -> [Part; W] {
    // Walks of length `len`: the first reports all of its bytes, the others `len - overlap`.
    let len = (n + (W - 1) * overlap) / W;
    let report = |w: usize| {
        if w == 0 {
            0
        } else {
            w * len - (w - 1) * overlap
        }
    };
    std::array::from_fn(|w| Part {
        from: report(w).saturating_sub(overlap),
        report: report(w),
        end: if w + 1 == W { n } else { report(w + 1) },
    })
}

/// The bytes `from..end` of a text walked from the start state; matches ending before
/// `report` belong to the part before.
#[derive(Clone, Copy)]
struct Part {
    from: usize,
    report: usize,
    end: usize,
}

impl Automaton {
    /// One step of the walk: a `u16` index is always inside the table, so there is no
    /// bounds check.
    #[inline]
    fn step(&self, state: u16, byte: u8) -> u16 {
        self.stepper()(state, byte)
    }

    /// [`Automaton::step`] as a closure holding the tables: the four-part walk keeps them
    /// in registers rather than reading them through `self` again after each report.
    #[inline]
    fn stepper(&self) -> impl Fn(u16, u8) -> u16 + Copy + '_ {
        let (table, class) = (&*self.table, &self.class);
        move |state, byte| {
            table[usize::from(state.wrapping_add(u16::from(class[usize::from(byte)])))]
        }
    }
}

/// Walk two parts side by side (two chains of dependent loads in flight), then finish
/// the longer one alone.
fn walk_two(c: &Automaton, bytes: &[u8], a: Part, b: Part, record: &mut impl FnMut(u16, usize)) {
    let common = (a.end - a.from).min(b.end - b.from);
    let (mut sa, mut sb) = (c.start, c.start);
    let limit = c.match_limit;
    let heads = bytes[a.from..a.from + common]
        .iter()
        .zip(&bytes[b.from..b.from + common]);
    for (k, (&x, &y)) in heads.enumerate() {
        sa = c.step(sa, x);
        sb = c.step(sb, y);
        if sa.min(sb) < limit {
            report(limit, [sa, sb], &[a, b], k, record);
        }
    }
    let rest = |p: Part| Part {
        from: p.from + common,
        ..p
    };
    walk_one(c, bytes, rest(a), sa, record);
    walk_one(c, bytes, rest(b), sb, record);
}

/// [`walk_two`] for four parts.
fn walk_four(c: &Automaton, bytes: &[u8], p: [Part; 4], record: &mut impl FnMut(u16, usize)) {
    let common = p.iter().map(|p| p.end - p.from).min().unwrap_or(0);
    let limit = c.match_limit;
    let [h0, h1, h2, h3] = p.map(|p| &bytes[p.from..p.from + common]);
    // The states stay in registers: matches, rare, are reported out of line.
    let step = c.stepper();
    let (mut s0, mut s1, mut s2, mut s3) = (c.start, c.start, c.start, c.start);
    for k in 0..common {
        s0 = step(s0, h0[k]);
        s1 = step(s1, h1[k]);
        s2 = step(s2, h2[k]);
        s3 = step(s3, h3[k]);
        if s0.min(s1).min(s2).min(s3) < limit {
            report(limit, [s0, s1, s2, s3], &p, k, record);
        }
    }
    for (w, s) in [s0, s1, s2, s3].into_iter().enumerate() {
        let rest = Part {
            from: p[w].from + common,
            ..p[w]
        };
        walk_one(c, bytes, rest, s, record);
    }
}

/// Report the match states among `states`, the walks of `parts` at step `k`.
#[cold]
#[inline(never)]
fn report<const W: usize>(
    limit: u16,
    states: [u16; W],
    parts: &[Part; W],
    k: usize,
    record: &mut impl FnMut(u16, usize),
) {
    for (s, p) in states.into_iter().zip(parts) {
        if s < limit && p.from + k >= p.report {
            record(s, p.from + k + 1);
        }
    }
}

/// Walk one part on from `state`.
fn walk_one(
    c: &Automaton,
    bytes: &[u8],
    p: Part,
    mut state: u16,
    record: &mut impl FnMut(u16, usize),
) {
    let limit = c.match_limit;
    for (k, &x) in bytes[p.from..p.end].iter().enumerate() {
        state = c.step(state, x);
        if state < limit && p.from + k >= p.report {
            record(state, p.from + k + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{build, scan};
    use super::*;
    use aho_corasick::AhoCorasick;
    use std::sync::OnceLock;

    /// A plain overlapping search over every registered list, to check [`scan`] against.
    fn plain_scan(text: &str) -> Vec<PhraseHit> {
        static AC: OnceLock<AhoCorasick> = OnceLock::new();
        let lists = crate::classify::rules::PHRASE_LISTS;
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

        /// The first invisible character is reported where [`crate::untrusted::find_invisible`]
        /// finds it, by every walk, and the phrases around it are found as without it.
        #[test]
        fn invisible_characters_are_found_in_the_same_pass(
            text in "(tab|<important>|permanently|x| |\n|\t|é|—|’|\u{a0}|\u{85}|\u{7}|\u{7f}|\u{ad}|\u{200b}|\u{202e}|\u{2066}|\u{feff}|\u{180e}|\u{e0041}){0,400}"
        ) {
            let hits = scan(&text, text.len());
            let invisible: Vec<usize> =
                hits.iter().filter(|h| h.list == INVISIBLE).map(|h| h.start).collect();
            let expected = crate::untrusted::find_invisible(&text);
            proptest::prop_assert_eq!(invisible, expected.into_iter().collect::<Vec<_>>());
            let phrases: Vec<PhraseHit> =
                hits.into_iter().filter(|h| h.list != INVISIBLE).collect();
            proptest::prop_assert_eq!(phrases, plain_scan(&text));
        }
    }

    #[test]
    fn split_walks_on_the_bundled_descriptions() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
        let catalog = crate::catalog::load(&dir).expect("bundled catalogue");
        for tool in catalog.servers.iter().flat_map(|s| &s.tools) {
            let d = tool.description();
            let mut hits = scan(d, d.len());
            let invisible = hits
                .iter()
                .position(|h| h.list == INVISIBLE)
                .map(|i| hits.remove(i));
            assert_eq!(hits, plain_scan(d), "{}", tool.name);
            assert_eq!(
                invisible.map(|h| h.start),
                crate::untrusted::find_invisible(d),
                "{}",
                tool.name
            );
        }
    }

    /// The parts' report ranges tile the text, each walk starts `overlap` bytes before its
    /// range (or at 0), and the walks' lengths differ by at most a byte a part.
    fn check_parts<const W: usize>(n: usize, overlap: usize) {
        let p: [Part; W] = parts(n, overlap);
        assert_eq!((p[0].report, p[W - 1].end), (0, n), "{n}");
        for w in 0..W {
            assert!(p[w].report < p[w].end, "{n} {w}");
            assert_eq!(p[w].from, p[w].report.saturating_sub(overlap), "{n} {w}");
            if w > 0 {
                assert_eq!(p[w].report, p[w - 1].end, "{n} {w}");
            }
        }
        let lengths = p.map(|p| p.end - p.from);
        let (short, long) = (lengths.iter().min(), lengths.iter().max());
        assert!(
            long.zip(short).is_some_and(|(l, s)| l - s < W),
            "{n} {lengths:?}"
        );
    }

    #[test]
    fn parts_tile_the_text_with_walks_of_one_length() {
        for overlap in [0, 1, 5, 27] {
            for n in 2 * (overlap + 1)..2_000 {
                check_parts::<2>(n, overlap);
            }
            for n in 4 * (overlap + 1)..2_000 {
                check_parts::<4>(n, overlap);
            }
        }
    }
}
