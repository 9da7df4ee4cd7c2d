//! Where the classifier's time goes: nanoseconds per tool for a whole classification,
//! for everything but the decision (the context and every voting rule), for preparing a
//! tool (its context: schema walk, phrase scan, name words) and for each rule, over
//! 20,000 synthetic tools (or the bundled catalogue with `--bundled`). `classify, batches`
//! times `classify_batch`, [`classify::BATCH`] tools at a time; `classify, warm` times the
//! classification as a build does it: a server's tools, in batches, right after its file is
//! parsed. `one text pass` is not part of `classify`: it is the floor of a redesign that
//! would read every text of a tool once, before any rule runs.
//! With `--hot N` (100 if no number follows), the first N tools are used over and over, so
//! their data stays in the CPU's caches. 500 tools (about 1.5 MB) still fit in this machine's
//! L2 cache but are too many for the branch predictor to learn by heart; 100 are few enough
//! that it does, which makes `--hot 100` faster than the code runs on tools it has not seen.
//!
//! With `--dump DIR`, it writes instead the phrases of every registered list (as literal
//! patterns, each byte but `a-z0-9` escaped `\xHH`, one a line: `DIR/phrases.txt`) and the
//! texts the `one text pass` line walks (`DIR/texts.bin`: a little-endian `u32` length, then
//! the bytes, for each tool), and times the phrase automaton alone over those texts, for
//! `scripts/compare-hyperscan.sh` to compare with another matcher on the same input.
//!
//! `cargo run --release --example classify_stages [-- --bundled] [-- --hot [N]]
//! [-- --dump DIR]`. One thread; the throughput figures of record come from
//! `cargo bench --bench classify` and `--bench scale`.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;
use toolcat::classify::{self, rules, Acc, Ctx};
use toolcat::model::Tool;

/// A label and the work timed under it.
type Stage<'a> = (&'a str, &'a dyn Fn(&Tool));

/// Classifications timed per figure, at least.
const CALLS: usize = 100_000;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    let corpus = toolcat::catalog::load(&dir).expect("the bundled catalogue loads");
    let args: Vec<String> = std::env::args().collect();
    let servers = if args.iter().any(|a| a == "--bundled") {
        corpus.servers.clone()
    } else {
        toolcat::synth::generate(&corpus, 1_250, 20_000, 7).collect()
    };
    let mut tools: Vec<&Tool> = servers.iter().flat_map(|s| &s.tools).collect();
    if let Some(at) = args.iter().position(|a| a == "--hot") {
        let hot = match args.get(at + 1).filter(|a| !a.starts_with("--")) {
            Some(n) => n
                .parse::<usize>()
                .expect("--hot takes a number of tools")
                .max(1),
            None => 100,
        };
        let count = tools.len();
        tools = tools
            .iter()
            .take(hot)
            .cycle()
            .take(count)
            .copied()
            .collect();
    }
    let rounds = CALLS.div_ceil(tools.len()).max(3);
    if let Some(at) = args.iter().position(|a| a == "--dump") {
        let dir = args.get(at + 1).expect("--dump takes a directory");
        dump(Path::new(dir), &tools, rounds);
        return;
    }
    // Nanoseconds a tool for `rounds` passes of `pass` over all the tools.
    let timed = |pass: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..rounds {
            pass();
        }
        start.elapsed().as_secs_f64() * 1e9 / (rounds * tools.len()) as f64
    };
    let per_tool = |f: &dyn Fn(&Tool)| {
        timed(&|| {
            for t in &tools {
                f(t);
            }
        })
    };
    let params: usize = tools
        .iter()
        .map(|t| {
            toolcat::schema::params(t.input_schema.as_ref())
                .params
                .len()
        })
        .sum();
    println!(
        "{} tools ({:.1} parameters each), {rounds} rounds, one thread",
        tools.len(),
        params as f64 / tools.len() as f64
    );
    let vote_rules = || {
        rules::RULES
            .iter()
            .filter(|r| r.phase == rules::Phase::Vote)
    };
    let stages: [Stage<'_>; 7] = [
        ("classify", &|t| drop(black_box(classify::classify(t)))),
        // Everything but deciding: what is left of `classify` beside it is the decision,
        // the after-decision rules and making the verdict.
        ("  context + votes", &|t| {
            let ctx = Ctx::new(t);
            let mut acc = Acc::default();
            for rule in vote_rules() {
                (rule.check)(&ctx, None, &mut acc);
            }
            drop(black_box(acc));
        }),
        ("  context", &|t| drop(black_box(Ctx::new(t)))),
        ("    schema walk", &|t| {
            drop(black_box(toolcat::schema::params(t.input_schema.as_ref())));
        }),
        ("    phrase scan", &|t| {
            drop(black_box(classify::phrases::scan(
                t.description(),
                t.description().len(),
            )));
        }),
        ("    name words", &|t| {
            drop(black_box(classify::text::name_tokens(&t.name)));
        }),
        // The least a classifier that reads each text once (facts gathered in one pass,
        // rules reading them) would do before any rule: the schema walk, then the phrase
        // automaton over the description and every parameter's description, joined.
        ("  one text pass", &|t| {
            let (all, params) = all_texts(t);
            black_box((classify::phrases::scan(&all, all.len()), params));
        }),
    ];
    for (label, f) in stages {
        println!("{label:<18} {:>6.0} ns/tool", per_tool(f));
    }
    let batched = timed(&|| {
        for run in tools.chunks(classify::BATCH) {
            drop(black_box(classify::classify_batch(run)));
        }
    });
    println!("{:<18} {batched:>6.0} ns/tool", "classify, batches");
    // The order of a build: each server's tools classified just after its file is parsed.
    let warm = as_a_build_does(&servers, rounds);
    println!("{:<18} {warm:>6.0} ns/tool", "classify, warm");
    let contexts: Vec<Ctx<'_>> = tools.iter().map(|t| Ctx::new(t)).collect();
    let mut by_rule: Vec<(f64, &str, &str)> = vote_rules()
        .map(|rule| {
            let start = Instant::now();
            for _ in 0..rounds {
                for c in &contexts {
                    let mut acc = Acc::default();
                    (rule.check)(c, None, &mut acc);
                    black_box(acc.hits.len());
                }
            }
            let ns = start.elapsed().as_secs_f64() * 1e9 / (rounds * contexts.len()) as f64;
            (ns, rule.code, rule.name)
        })
        .collect();
    by_rule.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = by_rule.iter().map(|r| r.0).sum();
    println!("  rules, one by one {total:>5.0} ns/tool, the costliest:");
    for (ns, code, name) in by_rule.iter().take(8) {
        println!("    {code} {name:<34} {ns:>4.0} ns");
    }
}

/// Nanoseconds a tool for classifying each server's tools (in batches) right after parsing
/// its catalogue file, while the definitions are still in the caches: the order of a build.
/// Only the classification is timed.
fn as_a_build_does(servers: &[toolcat::model::Server], rounds: usize) -> f64 {
    let texts: Vec<String> = servers.iter().map(toolcat::catalog::to_json).collect();
    let naming = toolcat::ingest::Naming::default();
    let (mut spent, mut tools) = (std::time::Duration::ZERO, 0);
    for _ in 0..rounds {
        for text in &texts {
            let (server, _) = toolcat::ingest::parse_text(text, Path::new("server.json"), &naming)
                .expect("a catalogue file toolcat wrote parses");
            let start = Instant::now();
            drop(black_box(classify::classify_batch(&server.tools)));
            spent += start.elapsed();
            tools += server.tools.len();
        }
    }
    spent.as_secs_f64() * 1e9 / tools as f64
}

/// A tool's walked parameters, and its description and every parameter's description
/// joined by line breaks.
fn all_texts(t: &Tool) -> (String, toolcat::schema::Params<'_>) {
    let params = toolcat::schema::params(t.input_schema.as_ref());
    let mut all = String::with_capacity(2048);
    all.push_str(t.description());
    for p in &params.params {
        all.push('\n');
        all.push_str(p.description);
    }
    (all, params)
}

/// Write the phrases and the joined texts of `tools` into `dir`, then time the phrase
/// automaton over those texts.
fn dump(dir: &Path, tools: &[&Tool], rounds: usize) {
    use std::fmt::Write as _;
    std::fs::create_dir_all(dir).expect("the dump directory can be made");
    let mut phrases = String::new();
    for needle in rules::PHRASE_LISTS.iter().flat_map(|l| l.needles) {
        for b in needle.bytes() {
            if b.is_ascii_lowercase() || b.is_ascii_digit() {
                phrases.push(char::from(b));
            } else {
                write!(phrases, "\\x{b:02x}").expect("writing to a string");
            }
        }
        phrases.push('\n');
    }
    std::fs::write(dir.join("phrases.txt"), phrases).expect("phrases.txt is written");
    let texts: Vec<String> = tools.iter().map(|t| all_texts(t).0).collect();
    let mut bin = Vec::new();
    for t in &texts {
        let len = u32::try_from(t.len()).expect("a text under 4 GiB");
        bin.extend_from_slice(&len.to_le_bytes());
        bin.extend_from_slice(t.as_bytes());
    }
    std::fs::write(dir.join("texts.bin"), bin).expect("texts.bin is written");
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{} texts of {} bytes on average, in {}",
        texts.len(),
        bytes / texts.len(),
        dir.display()
    );
    for _ in 0..3 {
        let (start, mut hits) = (Instant::now(), 0);
        for _ in 0..rounds {
            for t in &texts {
                hits += black_box(classify::phrases::scan(t, t.len())).len();
            }
        }
        let calls = (rounds * texts.len()) as f64;
        println!(
            "phrase automaton: {:.0} ns a text, {:.1} hits a text",
            start.elapsed().as_secs_f64() * 1e9 / calls,
            hits as f64 / calls
        );
    }
}
