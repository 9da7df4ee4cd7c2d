//! `toolcat check` and `toolcat diff`: what changed between a reviewed baseline and what
//! servers expose now, as findings with stable codes and severities.
//!
//! [`compare`] compares one server's tools before and after. Every finding names its
//! server, its tool, and for a changed tool each field that changed (with the JSON
//! pointer of each schema change, breaking ones marked).

pub mod report;
pub mod schema_diff;

use crate::classify::{classify, Verdict};
use crate::model::{Annotations, Risk, Server, Tool};
use serde::Serialize;
use std::collections::BTreeMap;

/// A kind of finding, with its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Kind {
    ToolAdded,
    ToolRemoved,
    ToolChanged,
    RiskEscalation,
    AnnotationRiskier,
    NewRiskSignal,
    ServerUnreachable,
    NeedsReview,
    ToxicCombination,
    NameCollision,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::ToolAdded,
        Kind::ToolRemoved,
        Kind::ToolChanged,
        Kind::RiskEscalation,
        Kind::AnnotationRiskier,
        Kind::NewRiskSignal,
        Kind::ServerUnreachable,
        Kind::NeedsReview,
        Kind::ToxicCombination,
        Kind::NameCollision,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::ToolAdded => "TCK001",
            Kind::ToolRemoved => "TCK002",
            Kind::ToolChanged => "TCK003",
            Kind::RiskEscalation => "TCK004",
            Kind::AnnotationRiskier => "TCK005",
            Kind::NewRiskSignal => "TCK006",
            Kind::ServerUnreachable => "TCK007",
            Kind::NeedsReview => "TCK008",
            Kind::ToxicCombination => "TCK009",
            Kind::NameCollision => "TCK010",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::ToolAdded => "tool-added",
            Kind::ToolRemoved => "tool-removed",
            Kind::ToolChanged => "tool-changed",
            Kind::RiskEscalation => "risk-escalation",
            Kind::AnnotationRiskier => "annotation-riskier",
            Kind::NewRiskSignal => "new-risk-signal",
            Kind::ServerUnreachable => "server-unreachable",
            Kind::NeedsReview => "needs-review",
            Kind::ToxicCombination => "toxic-combination",
            Kind::NameCollision => "name-collision",
        }
    }

    /// What the finding means and what to do about it (SARIF help, `--help`).
    pub fn help(self) -> &'static str {
        match self {
            Kind::ToolAdded => "A tool the reviewed catalogue does not have. Its severity is the risk of its verdict: a new destructive or financial tool is critical. Review it, then accept it with `toolcat check --update` or `toolcat ingest`.",
            Kind::ToolRemoved => "A tool of the reviewed catalogue that the server no longer lists. Policies and agents that name it will fail.",
            Kind::ToolChanged => "A tool whose definition changed: the fields that changed are listed, with the JSON pointer of each schema change. A change that breaks existing calls (a parameter became required, a type narrowed, an enum lost a value, a parameter disappeared) is marked breaking. A changed description deserves a read: it is what the model follows.",
            Kind::RiskEscalation => "The tool's category or risk rose: it can now do more than it could when it was reviewed.",
            Kind::AnnotationRiskier => "An annotation flipped to a riskier value or disappeared (readOnlyHint no longer true, destructiveHint no longer false, openWorldHint no longer false, idempotentHint no longer true). Clients that auto-approve on hints would now treat the tool differently.",
            Kind::NewRiskSignal => "A risk signal appeared in the definition (secrets, bulk targets, code, SQL, URL or path parameters, force options). Hidden instructions newly present in a description are critical: that is the shape of a rug pull.",
            Kind::ServerUnreachable => "The server could not be enumerated, so nothing about it was checked.",
            Kind::NeedsReview => "A new or changed tool whose definition gives too little evidence to trust its verdict (no known action, or only a word that is as often a noun). toolcat does not call it harmless: policies put it behind approval. Read its definition and decide it with an override in toolcat.toml.",
            Kind::ToxicCombination => "Tools of this server join a toxic combination that the servers of the catalogue make together: tools that read private data, tools that bring content a stranger can write, and tools that send data out, all reachable by one agent. One instruction hidden in the untrusted content can make the agent send the private data away. Put one leg behind approval (`toolcat flows` names the fewest tools), or keep the servers apart.",
            Kind::NameCollision => "This server exposes a tool name another server of the catalogue also exposes. A client that flattens tool names may call the wrong one, and a look-alike can shadow the real tool.",
        }
    }
}

/// One change of one field of a tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// `title`, `description`, `annotations`, `inputSchema`, `outputSchema`, `other`.
    pub field: String,
    /// JSON pointer inside the field, for schema and annotation changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    pub change: String,
    pub breaking: bool,
}

/// Something that needs a person's look.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub kind: &'static str,
    #[serde(skip)]
    pub kind_enum: Kind,
    pub severity: Risk,
    pub server: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    pub breaking: bool,
    /// Fingerprint of the tool as it is now (or was, for a removed tool).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Set when a `[[check.ignore]]` entry covers the finding; ignored findings never fail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

impl Finding {
    fn new(kind: Kind, severity: Risk, server: &str, tool: Option<&str>, message: String) -> Self {
        Finding {
            code: kind.code(),
            kind: kind.name(),
            kind_enum: kind,
            severity,
            server: server.to_string(),
            tool: tool.map(str::to_string),
            message,
            changes: Vec::new(),
            breaking: false,
            fingerprint: None,
            ignored: None,
        }
    }

    /// The finding for a server that could not be listed.
    pub fn unreachable(server: &str, error: &str) -> Self {
        Finding::new(
            Kind::ServerUnreachable,
            Risk::High,
            server,
            None,
            format!(
                "could not list its tools: {}",
                crate::untrusted::one_line(error, 300)
            ),
        )
    }
}

/// What a comparison says of a server of the baseline that the current state lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Absent {
    /// Nothing: it was not asked about (`check` looks at the servers it is given).
    NotChecked,
    /// It is gone, and each of its tools is reported removed (`diff`).
    Removed,
}

/// Compare every server of `now` with its namesake (by slug) in `baseline`, then, under
/// [`Absent::Removed`], each server of `baseline` missing from `now` with no tools. Returns
/// the findings, server by server, and the slugs of the servers compared.
pub fn compare_all(
    baseline: &[Server],
    now: &[Server],
    absent: Absent,
    classifier: &crate::classify::Classifier<'_>,
) -> (Vec<Finding>, Vec<String>) {
    let mut findings = Vec::new();
    let mut servers = Vec::new();
    for s in now {
        let before = baseline.iter().find(|b| b.server.slug == s.server.slug);
        findings.extend(compare(before, s, classifier));
        servers.push(s.server.slug.clone());
    }
    if absent == Absent::Removed {
        for b in baseline
            .iter()
            .filter(|b| !now.iter().any(|a| a.server.slug == b.server.slug))
        {
            let empty = Server {
                server: b.server.clone(),
                tools: Vec::new(),
            };
            findings.extend(compare(Some(b), &empty, classifier));
            servers.push(b.server.slug.clone());
        }
    }
    // The servers one agent reaches after the change: the current ones, and under
    // `NotChecked` the baseline's others as they were.
    let mut after: Vec<&Server> = now.iter().collect();
    if absent == Absent::NotChecked {
        let given: std::collections::HashSet<&str> =
            now.iter().map(|s| s.server.slug.as_str()).collect();
        after.extend(
            baseline
                .iter()
                .filter(|b| !given.contains(b.server.slug.as_str())),
        );
    }
    let changed: Vec<&str> = now.iter().map(|s| s.server.slug.as_str()).collect();
    findings.extend(flow_findings(baseline, &after, &changed, classifier));
    (findings, servers)
}

/// What a change does between tools: the tools that join a toxic combination (one
/// finding for each server of the change, `changed`, whose tools join it; for every server
/// whose tools join when none of the change's do), and tool names newly shared by two
/// servers.
pub fn flow_findings(
    before: &[Server],
    after: &[&Server],
    changed: &[&str],
    classifier: &crate::classify::Classifier<'_>,
) -> Vec<Finding> {
    // Only the capabilities are kept, a server at a time: verdicts with their evidence
    // for a whole catalogue would be too much to hold twice.
    let capabilities = |s: &Server| -> Vec<Vec<crate::model::Capability>> {
        classifier
            .verdicts(s, &s.tools)
            .into_iter()
            .map(|v| v.capabilities)
            .collect()
    };
    let old_caps: Vec<Vec<Vec<crate::model::Capability>>> =
        before.iter().map(capabilities).collect();
    let before_refs: Vec<&Server> = before.iter().collect();
    let index: std::collections::HashMap<&str, usize> = before
        .iter()
        .enumerate()
        .map(|(i, b)| (b.server.slug.as_str(), i))
        .collect();
    // A server the change left as it was keeps its capabilities: only changed ones are
    // classified again.
    let new_caps: Vec<Vec<Vec<crate::model::Capability>>> = after
        .iter()
        .map(|s| {
            index
                .get(s.server.slug.as_str())
                .filter(|i| before[**i].tools == s.tools)
                .map_or_else(|| capabilities(s), |i| old_caps[*i].clone())
        })
        .collect();
    let old = crate::flows::analyse_capabilities(&before_refs, &old_caps);
    let new = crate::flows::analyse_capabilities(after, &new_caps);
    let legs = |f: &crate::flows::Flows| -> std::collections::BTreeSet<String> {
        f.combinations
            .iter()
            .flat_map(|c| {
                c.private_data
                    .iter()
                    .chain(&c.untrusted_content)
                    .chain(&c.external_send)
                    .cloned()
            })
            .collect()
    };
    let (was, is) = (legs(&old), legs(&new));
    let mut out = Vec::new();
    if let Some(c) = new.combinations.first() {
        let mut by_server: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for id in is.difference(&was) {
            // Slugs have no `/`: the id is `slug/tool`.
            let (s, tool) = id.split_once('/').unwrap_or(("", id));
            by_server.entry(s).or_default().push(tool);
        }
        if by_server.keys().any(|s| changed.contains(s)) {
            by_server.retain(|s, _| changed.contains(s));
        }
        // Each leg as the servers that hold it.
        let holders = |leg: &[String]| {
            let mut slugs: Vec<&str> = leg
                .iter()
                .filter_map(|t| t.split_once('/'))
                .map(|(s, _)| s)
                .collect();
            slugs.dedup();
            crate::untrusted::one_line(&slugs.join(", "), 200)
        };
        for (server, tools) in by_server {
            let message = format!(
                "{} of its tools join a toxic combination: private data from {}, untrusted \
                 content from {}, a way out through {}. Its tools: {}. {}",
                tools.len(),
                holders(&c.private_data),
                holders(&c.untrusted_content),
                holders(&c.external_send),
                crate::untrusted::one_line(&tools.join(", "), 300),
                if was.is_empty() {
                    "The combination is new."
                } else {
                    "The combination existed; these tools widen it."
                }
            );
            out.push(Finding::new(
                Kind::ToxicCombination,
                Risk::High,
                server,
                None,
                message,
            ));
        }
    }
    for c in &new.collisions {
        // Only the servers that newly share the name: a collision the baseline had, with
        // the same servers, was reviewed with it.
        let had: &[String] = old
            .collisions
            .iter()
            .find(|o| o.tool == c.tool)
            .map_or(&[], |o| o.servers.as_slice());
        for server in c.servers.iter().filter(|s| !had.contains(s)) {
            let others: Vec<&str> = c
                .servers
                .iter()
                .filter(|s| *s != server)
                .map(String::as_str)
                .collect();
            out.push(Finding::new(
                Kind::NameCollision,
                Risk::High,
                server,
                Some(&c.tool),
                format!(
                    "{} also exposes a tool of this name",
                    crate::untrusted::one_line(&others.join(", "), 200)
                ),
            ));
        }
    }
    out
}

/// Compare a server as reviewed (`before`, `None` for a server new to the catalogue) with
/// what it lists now; verdicts come from `classifier`.
pub fn compare(
    before: Option<&Server>,
    after: &Server,
    classifier: &crate::classify::Classifier<'_>,
) -> Vec<Finding> {
    let verdict = |s: &Server, t: &Tool| classifier.verdict(s, t);
    let slug = after.server.slug.as_str();
    let index = |s: &Server| -> BTreeMap<String, Tool> {
        let mut m = BTreeMap::new();
        for t in &s.tools {
            m.entry(t.name.clone()).or_insert_with(|| t.clone());
        }
        m
    };
    let old = before.map(index).unwrap_or_default();
    let new = index(after);
    let mut out = Vec::new();
    for (name, tool) in &new {
        let v = verdict(after, tool);
        match old.get(name) {
            None => {
                let mut f = Finding::new(
                    Kind::ToolAdded,
                    v.risk,
                    slug,
                    Some(name),
                    format!(
                        "new {} tool, {} risk{}",
                        v.category.as_str(),
                        v.risk.as_str(),
                        signals_text(&v.signals)
                    ),
                );
                f.fingerprint = Some(tool.fingerprint());
                out.push(f);
                out.extend(needs_review(slug, tool, &v));
            }
            Some(prev) => {
                let pv = before.map_or_else(|| classify(prev), |b| verdict(b, prev));
                out.extend(changed(slug, prev, &pv, tool, &v));
                if !pv.needs_review && prev.fingerprint() != tool.fingerprint() {
                    out.extend(needs_review(slug, tool, &v));
                }
            }
        }
    }
    for (name, tool) in &old {
        if !new.contains_key(name) {
            let mut f = Finding::new(
                Kind::ToolRemoved,
                Risk::Low,
                slug,
                Some(name),
                "no longer listed by the server".into(),
            );
            f.fingerprint = Some(tool.fingerprint());
            out.push(f);
        }
    }
    out.sort_by(|a, b| (&a.tool, a.kind_enum).cmp(&(&b.tool, b.kind_enum)));
    out
}

/// The finding for a tool whose verdict needs review, if it does.
fn needs_review(server: &str, tool: &Tool, v: &Verdict) -> Option<Finding> {
    let reason = v.review_reason.as_deref()?;
    let mut f = Finding::new(
        Kind::NeedsReview,
        v.risk.max(Risk::High),
        server,
        Some(&tool.name),
        format!(
            "needs review: {reason}; gated as {} until an override decides it",
            v.category.as_str()
        ),
    );
    f.fingerprint = Some(tool.fingerprint());
    Some(f)
}

fn signals_text(signals: &[&str]) -> String {
    if signals.is_empty() {
        String::new()
    } else {
        format!(" (signals: {})", signals.join(", "))
    }
}

/// Findings for a tool present before and after.
fn changed(server: &str, old: &Tool, ov: &Verdict, new: &Tool, nv: &Verdict) -> Vec<Finding> {
    let fp = new.fingerprint();
    if old.fingerprint() == fp {
        return Vec::new();
    }
    let name = new.name.as_str();
    let mut out = Vec::new();
    let changes = field_changes(old, new);
    if !changes.is_empty() {
        let breaking = changes.iter().any(|c| c.breaking);
        let fields: Vec<&str> = {
            let mut f: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
            f.dedup();
            f
        };
        let description = changes.iter().any(|c| c.field == "description");
        let severity = if breaking || description {
            Risk::Medium
        } else {
            Risk::Low
        };
        let mut f = Finding::new(
            Kind::ToolChanged,
            severity,
            server,
            Some(name),
            format!(
                "changed: {}{}",
                fields.join(", "),
                if breaking { " (breaking)" } else { "" }
            ),
        );
        f.changes = changes;
        f.breaking = breaking;
        f.fingerprint = Some(fp.clone());
        out.push(f);
    }
    if nv.category > ov.category || nv.risk > ov.risk {
        let mut f = Finding::new(
            Kind::RiskEscalation,
            nv.risk.max(Risk::Medium),
            server,
            Some(name),
            format!(
                "was {} with {} risk, now {} with {} risk",
                ov.category.as_str(),
                ov.risk.as_str(),
                nv.category.as_str(),
                nv.risk.as_str()
            ),
        );
        f.fingerprint = Some(fp.clone());
        out.push(f);
    }
    for (hint, from, to) in riskier_annotations(old.annotations.as_ref(), new.annotations.as_ref())
    {
        let mut f = Finding::new(
            Kind::AnnotationRiskier,
            Risk::Medium,
            server,
            Some(name),
            format!("{hint}: {from} → {to}"),
        );
        f.changes.push(FieldChange {
            field: "annotations".into(),
            pointer: Some(format!("/{hint}")),
            change: format!("{from} → {to}"),
            breaking: false,
        });
        f.fingerprint = Some(fp.clone());
        out.push(f);
    }
    for signal in nv.signals.iter().filter(|s| !ov.signals.contains(s)) {
        let hidden = *signal == "hidden-instructions";
        let mut f = Finding::new(
            Kind::NewRiskSignal,
            if hidden { Risk::Critical } else { Risk::Medium },
            server,
            Some(name),
            if hidden {
                "hidden instructions to the model appeared in the definition".into()
            } else {
                format!("new risk signal {signal}")
            },
        );
        f.fingerprint = Some(fp.clone());
        out.push(f);
    }
    out
}

fn shown(v: Option<bool>) -> String {
    v.map_or_else(|| "absent".into(), |b| b.to_string())
}

/// Reads one hint of the annotations.
type HintOf = fn(&Annotations) -> Option<bool>;

/// Hints that moved towards riskier, or disappeared from a safe value.
fn riskier_annotations(
    old: Option<&Annotations>,
    new: Option<&Annotations>,
) -> Vec<(&'static str, String, String)> {
    let get = |a: Option<&Annotations>, f: fn(&Annotations) -> Option<bool>| a.and_then(f);
    let hints: [(&str, HintOf, bool); 4] = [
        ("readOnlyHint", |a| a.read_only_hint, true),
        ("destructiveHint", |a| a.destructive_hint, false),
        ("idempotentHint", |a| a.idempotent_hint, true),
        ("openWorldHint", |a| a.open_world_hint, false),
    ];
    hints
        .into_iter()
        .filter_map(|(name, f, safe)| {
            let (o, n) = (get(old, f), get(new, f));
            (o == Some(safe) && n != Some(safe)).then(|| (name, shown(o), shown(n)))
        })
        .collect()
}

/// What changed between two definitions of a tool, field by field.
pub fn field_changes(old: &Tool, new: &Tool) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let text = |field: &str, a: Option<&str>, b: Option<&str>, out: &mut Vec<FieldChange>| {
        if a != b {
            out.push(FieldChange {
                field: field.into(),
                pointer: None,
                change: format!(
                    "{} → {}",
                    crate::untrusted::one_line(a.unwrap_or("(none)"), 80),
                    crate::untrusted::one_line(b.unwrap_or("(none)"), 80)
                ),
                breaking: false,
            });
        }
    };
    text(
        "title",
        old.title.as_deref(),
        new.title.as_deref(),
        &mut out,
    );
    text(
        "description",
        old.description.as_deref(),
        new.description.as_deref(),
        &mut out,
    );
    let value = |a: &Option<Annotations>| serde_json::to_value(a).unwrap_or_default();
    for c in schema_diff::diff_values(&value(&old.annotations), &value(&new.annotations)) {
        out.push(FieldChange {
            field: "annotations".into(),
            pointer: Some(c.pointer),
            change: c.change,
            breaking: false,
        });
    }
    let schema = |s: &Option<serde_json::Value>| s.clone().unwrap_or(serde_json::Value::Null);
    let input = |s: &Option<crate::json::Json>| {
        s.as_ref()
            .map_or(serde_json::Value::Null, crate::json::Json::to_value)
    };
    for (field, a, b) in [
        (
            "inputSchema",
            input(&old.input_schema),
            input(&new.input_schema),
        ),
        (
            "outputSchema",
            schema(&old.output_schema),
            schema(&new.output_schema),
        ),
    ] {
        for c in schema_diff::diff(&a, &b) {
            out.push(FieldChange {
                field: field.into(),
                pointer: Some(c.pointer),
                change: c.change,
                breaking: c.breaking && field == "inputSchema",
            });
        }
    }
    if out.is_empty() {
        out.push(FieldChange {
            field: "other".into(),
            pointer: None,
            change: "fields outside title, description, annotations and schemas changed".into(),
            breaking: false,
        });
    }
    out
}
