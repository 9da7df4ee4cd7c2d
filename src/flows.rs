//! Risk that lives between tools: the toxic combination an agent holds when the servers it
//! starts give it, together, tools that read private data, tools that bring untrusted
//! content, and tools that send data out (each a capability of the verdict, rules
//! TC301–TC303); and two servers that expose the same tool name.
//!
//! Every server given to [`analyse`] is taken to be reachable by one agent, as the servers
//! of one client configuration are.

use crate::classify::Verdict;
use crate::model::{Capability, Server};
use serde::Serialize;
use std::collections::BTreeMap;

/// A tool, as `server/tool`.
pub fn tool_id(server: &Server, tool: &str) -> String {
    format!("{}/{tool}", server.server.slug)
}

/// The three legs, each the tools that have that capability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Combination {
    pub private_data: Vec<String>,
    pub untrusted_content: Vec<String>,
    pub external_send: Vec<String>,
    pub explanation: String,
}

/// A tool name that more than one server exposes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collision {
    pub tool: String,
    pub servers: Vec<String>,
    pub explanation: String,
}

/// What [`analyse`] finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flows {
    /// At most one: every server belongs to the same agent.
    pub combinations: Vec<Combination>,
    /// The fewest tools whose gating breaks every combination: one whole leg.
    pub gate: Vec<String>,
    /// Which leg [`Flows::gate`] is.
    pub gate_leg: Option<Capability>,
    pub collisions: Vec<Collision>,
}

/// The combinations, the gate that breaks them and the name collisions of `servers`, whose
/// verdicts are `verdicts[i][j]` for tool `j` of server `i`.
pub fn analyse(servers: &[Server], verdicts: &[Vec<Verdict>]) -> Flows {
    let mut legs: BTreeMap<Capability, Vec<String>> =
        Capability::ALL.iter().map(|c| (*c, Vec::new())).collect();
    let mut names: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (s, vs) in servers.iter().zip(verdicts) {
        for (t, v) in s.tools.iter().zip(vs) {
            for c in &v.capabilities {
                legs.entry(*c).or_default().push(tool_id(s, &t.name));
            }
            let slugs = names.entry(&t.name).or_default();
            if !slugs.contains(&s.server.slug) {
                slugs.push(s.server.slug.clone());
            }
        }
    }
    for leg in legs.values_mut() {
        leg.sort();
        leg.dedup();
    }
    let leg = |c: Capability| legs.get(&c).cloned().unwrap_or_default();
    let complete = legs.values().all(|l| !l.is_empty());
    let (combinations, gate, gate_leg) = if complete {
        // Gating every tool of one leg breaks every combination, and nothing smaller
        // does: any smaller set leaves a tool in each leg. The smallest leg, the send leg
        // on a tie (the cheapest to put behind approval), is the answer.
        let cheapest = [
            Capability::ExternalSend,
            Capability::UntrustedContent,
            Capability::PrivateData,
        ]
        .into_iter()
        .min_by_key(|c| leg(*c).len())
        .unwrap_or(Capability::ExternalSend);
        let combination = Combination {
            private_data: leg(Capability::PrivateData),
            untrusted_content: leg(Capability::UntrustedContent),
            external_send: leg(Capability::ExternalSend),
            explanation: format!(
                "One agent can read private data ({} tools), take in text a stranger wrote \
                 ({} tools) and send data out ({} tools): an instruction hidden in that text \
                 can make it send the private data away. Gating the {} tools of the {} leg \
                 breaks every such path.",
                leg(Capability::PrivateData).len(),
                leg(Capability::UntrustedContent).len(),
                leg(Capability::ExternalSend).len(),
                leg(cheapest).len(),
                cheapest.as_str()
            ),
        };
        (vec![combination], leg(cheapest), Some(cheapest))
    } else {
        (Vec::new(), Vec::new(), None)
    };
    let collisions = names
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(tool, mut servers)| {
            servers.sort();
            Collision {
                explanation: format!(
                    "{} servers expose a tool named {tool:?}: a client that flattens tool \
                     names may call the wrong one.",
                    servers.len()
                ),
                tool: tool.to_string(),
                servers,
            }
        })
        .collect();
    Flows {
        combinations,
        gate,
        gate_leg,
        collisions,
    }
}
