//! `toolcat rules`: the classifier's rules, or one rule's documentation.

use super::common::stdout_line;
use crate::classify::rules;
use anyhow::{Context, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule code (TC001) or name.
    pub code: Option<String>,
}

pub fn run(args: &Args) -> Result<u8> {
    list_or_show(args.code.as_deref())
}

fn list_or_show(code: Option<&str>) -> Result<u8> {
    if let Some(c) = code {
        let r = rules::find(c)
            .with_context(|| format!("no rule `{c}` (run `toolcat rules` for the list)"))?;
        stdout_line(&rule_text(r))?;
        return Ok(0);
    }
    // Listed by code; `RULES` itself is in the order the rules run.
    let mut sorted: Vec<&rules::Rule> = rules::RULES.to_vec();
    sorted.sort_by_key(|r| r.code);
    for r in sorted {
        stdout_line(&format!("{}  {:<36} {}", r.code, r.name, r.effect))?;
    }
    Ok(0)
}

/// The documentation of one rule, as `toolcat rules CODE` prints it.
pub fn rule_text(r: &rules::Rule) -> String {
    use std::fmt::Write as _;
    let mut s = format!(
        "{} {}\n\nEffect: {}\n\n{}\n",
        r.code,
        r.name,
        r.effect,
        textwrap(r.explanation)
    );
    if !r.fires.is_empty() {
        s.push_str("\nFires on:\n");
        for e in r.fires {
            let _ = writeln!(s, "  {}", crate::untrusted::visible(e));
        }
    }
    if !r.quiet.is_empty() {
        s.push_str("\nDoes not fire on:\n");
        for e in r.quiet {
            let _ = writeln!(s, "  {}", crate::untrusted::visible(e));
        }
    }
    s
}

fn textwrap(text: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in text.split_whitespace() {
        if col + word.len() > 88 && col > 0 {
            out.push('\n');
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.len();
    }
    out
}
