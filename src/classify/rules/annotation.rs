//! TC012: the `readOnlyHint` annotation as evidence.

use super::prelude::*;

rule!(READ_ONLY_ANNOTATION {
    code: "TC012",
    name: "declared-read-only",
    phase: Vote,
    effect: "read (weight 85)",
    explanation: "The server declares `readOnlyHint: true`. Annotations are hints from an \
        untrusted server, so this is evidence, not a veto: it outweighs ordinary verbs \
        and wording, but a definition that deletes, moves money, drives a browser or is \
        irreversible still wins. Rule TC201 reports every contradiction, including a read \
        verdict whose name's leading verb writes or runs.",
    fires: [r#"{"name":"fetch","annotations":{"readOnlyHint":true}}"#],
    quiet: [r#"{"name":"fetch","annotations":{"readOnlyHint":false}}"#],
    check: check_read_only_annotation,
});

fn check_read_only_annotation(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    if let Some(true) = ctx
        .tool
        .annotations
        .as_ref()
        .and_then(crate::model::Annotations::read_only)
    {
        acc.vote(
            &READ_ONLY_ANNOTATION,
            Category::Read,
            85,
            "annotations",
            "readOnlyHint: true",
        );
    }
}
