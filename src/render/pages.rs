//! The HTML pages: home, servers, tools, category and risk browse pages, rules, search, 404.

use super::{
    chart, data, File, ServerDigest, ServerEntry, ServerOutput, Settings, ToolDigest, ToolEntry,
};
use crate::classify::rules::{self, Rule};
use crate::markdown;
use crate::model::{Category, Risk, Tool};
use crate::policy::{self, Dialect, ServerPolicy};
use crate::schema;
use crate::untrusted::visible;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use tera::Tera;

/// Descriptions and schemas longer than this are cut on pages, with a note; the server's
/// API file keeps them whole.
pub const PAGE_TEXT: usize = 256 * 1024;

/// The first [`PAGE_TEXT`] bytes of a text (on a char boundary), and whether it was cut.
fn clip(text: &str) -> (&str, bool) {
    if text.len() <= PAGE_TEXT {
        return (text, false);
    }
    let mut end = PAGE_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// Rows on one page of a category or risk listing; longer listings are split.
pub const LIST_PAGE: usize = 1000;

/// Related tools listed on a tool page.
const RELATED: usize = 8;

/// A model's context window the token estimate is compared with.
pub const CONTEXT_WINDOW: usize = 200_000;

/// Renders pages; holds what every page needs.
pub struct Renderer<'r> {
    tera: &'r Tera,
    pub(super) settings: &'r Settings,
}

#[derive(Serialize)]
pub(super) struct SiteView<'a> {
    pub(super) title: &'a str,
    /// Relative path from the page to the site's root: `""`, `"../"`, `"../../"`...
    pub(super) root: String,
    pub(super) base_url: &'a str,
    /// The page's own path.
    pub(super) path: &'a str,
    /// The page's absolute URL: a directory URL for an `index.html` page.
    pub(super) canonical: String,
}

/// The absolute URL of a page: directory URLs for `index.html` pages.
pub(super) fn canonical_url(base_url: &str, path: &str) -> String {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    format!("{base_url}{path}")
}

#[derive(Serialize)]
pub(super) struct Count {
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) tools: usize,
}

#[derive(Serialize)]
pub(super) struct ServerRow {
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) package: String,
    pub(super) tools: usize,
    pub(super) worst: &'static str,
}

/// A tool in a listing.
#[derive(Serialize)]
pub(super) struct ToolRow {
    /// Path from the site's root to the tool's page.
    pub(super) href: String,
    pub(super) server: String,
    pub(super) name: String,
    pub(super) summary: String,
    pub(super) category: &'static str,
    pub(super) risk: &'static str,
    /// The verdict awaits a person's review.
    pub(super) review: bool,
}

#[derive(Serialize)]
struct ServerHead {
    slug: String,
    name: String,
    package: String,
    version: String,
    source: String,
}

#[derive(Serialize)]
struct ParamView {
    name: String,
    ty: String,
    required: bool,
    description: String,
    enum_values: String,
    default: String,
    depth: usize,
}

#[derive(Serialize)]
struct EvidenceView {
    rule: &'static str,
    rule_name: &'static str,
    source: String,
    quote: String,
    effect: String,
}

#[derive(Serialize)]
struct HintView {
    name: &'static str,
    declared: String,
    effective: bool,
    defaulted: bool,
}

/// A question and its answer on a tool page (also its FAQ JSON-LD).
#[derive(Serialize)]
pub struct Question {
    pub question: String,
    pub answer: String,
}

#[derive(Serialize)]
pub(super) struct RuleRow {
    pub(super) code: &'static str,
    pub(super) slug: String,
    pub(super) name: &'static str,
    pub(super) effect: &'static str,
    pub(super) tools: usize,
}

#[derive(Serialize)]
pub(super) struct PageLink {
    pub(super) number: usize,
    pub(super) href: String,
    pub(super) current: bool,
}

#[derive(Serialize)]
struct PolicyLink {
    label: &'static str,
    href: String,
}

/// One dialect's policy for one tool, on the tool's page.
#[derive(Serialize)]
struct PolicyView {
    label: &'static str,
    href: String,
    /// What to put in the file, or where the tool already is in it.
    snippet: String,
}

/// The path of a server's policy in a dialect.
pub fn policy_path(server: &str, dialect: Dialect) -> String {
    format!("policies/{server}.{}", dialect.extension())
}

fn policy_views(e: &ServerEntry<'_>, t: &ToolEntry<'_>, p: &ServerPolicy) -> Vec<PolicyView> {
    let Some(tp) = p.tool(&t.tool.name) else {
        return Vec::new();
    };
    Dialect::ALL
        .iter()
        .map(|d| {
            let snippet = policy::snippet(p, tp, *d);
            PolicyView {
                label: d.label(),
                href: policy_path(e.slug(), *d),
                snippet: visible(&snippet),
            }
        })
        .collect()
}

/// Where a page of the site lives, from its path: `"../"` once per folder.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The path of a tool's page from the site's root: a file, not a folder of its own, so
/// that a tool costs the filesystem one inode.
pub fn tool_path(server: &str, tool: &str) -> String {
    format!("tools/{server}/{tool}.html")
}

/// The path of a server's page from the site's root.
pub fn server_path(server: &str) -> String {
    format!("servers/{server}/index.html")
}

/// The path of a rule's page from the site's root.
pub fn rule_path(rule: &Rule) -> String {
    format!("rules/{}/index.html", rule.code.to_ascii_lowercase())
}

/// Path of page `n` (from 1) of a listing whose first page is `dir/index.html`.
pub(super) fn list_path(dir: &str, n: usize) -> String {
    if n <= 1 {
        format!("{dir}/index.html")
    } else {
        format!("{dir}/page-{n}.html")
    }
}

/// "What it does", by category: the paragraph a tool page opens with.
pub fn what_it_does(category: Category) -> &'static str {
    match category {
        Category::Read => {
            "It retrieves information and returns it: going by its definition, calling it \
             changes nothing. Read tools are the context-gathering step of an agent's work."
        }
        Category::Write => {
            "It creates or changes data in a way another call can correct or undo: creating, \
             updating, moving, sending or scheduling. Its effects outlive the call."
        }
        Category::Execute => {
            "It runs something: code, commands, queries in a language that can write, jobs, \
             deployments, another program, device or model. What happens depends on what it is \
             asked to run, so its effects reach beyond the call."
        }
        Category::Destructive => {
            "It deletes or acts irreversibly: what it removes or overwrites cannot be restored \
             by another call."
        }
        Category::Financial => {
            "It moves money or commits spend: payments, refunds, transfers, trades, purchases \
             or billing changes."
        }
    }
}

/// The policy toolcat recommends for a category, in words.
pub fn recommendation(category: Category) -> &'static str {
    match category {
        Category::Read => "allow it, optionally capped at 60 calls a minute",
        Category::Write => "allow it with a rate limit, such as 30 calls a minute",
        Category::Execute => "allow it only with a tight rate limit, such as 10 calls a minute",
        Category::Destructive => "deny it, or require a person's approval for every call",
        Category::Financial => "deny it unless a person approves each call",
    }
}

/// How many of `values` fall on each of `all`, with each one's key and label.
fn tally<T: Copy + PartialEq>(
    all: &[T],
    names: impl Fn(T) -> (&'static str, &'static str),
    values: impl Iterator<Item = T>,
) -> Vec<Count> {
    let mut n = vec![0usize; all.len()];
    for v in values {
        if let Some(i) = all.iter().position(|x| *x == v) {
            n[i] += 1;
        }
    }
    all.iter()
        .zip(n)
        .map(|(x, tools)| {
            let (key, label) = names(*x);
            Count { key, label, tools }
        })
        .collect()
}

pub(super) fn category_counts(categories: impl Iterator<Item = Category>) -> Vec<Count> {
    tally(&Category::ALL, |c| (c.as_str(), c.label()), categories)
}

pub(super) fn risk_counts(risks: impl Iterator<Item = Risk>) -> Vec<Count> {
    tally(&Risk::ALL, |r| (r.as_str(), r.label()), risks)
}

pub(super) fn bars(counts: &[Count], title: &str) -> String {
    let rows: Vec<(&str, &str, usize)> = counts.iter().map(|c| (c.key, c.label, c.tools)).collect();
    chart::bars(title, &rows)
}

fn server_head(s: &crate::model::Server) -> ServerHead {
    ServerHead {
        slug: s.server.slug.clone(),
        name: visible(&s.server.name),
        package: visible(s.server.package.as_deref().unwrap_or("")),
        version: visible(s.server.version.as_deref().unwrap_or("")),
        source: visible(s.server.source.as_deref().unwrap_or("")),
    }
}

fn tool_row(e: &ServerEntry<'_>, t: &ToolEntry<'_>) -> ToolRow {
    ToolRow {
        href: tool_path(e.slug(), &t.slug),
        server: visible(&e.server.server.name),
        name: visible(&t.tool.name),
        summary: t.summary.clone(),
        category: t.verdict.category.as_str(),
        risk: t.verdict.risk.as_str(),
        review: t.verdict.needs_review,
    }
}

/// A tool in a listing, from the digests of the shared pages.
pub(super) fn digest_row(s: &ServerDigest, t: &ToolDigest) -> ToolRow {
    ToolRow {
        href: tool_path(&s.slug, &t.slug),
        server: visible(&s.name),
        name: visible(&t.name),
        summary: t.summary.clone(),
        category: t.category.as_str(),
        risk: t.risk.as_str(),
        review: t.needs_review,
    }
}

/// Riskiest first, then most consequential, then by server and name.
fn by_risk(
    a: (&ServerEntry<'_>, &ToolEntry<'_>),
    b: (&ServerEntry<'_>, &ToolEntry<'_>),
) -> std::cmp::Ordering {
    b.1.verdict
        .risk
        .cmp(&a.1.verdict.risk)
        .then(b.1.verdict.category.cmp(&a.1.verdict.category))
        .then(a.0.slug().cmp(b.0.slug()))
        .then(a.1.slug.cmp(&b.1.slug))
}

/// Estimated tokens the definitions cost in a model's context: the bytes of the JSON a
/// client receives from `tools/list` (name, title, description, schemas, annotations),
/// divided by four, the usual rule of thumb for English text and JSON.
pub fn estimated_tokens(tools: &[&Tool]) -> usize {
    /// Counts the bytes written to it.
    struct ByteCount(usize);
    impl std::io::Write for ByteCount {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = ByteCount(0);
    for t in tools {
        let _ = serde_json::to_writer(&mut count, t);
    }
    count.0.div_ceil(4)
}

fn json_inline(v: crate::json::JsonRef<'_>) -> String {
    match v.as_str() {
        Some(s) => visible(s),
        None => visible(&serde_json::to_string(&v).unwrap_or_default()),
    }
}

/// A schema as indented JSON for a tool page, clipped, with invisible characters shown.
fn pretty(v: Option<&impl Serialize>) -> Option<String> {
    v.map(|v| {
        let text = serde_json::to_string_pretty(v).unwrap_or_default();
        let (shown, cut) = clip(&text);
        let mut shown = visible(shown);
        if cut {
            let _ = write!(
                shown,
                "\n… ({} bytes in all; the whole schema is in the server's API file)",
                text.len()
            );
        }
        shown
    })
}

fn hints(tool: &Tool) -> Vec<HintView> {
    let a = tool.annotations.clone().unwrap_or_default();
    let e = a.effective();
    [
        ("readOnlyHint", a.read_only_hint, e.read_only),
        ("destructiveHint", a.destructive_hint, e.destructive),
        ("idempotentHint", a.idempotent_hint, e.idempotent),
        ("openWorldHint", a.open_world_hint, e.open_world),
    ]
    .into_iter()
    .map(|(name, declared, effective)| HintView {
        name,
        declared: declared.map_or_else(|| "not declared".into(), |b| b.to_string()),
        effective,
        defaulted: declared.is_none(),
    })
    .collect()
}

impl<'r> Renderer<'r> {
    pub fn new(tera: &'r Tera, settings: &'r Settings) -> Self {
        Renderer { tera, settings }
    }

    /// The variables every page has: `site` (title, base URL, the page's path and the
    /// relative `root` of the site) and, for the many links of a page, `root` again at the
    /// top, which tera looks up faster than a field.
    pub(super) fn context(&self, path: &str) -> tera::Context {
        self.context_at(path, root_of(path))
    }

    /// [`Renderer::context`] with the given root.
    pub(super) fn context_at(&self, path: &str, root: String) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("root", &root);
        ctx.insert(
            "site",
            &SiteView {
                title: &self.settings.title,
                root,
                base_url: &self.settings.base_url,
                path,
                canonical: canonical_url(&self.settings.base_url, path),
            },
        );
        ctx
    }

    pub(super) fn render(
        &self,
        template: &str,
        path: &str,
        ctx: &tera::Context,
    ) -> Result<Vec<u8>> {
        let html = self
            .tera
            .render(template, ctx)
            .with_context(|| format!("rendering {path} with template {template}"))?;
        Ok(html.into_bytes())
    }

    /// A server's own files ([`ServerOutput::all`]): its page, policies and API file, and
    /// the page of each of its tools.
    pub fn server_files(&self, e: &ServerEntry<'_>) -> Result<Vec<File>> {
        // `prepare_server` makes one entry a tool, in the server's order.
        let verdicts: Vec<crate::classify::Verdict> =
            e.tools.iter().map(|t| t.verdict.clone()).collect();
        let policy = policy::for_server(e.server, &verdicts, &self.settings.policy);
        ServerOutput::all(e.tools.len())
            .map(|output| {
                let path = output.path(e.slug(), |i| &e.tools[i].slug);
                let bytes = match output {
                    ServerOutput::Page => self.server_page(e, &path)?,
                    ServerOutput::Policy(d) => policy::render(&policy, d).into_bytes(),
                    ServerOutput::Tool(i) => self.tool_page(e, &e.tools[i], &policy, &path)?,
                    ServerOutput::Api => data::server_json(e)?,
                };
                Ok((path, bytes))
            })
            .collect()
    }

    fn server_page(&self, e: &ServerEntry<'_>, path: &str) -> Result<Vec<u8>> {
        let mut rows: Vec<(&ServerEntry<'_>, &ToolEntry<'_>)> =
            e.tools.iter().map(|t| (e, t)).collect();
        rows.sort_by(|a, b| by_risk(*a, *b));
        let categories = category_counts(e.tools.iter().map(|t| t.verdict.category));
        let risks = risk_counts(e.tools.iter().map(|t| t.verdict.risk));
        let tools: Vec<&Tool> = e.tools.iter().map(|t| t.tool).collect();
        let tokens = estimated_tokens(&tools);
        let mut ctx = self.context(path);
        ctx.insert("server", &server_head(e.server));
        ctx.insert("tool_count", &e.tools.len());
        ctx.insert(
            "review_count",
            &e.tools.iter().filter(|t| t.verdict.needs_review).count(),
        );
        ctx.insert("category_chart", &bars(&categories, "Tools by category"));
        ctx.insert("risk_chart", &bars(&risks, "Tools by risk"));
        ctx.insert("categories", &categories);
        ctx.insert("risks", &risks);
        ctx.insert("tokens", &tokens);
        ctx.insert(
            "token_share",
            &format!("{:.1}", tokens as f64 * 100.0 / CONTEXT_WINDOW as f64),
        );
        ctx.insert("window", &CONTEXT_WINDOW);
        ctx.insert(
            "policies",
            &Dialect::ALL
                .iter()
                .map(|d| PolicyLink {
                    label: d.label(),
                    href: policy_path(e.slug(), *d),
                })
                .collect::<Vec<_>>(),
        );
        ctx.insert("profile", &self.settings.policy.profile.name);
        ctx.insert(
            "tools",
            &rows
                .into_iter()
                .map(|(e, t)| tool_row(e, t))
                .collect::<Vec<_>>(),
        );
        self.render("server.html", path, &ctx)
    }

    fn questions(e: &ServerEntry<'_>, t: &ToolEntry<'_>) -> Vec<Question> {
        let name = visible(&t.tool.name);
        let server = visible(&e.server.server.name);
        let package = visible(e.server.server.package.as_deref().unwrap_or(""));
        let category = t.verdict.category;
        let risk = t.verdict.risk;
        let summary = if t.summary.is_empty() {
            "Its definition has no description".to_string()
        } else {
            t.summary.clone()
        };
        let signals = if t.verdict.signals.is_empty() {
            String::new()
        } else {
            format!(
                " Its risk is raised above the {} default by: {}.",
                category.default_risk().as_str(),
                t.verdict.signals.join(", ")
            )
        };
        let mcp_name = format!("mcp__{}__{}", e.slug(), name);
        let provider = if package.is_empty() {
            format!("{name} is provided by the {server} MCP server.")
        } else {
            format!("{name} is provided by the {server} MCP server ({package}).")
        };
        vec![
            Question {
                question: format!("What does the {name} tool do?"),
                answer: format!(
                    "{summary} toolcat classifies it as a {} tool: {}",
                    category.label(),
                    what_it_does(category)
                ),
            },
            Question {
                question: format!("How do I enforce a policy on {name}?"),
                answer: format!(
                    "Put a policy-enforcing MCP proxy in front of {server} and add a rule for \
                     {name}: allow, deny, rate-limit or require approval. For a {} tool toolcat \
                     recommends to {}. In Claude Code, list {mcp_name} under permissions.allow, \
                     ask or deny.",
                    category.label().to_lowercase(),
                    recommendation(category)
                ),
            },
            Question {
                question: format!("What risk level is {name}?"),
                answer: format!(
                    "{} risk. It is a {} tool, whose default risk is {}.{signals}",
                    risk.label(),
                    category.label(),
                    category.default_risk().as_str()
                ),
            },
            Question {
                question: format!("Can I rate-limit {name}?"),
                answer: format!(
                    "Yes. In an Intercept policy, give {name} a rule with rate_limit: 10/minute \
                     to allow at most 10 calls a minute; a gateway policy sets a limit with a \
                     counter, a window and a maximum."
                ),
            },
            Question {
                question: format!("How do I block {name} completely?"),
                answer: format!(
                    "Deny it: an Intercept rule with action: deny and an on_deny message the \
                     agent sees, or hide it so it is stripped from tools/list; in Claude Code, \
                     list {mcp_name} under permissions.deny."
                ),
            },
            Question {
                question: format!("Which MCP server provides {name}?"),
                answer: provider,
            },
        ]
    }

    fn related(e: &ServerEntry<'_>, t: &ToolEntry<'_>) -> Vec<ToolRow> {
        let mut same: Vec<&ToolEntry<'_>> = e
            .tools
            .iter()
            .filter(|o| o.verdict.category == t.verdict.category && o.slug != t.slug)
            .collect();
        same.sort_by(|a, b| a.slug.cmp(&b.slug));
        same.into_iter()
            .take(RELATED)
            .map(|o| tool_row(e, o))
            .collect()
    }

    fn tool_page(
        &self,
        e: &ServerEntry<'_>,
        t: &ToolEntry<'_>,
        policy: &ServerPolicy,
        path: &str,
    ) -> Result<Vec<u8>> {
        let params = schema::params(t.tool.input_schema.as_ref());
        let param_views: Vec<ParamView> = params
            .params
            .iter()
            .map(|p| ParamView {
                name: visible(&params.name(p)),
                ty: visible(&p.ty()),
                required: p.required,
                description: visible(p.description),
                enum_values: p
                    .enum_values()
                    .into_iter()
                    .map(json_inline)
                    .collect::<Vec<_>>()
                    .join(", "),
                default: p.default.map(json_inline).unwrap_or_default(),
                depth: p.depth,
            })
            .collect();
        let evidence: Vec<EvidenceView> = t
            .verdict
            .evidence
            .iter()
            .map(|ev| EvidenceView {
                rule: ev.rule,
                rule_name: rules::find(ev.rule).map_or("", |r| r.name),
                source: visible(&ev.source),
                quote: visible(&ev.quote),
                effect: ev.effect.to_string(),
            })
            .collect();
        let (description, description_cut) = clip(t.tool.description());
        let questions = Self::questions(e, t);
        let category = t.verdict.category;
        let mut ctx = self.context(path);
        ctx.insert("server", &server_head(e.server));
        ctx.insert("name", &visible(&t.tool.name));
        ctx.insert("slug", &t.slug);
        ctx.insert("display_name", &visible(t.tool.display_name()));
        ctx.insert("summary", &t.summary);
        ctx.insert("description_html", &markdown::to_html(description));
        ctx.insert(
            "description_note",
            &description_cut.then(|| {
                format!(
                    "This description is {} bytes long; the first {} KiB are shown. The whole \
                     text is in the server's API file.",
                    t.tool.description().len(),
                    PAGE_TEXT / 1024
                )
            }),
        );
        ctx.insert("category", &category.as_str());
        ctx.insert("category_label", &category.label());
        ctx.insert("what_it_does", what_it_does(category));
        ctx.insert("recommendation", recommendation(category));
        ctx.insert("risk", &t.verdict.risk.as_str());
        ctx.insert("risk_label", &t.verdict.risk.label());
        ctx.insert("confidence", &t.verdict.confidence);
        ctx.insert("needs_review", &t.verdict.needs_review);
        ctx.insert("review_reason", &t.verdict.review_reason);
        ctx.insert("signals", &t.verdict.signals);
        ctx.insert(
            "capabilities",
            &t.verdict
                .capabilities
                .iter()
                .map(|c| {
                    let rule = crate::classify::rules::capability_rule(*c).code;
                    serde_json::json!({"name": c.as_str(), "rule": rule})
                })
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "findings",
            &t.verdict
                .findings
                .iter()
                .map(|f| visible(&f.message))
                .collect::<Vec<_>>(),
        );
        ctx.insert(
            "override",
            &t.verdict.overridden.as_ref().map(|o| {
                BTreeMap::from([
                    ("pattern", visible(&o.pattern)),
                    ("reason", visible(&o.reason)),
                ])
            }),
        );
        ctx.insert("evidence", &evidence);
        ctx.insert("params", &param_views);
        ctx.insert("param_count", &params.top_level().count());
        ctx.insert(
            "required_count",
            &params.top_level().filter(|p| p.required).count(),
        );
        ctx.insert("params_truncated", &params.truncated);
        ctx.insert("hints", &hints(t.tool));
        ctx.insert("input_schema", &pretty(t.tool.input_schema.as_ref()));
        ctx.insert("output_schema", &pretty(t.tool.output_schema.as_ref()));
        ctx.insert("fingerprint", &t.fingerprint);
        ctx.insert("faq_json_ld", &data::faq_json_ld(&questions));
        ctx.insert("questions", &questions);
        ctx.insert("related", &Self::related(e, t));
        ctx.insert("policies", &policy_views(e, t, policy));
        self.render("tool.html", path, &ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimated_tokens_are_a_quarter_of_the_json_bytes_rounded_up() {
        let mut a = Tool::named("search_issues");
        a.description = Some("Search issues ✓".into());
        a.input_schema = Some(serde_json::json!({"type": "object"}).into());
        let b = Tool::named("x");
        let bytes =
            serde_json::to_string(&a).unwrap().len() + serde_json::to_string(&b).unwrap().len();
        assert_eq!(estimated_tokens(&[&a, &b]), bytes.div_ceil(4));
        assert_eq!(estimated_tokens(&[]), 0);
    }
}
