//! Risk that lives between tools: the toxic combination an agent holds when the servers it
//! starts give it, together, tools that read private data, tools that bring untrusted
//! content, and tools that send data out (each a capability of the verdict, rules
//! TC301–TC303); two servers that expose the same tool name; and a tool whose description
//! names another server's tool or whose name imitates one (shadowing).
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
    /// Tools whose descriptions name, or whose names imitate, another server's tool.
    pub shadowing: Vec<Shadowing>,
}

/// The combinations, the gate that breaks them, the name collisions and the shadowing of
/// `servers`, whose verdicts are `verdicts[i][j]` for tool `j` of server `i`.
pub fn analyse(servers: &[Server], verdicts: &[Vec<Verdict>]) -> Flows {
    let capabilities: Vec<Vec<Vec<Capability>>> = verdicts
        .iter()
        .map(|vs| vs.iter().map(|v| v.capabilities.clone()).collect())
        .collect();
    let servers: Vec<&Server> = servers.iter().collect();
    analyse_capabilities(&servers, &capabilities)
}

/// [`analyse`] from the capabilities alone: `capabilities[i][j]` of tool `j` of server `i`.
pub fn analyse_capabilities(servers: &[&Server], capabilities: &[Vec<Vec<Capability>>]) -> Flows {
    let mut legs: BTreeMap<Capability, Vec<String>> =
        Capability::ALL.iter().map(|c| (*c, Vec::new())).collect();
    let mut names: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (s, cs) in servers.iter().zip(capabilities) {
        for (t, caps) in s.tools.iter().zip(cs) {
            for c in caps {
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
        shadowing: shadowing(servers),
    }
}

/// A tool whose description names another server's tool, or whose name imitates one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shadowing {
    /// The tool that shadows, `server/tool`.
    pub tool: String,
    /// The other server's tool it names or imitates, `server/tool`.
    pub target: String,
    /// `mentions` (its description names the other tool) or `imitates` (its name is one
    /// edit from the other tool's).
    pub how: &'static str,
    /// The words of the description, or the two names.
    pub evidence: String,
}

/// Whether a tool name is distinctive enough that naming it in prose means that tool: it
/// joins words (`send_email`, `sendEmail`, `send-email`) and is not short.
fn distinctive(name: &str) -> bool {
    name.len() >= 6
        && (name.contains('_')
            || name.contains('-')
            || name.chars().skip(1).any(|c| c.is_ascii_uppercase()))
}

/// A name as a reader sees it: case, separators and look-alike characters (digits for
/// letters, Cyrillic and Greek letters that look Latin) folded, so `send_emai1`,
/// `Send-Email` and `send_еmail` (a Cyrillic `е`) all read `send_email`.
fn skeleton(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '-' | ' ' | '.' => '_',
            '0' | 'о' | 'ο' => 'o',
            '1' | 'і' | 'ι' | '|' => 'l',
            '3' | 'е' | 'ε' => 'e',
            '5' | 'ѕ' => 's',
            '@' | 'а' | 'α' => 'a',
            'р' | 'ρ' => 'p',
            'с' => 'c',
            'у' => 'y',
            'х' | 'χ' => 'x',
            'ν' => 'v',
            c => c,
        })
        .collect()
}

/// Descriptions that name another server's tool (and not one of their own of that name),
/// and names that read as another server's tool name without being it.
pub fn shadowing(servers: &[&Server]) -> Vec<Shadowing> {
    use std::collections::{HashMap, HashSet};
    // Every distinctive name, by itself and by how it reads: the server indexes that have it.
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_skeleton: HashMap<String, Vec<(usize, &str)>> = HashMap::new();
    for (i, s) in servers.iter().enumerate() {
        for t in s.tools.iter().filter(|t| distinctive(&t.name)) {
            by_name.entry(&t.name).or_default().push(i);
            by_skeleton
                .entry(skeleton(&t.name))
                .or_default()
                .push((i, &t.name));
        }
    }
    let mut out = Vec::new();
    for (i, s) in servers.iter().enumerate() {
        let own: HashSet<&str> = s.tools.iter().map(|t| t.name.as_str()).collect();
        for t in &s.tools {
            let mut named: HashSet<(usize, &str)> = HashSet::new();
            let description = t.description.as_deref().unwrap_or("");
            for (at, word) in name_words(description) {
                if own.contains(word) {
                    continue;
                }
                let mut from = at.saturating_sub(60);
                while !description.is_char_boundary(from) {
                    from -= 1;
                }
                for &j in by_name.get(word).into_iter().flatten() {
                    if j != i && named.insert((j, word)) {
                        out.push(Shadowing {
                            tool: tool_id(s, &t.name),
                            target: tool_id(servers[j], word),
                            how: "mentions",
                            evidence: crate::untrusted::one_line(&description[from..], 160),
                        });
                    }
                }
            }
            for &(j, name) in by_skeleton.get(&skeleton(&t.name)).into_iter().flatten() {
                if j != i
                    && t.name != name
                    && !named.contains(&(j, name))
                    && imitator(&t.name, name, s, servers[j])
                {
                    out.push(Shadowing {
                        tool: tool_id(s, &t.name),
                        target: tool_id(servers[j], name),
                        how: "imitates",
                        evidence: format!("{} / {name}", t.name),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.tool, &a.target).cmp(&(&b.tool, &b.target)));
    out.dedup_by(|a, b| a.tool == b.tool && a.target == b.target);
    out
}

/// Which of two names that read alike is reported as imitating the other: the one with
/// look-alike characters when only one has them; else (case or separators only) the one
/// of the smaller `server/tool`, so each pair is reported once.
fn imitator(mine: &str, theirs: &str, s: &Server, other: &Server) -> bool {
    let plain = |n: &str| {
        n.chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | '.' | ' '))
    };
    match (plain(mine), plain(theirs)) {
        (false, true) => true,
        (true, false) => false,
        _ => tool_id(s, mine) < tool_id(other, theirs),
    }
}

/// The words of a text that could be tool names (runs of letters, digits, `_` and `-`),
/// with their byte offsets; a word followed by `.` and a letter or digit is a file name
/// (`docker-compose.yml`) and is left out.
fn name_words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || loop {
        let (start, c) = rest.next()?;
        if !name_char(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = rest.peek() {
            if !name_char(c) {
                break;
            }
            end = i + c.len_utf8();
            rest.next();
        }
        let extension = text[end..].starts_with('.')
            && text[end + 1..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        if !extension {
            return Some((start, &text[start..end]));
        }
    })
}
