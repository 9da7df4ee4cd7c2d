//! Word lists the rules match against. Every entry is a whole word in base form.

use crate::model::Category;

/// How reliably a word is a verb when it appears in a tool name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Often a noun too (`run`, `query`, `log`, `order`): only counts when nothing better.
    Weak,
    /// A verb in practically every tool name it appears in.
    Strong,
}

/// What an action word does, and how sure a name token of it is a verb.
pub fn verb(word: &str) -> Option<(Category, Strength)> {
    use Category::{Destructive, Execute, Financial, Read, Write};
    use Strength::Strong;
    let v = match word {
        // Read
        "get" | "list" | "search" | "find" | "fetch" | "read" | "describe" | "show" | "view"
        | "lookup" | "retrieve" | "inspect" | "browse" | "count" | "validate" | "verify"
        | "preview" | "download" | "explain" | "summarize" | "summarise" | "analyze"
        | "analyse" | "calculate" | "convert" | "estimate" | "diff" | "compare" | "lint"
        | "resolve" | "discover" | "explore" | "scan" | "extract" | "parse" | "render" | "poll"
        | "wait" | "query" | "screenshot" | "snapshot" | "export" | "print" | "grep" | "tail"
        | "peek" | "identify" | "suggest" | "recommend" | "translate" | "detect" | "audit"
        | "measure" | "observe" | "capture" | "load" | "forecast" | "predict" | "generate"
        | "visualize" | "map" | "geocode" | "scrape" | "crawl" | "research" | "think" | "echo"
        | "ping" | "whoami" | "open" | "test" | "review" | "getall" | "sample" | "watch"
        | "status" | "check" | "log" | "logs" | "info" | "details" | "health" => (Read, Strong),
        // Write
        "create" | "add" | "update" | "set" | "put" | "edit" | "modify" | "rename" | "move"
        | "upload" | "save" | "write" | "insert" | "send" | "comment" | "assign" | "merge"
        | "schedule" | "publish" | "enable" | "disable" | "archive" | "close" | "reopen"
        | "tag" | "label" | "link" | "attach" | "import" | "patch" | "append" | "mark" | "star"
        | "approve" | "reply" | "forward" | "copy" | "clone" | "commit" | "push" | "checkout"
        | "init" | "register" | "subscribe" | "unsubscribe" | "invite" | "share" | "post"
        | "configure" | "store" | "record" | "replace" | "upsert" | "duplicate" | "new"
        | "make" | "draft" | "change" | "toggle" | "transition" | "pin" | "unpin" | "mute"
        | "unmute" | "follow" | "unfollow" | "like" | "react" | "branch" | "fork" | "sync"
        | "restore" | "stage" | "unstage" | "accept" | "reject" | "respond" | "answer"
        | "annotate" | "note" | "enqueue" | "flag" | "unflag" | "lock" | "unlock" | "grant"
        | "rotate" | "provision" | "allocate" | "reserve" | "book" | "memorize" | "remember"
        | "track" | "submit" | "confirm" | "protect" | "unprotect" | "apply" | "format"
        | "split" | "group" | "ungroup" | "sort" | "freeze" | "unfreeze" | "hide" | "unhide"
        | "tabulate" | "trash" | "request" | "notify" | "mention" | "release" | "bookmark"
        | "favorite" | "favourite" | "vote" | "rate" | "manage" | "config" | "setup"
        | "highlight" | "customize" | "customise" | "reorder" => (Write, Strong),
        // Execute
        "run" | "execute" | "exec" | "eval" | "evaluate" | "invoke" | "trigger" | "deploy"
        | "start" | "stop" | "restart" | "reboot" | "scale" | "navigate" | "click" | "type"
        | "fill" | "press" | "hover" | "select" | "drag" | "call" | "launch" | "install"
        | "rerun" | "retry" | "rollout" | "rollback" | "reload" | "emulate" | "resize"
        | "scroll" | "focus" | "tap" | "swipe" | "keypress" | "upgrade" | "shell" | "spawn"
        | "fire" | "dispatch" | "bash" | "sh" | "cmd" | "interact" | "automate" | "process"
        | "build" | "compile" | "synthesize" | "recognize" | "complete" | "chat" | "prompt"
        | "ask" | "port" | "reconnect" | "connect" | "disconnect" | "sudo" | "mount"
        | "unmount" | "suspend" | "resume" | "pause" | "unpause" | "cancel" | "abort"
        | "interrupt" | "signal" | "go" | "back" | "reconcile" | "migrate" | "playback"
        | "play" | "activate" | "deactivate" | "turn" | "control" | "operate" | "handle"
        | "dial" => (Execute, Strong),
        // Destructive
        "delete" | "remove" | "drop" | "purge" | "wipe" | "truncate" | "destroy" | "revoke"
        | "terminate" | "kill" | "erase" | "unregister" | "uninstall" | "rm" | "del"
        | "cleanup" | "clean" | "clear" | "reset" | "discard" | "obliterate" | "prune"
        | "evict" | "nuke" | "shred" | "deregister" | "decommission" | "unlink" | "flush"
        | "overwrite" | "unset" | "detach" | "expunge" => (Destructive, Strong),
        // Financial
        "pay" | "refund" | "payout" | "purchase" | "buy" | "sell" | "trade" | "swap"
        | "withdraw" | "deposit" | "charge" | "bill" | "invoice" | "tip" | "donate" | "bid"
        | "stake" | "unstake" | "bridge" | "mint" | "remit" | "finalize" | "void" => {
            (Financial, Strong)
        }
        _ => return None,
    };
    // Words that are as often nouns in tool names as verbs.
    let weak = matches!(
        word,
        "query"
            | "log"
            | "logs"
            | "status"
            | "check"
            | "info"
            | "details"
            | "health"
            | "test"
            | "map"
            | "format"
            | "sample"
            | "watch"
            | "record"
            | "note"
            | "label"
            | "tag"
            | "link"
            | "comment"
            | "branch"
            | "group"
            | "sort"
            | "config"
            | "setup"
            | "new"
            | "request"
            | "draft"
            | "review"
            | "chat"
            | "prompt"
            | "shell"
            | "bash"
            | "sh"
            | "cmd"
            | "trade"
            | "bill"
            | "invoice"
            | "charge"
            | "bridge"
            | "stake"
            | "tip"
            | "bid"
            | "mint"
            | "deposit"
            | "void"
            | "swap"
            | "flag"
            | "star"
            | "pin"
            | "lock"
            | "track"
            | "export"
            | "snapshot"
            | "screenshot"
            | "print"
            | "tail"
            | "release"
            | "rate"
            | "vote"
            | "like"
            | "share"
            | "store"
            | "split"
            | "manage"
            | "handle"
            | "operate"
            | "configure"
            | "drop"
            | "post"
            | "signal"
            | "back"
            | "go"
            | "turn"
            | "port"
            | "fire"
            | "book"
            | "audit"
            | "capture"
            | "run"
            | "build"
    );
    Some((v.0, if weak { Strength::Weak } else { v.1 }))
}

/// A verb whose category depends on its object: `resolve_thread` writes, while
/// `resolve_library_id` reads.
pub fn in_context(word: &str, rest: &[String]) -> Option<Category> {
    let object = |words: &[&str]| rest.iter().any(|r| words.contains(&r.as_str()));
    match word {
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
            | "token"
            | "tokens"
            | "nft"
            | "crypto"
            | "wire"
            | "remittance"
            | "plan"
            | "quote"
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

/// Parameter names of a money recipient or a currency.
pub fn money_context_param(key: &str) -> bool {
    matches!(
        key,
        "currency"
            | "recipient"
            | "to_address"
            | "destination"
            | "payee"
            | "iban"
            | "account_number"
            | "wallet"
            | "wallet_address"
            | "customer"
            | "symbol"
            | "side"
            | "price"
            | "quantity"
    )
}
