//! Measuring the classifier against labels: accuracy, a confusion matrix, the
//! dangerous-as-safe count and every disagreement with the rules that fired.

use crate::classify::Verdict;
use crate::model::Category;
use anyhow::{bail, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One label line: `{"id": "<server>/<tool>", "category": "...", "sure": bool}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub id: String,
    pub category: String,
    #[serde(default = "yes")]
    pub sure: bool,
}

fn yes() -> bool {
    true
}

/// Read a labels file; every bad line is reported with its number.
pub fn read_labels(path: &Path) -> Result<Vec<(Label, Category)>> {
    read_json_lines(path, |l: Label| {
        let c = l.category.parse::<Category>()?;
        Ok((l, c))
    })
}

/// The JSON lines of a file, each read as a `T` and turned into a `U` by `convert`; every
/// bad line is reported with its number.
fn read_json_lines<T: serde::de::DeserializeOwned, U>(
    path: &Path,
    convert: impl Fn(T) -> std::result::Result<U, String>,
) -> Result<Vec<U>> {
    let text = crate::ingest::read_small_text(path)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<T>(line)
            .map_err(|e| e.to_string())
            .and_then(&convert)
        {
            Ok(u) => out.push(u),
            Err(e) => errors.push(format!("{}:{}: {e}", path.display(), i + 1)),
        }
    }
    if !errors.is_empty() {
        bail!("bad label lines:\n  {}", errors.join("\n  "));
    }
    Ok(out)
}

/// What toolcat made of one labelled tool: its verdict, and whether the default policy
/// lets an agent call it without a person (allowed, rate-limited or spend-capped).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    pub policy_allows: bool,
}

/// Verdicts and accuracy of one server.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub total: usize,
    pub correct: usize,
    pub sure_total: usize,
    pub sure_correct: usize,
    pub needs_review: usize,
}

/// Confidence bands of the reliability table: `[i/10, (i+1)/10)`, the last one closed.
pub const BANDS: usize = 10;

/// The outcome of comparing verdicts with labels.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub total: usize,
    pub correct: usize,
    pub sure_total: usize,
    pub sure_correct: usize,
    /// (label, verdict) -> count.
    pub confusion: BTreeMap<(Category, Category), usize>,
    /// Destructive or financial labelled tools given read or write; execute given read.
    pub dangerous_as_safe: usize,
    pub dangerous_as_safe_sure: usize,
    /// Of those, the ones whose verdict needs review (so policies gate them).
    pub dangerous_as_safe_gated: usize,
    /// Tools labelled destructive or financial (sure) that the default policy lets an
    /// agent call without a person, and tools labelled execute it allows as a read.
    pub dangerous_allowed: Vec<String>,
    /// Verdicts that need review.
    pub needs_review: usize,
    /// Wrong categories among verdicts that need review (gated, so no harm done).
    pub needs_review_wrong: usize,
    /// Tools labelled read (sure), and how many of them need review.
    pub read_sure: usize,
    pub read_sure_gated: usize,
    /// Per confidence band: (verdicts, correct ones, sum of confidences).
    pub reliability: [(usize, usize, f64); BANDS],
    pub by_server: BTreeMap<String, Tally>,
    pub missing: Vec<String>,
    pub disagreements: Vec<String>,
}

/// Whether calling `label` a `verdict` hides danger.
pub fn dangerous_as_safe(label: Category, verdict: Category) -> bool {
    match label {
        Category::Destructive | Category::Financial => {
            matches!(verdict, Category::Read | Category::Write)
        }
        Category::Execute => verdict == Category::Read,
        _ => false,
    }
}

/// The band of a confidence.
fn band(confidence: f64) -> usize {
    (1..BANDS)
        .take_while(|&i| confidence >= i as f64 / BANDS as f64)
        .last()
        .unwrap_or(0)
}

/// Compare; `lookup` finds what toolcat made of an id.
pub fn evaluate(
    labels: &[(Label, Category)],
    lookup: impl Fn(&str) -> Option<Outcome>,
) -> Evaluation {
    let mut r = Evaluation::default();
    for (label, expected) in labels {
        let Some(Outcome {
            verdict: v,
            policy_allows,
        }) = lookup(&label.id)
        else {
            r.missing.push(label.id.clone());
            continue;
        };
        r.total += 1;
        *r.confusion.entry((*expected, v.category)).or_default() += 1;
        let ok = v.category == *expected;
        let server = label.id.split_once('/').map_or(&*label.id, |(s, _)| s);
        let tally = r.by_server.entry(server.to_string()).or_default();
        tally.total += 1;
        tally.correct += usize::from(ok);
        tally.needs_review += usize::from(v.needs_review);
        if label.sure {
            r.sure_total += 1;
            r.sure_correct += usize::from(ok);
            tally.sure_total += 1;
            tally.sure_correct += usize::from(ok);
        }
        r.correct += usize::from(ok);
        r.needs_review += usize::from(v.needs_review);
        r.needs_review_wrong += usize::from(v.needs_review && !ok);
        if label.sure && *expected == Category::Read {
            r.read_sure += 1;
            r.read_sure_gated += usize::from(v.needs_review);
        }
        let b = &mut r.reliability[band(v.confidence)];
        b.0 += 1;
        b.1 += usize::from(ok);
        b.2 += v.confidence;
        if dangerous_as_safe(*expected, v.category) {
            r.dangerous_as_safe += 1;
            r.dangerous_as_safe_sure += usize::from(label.sure);
            r.dangerous_as_safe_gated += usize::from(v.needs_review);
        }
        let money_or_loss = matches!(expected, Category::Destructive | Category::Financial);
        let run_as_read = *expected == Category::Execute && v.category == Category::Read;
        if policy_allows && label.sure && (money_or_loss || run_as_read) {
            r.dangerous_allowed.push(format!(
                "{} label={} verdict={}",
                label.id,
                expected.as_str(),
                v.category.as_str()
            ));
        }
        if !ok {
            let rules: Vec<String> = v
                .evidence
                .iter()
                .map(|e| format!("{} {} «{}»", e.rule, e.effect, e.quote))
                .collect();
            r.disagreements.push(format!(
                "{} label={}{} verdict={}{} rules: {}",
                label.id,
                expected.as_str(),
                if label.sure { "" } else { " (unsure)" },
                v.category.as_str(),
                if v.needs_review {
                    " (needs review)"
                } else {
                    ""
                },
                rules.join("; ")
            ));
        }
    }
    r
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

impl Evaluation {
    /// The report as text; `by_server` adds a line of accuracy for each server.
    pub fn text(&self, by_server: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "labels compared: {} ({} sure)",
            self.total, self.sure_total
        );
        let _ = writeln!(
            s,
            "accuracy (all):  {:.2}% ({}/{})",
            pct(self.correct, self.total),
            self.correct,
            self.total
        );
        let _ = writeln!(
            s,
            "accuracy (sure): {:.2}% ({}/{})",
            pct(self.sure_correct, self.sure_total),
            self.sure_correct,
            self.sure_total
        );
        let _ = writeln!(
            s,
            "dangerous as safe: {} ({} of them sure)",
            self.dangerous_as_safe, self.dangerous_as_safe_sure
        );
        let _ = writeln!(
            s,
            "dangerous as safe and gated for review: {} of {}",
            self.dangerous_as_safe_gated, self.dangerous_as_safe
        );
        let _ = writeln!(
            s,
            "needs review: {} of {} ({:.2}%), {} of them with a wrong category",
            self.needs_review,
            self.total,
            pct(self.needs_review, self.total),
            self.needs_review_wrong
        );
        let _ = writeln!(
            s,
            "labelled read (sure) but gated for review: {} of {} ({:.2}%)",
            self.read_sure_gated,
            self.read_sure,
            pct(self.read_sure_gated, self.read_sure)
        );
        let _ = writeln!(
            s,
            "labelled destructive or financial (sure) that the default policy allows or only \
             rate-limits, or execute allowed as a read: {}",
            self.dangerous_allowed.len()
        );
        for d in &self.dangerous_allowed {
            let _ = writeln!(s, "  {d}");
        }
        let _ = writeln!(
            s,
            "\nreliability (confidence band: verdicts, mean confidence, accuracy, gap)"
        );
        for (i, (n, ok, sum)) in self.reliability.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let mean = 100.0 * sum / *n as f64;
            let acc = pct(*ok, *n);
            let _ = writeln!(
                s,
                "  {:.1}-{:.1}  {n:>6}  {mean:>6.1}%  {acc:>6.1}%  {:>+6.1}{}",
                i as f64 / BANDS as f64,
                (i + 1) as f64 / BANDS as f64,
                acc - mean,
                if *n < 30 { "  (under 30 verdicts)" } else { "" }
            );
        }
        if !self.missing.is_empty() {
            let _ = writeln!(s, "labelled tools not found: {}", self.missing.len());
            for m in &self.missing {
                let _ = writeln!(s, "  {m}");
            }
        }
        let _ = writeln!(s, "\nconfusion (rows: label, columns: verdict)");
        let _ = write!(s, "{:<12}", "");
        for c in Category::ALL {
            let _ = write!(s, "{:>12}", c.as_str());
        }
        s.push('\n');
        for l in Category::ALL {
            let _ = write!(s, "{:<12}", l.as_str());
            for v in Category::ALL {
                let _ = write!(
                    s,
                    "{:>12}",
                    self.confusion.get(&(l, v)).copied().unwrap_or(0)
                );
            }
            s.push('\n');
        }
        if by_server {
            let _ = writeln!(
                s,
                "\nby server (tools, accuracy all, accuracy sure, needs review)"
            );
            for (server, t) in &self.by_server {
                let _ = writeln!(
                    s,
                    "  {server:<44} {:>5}  {:>6.2}%  {:>6.2}%  {:>4}",
                    t.total,
                    pct(t.correct, t.total),
                    pct(t.sure_correct, t.sure_total),
                    t.needs_review
                );
            }
        }
        let _ = writeln!(s, "\ndisagreements: {}", self.disagreements.len());
        for d in &self.disagreements {
            let _ = writeln!(s, "  {d}");
        }
        s
    }
}

/// How the verdicts of tools declaring `readOnlyHint: true` came out.
pub fn annotation_agreement(
    catalog: &crate::catalog::Catalog,
    classifier: &crate::classify::Classifier<'_>,
) -> String {
    let (mut declared, mut read, mut explained, mut without_evidence) = (0, 0, 0, 0);
    let mut exceptions = Vec::new();
    for server in &catalog.servers {
        for tool in &server.tools {
            let v = classifier.verdict(server, tool);
            without_evidence += usize::from(v.evidence.is_empty());
            let claims = tool
                .annotations
                .as_ref()
                .and_then(crate::model::Annotations::read_only);
            if claims != Some(true) {
                continue;
            }
            declared += 1;
            if v.category == crate::model::Category::Read {
                read += 1;
            } else {
                let found = !v.findings.is_empty();
                explained += usize::from(found);
                exceptions.push(format!(
                    "  {}/{} -> {}{}",
                    server.server.slug,
                    crate::untrusted::visible(&tool.name),
                    v.category,
                    if found {
                        " (contradiction finding)"
                    } else {
                        " (NO finding)"
                    }
                ));
            }
        }
    }
    let pct = if declared == 0 {
        0.0
    } else {
        100.0 * f64::from(read) / f64::from(declared)
    };
    format!(
        "declared readOnlyHint: true: {declared}; classified read: {read} ({pct:.2}%); \
         exceptions with a contradiction finding: {explained} of {}\n{}\nverdicts without evidence: {without_evidence}",
        declared - read,
        exceptions.join("\n")
    )
}

/// One capability label line: `{"id": "<server>/<tool>", "capabilities": [...], "reason":
/// "..."}`, the capabilities a person found reading the definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapabilityLabel {
    pub id: String,
    pub capabilities: Vec<crate::model::Capability>,
    pub reason: String,
}

/// Whether a labels file holds capability labels (its first line has `capabilities`).
pub fn holds_capabilities(path: &Path) -> Result<bool> {
    let text = crate::ingest::read_small_text(path)?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    Ok(serde_json::from_str::<serde_json::Value>(first)
        .is_ok_and(|v| v.get("capabilities").is_some()))
}

/// Read a capability labels file; every bad line is reported with its number.
pub fn read_capability_labels(path: &Path) -> Result<Vec<CapabilityLabel>> {
    read_json_lines(path, Ok)
}

/// Verdicts against the labels of one capability.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CapabilityScore {
    /// Labelled and given.
    pub found: usize,
    /// Given, not labelled.
    pub extra: usize,
    /// Labelled, not given.
    pub missed: usize,
}

impl CapabilityScore {
    /// Of the tools given the capability, the share labelled with it.
    pub fn precision(&self) -> f64 {
        ratio(self.found, self.found + self.extra)
    }

    /// Of the tools labelled with the capability, the share given it.
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.found + self.missed)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// What [`evaluate_capabilities`] measures.
#[derive(Debug, Default, Clone)]
pub struct CapabilityEvaluation {
    pub labels: usize,
    pub scores: BTreeMap<crate::model::Capability, CapabilityScore>,
    /// Labelled tools the catalogue does not have.
    pub missing: Vec<String>,
    /// Each disagreement: id, labelled, given, the label's reason.
    pub disagreements: Vec<(String, String, String, String)>,
}

/// Verdicts' capabilities against capability labels; `verdict_of` gives the verdict of a
/// `server/tool` id, `None` for a tool the catalogue does not have.
pub fn evaluate_capabilities(
    labels: &[CapabilityLabel],
    verdict_of: impl Fn(&str) -> Option<Verdict>,
) -> CapabilityEvaluation {
    use crate::model::Capability;
    let mut e = CapabilityEvaluation {
        labels: labels.len(),
        scores: Capability::ALL
            .iter()
            .map(|c| (*c, CapabilityScore::default()))
            .collect(),
        ..CapabilityEvaluation::default()
    };
    let names = |cs: &[Capability]| {
        let v: Vec<&str> = cs.iter().map(|c| c.as_str()).collect();
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    for l in labels {
        let Some(v) = verdict_of(&l.id) else {
            e.missing.push(l.id.clone());
            continue;
        };
        for c in Capability::ALL {
            let (want, got) = (l.capabilities.contains(&c), v.capabilities.contains(&c));
            let s = e.scores.entry(c).or_default();
            match (want, got) {
                (true, true) => s.found += 1,
                (false, true) => s.extra += 1,
                (true, false) => s.missed += 1,
                (false, false) => {}
            }
        }
        let mut want = l.capabilities.clone();
        want.sort_unstable();
        want.dedup();
        if want != v.capabilities {
            e.disagreements.push((
                l.id.clone(),
                names(&want),
                names(&v.capabilities),
                l.reason.clone(),
            ));
        }
    }
    e
}

impl CapabilityEvaluation {
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "capability labels compared: {}",
            self.labels - self.missing.len()
        );
        let _ = writeln!(
            out,
            "  {:<18} {:>9} {:>9} {:>6} {:>6} {:>6}",
            "capability", "precision", "recall", "found", "extra", "missed"
        );
        for (c, s) in &self.scores {
            let _ = writeln!(
                out,
                "  {:<18} {:>8.1}% {:>8.1}% {:>6} {:>6} {:>6}",
                c.as_str(),
                100.0 * s.precision(),
                100.0 * s.recall(),
                s.found,
                s.extra,
                s.missed
            );
        }
        for id in &self.missing {
            let _ = writeln!(out, "not in the catalogue: {id}");
        }
        if !self.disagreements.is_empty() {
            let _ = writeln!(out, "disagreements ({}):", self.disagreements.len());
            for (id, want, got, reason) in &self.disagreements {
                let _ = writeln!(out, "  {id}: labelled {want}, given {got} ({reason})");
            }
        }
        out
    }
}
