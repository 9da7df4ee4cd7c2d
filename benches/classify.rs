//! Classification throughput over the bundled catalogue (2,632 real tools), one core: a
//! tool at a time, and in batches as a build does.
//!
//! `cargo bench --bench classify`; criterion reports elements (tools) per second.

// The allocator of the `toolcat` binary, so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

fn bench(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
    let catalog = toolcat::catalog::load(&dir).expect("the bundled catalogue loads");
    let tools: Vec<&toolcat::model::Tool> = catalog.servers.iter().flat_map(|s| &s.tools).collect();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(tools.len() as u64));
    group.bench_function("bundled_catalogue", |b| {
        b.iter(|| {
            for t in &tools {
                std::hint::black_box(toolcat::classify::classify(t));
            }
        });
    });
    // Each server's tools in batches, as a build classifies them.
    group.bench_function("bundled_catalogue_batches", |b| {
        b.iter(|| {
            for s in &catalog.servers {
                std::hint::black_box(toolcat::classify::classify_batch(&s.tools));
            }
        });
    });
    group.finish();
    let mut group = c.benchmark_group("parse");
    let text = std::fs::read_to_string(dir.join("azure-mcp.json")).expect("azure-mcp.json");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("azure_mcp_catalogue_file", |b| {
        b.iter(|| {
            toolcat::ingest::parse_text(
                &text,
                Path::new("azure-mcp.json"),
                &toolcat::ingest::Naming::default(),
            )
            .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
