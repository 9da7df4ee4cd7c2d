//! TC017: descriptions that list the operations a tool can run.

use super::prelude::*;

/// Where the description's lines start: after each line break.
pub(super) static LINE_BREAKS: Phrases = Phrases::new(&["\n"]);

rule!(LISTS_OPERATIONS {
    code: "TC017",
    name: "lists-operations",
    phase: Vote,
    effect: "most consequential listed operation (weight 84)",
    explanation: "A description that lists the operations a tool offers as items \
        (\"- Delete: deletes a setting\", \"* Create: ...\") says the tool can do each of \
        them; the most consequential one decides, as for an action enum.",
    fires: ["update_settings | Updates a setting.\n- Add: adds one.\n- Delete: deletes one."],
    quiet: ["get_settings | Returns settings.\n- Created: the date.\n- Name: the name."],
    check: check_lists_operations,
});

fn check_lists_operations(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    // A list of items spans several lines, with a colon after each item's word; nothing
    // listed can outdo a name that already moves money.
    let name_category = ctx.name_primary.map(|p| p.1);
    if name_category == Some(Category::Financial) {
        return;
    }
    let d = ctx.description;
    let line_starts = std::iter::once(0).chain(ctx.phrase_hits(&LINE_BREAKS).map(|h| h.end));
    let mut best: Option<(Category, usize, usize)> = None;
    for start in line_starts {
        let trimmed = d[start..].trim_start_matches([' ', '\t', '\r']);
        let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        else {
            continue;
        };
        let item = item.trim_start_matches(['*', '`', '\'', '"']);
        let Some(word_end) = item.find(|c: char| !c.is_alphanumeric() && c != '_') else {
            continue;
        };
        let after = item[word_end..].trim_start_matches(['*', '`', '\'', '"']);
        if !after.starts_with(':') {
            continue;
        }
        let word = &item[..word_end];
        let Some((c, Strength::Strong)) = with_lower(word, lexicon::verb) else {
            continue;
        };
        if best.is_none_or(|b| c > b.0) {
            // `item` runs to the end of the description.
            let at = d.len() - item.len();
            best = Some((c, at, at + word_end));
        }
    }
    if let Some((c, s, e)) = best.filter(|b| name_category.is_none_or(|n| b.0 > n)) {
        acc.vote(&LISTS_OPERATIONS, c, 84, "description", quote(d, s, e, 60));
    }
}
