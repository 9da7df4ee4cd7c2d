//! Throughput of the stages of a build, on tools drawn from the bundled catalogue:
//!
//! - `classify_parallel`: classification over all cores (rayon), tools per second;
//! - `render`: a server's pages, policies and API file, files per second;
//! - `policy`: a server's policy in the three dialects, tools per second;
//! - `shared_keys`: keying every shared file of a 100,000-tool catalogue, which is what an
//!   incremental build does after a change (tools per second).
//!
//! `cargo bench --bench scale`. The whole-site figures (wall time against `cp -r`, Hugo,
//! memory, incremental rebuilds at 515,000 tools) come from `scripts/bench-scale.sh`.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use std::path::Path;
use toolcat::model::Server;
use toolcat::render::{self, global, pages, ServerDigest};

fn corpus() -> toolcat::catalog::Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    toolcat::catalog::load(&dir).expect("the bundled catalogue loads")
}

fn synthetic(servers: usize, tools: usize) -> Vec<Server> {
    toolcat::synth::generate(&corpus(), servers, tools, 7).collect()
}

fn bench(c: &mut Criterion) {
    let servers = synthetic(1_250, 20_000);
    let tools: Vec<&toolcat::model::Tool> = servers.iter().flat_map(|s| &s.tools).collect();

    let mut group = c.benchmark_group("classify_parallel");
    group.throughput(Throughput::Elements(tools.len() as u64));
    group.sample_size(20);
    // In batches, as a build classifies.
    let classify_all = || {
        tools
            .par_chunks(toolcat::classify::BATCH)
            .with_min_len(8)
            .for_each(|run| drop(std::hint::black_box(toolcat::classify::classify_batch(run))));
    };
    group.bench_function(format!("{}_threads", rayon::current_num_threads()), |b| {
        b.iter(classify_all);
    });
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    group.bench_function("1_thread", |b| b.iter(|| one.install(classify_all)));
    group.finish();

    let settings = render::Settings::new("bench", "https://example.invalid/");
    let templates = render::Templates::default();
    let tera = templates.engine().expect("templates");
    let renderer = pages::Renderer::new(&tera, &settings);
    let some: Vec<&Server> = servers.iter().take(60).collect();
    let entries: Vec<render::ServerEntry<'_>> = some
        .iter()
        .map(|s| render::prepare_server(s, &toolcat::classify::Classifier::plain()))
        .collect();
    let files: usize = entries
        .iter()
        .map(|e| render::ServerOutput::count(e.tools.len()))
        .sum();
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Elements(files as u64));
    group.sample_size(10);
    group.bench_function("server_files_one_thread", |b| {
        b.iter(|| {
            for e in &entries {
                std::hint::black_box(renderer.server_files(e).expect("renders"));
            }
        });
    });
    group.finish();

    let mut group = c.benchmark_group("policy");
    let n: usize = entries.iter().map(|e| e.tools.len()).sum();
    group.throughput(Throughput::Elements(n as u64));
    let options = toolcat::policy::Options::default();
    group.bench_function("three_dialects_one_thread", |b| {
        b.iter(|| {
            for e in &entries {
                let verdicts: Vec<toolcat::classify::Verdict> =
                    e.tools.iter().map(|t| t.verdict.clone()).collect();
                let p = toolcat::policy::for_server(e.server, &verdicts, &options);
                for d in toolcat::policy::Dialect::ALL {
                    std::hint::black_box(toolcat::policy::render(&p, d));
                }
            }
        });
    });
    group.finish();

    let big = synthetic(6_250, 100_000);
    let digests: Vec<ServerDigest> = {
        let mut d: Vec<ServerDigest> = big
            .par_iter()
            .map(|s| render::prepare_server(s, &toolcat::classify::Classifier::plain()).digest())
            .collect();
        d.sort_by(|a, b| a.slug.cmp(&b.slug));
        d
    };
    let mut group = c.benchmark_group("shared_keys");
    group.throughput(Throughput::Elements(100_000));
    group.sample_size(10);
    group.bench_function("100k_tools", |b| {
        b.iter(|| {
            let shared = global::SharedFiles::new(&renderer, &templates, &digests);
            let units = shared.units().len();
            std::hint::black_box(units)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
