//! Large synthetic catalogues drawn from a real one, for scale benchmarks.
//!
//! [`generate`] makes `servers` servers with `tools` tools in all, deterministically from a
//! seed. Server sizes follow the corpus's (scaled to the total); each tool copies a real
//! tool's schema and annotations, and gets a distinct name and a description whose nouns
//! are varied, so slugs, pages and search terms differ the way a real ecosystem's do.

use crate::catalog::Catalog;
use crate::model::{Server, ServerInfo, Tool};

/// `SplitMix64`: small, fast and the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` at least 1).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Words that replace one another in names and descriptions.
const NOUNS: &[&str] = &[
    "issue",
    "ticket",
    "invoice",
    "record",
    "document",
    "file",
    "folder",
    "page",
    "dataset",
    "table",
    "row",
    "user",
    "team",
    "project",
    "task",
    "event",
    "message",
    "channel",
    "order",
    "payment",
    "customer",
    "contact",
    "deal",
    "lead",
    "report",
    "dashboard",
    "metric",
    "alert",
    "incident",
    "deployment",
    "cluster",
    "node",
    "pod",
    "bucket",
    "object",
    "secret",
    "key",
    "token",
    "branch",
    "commit",
    "release",
    "build",
    "pipeline",
    "job",
    "workflow",
    "note",
    "comment",
    "label",
    "tag",
    "calendar",
    "meeting",
    "email",
    "draft",
    "template",
    "form",
];

/// The servers of a synthetic catalogue, one at a time (a 515,000-tool catalogue need not
/// be held in memory at once).
pub fn generate(
    corpus: &Catalog,
    servers: usize,
    tools: usize,
    seed: u64,
) -> impl Iterator<Item = Server> + '_ {
    let pool: Vec<&Tool> = corpus.servers.iter().flat_map(|s| &s.tools).collect();
    let sizes: Vec<usize> = corpus
        .servers
        .iter()
        .map(|s| s.tools.len().max(1))
        .collect();
    let mut rng = Rng::new(seed);
    // Draw a size per server from the corpus, then scale so they add up to `tools`.
    let drawn: Vec<usize> = (0..servers)
        .map(|_| sizes[rng.below(sizes.len())])
        .collect();
    let total: usize = drawn.iter().sum::<usize>().max(1);
    let mut counts: Vec<usize> = drawn
        .iter()
        .map(|d| (d * tools / total).max(usize::from(tools >= servers)))
        .collect();
    let mut assigned: usize = counts.iter().sum();
    let mut i = 0;
    while assigned < tools && servers > 0 {
        counts[i % servers] += 1;
        assigned += 1;
        i += 1;
    }
    while assigned > tools {
        let j = i % servers;
        if counts[j] > 0 {
            counts[j] -= 1;
            assigned -= 1;
        }
        i += 1;
    }
    (0..servers).map(move |s| {
        let mut r = Rng::new(seed ^ (s as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let noun = NOUNS[r.below(NOUNS.len())];
        let slug = format!("synth-{s:05}-{noun}");
        let tools = (0..counts[s])
            .map(|t| {
                let base = pool[r.below(pool.len())];
                let mut tool = base.clone();
                let other = NOUNS[r.below(NOUNS.len())];
                tool.name = format!("{}_{other}_{t}", base.name);
                let varied = tool.description.as_deref().map(|d| {
                    let from = NOUNS.iter().find(|n| d.contains(*n));
                    from.map_or_else(|| format!("{d} ({other} {t})"), |f| d.replacen(f, other, 1))
                });
                tool.description = varied;
                tool
            })
            .collect();
        Server {
            server: ServerInfo {
                slug: slug.clone(),
                name: format!("Synthetic {noun} server {s}"),
                package: Some(format!("npm:@synth/{slug}")),
                version: Some("1.0.0".into()),
                ..ServerInfo::default()
            },
            tools,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Catalog {
        crate::catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog"))
            .expect("the bundled catalogue")
    }

    #[test]
    fn the_same_seed_gives_the_same_catalogue_with_the_asked_sizes() {
        let c = corpus();
        let a: Vec<Server> = generate(&c, 40, 1_000, 7).collect();
        let b: Vec<Server> = generate(&c, 40, 1_000, 7).collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 40);
        assert_eq!(a.iter().map(|s| s.tools.len()).sum::<usize>(), 1_000);
        let other: Vec<Server> = generate(&c, 40, 1_000, 8).collect();
        assert_ne!(a, other);
        for s in &a {
            let names: std::collections::BTreeSet<&str> =
                s.tools.iter().map(|t| t.name.as_str()).collect();
            assert_eq!(
                names.len(),
                s.tools.len(),
                "tool names are distinct in {}",
                s.server.slug
            );
        }
        let slugs: std::collections::BTreeSet<&str> =
            a.iter().map(|s| s.server.slug.as_str()).collect();
        assert_eq!(slugs.len(), 40);
    }
}
