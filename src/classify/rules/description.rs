//! TC002 and TC003: the verbs a description opens with, and descriptions that list several actions.

use super::prelude::*;

rule!(DESCRIPTION_VERB {
    code: "TC002",
    name: "action-verb-in-description",
    phase: Vote,
    effect: "category of the description's leading verb (weight 60)",
    explanation: "The first sentence of a description usually opens with what the tool does \
        (\"Deletes a branch\", \"Use this tool to list pods\"). Openers such as \"Use this \
        tool to\" are skipped; verbs listed together (\"Create, update or delete\") all \
        count and the most consequential wins.",
    fires: [
        "thing | Deletes the thing.",
        "x | Use this tool to list pods",
        "y | Create, update or delete a record"
    ],
    quiet: ["z | A weather report for a city.", "w | "],
    check: check_description_verb,
});

fn check_description_verb(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let (sentence, verbs) = (ctx.sentence, &ctx.lead);
    if let Some(&(c, s, e)) = verbs.iter().max_by_key(|v| v.0) {
        let from = verbs.first().map_or(s, |v| v.1);
        let q = quote(sentence, from, e, 60);
        acc.vote(&DESCRIPTION_VERB, c, 60, "description", q);
    }
}

rule!(MULTI_ACTION_DESCRIPTION {
    code: "TC003",
    name: "generic-name-with-listed-actions",
    phase: Vote,
    effect: "most consequential verb the description lists (weight 70)",
    explanation: "A tool named with a generic verb (`manage_backups`, `handle_dialog`, \
        `bulk_action`) can do whatever its description lists. Every verb (or gerund, or \
        noun such as \"removal\") used as an action in its description, and not negated, is read and the most consequential one decides, \
        per the rule that a tool that can do several things takes its riskiest category.",
    fires: ["manage_backups | Manage backups: create, restore or delete a backup."],
    quiet: [
        "list_backups | List backups. You can delete them with another tool.",
        "manage_x | Manage the list of things"
    ],
    check: check_multi_action,
});

fn check_multi_action(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    if !ctx.name_tokens.iter().any(|t| lexicon::generic_verb(t)) {
        return;
    }
    if ctx
        .name_lex
        .iter()
        .any(|lex| matches!(lex, Some((_, Strength::Strong))))
    {
        return;
    }
    let text = ctx.description;
    let mut best: Option<(Category, usize, usize)> = None;
    // The three words before the current one, the nearest last.
    let mut before: [&str; 3] = [""; 3];
    for w in text::word_iter(text) {
        let verb =
            text::gerund_verb(w.text).unwrap_or_else(|| with_verb_base(w.text, lexicon::verb));
        if let Some((c, Strength::Strong)) = verb {
            let better = best.is_none_or(|b| c > b.0);
            if c != Category::Read && better && !negated(&before) {
                best = Some((c, w.start, w.end));
            }
        }
        before = [before[1], before[2], w.text];
    }
    if let Some((c, s, e)) = best {
        acc.vote(
            &MULTI_ACTION_DESCRIPTION,
            c,
            70,
            "description",
            quote(text, s, e, 60),
        );
    }
}

/// Whether a word is negated by one of the (three) words before it.
pub(super) fn negated(before: &[&str]) -> bool {
    before.iter().any(|w| {
        with_lower(w, |l| {
            matches!(
                l,
                "not"
                    | "never"
                    | "no"
                    | "without"
                    | "doesn't"
                    | "don't"
                    | "won't"
                    | "cannot"
                    | "can't"
                    | "nor"
            )
        })
    })
}
