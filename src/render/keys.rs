//! Keys that say when a shared file must be rendered again: a hash of everything it is
//! made from, and content-defined cuts of long listings, so one tool added changes few
//! files.

use super::{ServerDigest, ToolDigest};
use xxhash_rust::xxh3::Xxh3;

/// A hash of the inputs of a file. Every field is length-prefixed, so no two different
/// sequences of fields hash the same bytes.
pub struct Key(Xxh3);

impl Key {
    pub fn new(kind: &str) -> Key {
        let mut k = Key(Xxh3::new());
        k.str(kind);
        k
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }

    pub fn num(&mut self, n: usize) -> &mut Self {
        self.0.update(&(n as u64).to_le_bytes());
        self
    }

    pub fn opt(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.num(1).str(s),
            None => self.num(0),
        }
    }

    /// A server's fields, without its tools.
    pub fn server(&mut self, s: &ServerDigest) -> &mut Self {
        self.str(&s.slug)
            .str(&s.name)
            .opt(s.package.as_deref())
            .opt(s.version.as_deref())
    }

    /// Raw bytes, for a field of fixed length.
    pub(super) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update(b);
        self
    }

    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// Cut `rows` (kept in order) into pieces at places the rows choose: a piece of `min` rows
/// or more ends after a row for which `ends` holds, and any piece ends before a row that
/// would take its `weight` past `limit` (a piece has one row at least). Adding, removing or
/// moving one row then changes the pieces it leaves and enters, not every piece after them,
/// which keeps incremental builds small. There is always one piece, empty when there are no
/// rows.
pub(super) fn cut_by_content<T: Copy>(
    rows: &[T],
    (ends, min): (impl Fn(T) -> bool, usize),
    weight: impl Fn(T) -> usize,
    limit: usize,
) -> Vec<Vec<T>> {
    let mut pieces: Vec<Vec<T>> = vec![Vec::new()];
    let mut filled = 0;
    for &row in rows {
        let w = weight(row);
        if filled + w > limit && pieces.last().is_some_and(|p| !p.is_empty()) {
            pieces.push(Vec::new());
            filled = 0;
        }
        let Some(piece) = pieces.last_mut() else {
            continue;
        };
        piece.push(row);
        filled += w;
        if piece.len() >= min && ends(row) {
            pieces.push(Vec::new());
            filled = 0;
        }
    }
    if pieces.len() > 1 && pieces.last().is_some_and(Vec::is_empty) {
        pieces.pop();
    }
    pieces
}

/// The hash of a server's slug and a tool's slug: the anchor of its row in listings.
pub(super) fn anchor(s: &ServerDigest, t: &ToolDigest) -> u64 {
    let mut h = Xxh3::new();
    h.update(s.slug.as_bytes());
    h.update(&[0]);
    h.update(t.slug.as_bytes());
    h.digest()
}

/// The hash of every field of a tool's digest and of its server's slug and name,
/// length-prefixed, made in `buf`.
pub(super) fn tool_key(buf: &mut Vec<u8>, s: &ServerDigest, t: &ToolDigest) -> u128 {
    buf.clear();
    let mut field = |f: &str| {
        buf.extend_from_slice(&(f.len() as u64).to_le_bytes());
        buf.extend_from_slice(f.as_bytes());
    };
    for f in [
        s.slug.as_str(),
        &s.name,
        &t.name,
        &t.slug,
        t.category.as_str(),
        t.risk.as_str(),
        &t.summary,
    ] {
        field(f);
    }
    buf.extend(t.rules.bytes());
    xxhash_rust::xxh3::xxh3_128(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_cuts_keep_rows_in_order_within_limits_and_move_little() {
        let ends = |r: u32| xxhash_rust::xxh3::xxh3_64(&r.to_le_bytes()).is_multiple_of(50);
        let rows: Vec<u32> = (0..10_000).collect();
        let pieces = cut_by_content(&rows, (ends, 5), |_| 1, 200);
        assert_eq!(pieces.concat(), rows);
        assert!(pieces.iter().all(|p| !p.is_empty() && p.len() <= 200));
        let last = pieces.len() - 1;
        assert!(pieces[..last].iter().all(|p| p.len() >= 5));
        assert!(pieces.len() > 100, "cuts fall about every 50 rows");
        // One row added in the middle, one removed near the start: only the pieces that
        // held them differ.
        let mut changed = rows.clone();
        changed.insert(5_000, 99_999);
        changed.remove(700);
        let after = cut_by_content(&changed, (ends, 5), |_| 1, 200);
        let new: Vec<&Vec<u32>> = after.iter().filter(|p| !pieces.contains(p)).collect();
        assert!(new.len() <= 4, "{} pieces changed", new.len());
        assert_eq!(
            cut_by_content(&[] as &[u32], (ends, 5), |_| 1, 200),
            vec![Vec::<u32>::new()]
        );
        // Weights: a piece never passes the limit unless one row alone does.
        let heavy = cut_by_content(
            &rows[..100],
            (|_| false, 1),
            |r| if r == 7 { 500 } else { 30 },
            100,
        );
        assert!(heavy.iter().all(|p| p.len() == 1
            || p.iter()
                .map(|&r| if r == 7 { 500 } else { 30 })
                .sum::<usize>()
                <= 100));
        assert_eq!(heavy.concat(), rows[..100].to_vec());
    }

    #[test]
    fn keys_separate_fields() {
        let ab = Key::new("k").str("ab").str("c").finish();
        let a_bc = Key::new("k").str("a").str("bc").finish();
        assert_ne!(ab, a_bc);
        assert_eq!(ab, Key::new("k").str("ab").str("c").finish());
        assert_ne!(
            Key::new("k").opt(None).str("x").finish(),
            Key::new("k").opt(Some("")).str("x").finish()
        );
    }
}
