//! Word lists the rules match against. Every entry is a whole word in base form.

use crate::model::Category;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

mod verbs;

use verbs::{LISTS, WEAK};

/// How reliably a word is a verb when it appears in a tool name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Often a noun too (`run`, `query`, `log`, `order`): only counts when nothing better.
    Weak,
    /// A verb in practically every tool name it appears in.
    Strong,
}

/// Every action word, with its category and strength. A word listed under two
/// categories keeps the first.
fn table() -> &'static HashMap<&'static str, (Category, Strength), rustc_hash::FxBuildHasher> {
    static TABLE: OnceLock<HashMap<&'static str, (Category, Strength), rustc_hash::FxBuildHasher>> =
        OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = HashMap::default();
        for (category, words) in LISTS {
            for &w in words {
                let strength = if WEAK.contains(&w) {
                    Strength::Weak
                } else {
                    Strength::Strong
                };
                t.entry(w).or_insert((category, strength));
            }
        }
        t
    })
}

/// What an action word does, and how sure a name token of it is a verb.
///
/// A word the lists lack may be a listed verb with a prefix that keeps what it acts on:
/// `un-` undoes an action, which changes something back, so `unpublish`, `unarchive` or
/// `undelete` write; `re-` repeats one, so `resend` is what `send` is and `redeploy`
/// what `deploy` is. Only strong verbs are derived this way (`report` is not `re-port`),
/// and `un-` only from verbs that change something (`unread` is no verb).
pub fn verb(word: &str) -> Option<(Category, Strength)> {
    // No verb is longer than this; most words looked up are not verbs.
    if word.len() > 18 {
        return None;
    }
    if let Some(&v) = table().get(word) {
        return Some(v);
    }
    let derived = |prefix: &str, shortest: usize| {
        let base = word.strip_prefix(prefix).filter(|b| b.len() >= shortest)?;
        table()
            .get(base)
            .copied()
            .filter(|v| v.1 == Strength::Strong)
    };
    if let Some((c, s)) = derived("un", 3) {
        return (c > Category::Read).then_some((Category::Write, s));
    }
    derived("re", 4)
}

/// Words that name money or a crypto asset: a tool that acts on one moves money,
/// whatever its verb (`send_usdc`, `bridge_eth`, `withdraw_funds`).
pub fn money_noun(word: &str) -> bool {
    matches!(
        word,
        "money"
            | "cash"
            | "funds"
            | "fund"
            | "usd"
            | "usdc"
            | "usdt"
            | "eur"
            | "eth"
            | "ether"
            | "btc"
            | "bitcoin"
            | "sol"
            | "lamports"
            | "wei"
            | "gwei"
            | "coin"
            | "coins"
            | "stablecoin"
            | "nft"
            | "nfts"
            | "erc20"
            | "erc721"
            | "erc1155"
            | "spl"
            | "lightning"
            | "sats"
            | "satoshi"
            | "payment"
            | "payments"
            | "payout"
            | "payouts"
            | "refund"
            | "refunds"
            | "remittance"
            | "wire"
    )
}

/// A verb whose category depends on its object, found among the other words of the name:
/// `resolve_thread` writes, while `resolve_library_id` reads; cancelling running work
/// (`cancel_job`, `blob_import_cancel`) is execute, cancelling anything else
/// (`cancel_calendar_event`) changes its state: write.
pub fn in_context(word: &str, name: &[Cow<'_, str>]) -> Option<Category> {
    let object = |words: &[&str]| name.iter().any(|r| words.contains(&&**r));
    match word {
        "cancel" if !object(RUNNING_WORK) => Some(Category::Write),
        "resolve"
            if object(&[
                "thread",
                "discussion",
                "comment",
                "conversation",
                "issue",
                "incident",
                "alert",
                "ticket",
            ]) =>
        {
            Some(Category::Write)
        }
        _ => None,
    }
}

/// Nouns of work that runs: cancelling one stops it (execute).
const RUNNING_WORK: &[&str] = &[
    "job",
    "jobs",
    "run",
    "runs",
    "task",
    "tasks",
    "query",
    "queries",
    "build",
    "builds",
    "deployment",
    "deployments",
    "deploy",
    "import",
    "export",
    "autoimport",
    "autoexport",
    "execution",
    "executions",
    "workflow",
    "workflows",
    "pipeline",
    "pipelines",
    "operation",
    "operations",
    "process",
    "migration",
    "backup",
    "restore",
    "scan",
    "upload",
    "download",
    "training",
    "batch",
    "sync",
    "action",
    "actions",
    "check",
    "test",
    "tests",
    "scheduled",
];

/// Words in a name that make a generic verb ("create", "update", "cancel") financial.
pub fn financial_object(word: &str) -> bool {
    matches!(
        word,
        "payment"
            | "payments"
            | "refund"
            | "refunds"
            | "payout"
            | "payouts"
            | "charge"
            | "invoice"
            | "subscription"
            | "price"
            | "coupon"
            | "transfer"
            | "transaction"
            | "order"
            | "trade"
            | "purchase"
            | "checkout"
            | "withdrawal"
            | "deposit"
            | "billing"
            | "bill"
            | "tip"
            | "donation"
            | "swap"
            | "stake"
            | "bet"
            | "wager"
            | "loan"
            | "mortgage"
            | "promotion"
            | "discount"
            | "credit"
            | "debit"
            | "nft"
            | "wire"
            | "remittance"
            | "renewal"
            | "autorenewal"
    )
}

/// Verbs that commit spend when applied to a [`financial_object`].
pub fn financial_verb(word: &str) -> bool {
    matches!(
        word,
        "create"
            | "update"
            | "cancel"
            | "finalize"
            | "void"
            | "issue"
            | "send"
            | "place"
            | "submit"
            | "execute"
            | "process"
            | "capture"
            | "confirm"
            | "approve"
            | "authorize"
            | "modify"
            | "change"
            | "renew"
            | "upgrade"
            | "downgrade"
            | "pay"
            | "refund"
            | "make"
            | "initiate"
            | "open"
            | "close"
            | "transfer"
            | "add"
            | "apply"
            | "set"
            | "edit"
            | "enable"
            | "disable"
            | "pause"
            | "resume"
    )
}

/// Object words that need a specific verb ("order" only with `place`, `cancel`...) to
/// count: a `create_order` in a shop is a purchase, a `get_order` is not.
pub fn exchange_object(word: &str) -> bool {
    matches!(
        word,
        "order" | "trade" | "position" | "market" | "futures" | "limit"
    )
}

/// Names of generic "do several things" verbs, whose description decides the category.
pub fn generic_verb(word: &str) -> bool {
    matches!(
        word,
        "manage"
            | "handle"
            | "control"
            | "operate"
            | "admin"
            | "crud"
            | "configure"
            | "config"
            | "modify"
            | "process"
            | "perform"
            | "do"
            | "bulk"
            | "batch"
            | "action"
            | "actions"
            | "operation"
            | "operations"
            | "op"
            | "ops"
            | "write"
    )
}

/// Parameter names whose value is code or a command for the server to run.
pub fn code_param(key: &str) -> bool {
    matches!(
        key,
        "command"
            | "cmd"
            | "commands"
            | "script"
            | "code"
            | "source_code"
            | "javascript"
            | "js"
            | "python"
            | "shell"
            | "bash"
            | "function"
            | "expression"
            | "program"
            | "snippet"
            | "statement"
            | "shell_command"
    )
}

/// Code parameters that can only be a command or program to run, never an item's code or
/// a script's name.
pub fn command_param(key: &str) -> bool {
    matches!(
        key,
        "command"
            | "cmd"
            | "commands"
            | "shell"
            | "bash"
            | "shell_command"
            | "python"
            | "javascript"
            | "source_code"
            | "program"
    )
}

/// Parameter names that carry a query language.
pub fn sql_param(key: &str) -> bool {
    matches!(
        key,
        "sql" | "query" | "statement" | "sql_query" | "querytext" | "cypher" | "kql"
    )
}

/// Parameter names of amounts of money.
pub fn amount_param(key: &str) -> bool {
    matches!(
        key,
        "amount"
            | "amount_cents"
            | "price"
            | "unit_amount"
            | "cost"
            | "total"
            | "value_usd"
            | "quantity_usd"
            | "amount_usd"
            | "sum"
            | "budget"
    )
}

/// Parameter names of where money goes: a recipient, a destination account or address.
pub fn recipient_param(key: &str) -> bool {
    matches!(
        key,
        "recipient"
            | "recipients"
            | "to"
            | "to_address"
            | "toaddress"
            | "destination"
            | "destination_address"
            | "destination_account"
            | "payee"
            | "beneficiary"
            | "receiver"
            | "iban"
            | "account_number"
            | "wallet"
            | "wallet_address"
            | "to_wallet"
            | "to_account"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_found_with_its_first_category() {
        for (category, words) in LISTS {
            for w in words {
                assert!(w.len() <= 16, "{w} is longer than verb() looks");
                let (c, _) = verb(w).expect("listed");
                assert!(
                    c <= category,
                    "{w} keeps the first category it is listed under"
                );
            }
        }
        assert_eq!(
            verb("delete"),
            Some((Category::Destructive, Strength::Strong))
        );
        assert_eq!(verb("query"), Some((Category::Read, Strength::Weak)));
        assert_eq!(verb("deletes"), None);
        assert_eq!(verb("target"), None);
    }
}
