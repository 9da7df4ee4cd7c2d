//! TC004, TC005, TC006: wording that says a tool loses data for good, keeps it recoverable, or only reads.

use super::prelude::*;

rule!(IRREVERSIBLE_WORDING {
    code: "TC004",
    name: "irreversible-wording",
    phase: Vote,
    effect: "destructive (weight 90)",
    explanation: "Wording that says the effect cannot be taken back (\"permanently \
        deletes\", \"irreversible\", \"cannot be undone\"), that existing data is \
        overwritten or lost, or that something goes back to a previous state (losing the \
        one it is in) makes a tool destructive whatever its verb. Negated wording (\"does \
        not permanently delete\") does not count.",
    fires: [
        "purge_cache | This cannot be undone.",
        "empty_bin | Permanently deletes every message."
    ],
    quiet: [
        "move_to_trash | Moves a message to the trash; it does not permanently delete it.",
        "store | Permanently stores a note"
    ],
    check: check_irreversible,
});

pub(super) static IRREVERSIBLE: Phrases = Phrases::new(&[
    "irreversibl",
    "cannot be undone",
    "can't be undone",
    "can not be undone",
    "cannot be reversed",
    "cannot be recovered",
    "can't be recovered",
    "cannot be restored",
    "unrecoverable",
    "not reversible",
    "no way to undo",
    "permanently lost",
    "is destructive",
    "will be overwritten",
    "are overwritten",
    "is overwritten",
    "data will be lost",
    "will be lost",
    "to a previous state",
    "to its previous state",
]);

fn check_irreversible(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let hit = phrase(ctx, &IRREVERSIBLE).or_else(|| permanently_verb(ctx));
    if let Some((s, e)) = hit {
        let q = quote(ctx.description, s, e, 60);
        acc.vote(
            &IRREVERSIBLE_WORDING,
            Category::Destructive,
            90,
            "description",
            q,
        );
    }
}

pub(super) static PERMANENTLY: Phrases = Phrases::new(&["permanently"]);

/// "permanently" followed within two words by a destructive verb.
fn permanently_verb(ctx: &Ctx<'_>) -> Option<(usize, usize)> {
    let (s, _) = phrase(ctx, &PERMANENTLY)?;
    let ws = words(&ctx.description[s..]);
    ws.iter().skip(1).take(2).find_map(|w| {
        let (c, _) = with_verb_base(w.text, lexicon::verb)?;
        (c == Category::Destructive).then_some((s, s + w.end))
    })
}

pub(super) static PERMANENT_REMOVAL: Phrases = Phrases::new(&[
    "permanently",
    "irreversibl",
    "cannot be undone",
    "cannot be recovered",
]);

pub(super) static SOFT_REMOVAL: Phrases = Phrases::new(&[
    "to the trash",
    "to trash",
    "into the trash",
    "recycle bin",
    "soft delete",
    "soft-delete",
    "can be restored",
    "can be recovered",
    "can be undone",
    "recoverable",
    "to the archive",
    "archives the",
    "marks as deleted",
    "marked as deleted",
]);

rule!(SOFT_DELETE_WORDING {
    code: "TC005",
    name: "recoverable-removal",
    phase: Vote,
    effect: "write (weight 92) when the tool removes something that stays recoverable",
    explanation: "Moving to the trash, archiving, or a delete that the description says can \
        be restored loses nothing: per the taxonomy such a soft delete is a write. Wording \
        that also says the removal is permanent wins over this rule.",
    fires: ["trash_email | Moves the email to the trash, where it can be restored."],
    quiet: [
        "delete_email | Permanently deletes the email; this cannot be undone. Not in trash.",
        "list_trash | Lists the trash"
    ],
    check: check_soft_delete,
});

fn check_soft_delete(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let removes = ctx.name_tokens.iter().any(|t| {
        matches!(
            &**t,
            "trash" | "archive" | "delete" | "remove" | "discard" | "recycle"
        )
    });
    if !removes {
        return;
    }
    let permanent = phrase(ctx, &PERMANENT_REMOVAL).is_some();
    if permanent {
        return;
    }
    let soft = phrase(ctx, &SOFT_REMOVAL);
    if let Some((s, e)) = soft {
        let q = quote(ctx.description, s, e, 60);
        acc.vote(&SOFT_DELETE_WORDING, Category::Write, 92, "description", q);
    }
}

rule!(READ_ONLY_WORDING {
    code: "TC006",
    name: "read-only-wording",
    phase: Vote,
    effect: "read (weight 82)",
    explanation: "A description that says the tool only reads (\"read-only\", \"does not \
        modify\", \"SELECT queries only\", or a query language that cannot write such as \
        PromQL, LogQL or CloudWatch Logs Insights) restricts what a general verb such as `run` or \
        `execute` can do: a query runner limited to reading is a read. Negated wording \
        (\"not read-only\") and server modes (\"blocked in read-only mode\") do not count.",
    fires: [
        "run_query | Run a read-only SQL query against the database.",
        "execute_promql_query | Execute an instant PromQL query."
    ],
    quiet: [
        "run_query | Run any SQL query; the connection is not read-only.",
        "snapshot_create | Create a snapshot. Snapshots are read-only copies.",
        "call_service | Call a service. Unavailable in read-only mode."
    ],
    check: check_read_only_wording,
});

pub(super) static READ_ONLY_PHRASES: Phrases = Phrases::new(&[
    "promql",
    "logql",
    "traceql",
    "logs insights",
    "read-only",
    "read only",
    "readonly",
    "does not modify",
    "doesn't modify",
    "without modifying",
    "no side effects",
    "no side-effects",
    "select queries only",
    "only select",
    "select statements only",
    "only allows select",
    "only read operations",
    "does not make any changes",
    "doesn't make any changes",
    "will not modify",
]);

fn check_read_only_wording(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    // "Create a snapshot. Snapshots are read-only": the wording is about something else.
    if ctx.lead.iter().any(|v| {
        matches!(
            v.0,
            Category::Write | Category::Destructive | Category::Financial
        )
    }) {
        return;
    }
    let hit = phrase_not_followed(ctx, &READ_ONLY_PHRASES, &[" mode", "-mode", " access"]);
    if let Some((s, e)) = hit {
        let q = quote(ctx.description, s, e, 60);
        acc.vote(&READ_ONLY_WORDING, Category::Read, 82, "description", q);
    }
}
