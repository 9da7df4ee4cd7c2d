//! TC102: tools that act on everything at once.

use super::prelude::*;

pub(super) static BULK_WORDING: Phrases = Phrases::new(&[
    "all matching",
    "in bulk",
    "multiple items",
    "every matching",
    "wildcard",
]);

rule!(BULK_TARGET {
    code: "TC102",
    name: "bulk-target",
    phase: After,
    effect: "risk +1 for tools that change things",
    explanation: "A tool that writes, runs or deletes many things at once (`bulk`, `batch`, \
        `all` in its name, or \"all matching\", \"in bulk\" in its description, or a \
        wildcard pattern parameter) multiplies the damage of one mistaken call.",
    fires: ["batch_delete_emails", "delete_all_rows"],
    quiet: ["list_all_rows", "delete_row"],
    check: check_bulk,
});

fn check_bulk(ctx: &Ctx<'_>, category: Option<Category>, acc: &mut Acc) {
    if category.is_none_or(|c| c == Category::Read) {
        return;
    }
    let in_name = ctx.name_tokens.iter().find(|t| {
        matches!(
            &***t,
            "bulk" | "batch" | "all" | "mass" | "multiple" | "many" | "everything"
        )
    });
    let in_name = in_name.map(|t| name_word(ctx, t));
    signal_from_name_or_wording(ctx, acc, &BULK_TARGET, in_name, &BULK_WORDING);
}
