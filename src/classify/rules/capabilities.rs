//! TC301–TC303: what a tool can do beside others, the legs of a toxic combination: it reads
//! private data, it brings untrusted content into the agent's context, it sends data out.
//!
//! Each rule looks for the *kind of thing* a tool works on (a mailbox, a web page, a
//! recipient) in its name, the first sentence of its description and its parameters,
//! together with what the verdict says it does with it (reads, or writes and executes).
//! They never change the category or the risk; a tool may have none of the capabilities
//! or several. When a word could go either way (`issue`: in a private repository, written
//! by strangers in a public one) the capability is given: a missing leg hides a toxic
//! combination, an extra one only asks for a look.

use super::prelude::*;
use crate::model::Capability;

/// The rule that gives a capability.
pub fn rule_of(c: Capability) -> &'static Rule {
    match c {
        Capability::PrivateData => &READS_PRIVATE_DATA,
        Capability::UntrustedContent => &BRINGS_UNTRUSTED_CONTENT,
        Capability::ExternalSend => &SENDS_EXTERNALLY,
    }
}

/// How many bytes of the description's first sentence say what a tool works on: the verb
/// and its object come first (`Lists the comments of an issue`); later words qualify.
const LEAD_BYTES: usize = 60;

/// The first word of the name, else of the opening words of the description, in `list`:
/// where it was found and the quote. The list is sorted, so a name token is looked up by
/// binary search; the description's words come from the one phrase scan.
fn object_word(ctx: &Ctx<'_>, list: &Phrases) -> Option<(&'static str, String)> {
    if let Some(t) = ctx
        .name_tokens
        .iter()
        .find(|t| list.needles.binary_search(&&***t).is_ok())
    {
        return Some(("name", name_word(ctx, t)));
    }
    let d = ctx.description;
    // The first sentence is a slice of the description: its offset there.
    let start = (ctx.sentence.as_ptr() as usize).checked_sub(d.as_ptr() as usize)?;
    if start > d.len() {
        return None;
    }
    let end = start + ctx.sentence.len().min(LEAD_BYTES);
    ctx.phrase_hits(list)
        .find(|h| h.start >= start && h.end <= end && text::stands_alone(d, h.start, h.end))
        .map(|h| ("description", quote(d, h.start, h.end, 80)))
}

/// The source and quote of the first hit of one of `rules` so far.
fn earlier_hit(acc: &Acc, rules: &[&Rule]) -> Option<(Cow<'static, str>, String)> {
    acc.hits
        .iter()
        .find(|h| rules.iter().any(|r| r.code == h.rule.code))
        .map(|h| (h.source.clone(), h.quote.clone()))
}

/// Words that name the open web as where a tool's content comes from.
pub(super) static WEB_SOURCES: Phrases = Phrases::new(&[
    "internet", "web", "webpage", "webpages", "website", "websites",
]);

/// Whether the tool brings in content from the open web: a fetch, a crawl, a web search,
/// a page in a browser, or a name or opening words that say the web.
fn reads_the_web(ctx: &Ctx<'_>) -> bool {
    ctx.name_tokens.iter().any(|t| fetch_verb(t))
        || searches_the_web(ctx)
        || super::browser::browser_context(ctx)
        || object_word(ctx, &WEB_SOURCES).is_some()
}

fn searches_the_web(ctx: &Ctx<'_>) -> bool {
    ctx.name_tokens.iter().any(|t| &**t == "search")
        && ctx.name_tokens.iter().any(|t| {
            matches!(
                &**t,
                "web" | "internet" | "google" | "bing" | "brave" | "duckduckgo" | "online"
            )
        })
}

/// The first top-level parameter whose lower-case key `pred` accepts.
fn top_param<'p, 'a>(ctx: &'p Ctx<'a>, pred: impl Fn(&str) -> bool) -> Option<&'p Param<'a>> {
    param_where(ctx, |k, p| p.depth == 0 && pred(k))
}

/// Words in the name that say the data is public: documentation, packages, papers, the
/// weather, the time, maps, arithmetic, the open web.
fn public_source(ctx: &Ctx<'_>) -> bool {
    ctx.name_tokens.iter().any(|t| {
        matches!(
            &**t,
            "public"
                | "docs"
                | "documentation"
                | "library"
                | "libraries"
                | "package"
                | "packages"
                | "npm"
                | "pypi"
                | "crate"
                | "crates"
                | "arxiv"
                | "paper"
                | "papers"
                | "wikipedia"
                | "weather"
                | "forecast"
                | "news"
                | "web"
                | "internet"
                | "time"
                | "timezone"
                | "geocode"
                | "elevation"
                | "maps"
                | "calculator"
                | "math"
        )
    })
}

/// Stores of data that belong to the user or the organisation.
pub(super) static PRIVATE_STORES: Phrases = Phrases::new(&[
    "account",
    "accounts",
    "balance",
    "balances",
    "blob",
    "blobs",
    "bucket",
    "buckets",
    "calendar",
    "calendars",
    "chat",
    "chats",
    "collection",
    "collections",
    "commit",
    "commits",
    "contact",
    "contacts",
    "conversation",
    "conversations",
    "credential",
    "credentials",
    "customer",
    "customers",
    "database",
    "databases",
    "db",
    "deal",
    "deals",
    "directories",
    "directory",
    "document",
    "documents",
    "drive",
    "email",
    "emails",
    "employee",
    "employees",
    "file",
    "files",
    "folder",
    "folders",
    "inbox",
    "invoice",
    "invoices",
    "issue",
    "issues",
    "lead",
    "leads",
    "log",
    "logs",
    "mail",
    "mailbox",
    "mails",
    "meeting",
    "meetings",
    "message",
    "messages",
    "note",
    "notes",
    "order",
    "orders",
    "password",
    "passwords",
    "patient",
    "patients",
    "payment",
    "payments",
    "project",
    "projects",
    "record",
    "records",
    "repo",
    "repos",
    "repositories",
    "repository",
    "row",
    "rows",
    "secret",
    "secrets",
    "sheet",
    "sheets",
    "spreadsheet",
    "spreadsheets",
    "subscription",
    "subscriptions",
    "table",
    "tables",
    "ticket",
    "tickets",
    "transaction",
    "transactions",
    "user",
    "users",
    "workspace",
    "workspaces",
]);

/// Things third parties write: messages, comments, posts, pages of the web.
pub(super) static THIRD_PARTY_TEXT: Phrases = Phrases::new(&[
    "article",
    "articles",
    "chat",
    "chats",
    "comment",
    "comments",
    "conversation",
    "conversations",
    "discussion",
    "discussions",
    "email",
    "emails",
    "feed",
    "feeds",
    "forum",
    "html",
    "inbox",
    "issue",
    "issues",
    "mail",
    "mailbox",
    "mails",
    "message",
    "messages",
    "notification",
    "notifications",
    "page",
    "pages",
    "paper",
    "papers",
    "post",
    "posts",
    "replies",
    "reply",
    "review",
    "reviews",
    "rss",
    "thread",
    "threads",
    "ticket",
    "tickets",
    "transcript",
    "transcripts",
    "tweet",
    "tweets",
    "webpage",
    "webpages",
    "website",
    "websites",
]);

/// Verbs that pull content from the open web into the context.
fn fetch_verb(w: &str) -> bool {
    matches!(
        w,
        "fetch" | "scrape" | "crawl" | "browse" | "navigate" | "snapshot" | "extract" | "download"
    )
}

/// Verbs that move data to someone or somewhere else.
fn send_verb(w: &str) -> bool {
    matches!(
        w,
        "send"
            | "post"
            | "publish"
            | "share"
            | "email"
            | "mail"
            | "notify"
            | "reply"
            | "forward"
            | "tweet"
            | "broadcast"
            | "upload"
            | "invite"
            | "message"
            | "comment"
            | "dm"
            | "sms"
            | "announce"
            | "submit"
            | "webhook"
    )
}

/// Things that reach other people once written: messages, comments, issues, posts.
pub(super) static SHARED_ARTEFACTS: Phrases = Phrases::new(&[
    "comment",
    "comments",
    "discussion",
    "email",
    "emails",
    "gist",
    "invitation",
    "invite",
    "issue",
    "issues",
    "mail",
    "message",
    "messages",
    "notification",
    "post",
    "posts",
    "pr",
    "reply",
    "review",
    "sms",
    "ticket",
    "tweet",
    "webhook",
]);

/// Parameters that name who receives what a tool writes: a person, a chat, a hook. (Not
/// `destination` or `to`, which as often name a local path or the end of a range.)
fn destination_param(k: &str) -> bool {
    matches!(
        k,
        "recipient"
            | "recipients"
            | "to_address"
            | "to_email"
            | "to_emails"
            | "cc"
            | "bcc"
            | "channel"
            | "channel_id"
            | "chat_id"
            | "webhook"
            | "webhook_url"
            | "phone_number"
            | "to_number"
    )
}

/// Parameters that take an address the server will call for the agent (not the address of
/// the service the tool manages, such as an `endpoint` or a `base_url`).
fn url_param(k: &str) -> bool {
    matches!(
        k,
        "url"
            | "uri"
            | "urls"
            | "href"
            | "link"
            | "target_url"
            | "callback_url"
            | "webhook"
            | "webhook_url"
    )
}

rule!(READS_PRIVATE_DATA {
    code: "TC301",
    name: "reads-private-data",
    phase: After,
    effect: "capability private-data",
    explanation: "A read of a store that belongs to the user or the organisation: files, \
        documents, mail and messages, calendars and contacts, databases and records, \
        customers, payments, tickets, logs, repositories and issues, secrets. Also any tool \
        that runs a query against a database, or takes code or a command (which can read \
        any file). What it returns is not public, so an agent that also holds an outbound \
        channel can leak it. Failing safe, any other read counts too unless its name says \
        the source is public (documentation, packages, papers, the weather, the web) or it \
        fetches or searches the web (untrusted content, TC302).",
    fires: [
        "read_file | Read the contents of a file.",
        "search_emails | Search the mailbox.",
        "list_customers | List customers.",
        r#"{"name":"run","description":"Run a SQL query.","inputSchema":{"properties":{"sql":{"type":"string"}}}}"#
    ],
    quiet: [
        "get_weather | Get the forecast for a city.",
        "search_docs | Search the library documentation.",
        "search_web | Search the web.",
        "send_email | Send an email."
    ],
    check: check_private_data,
});

fn check_private_data(ctx: &Ctx<'_>, category: Option<Category>, acc: &mut Acc) {
    // A query language (SQL, Cypher, KQL...) runs against a store of the user's; code or
    // a command can read any file the server can.
    let query = earlier_hit(
        acc,
        &[
            &super::SQL_PARAMETER,
            &super::QUERY_LANGUAGE_PARAMETER,
            &super::FREE_FORM_CODE,
        ],
    );
    if let Some((source, q)) = query {
        acc.capability(&READS_PRIVATE_DATA, Capability::PrivateData, source, q);
        return;
    }
    if category != Some(Category::Read) || public_source(ctx) {
        return;
    }
    if let Some((source, q)) = object_word(ctx, &PRIVATE_STORES) {
        acc.capability(&READS_PRIVATE_DATA, Capability::PrivateData, source, q);
        return;
    }
    // A read from an account or a system is the user's data unless the tool says its
    // source is public: failing safe, a read with no such word counts. Pages of the open
    // web are the exception: they are untrusted content, not private data.
    if !reads_the_web(ctx) {
        let q = format!("{} (a read that names no public source)", ctx.tool.name);
        acc.capability(&READS_PRIVATE_DATA, Capability::PrivateData, "name", q);
    }
}

rule!(BRINGS_UNTRUSTED_CONTENT {
    code: "TC302",
    name: "brings-untrusted-content",
    phase: After,
    effect: "capability untrusted-content",
    explanation: "The tool returns text that someone other than the user can write: web \
        pages and search results, mail and chat messages, comments, issues, reviews, posts, \
        tickets. An instruction hidden in that text reaches the agent as if it were data: \
        the way in of a prompt injection.",
    fires: [
        "fetch | Fetch a URL and return its content as markdown.",
        "list_comments | List the comments of an issue.",
        "read_email | Read an email.",
        "browser_navigate | Navigate to a URL"
    ],
    quiet: [
        "read_file | Read the contents of a file.",
        "send_message | Send a message to a channel.",
        "get_weather | Get the forecast for a city."
    ],
    check: check_untrusted_content,
});

fn check_untrusted_content(ctx: &Ctx<'_>, category: Option<Category>, acc: &mut Acc) {
    if let Some(t) = ctx.name_tokens.iter().find(|t| fetch_verb(t)) {
        let q = name_word(ctx, t);
        acc.capability(
            &BRINGS_UNTRUSTED_CONTENT,
            Capability::UntrustedContent,
            "name",
            q,
        );
        return;
    }
    if searches_the_web(ctx) {
        let q = name_word(ctx, "search");
        acc.capability(
            &BRINGS_UNTRUSTED_CONTENT,
            Capability::UntrustedContent,
            "name",
            q,
        );
        return;
    }
    if category != Some(Category::Read) {
        return;
    }
    if let Some((source, q)) = object_word(ctx, &THIRD_PARTY_TEXT) {
        acc.capability(
            &BRINGS_UNTRUSTED_CONTENT,
            Capability::UntrustedContent,
            source,
            q,
        );
    }
}

rule!(SENDS_EXTERNALLY {
    code: "TC303",
    name: "sends-externally",
    phase: After,
    effect: "capability external-send",
    explanation: "The tool can move data somewhere the user does not control: it sends, \
        posts, publishes, shares or uploads; it writes a message, comment, issue or post \
        that others read; it takes a recipient, channel or webhook; or it calls an address \
        the agent supplies (a URL parameter: even a fetch carries data out in its query); \
        or it runs code or a command the agent writes, which can open any connection. \
        An agent that also reads private data can leak it through this channel.",
    fires: [
        "send_email | Send an email.",
        "create_issue | Create an issue in a repository.",
        r#"{"name":"fetch","description":"Fetch a page.","inputSchema":{"properties":{"url":{"type":"string"}}}}"#,
        r#"{"name":"notify","description":"Notify someone.","inputSchema":{"properties":{"recipient":{"type":"string"}}}}"#
    ],
    quiet: [
        "write_file | Write a file.",
        "list_messages | List messages.",
        "create_note | Create a note in the user's notebook.",
        "create_email_template | Create an email template.",
        r#"{"name":"find_flaky_tests","description":"Find flaky tests.","inputSchema":{"properties":{"params":{"type":"object","properties":{"gitRemoteURL":{"type":"string"}}}}}}"#
    ],
    check: check_sends,
});

fn check_sends(ctx: &Ctx<'_>, category: Option<Category>, acc: &mut Acc) {
    if let Some(p) = top_param(ctx, url_param) {
        let (source, q) = (schema_source(ctx, p), param_name(ctx, p));
        acc.capability(&SENDS_EXTERNALLY, Capability::ExternalSend, source, q);
        return;
    }
    // Code or a command the agent writes can open any connection.
    if let Some((source, q)) = earlier_hit(acc, &[&super::FREE_FORM_CODE]) {
        acc.capability(&SENDS_EXTERNALLY, Capability::ExternalSend, source, q);
        return;
    }
    if category == Some(Category::Read) {
        return;
    }
    // The verb that says what the name does (`send_draft`, `reply_mail_message`), not a
    // noun beside another verb (`create_email_template`, `update_post_install_script`).
    let verb = match ctx.name_primary {
        Some((i, _, _)) => ctx.name_tokens.get(i).filter(|t| send_verb(t)),
        None => ctx.name_tokens.iter().find(|t| send_verb(t)),
    };
    if let Some(t) = verb {
        let q = name_word(ctx, t);
        acc.capability(&SENDS_EXTERNALLY, Capability::ExternalSend, "name", q);
        return;
    }
    if let Some(p) = top_param(ctx, destination_param) {
        let (source, q) = (schema_source(ctx, p), param_name(ctx, p));
        acc.capability(&SENDS_EXTERNALLY, Capability::ExternalSend, source, q);
        return;
    }
    // A template or a draft of a message reaches no one yet.
    let unsent = ctx
        .name_tokens
        .iter()
        .any(|t| matches!(&**t, "template" | "templates" | "draft" | "drafts"));
    let writes = matches!(category, Some(Category::Write | Category::Execute));
    if writes && !unsent {
        if let Some((source, q)) = object_word(ctx, &SHARED_ARTEFACTS) {
            acc.capability(&SENDS_EXTERNALLY, Capability::ExternalSend, source, q);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_sorted_lower_case_words() {
        for list in [
            &PRIVATE_STORES,
            &THIRD_PARTY_TEXT,
            &SHARED_ARTEFACTS,
            &WEB_SOURCES,
        ] {
            assert!(list.needles.windows(2).all(|w| w[0] < w[1]));
            assert!(list
                .needles
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase())));
        }
    }
}
