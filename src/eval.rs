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
    let text = crate::ingest::read_small_text(path)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Label>(line) {
            Ok(l) => match l.category.parse::<Category>() {
                Ok(c) => out.push((l, c)),
                Err(e) => errors.push(format!("{}:{}: {e}", path.display(), i + 1)),
            },
            Err(e) => errors.push(format!("{}:{}: {e}", path.display(), i + 1)),
        }
    }
    if !errors.is_empty() {
        bail!("bad label lines:\n  {}", errors.join("\n  "));
    }
    Ok(out)
}

/// The outcome of comparing verdicts with labels.
#[derive(Debug, Default)]
pub struct Report {
    pub total: usize,
    pub correct: usize,
    pub sure_total: usize,
    pub sure_correct: usize,
    /// (label, verdict) -> count.
    pub confusion: BTreeMap<(Category, Category), usize>,
    /// Destructive or financial labelled tools given read or write; execute given read.
    pub dangerous_as_safe: usize,
    pub dangerous_as_safe_sure: usize,
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

/// Compare; `lookup` finds the verdict of an id.
pub fn evaluate(labels: &[(Label, Category)], lookup: impl Fn(&str) -> Option<Verdict>) -> Report {
    let mut r = Report::default();
    for (label, expected) in labels {
        let Some(v) = lookup(&label.id) else {
            r.missing.push(label.id.clone());
            continue;
        };
        r.total += 1;
        *r.confusion.entry((*expected, v.category)).or_default() += 1;
        let ok = v.category == *expected;
        if label.sure {
            r.sure_total += 1;
            r.sure_correct += usize::from(ok);
        }
        r.correct += usize::from(ok);
        if dangerous_as_safe(*expected, v.category) {
            r.dangerous_as_safe += 1;
            r.dangerous_as_safe_sure += usize::from(label.sure);
        }
        if !ok {
            let rules: Vec<String> = v
                .evidence
                .iter()
                .map(|e| format!("{} {} «{}»", e.rule, e.effect, e.quote))
                .collect();
            r.disagreements.push(format!(
                "{} label={}{} verdict={} rules: {}",
                label.id,
                expected.as_str(),
                if label.sure { "" } else { " (unsure)" },
                v.category.as_str(),
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

impl Report {
    pub fn text(&self) -> String {
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
        let _ = writeln!(s, "\ndisagreements: {}", self.disagreements.len());
        for d in &self.disagreements {
            let _ = writeln!(s, "  {d}");
        }
        s
    }
}
