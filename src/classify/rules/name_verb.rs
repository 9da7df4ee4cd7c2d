//! TC001: the verb of a tool's name.

use super::prelude::*;

rule!(NAME_VERB {
    code: "TC001", name: "action-verb-in-name", phase: Vote,
    effect: "category of the verb (weight 80; 88 for destructive verbs; 50 for words that are often nouns)",
    explanation: "The verb of a tool's name says what calling it does: `delete_issue` deletes, \
        `list_issues` reads. The name is split into words at `_`, `-`, `.`, camelCase and \
        namespace separators, and matched word by word, so `get` is never found inside \
        `target`. The first clear verb decides; a verb joined to it by `or`/`and` \
        (`create_or_delete`) is counted too, and the most consequential of them wins.",
    fires: ["delete_issue", "github.create_issue", "slack__post_message", "compute_vm_delete", "getUserInfo"],
    quiet: ["target_weather", "display_panel"],
    check: check_name_verb,
});

fn check_name_verb(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let toks = &ctx.name_tokens;
    let verbs = &ctx.name_verbs;
    let Some(primary) = ctx.name_primary else {
        return;
    };
    // The primary verb and any joined to it by "or" / "and": the most consequential.
    let joined = verbs
        .iter()
        .copied()
        .filter(|&(i, ..)| i > primary.0 && matches!(&*toks[i - 1], "or" | "and"));
    let (i, category, strength) = std::iter::once(primary)
        .chain(joined)
        .max_by_key(|v| v.1)
        .unwrap_or(primary);
    let weight = match (strength, category) {
        (Strength::Weak, _) => 50,
        (Strength::Strong, Category::Destructive) => 88,
        _ => 80,
    };
    acc.vote(
        &NAME_VERB,
        category,
        weight,
        "name",
        name_word(ctx, &toks[i]),
    );
}
