//! TC013: no action found, so the verdict needs review.

use super::prelude::*;

rule!(NO_ACTION_FOUND {
    code: "TC013",
    name: "no-action-found",
    phase: Vote,
    effect: "write (weight 30) when no other rule voted; the verdict needs review",
    explanation: "Nothing in the definition names an action this classifier knows (a tool \
        called `weather`, or one whose verb is new to it, such as `frobnicate_reminder`). The \
        verdict is not trusted: it needs a person's review, and until then it is write, the \
        least category that changes something. It is never read: a tool is called a read \
        only on positive evidence of reading, so an unknown action is gated, not allowed.",
    fires: ["weather", "frobnicate_reminder"],
    quiet: ["delete_all", "list_reminders"],
    check: check_no_action,
});

fn check_no_action(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    if acc.leading().is_none() {
        acc.vote(
            &NO_ACTION_FOUND,
            Category::Write,
            30,
            "name",
            ctx.tool.name.clone(),
        );
    }
}
