//! The verbs of a tool's name and of its description's first sentence: what the
//! classifier's context ([`super::Ctx`]) is built from before any rule runs.

use super::lexicon::{self, Strength};
use super::text::{self, with_lower, with_verb_base};
use crate::model::Category;
use std::borrow::Cow;

/// The verbs of a name: (token index, category, strength).
pub(crate) fn name_verbs(
    toks: &[Cow<'_, str>],
    lex: &[Option<(Category, Strength)>],
) -> Vec<(usize, Category, Strength)> {
    toks.iter()
        .zip(lex)
        .enumerate()
        .filter_map(|(i, (t, lex))| {
            let (c, s) = (*lex)?;
            Some((i, lexicon::in_context(t, toks).unwrap_or(c), s))
        })
        .collect()
}

/// The verb that says what a name does. Verb-first names (`delete_issue`) take their
/// first strong verb; noun-first names ending in a strong verb (`compute_vm_delete`,
/// `blob_import_delete`) take that last verb; otherwise the first verb, weak or not.
pub(crate) fn primary_of(
    toks: &[Cow<'_, str>],
    verbs: &[(usize, Category, Strength)],
) -> Option<(usize, Category, Strength)> {
    let last = verbs
        .last()
        .filter(|v| v.0 + 1 == toks.len() && v.2 == Strength::Strong);
    let first_is_verb = verbs.first().is_some_and(|v| v.0 == 0);
    match last {
        Some(&l) if !first_is_verb => Some(l),
        _ => verbs
            .iter()
            .find(|v| v.2 == Strength::Strong)
            .or_else(|| verbs.first())
            .copied(),
    }
}

/// Words a description may open with before its verb ("Use this tool to ...").
fn filler(word: &str) -> bool {
    matches!(
        word,
        "this"
            | "tool"
            | "tools"
            | "use"
            | "used"
            | "uses"
            | "to"
            | "will"
            | "can"
            | "allows"
            | "allow"
            | "lets"
            | "let"
            | "you"
            | "the"
            | "a"
            | "an"
            | "agent"
            | "helps"
            | "help"
            | "for"
            | "that"
            | "which"
            | "mcp"
            | "function"
            | "method"
            | "endpoint"
            | "please"
            | "simply"
            | "it"
            | "i"
            | "we"
            | "api"
            | "quickly"
            | "easily"
            | "directly"
            | "also"
            | "enables"
            | "enable_"
            | "is"
            | "be"
            | "designed"
            | "purpose"
            | "primary"
            | "main"
            | "experimental"
            | "deprecated"
            | "beta"
            | "new"
            | "advanced"
            | "utility"
    )
}

/// The verbs that open a sentence: the first verb after filler words and any verbs listed
/// right after it ("Create, update or delete ..."). Byte ranges are into `sentence`.
pub(crate) fn leading_verbs(sentence: &str) -> Vec<(Category, usize, usize)> {
    let mut out = Vec::new();
    let mut ws = text::word_iter(sentence);
    let mut skipped = 0;
    // The first word that is no filler, and its verb: each word is lowered once.
    let (first, verb) = loop {
        let Some(w) = ws.next() else { return out };
        let verb = with_lower(w.text, |l| {
            (skipped >= 8 || !filler(l)).then(|| lexicon::verb(&text::base_form(l)))
        });
        match verb {
            Some(verb) => break (w, verb),
            None => skipped += 1,
        }
    };
    let Some((mut c, _)) = verb else {
        return out;
    };
    // "Log in", "log out": a session begins or ends; nothing is read.
    if with_lower(first.text, |l| l == "log") {
        let next = sentence[first.end..]
            .split_whitespace()
            .next()
            .unwrap_or("");
        if with_lower(next, |l| matches!(l, "in" | "into" | "out" | "on" | "off")) {
            c = Category::Write;
        }
    }
    out.push((c, first.start, first.end));
    let mut prev = first;
    for w in ws {
        let between = &sentence[prev.end..w.start];
        let conjunction = |t: &str| with_lower(t, |l| matches!(l, "or" | "and"));
        let prev_joins = conjunction(prev.text);
        if conjunction(w.text) {
            prev = w;
            continue;
        }
        let joined = between.bytes().any(|b| b == b',' || b == b'/') || prev_joins;
        if !joined {
            break;
        }
        match with_verb_base(w.text, lexicon::verb) {
            Some((c, _)) => out.push((c, w.start, w.end)),
            None => break,
        }
        prev = w;
    }
    out
}
