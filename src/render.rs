//! Views of the catalogue rendered through tera templates into site files.
//!
//! Templates are embedded in the binary; autoescaping is on for every `.html` template.
//! The only HTML marked safe is [`crate::markdown::to_html`]'s output (the `description_html`
//! field). Every other string from a tool definition goes through
//! [`crate::markdown::visible`] and is escaped by tera.

use crate::catalog::Catalog;
use crate::classify::Verdict;
use crate::markdown::{self, visible};
use crate::model::{Category, Risk, Server, Tool};
use crate::schema;
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use tera::Tera;

/// The default templates, embedded from `templates/`.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("server.html", include_str!("../templates/server.html")),
    ("tool.html", include_str!("../templates/tool.html")),
];

/// Static files copied into the site as they are.
pub const ASSETS: &[(&str, &str)] = &[("assets/style.css", include_str!("../templates/style.css"))];

/// The template engine with the default templates loaded.
pub fn engine() -> Result<Tera> {
    let mut tera = Tera::default();
    tera.add_raw_templates(TEMPLATES.iter().copied())
        .context("loading the built-in templates")?;
    tera.autoescape_on(vec![".html"]);
    Ok(tera)
}

/// A server with its tools' slugs and verdicts, ready to render.
pub struct ServerEntry<'a> {
    pub server: &'a Server,
    pub tools: Vec<ToolEntry<'a>>,
}

pub struct ToolEntry<'a> {
    pub tool: &'a Tool,
    pub slug: String,
    pub verdict: Verdict,
}

/// Slugs and verdicts for the whole catalogue (classification runs in parallel).
pub fn prepare<'a>(
    catalog: &'a Catalog,
    verdict: &(dyn Fn(&Server, &Tool) -> Verdict + Sync),
) -> Vec<ServerEntry<'a>> {
    catalog
        .servers
        .par_iter()
        .map(|server| {
            let fps: Vec<String> = server.tools.iter().map(Tool::fingerprint).collect();
            let keys: Vec<(&str, &str)> = server
                .tools
                .iter()
                .zip(&fps)
                .map(|(t, f)| (t.name.as_str(), f.as_str()))
                .collect();
            let slugs = crate::slug::assign(&keys);
            let tools = server
                .tools
                .iter()
                .zip(slugs)
                .map(|(tool, slug)| ToolEntry {
                    tool,
                    slug,
                    verdict: verdict(server, tool),
                })
                .collect();
            ServerEntry { server, tools }
        })
        .collect()
}

#[derive(Serialize)]
struct Site<'a> {
    title: &'a str,
    root: &'a str,
}

#[derive(Serialize)]
struct Count {
    key: &'static str,
    label: &'static str,
    tools: usize,
}

#[derive(Serialize)]
struct ServerRow {
    slug: String,
    name: String,
    package: String,
    tools: usize,
    worst: &'static str,
}

#[derive(Serialize)]
struct ToolRow {
    slug: String,
    name: String,
    summary: String,
    category: &'static str,
    risk: &'static str,
}

#[derive(Serialize)]
struct ServerHead {
    slug: String,
    name: String,
    package: String,
    version: String,
    source: String,
}

/// Render every page of the site: `(relative path, contents)`, sorted by path.
pub fn site(entries: &[ServerEntry<'_>], title: &str) -> Result<Vec<(String, String)>> {
    let tera = engine()?;
    let mut pages: Vec<(String, String)> = Vec::new();
    pages.push(("index.html".into(), index_page(&tera, entries, title)?));
    for e in entries {
        pages.push((
            format!("servers/{}/index.html", e.server.server.slug),
            server_page(&tera, e, title)?,
        ));
    }
    let tool_pages: Result<Vec<Vec<(String, String)>>> = entries
        .par_iter()
        .map(|e| {
            e.tools
                .iter()
                .map(|t| {
                    Ok((
                        format!("tools/{}/{}/index.html", e.server.server.slug, t.slug),
                        tool_page(&tera, e, t, title)?,
                    ))
                })
                .collect()
        })
        .collect();
    pages.extend(tool_pages?.into_iter().flatten());
    for (path, text) in ASSETS {
        pages.push(((*path).to_string(), (*text).to_string()));
    }
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(pages)
}

fn counts<T: Copy>(
    all: &[T],
    key: fn(T) -> (&'static str, &'static str),
    of: impl Iterator<Item = T>,
    eq: fn(T, T) -> bool,
) -> Vec<Count> {
    let items: Vec<T> = of.collect();
    all.iter()
        .map(|&c| {
            let (key, label) = key(c);
            Count {
                key,
                label,
                tools: items.iter().filter(|&&i| eq(i, c)).count(),
            }
        })
        .collect()
}

fn category_counts<'a>(verdicts: impl Iterator<Item = &'a Verdict>) -> Vec<Count> {
    counts(
        &Category::ALL,
        |c| (c.as_str(), c.label()),
        verdicts.map(|v| v.category),
        |a, b| a == b,
    )
}

fn risk_counts<'a>(verdicts: impl Iterator<Item = &'a Verdict>) -> Vec<Count> {
    counts(
        &Risk::ALL,
        |r| (r.as_str(), r.label()),
        verdicts.map(|v| v.risk),
        |a, b| a == b,
    )
}

fn server_head(s: &Server) -> ServerHead {
    ServerHead {
        slug: s.server.slug.clone(),
        name: visible(&s.server.name),
        package: visible(s.server.package.as_deref().unwrap_or("")),
        version: visible(s.server.version.as_deref().unwrap_or("")),
        source: visible(s.server.source.as_deref().unwrap_or("")),
    }
}

fn index_page(tera: &Tera, entries: &[ServerEntry<'_>], title: &str) -> Result<String> {
    let verdicts = || {
        entries
            .iter()
            .flat_map(|e| e.tools.iter().map(|t| &t.verdict))
    };
    let servers: Vec<ServerRow> = entries
        .iter()
        .map(|e| ServerRow {
            slug: e.server.server.slug.clone(),
            name: visible(&e.server.server.name),
            package: visible(e.server.server.package.as_deref().unwrap_or("")),
            tools: e.tools.len(),
            worst: e
                .tools
                .iter()
                .map(|t| t.verdict.risk)
                .max()
                .unwrap_or(Risk::Low)
                .as_str(),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("site", &Site { title, root: "" });
    ctx.insert("tool_count", &verdicts().count());
    ctx.insert("server_count", &entries.len());
    ctx.insert("categories", &category_counts(verdicts()));
    ctx.insert("risks", &risk_counts(verdicts()));
    ctx.insert("servers", &servers);
    tera.render("index.html", &ctx)
        .context("rendering index.html")
}

fn tool_row(t: &ToolEntry<'_>) -> ToolRow {
    ToolRow {
        slug: t.slug.clone(),
        name: visible(&t.tool.name),
        summary: markdown::summary(t.tool.description(), 160),
        category: t.verdict.category.as_str(),
        risk: t.verdict.risk.as_str(),
    }
}

fn server_page(tera: &Tera, e: &ServerEntry<'_>, title: &str) -> Result<String> {
    let mut rows: Vec<&ToolEntry<'_>> = e.tools.iter().collect();
    rows.sort_by(|a, b| {
        b.verdict
            .risk
            .cmp(&a.verdict.risk)
            .then(b.verdict.category.cmp(&a.verdict.category))
            .then(a.slug.cmp(&b.slug))
    });
    let mut ctx = tera::Context::new();
    ctx.insert(
        "site",
        &Site {
            title,
            root: "../../",
        },
    );
    ctx.insert("server", &server_head(e.server));
    ctx.insert(
        "categories",
        &category_counts(e.tools.iter().map(|t| &t.verdict)),
    );
    ctx.insert("risks", &risk_counts(e.tools.iter().map(|t| &t.verdict)));
    ctx.insert("tools", &rows.into_iter().map(tool_row).collect::<Vec<_>>());
    tera.render("server.html", &ctx)
        .with_context(|| format!("rendering the page of server {}", e.server.server.slug))
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

fn json_inline(v: &serde_json::Value) -> String {
    visible(&match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
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

fn tool_page(tera: &Tera, e: &ServerEntry<'_>, t: &ToolEntry<'_>, title: &str) -> Result<String> {
    let params = schema::params(t.tool.input_schema.as_ref());
    let param_views: Vec<ParamView> = params
        .params
        .iter()
        .map(|p| ParamView {
            name: visible(params.name(p)),
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
            rule_name: crate::classify::rules::find(ev.rule).map_or("", |r| r.name),
            source: visible(&ev.source),
            quote: visible(&ev.quote),
            effect: ev.effect.to_string(),
        })
        .collect();
    let pretty = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .map(|v| visible(&serde_json::to_string_pretty(v).unwrap_or_default()))
    };
    let mut ctx = tera::Context::new();
    ctx.insert(
        "site",
        &Site {
            title,
            root: "../../../",
        },
    );
    ctx.insert("server", &server_head(e.server));
    ctx.insert("name", &visible(&t.tool.name));
    ctx.insert("display_name", &visible(t.tool.display_name()));
    ctx.insert("summary", &markdown::summary(t.tool.description(), 200));
    ctx.insert("description_html", &markdown::to_html(t.tool.description()));
    ctx.insert("category", &t.verdict.category.as_str());
    ctx.insert("category_label", &t.verdict.category.label());
    ctx.insert("risk", &t.verdict.risk.as_str());
    ctx.insert("risk_label", &t.verdict.risk.label());
    ctx.insert("confidence", &t.verdict.confidence);
    ctx.insert("signals", &t.verdict.signals);
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
    ctx.insert("input_schema", &pretty(&t.tool.input_schema));
    ctx.insert("output_schema", &pretty(&t.tool.output_schema));
    ctx.insert("fingerprint", &t.tool.fingerprint());
    tera.render("tool.html", &ctx).with_context(|| {
        format!(
            "rendering the page of tool {}/{}",
            e.server.server.slug, t.tool.name
        )
    })
}
