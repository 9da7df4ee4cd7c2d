//! TC108: force or overwrite options.

use super::prelude::*;

rule!(FORCE_OR_OVERWRITE {
    code: "TC108",
    name: "force-or-overwrite-option",
    phase: Vote,
    effect: "risk +1",
    explanation: "A boolean option such as `force`, `overwrite` or `skip_confirmation` turns \
        off the guard that would otherwise stop a call from replacing or destroying existing \
        data.",
    fires: [
        r#"{"name":"write_file","inputSchema":{"properties":{"overwrite":{"type":"boolean"}}}}"#
    ],
    quiet: [r#"{"name":"write_file","inputSchema":{"properties":{"content":{"type":"string"}}}}"#],
    check: check_force,
});

fn check_force(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let hit = param_where(ctx, |k, _| {
        matches!(
            k,
            "force"
                | "overwrite"
                | "force_delete"
                | "skip_confirmation"
                | "no_verify"
                | "replace_existing"
                | "hard"
                | "recursive"
                | "purge"
                | "force_push"
        )
    });
    if let Some(p) = hit {
        acc.signal(
            &FORCE_OR_OVERWRITE,
            false,
            schema_source(ctx, p),
            param_name(ctx, p),
        );
    }
}
