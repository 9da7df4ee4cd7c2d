//! TC201: annotations that contradict the verdict.

use super::prelude::*;

rule!(CONTRADICTING_ANNOTATIONS {
    code: "TC201",
    name: "annotations-contradict-definition",
    phase: After,
    effect: "finding, and risk +1",
    explanation: "The server's annotations claim less than the definition shows: \
        `readOnlyHint: true` on a tool that writes, runs or deletes, or \
        `destructiveHint: false` on a tool that deletes. Either the server is wrong or it \
        is lying; a client that trusts the hint would auto-approve a dangerous call.",
    fires: [
        r#"{"name":"delete_repository","annotations":{"readOnlyHint":true}}"#,
        r#"{"name":"drop_table","annotations":{"destructiveHint":false}}"#
    ],
    quiet: [r#"{"name":"list_repositories","annotations":{"readOnlyHint":true}}"#],
    check: check_contradiction,
});

fn check_contradiction(ctx: &Ctx<'_>, category: Option<Category>, acc: &mut Acc) {
    let (Some(category), Some(a)) = (category, ctx.tool.annotations.as_ref()) else {
        return;
    };
    if a.read_only() == Some(true) && category != Category::Read {
        let msg = format!(
            "declares readOnlyHint: true, but its definition makes it {}",
            category.as_str()
        );
        acc.finding(
            &CONTRADICTING_ANNOTATIONS,
            msg,
            "annotations",
            "readOnlyHint: true",
        );
        acc.signal(
            &CONTRADICTING_ANNOTATIONS,
            false,
            "annotations",
            "readOnlyHint: true",
        );
    } else if a.destructive_hint == Some(false) && category == Category::Destructive {
        let msg = "declares destructiveHint: false, but its definition deletes or is irreversible"
            .to_string();
        acc.finding(
            &CONTRADICTING_ANNOTATIONS,
            msg,
            "annotations",
            "destructiveHint: false",
        );
        acc.signal(
            &CONTRADICTING_ANNOTATIONS,
            false,
            "annotations",
            "destructiveHint: false",
        );
    }
}
