//! The state of the last build, kept beside the site: the header that makes it valid,
//! each catalogue file's size, time, hash and digest in chunks, and the key of every
//! shared file (see the module documentation of [`super`]).

use super::{marker_identity, state_path};
use crate::render::ServerDigest;
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

/// Version of the state's format.
pub(super) const STATE_FORMAT: u32 = 4;

/// The state's file that makes the others valid, written last and removed first.
pub(super) const STATE_HEADER: &str = "header.json";

/// What is known of a catalogue file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct FileMeta {
    pub(super) file: String,
    pub(super) len: u64,
    /// Nanoseconds since the Unix epoch.
    pub(super) mtime: u64,
    pub(super) hash: String,
}

#[derive(Serialize, Deserialize)]
pub(super) struct Header {
    pub(super) format: u32,
    pub(super) toolcat: String,
    pub(super) build: String,
    pub(super) marker: String,
}

#[derive(Serialize, Deserialize)]
pub(super) struct Record {
    #[serde(flatten)]
    pub(super) meta: FileMeta,
    pub(super) server: ServerDigest,
}

#[derive(Serialize, Deserialize, Default)]
pub(super) struct UnitKeys {
    pub(super) units: BTreeMap<String, String>,
}

/// Files of servers in the state: a server's line is in `servers-<n>.jsonl` for `n` a hash
/// of its catalogue file's name, so a change to one server rewrites one of these.
pub(super) const STATE_CHUNKS: usize = 64;

pub(super) fn chunk_of(file: &str) -> usize {
    (xxhash_rust::xxh3::xxh3_64(file.as_bytes()) % STATE_CHUNKS as u64) as usize
}

pub(super) fn chunk_name(n: usize) -> String {
    format!("servers-{n:02}.jsonl")
}

/// Where a server's line is in the last state: the chunk it was read from, and the line's
/// bytes in that chunk's text.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct StateLine {
    pub(super) chunk: usize,
    pub(super) range: Range<usize>,
}

/// A build's state: servers by slug, and the key of each shared file.
pub(super) struct State {
    pub(super) build: String,
    pub(super) marker: String,
    pub(super) metas: Vec<FileMeta>,
    pub(super) servers: Vec<ServerDigest>,
    /// Where each server's line is in `texts`, the chunks as read, while it holds.
    pub(super) lines: Vec<Option<StateLine>>,
    pub(super) texts: Vec<String>,
    pub(super) units: BTreeMap<String, String>,
}

impl State {
    /// Write the state into `dir`: the chunks in `dirty` (all of them if `None`), the keys
    /// of the shared files, and last the header that makes the rest valid.
    pub(super) fn write(&self, dir: &Path, dirty: Option<&[bool]>) -> Result<()> {
        #[derive(Serialize)]
        struct RecordRef<'a> {
            #[serde(flatten)]
            meta: &'a FileMeta,
            server: &'a ServerDigest,
        }
        crate::write::create_dir(dir)?;
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); STATE_CHUNKS];
        for (i, meta) in self.metas.iter().enumerate() {
            members[chunk_of(&meta.file)].push(i);
        }
        members
            .par_iter()
            .enumerate()
            .filter(|(n, _)| dirty.is_none_or(|d| d[*n]))
            .try_for_each(|(n, servers)| -> Result<()> {
                let mut text = String::new();
                for &i in servers {
                    match &self.lines[i] {
                        Some(line) => text.push_str(&self.texts[line.chunk][line.range.clone()]),
                        None => text.push_str(
                            &serde_json::to_string(&RecordRef {
                                meta: &self.metas[i],
                                server: &self.servers[i],
                            })
                            .context("serializing the state")?,
                        ),
                    }
                    text.push('\n');
                }
                crate::write::write_file_atomic(&dir.join(chunk_name(n)), text.as_bytes())
            })?;
        let units = serde_json::to_string(&UnitKeys {
            units: self.units.clone(),
        })?;
        crate::write::write_file_atomic(&dir.join("units.json"), units.as_bytes())?;
        let header = Header {
            format: STATE_FORMAT,
            toolcat: env!("CARGO_PKG_VERSION").into(),
            build: self.build.clone(),
            marker: self.marker.clone(),
        };
        crate::write::write_file_atomic(
            &dir.join(STATE_HEADER),
            serde_json::to_string(&header)?.as_bytes(),
        )
    }

    /// The state in `out`, if there is one this build can use.
    pub(super) fn read(out: &Path, build: &str) -> Option<State> {
        let marker = marker_identity(out)?;
        let dir = state_path(out);
        let header: Header =
            serde_json::from_str(&std::fs::read_to_string(dir.join(STATE_HEADER)).ok()?).ok()?;
        if header.format != STATE_FORMAT
            || header.toolcat != env!("CARGO_PKG_VERSION")
            || header.build != build
            || header.marker != marker
        {
            return None;
        }
        let units: UnitKeys =
            serde_json::from_str(&std::fs::read_to_string(dir.join("units.json")).ok()?).ok()?;
        let texts: Vec<String> = (0..STATE_CHUNKS)
            .into_par_iter()
            .map(|n| std::fs::read_to_string(dir.join(chunk_name(n))).ok())
            .collect::<Option<Vec<_>>>()?;
        let records: Vec<(Record, StateLine)> = texts
            .par_iter()
            .enumerate()
            .flat_map_iter(|(n, text)| {
                let base = text.as_ptr() as usize;
                text.lines().map(move |l| {
                    let start = l.as_ptr() as usize - base;
                    Some((
                        serde_json::from_str::<Record>(l).ok()?,
                        StateLine {
                            chunk: n,
                            range: start..start + l.len(),
                        },
                    ))
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let mut metas = Vec::with_capacity(records.len());
        let mut servers = Vec::with_capacity(records.len());
        let mut raw = Vec::with_capacity(records.len());
        for (r, at) in records {
            metas.push(r.meta);
            servers.push(r.server);
            raw.push(Some(at));
        }
        Some(State {
            build: header.build,
            marker,
            metas,
            servers,
            lines: raw,
            texts,
            units: units.units,
        })
    }
}
