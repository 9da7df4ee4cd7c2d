//! Write a large synthetic catalogue drawn from the bundled one, for scale benchmarks.
//!
//! `cargo run --release --example synth -- --servers 32500 --tools 515000 [--seed 1] --out DIR`

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let number = |name: &str, default: usize| {
        opt(name).map_or(default, |v| {
            v.parse().unwrap_or_else(|_| {
                eprintln!("{name} {v}: not a number");
                std::process::exit(2)
            })
        })
    };
    let servers = number("--servers", 1_000);
    let tools = number("--tools", 10_000);
    let seed = number("--seed", 1) as u64;
    let Some(out) = opt("--out") else {
        eprintln!("usage: synth --servers N --tools N [--seed N] --out DIR");
        std::process::exit(2)
    };
    let corpus_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    let corpus = toolcat::catalog::load(&corpus_dir).unwrap_or_else(|e| {
        eprintln!("{e:#}");
        std::process::exit(2)
    });
    let out = std::path::PathBuf::from(out);
    std::fs::create_dir_all(&out).expect("the output directory");
    let mut written = 0usize;
    for server in toolcat::synth::generate(&corpus, servers, tools, seed) {
        written += server.tools.len();
        let path = toolcat::catalog::server_path(&out, &server.server.slug);
        std::fs::write(&path, toolcat::catalog::to_json(&server)).expect("a catalogue file");
    }
    eprintln!(
        "wrote {servers} servers, {written} tools into {}",
        out.display()
    );
}
