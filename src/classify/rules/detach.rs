//! TC016: removing something from something else only detaches it.

use super::prelude::*;

rule!(DETACHES_NOT_DELETES {
    code: "TC016",
    name: "detaches-not-deletes",
    phase: Vote,
    effect: "write (weight 89)",
    explanation: "Removing a label, tag, watcher or member *from* something only detaches it; \
        another call re-attaches it. When the description says \"remove X from Y\" and the \
        server also declares `destructiveHint: false`, the definition and the hint agree, so \
        the tool is a write. Without both, a removal stays destructive.",
    fires: [
        r#"{"name":"remove_label","description":"Remove a label from an email","annotations":{"destructiveHint":false}}"#
    ],
    quiet: [
        r#"{"name":"remove_label","description":"Remove a label from an email"}"#,
        r#"{"name":"delete_label","description":"Delete a label","annotations":{"destructiveHint":false}}"#
    ],
    check: check_detach,
});

fn check_detach(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let hint = ctx
        .tool
        .annotations
        .as_ref()
        .and_then(|a| a.destructive_hint);
    if hint != Some(false) {
        return;
    }
    let Some((i, Category::Destructive, _)) = ctx.name_primary else {
        return;
    };
    if !matches!(
        &*ctx.name_tokens[i],
        "remove" | "unlink" | "detach" | "unassign"
    ) {
        return;
    }
    if let Some(pos) = find_ci(ctx.sentence, " from ") {
        let q = quote(ctx.sentence, pos, pos + 6, 60);
        acc.vote(&DETACHES_NOT_DELETES, Category::Write, 89, "description", q);
    }
}
