//! The files every server contributes to: the home page, the category, risk and server
//! listings, the rules pages, the search page and index, the API index, `llms.txt`,
//! `robots.txt`, the sitemaps and the assets.
//!
//! Each file is a [`Unit`]: its path, a key that hashes everything the file is made from
//! (beyond the site's settings and templates, which a build keys as a whole), and how to
//! render it. They are made from [`ServerDigest`]s only, so a build need not hold the
//! servers themselves, and an incremental build renders just the units whose key changed.

pub(super) use super::keys::cut_by_content;
pub use super::keys::Key;
use super::keys::{anchor, tool_key};
use super::pages::{self, Renderer, ServerRow};
use super::{data, search, ServerDigest, Templates, ToolDigest};
use crate::classify::rules::{self, Rule};
use crate::markdown;
use crate::model::{Category, Risk};
use crate::untrusted::visible;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;

/// Servers the home page lists; a larger catalogue links to the server listing instead.
pub const HOME_SERVERS: usize = 100;

/// Rows of a listing page between content-defined cuts, on average (at most
/// [`pages::LIST_PAGE`]).
const LIST_EVERY: u64 = 500;

/// Rows a listing page has at least, unless it is the last.
const LIST_MIN: usize = 100;

/// Tools a rule's page shows as examples.
const RULE_EXAMPLES: usize = 50;

/// One file made from the whole catalogue.
pub struct Unit<'g> {
    pub path: String,
    /// Hash of everything the file is made from.
    pub key: u128,
    make: Box<dyn Fn() -> Result<Vec<u8>> + Send + Sync + 'g>,
}

impl<'g> Unit<'g> {
    pub fn new(
        path: String,
        key: u128,
        make: impl Fn() -> Result<Vec<u8>> + Send + Sync + 'g,
    ) -> Self {
        Unit {
            path,
            key,
            make: Box::new(make),
        }
    }

    pub fn render(&self) -> Result<Vec<u8>> {
        (self.make)()
    }
}

/// What [`SharedFiles`] keeps of each tool, found while its digest is in the cache.
struct Facts {
    key: u128,
    anchor: u64,
    /// The length of its search result row.
    row: u32,
    /// The rules that fired ([`ToolDigest::rules`]).
    rules: rules::RuleSet,
}

/// A tool by the index of its server and its index in the server.
pub type At = (u32, u32);

/// The catalogue as the shared files see it.
pub struct SharedFiles<'g> {
    pub(super) r: &'g Renderer<'g>,
    templates: &'g Templates,
    pub(super) servers: &'g [ServerDigest],
    /// Every tool, riskiest first, then most consequential, then by server and slug.
    pub(super) ranked: Vec<At>,
    /// The tools each rule fired on, in the same order, by rule code.
    fired: HashMap<&'g str, Vec<At>>,
    /// A hash of each tool's digest and its server's slug and name: index by
    /// `first[server] + tool`.
    tool_keys: Vec<u128>,
    /// Each tool's [`SharedFiles::anchor`], indexed the same way.
    anchors: Vec<u64>,
    /// The length of each tool's search result row, indexed the same way.
    row_bytes: Vec<u32>,
    first: Vec<usize>,
}

impl<'g> SharedFiles<'g> {
    /// `servers` sorted by slug.
    pub fn new(r: &'g Renderer<'g>, templates: &'g Templates, servers: &'g [ServerDigest]) -> Self {
        // Each server's tools in slug order (ties in definition order), the key of a
        // tool's place in the ranking, and its hashes and search row length, made while
        // its digest is in the cache.
        let per_server: Vec<(Vec<u32>, Vec<Facts>)> = servers
            .par_iter()
            .map(|s| {
                let mut by_slug: Vec<u32> = (0..s.tools.len() as u32).collect();
                by_slug.sort_by(|a, b| s.tools[*a as usize].slug.cmp(&s.tools[*b as usize].slug));
                let server_row = search::server_row_len(s);
                let mut buf = Vec::new();
                let facts = s
                    .tools
                    .iter()
                    .map(|t| {
                        let row = search::row_len(t, server_row);
                        Facts {
                            key: tool_key(&mut buf, s, t),
                            anchor: anchor(s, t),
                            row: u32::try_from(row).unwrap_or(u32::MAX),
                            rules: t.rules,
                        }
                    })
                    .collect();
                (by_slug, facts)
            })
            .collect();
        // Riskiest first, then most consequential; then by server (servers are in slug
        // order, so their index orders them by slug) and by the tool's slug.
        let mut order: Vec<u128> = per_server
            .par_iter()
            .enumerate()
            .flat_map_iter(|(si, (by_slug, _))| {
                let s = &servers[si];
                by_slug.iter().enumerate().map(move |(place, &ti)| {
                    let t = &s.tools[ti as usize];
                    let class = (t.risk as u128) << 3 | t.category as u128;
                    (!class & 0xff) << 64 | (si as u128) << 32 | place as u128
                })
            })
            .collect();
        order.par_sort_unstable();
        let ranked: Vec<At> = order
            .par_iter()
            .map(|k| {
                let si = (k >> 32) as u32;
                let place = *k as u32;
                (si, per_server[si as usize].0[place as usize])
            })
            .collect();
        drop(order);
        let mut first = Vec::with_capacity(servers.len());
        let mut n = 0;
        for s in servers {
            first.push(n);
            n += s.tools.len();
        }
        let mut tool_keys = Vec::with_capacity(n);
        let mut anchors = Vec::with_capacity(n);
        let mut row_bytes = Vec::with_capacity(n);
        let mut rule_bits = Vec::with_capacity(n);
        for f in per_server.into_iter().flat_map(|(_, facts)| facts) {
            tool_keys.push(f.key);
            anchors.push(f.anchor);
            row_bytes.push(f.row);
            rule_bits.push(f.rules);
        }
        // The tools each rule fired on, in rank order, by the rule's bit.
        let mut by_rule: Vec<Vec<At>> = vec![Vec::new(); rules::RULES.len()];
        for at in &ranked {
            for i in rule_bits[first[at.0 as usize] + at.1 as usize].indexes() {
                if let Some(tools) = by_rule.get_mut(i) {
                    tools.push(*at);
                }
            }
        }
        let fired: HashMap<&'g str, Vec<At>> = rules::RULES
            .iter()
            .zip(by_rule)
            .filter(|(_, tools)| !tools.is_empty())
            .map(|(rule, tools)| (rule.code, tools))
            .collect();
        SharedFiles {
            r,
            templates,
            servers,
            ranked,
            fired,
            tool_keys,
            anchors,
            row_bytes,
            first,
        }
    }

    pub(super) fn at(&self, at: At) -> (&'g ServerDigest, &'g ToolDigest) {
        let s = &self.servers[at.0 as usize];
        (s, &s.tools[at.1 as usize])
    }

    /// Listing rows of tools.
    fn rows(&self, tools: &[At]) -> Vec<pages::ToolRow> {
        tools
            .iter()
            .map(|at| {
                let (s, t) = self.at(*at);
                pages::digest_row(s, t)
            })
            .collect()
    }

    /// Where a tool's entries are in `tool_keys` and `anchors`.
    fn index(&self, at: At) -> usize {
        self.first[at.0 as usize] + at.1 as usize
    }

    /// A hash of a tool's place in the catalogue (its server's slug and its own), which no
    /// change to its definition moves: where listings and search parts are cut.
    pub(super) fn anchor(&self, at: At) -> u64 {
        self.anchors[self.index(at)]
    }

    /// The length of a tool's search result row, in bytes.
    pub(super) fn row_bytes(&self, at: At) -> usize {
        self.row_bytes[self.index(at)] as usize
    }

    /// The hash of a tool's digest and its server's slug and name.
    pub(super) fn tool_key(&self, at: At) -> u128 {
        self.tool_keys[self.index(at)]
    }

    pub(super) fn key_rows(&self, key: &mut Key, rows: &[At]) {
        key.num(rows.len());
        let mut bytes = Vec::with_capacity(16 * rows.len());
        for at in rows {
            bytes.extend_from_slice(&self.tool_key(*at).to_le_bytes());
        }
        key.bytes(&bytes);
    }

    /// Every shared file of the site.
    pub fn units(&self) -> Vec<Unit<'_>> {
        // The search index is keyed on one thread while the rest is on the other.
        let (mut units, search) = rayon::join(|| self.pages(), || search::units(self));
        let sitemaps = self.sitemaps(&units);
        units.extend(sitemaps);
        units.extend(search);
        units.sort_by(|a, b| a.path.cmp(&b.path));
        units
    }

    /// The shared files but the search index and sitemaps.
    fn pages(&self) -> Vec<Unit<'_>> {
        let mut units = vec![
            self.home(),
            self.rules_index(),
            self.fixed("search/index.html", "search.html"),
            self.not_found(),
            self.api_index(),
            self.llms(),
            self.robots(),
        ];
        units.extend(rules::RULES.iter().map(|rule| self.rule_page(rule)));
        for c in Category::ALL {
            let rows = self.ranked_where(|t| t.category == c);
            units.extend(self.listing(
                &format!("categories/{}", c.as_str()),
                &format!("{} tools", c.label()),
                pages::what_it_does(c),
                &rows,
            ));
        }
        for r in Risk::ALL {
            let rows = self.ranked_where(|t| t.risk == r);
            units.extend(self.listing(
                &format!("risks/{}", r.as_str()),
                &format!("{} risk tools", r.label()),
                "Tools whose category and risk signals put them at this risk level. Risk \
                 starts at the category's default; a signal in the definition (secrets, bulk \
                 targets, free-form code, SQL, URLs, file paths, force options) raises it one \
                 step, and hidden instructions make it critical.",
                &rows,
            ));
        }
        let review = self.ranked_where(|t| t.needs_review);
        units.extend(self.listing(
            "review",
            "Tools that need review",
            "Tools whose definitions gave too little evidence to trust a verdict: no rule \
             recognised what they do, or only a word that is as often a noun said it. Each is \
             shown with the most consequential category its evidence points to (write when \
             there is none), and every policy puts it behind a person's approval until an \
             override in toolcat.toml decides it.",
            &review,
        ));
        units.extend(self.server_listing());
        for (name, text) in self.templates.assets() {
            units.push(Unit {
                path: format!("assets/{name}"),
                key: Key::new("asset").str(name).str(text).finish(),
                make: Box::new(move || Ok(text.as_bytes().to_vec())),
            });
        }
        units
    }

    fn ranked_where(&self, keep: impl Fn(&ToolDigest) -> bool) -> Vec<At> {
        self.ranked
            .iter()
            .copied()
            .filter(|at| keep(self.at(*at).1))
            .collect()
    }

    /// A page made from the settings and templates alone.
    fn fixed(&self, path: &'static str, template: &'static str) -> Unit<'_> {
        Unit {
            path: path.into(),
            key: Key::new("fixed").str(path).finish(),
            make: Box::new(move || {
                let mut ctx = self.r.context(path);
                ctx.insert(
                    "categories",
                    &Category::ALL
                        .iter()
                        .map(|c| (c.as_str(), c.label()))
                        .collect::<Vec<_>>(),
                );
                ctx.insert(
                    "risks",
                    &Risk::ALL
                        .iter()
                        .map(|r| (r.as_str(), r.label()))
                        .collect::<Vec<_>>(),
                );
                self.r.render(template, path, &ctx)
            }),
        }
    }

    fn not_found(&self) -> Unit<'_> {
        // Served for any missing path, so its links are absolute from the base URL.
        let path = "404.html";
        Unit {
            path: path.into(),
            key: Key::new("fixed").str(path).finish(),
            make: Box::new(move || {
                let ctx = self.r.context_at(path, self.r.settings.base_url.clone());
                self.r.render("404.html", path, &ctx)
            }),
        }
    }

    fn server_row(s: &ServerDigest) -> ServerRow {
        ServerRow {
            slug: s.slug.clone(),
            name: visible(&s.name),
            package: visible(s.package.as_deref().unwrap_or("")),
            tools: s.tools.len(),
            worst: s.worst().as_str(),
        }
    }

    fn key_server_row(key: &mut Key, s: &ServerDigest) {
        key.server(s).num(s.tools.len()).str(s.worst().as_str());
    }

    fn home(&self) -> Unit<'_> {
        let path = "index.html";
        let tools = || self.servers.iter().flat_map(|s| &s.tools);
        let categories = pages::category_counts(tools().map(|t| t.category));
        let risks = pages::risk_counts(tools().map(|t| t.risk));
        // The largest servers when there are too many to list.
        let mut shown: Vec<&ServerDigest> = self.servers.iter().collect();
        if shown.len() > HOME_SERVERS {
            shown.sort_by(|a, b| b.tools.len().cmp(&a.tools.len()).then(a.slug.cmp(&b.slug)));
            shown.truncate(HOME_SERVERS);
        }
        let mut key = Key::new("home");
        key.num(self.ranked.len()).num(self.servers.len());
        for c in categories.iter().chain(&risks) {
            key.num(c.tools);
        }
        for s in &shown {
            Self::key_server_row(&mut key, s);
        }
        Unit {
            path: path.into(),
            key: key.finish(),
            make: Box::new(move || {
                let mut ctx = self.r.context(path);
                ctx.insert("tool_count", &self.ranked.len());
                ctx.insert("server_count", &self.servers.len());
                ctx.insert(
                    "category_chart",
                    &pages::bars(&categories, "Tools by category"),
                );
                ctx.insert("risk_chart", &pages::bars(&risks, "Tools by risk"));
                ctx.insert("categories", &categories);
                ctx.insert("risks", &risks);
                ctx.insert("all_servers", &(shown.len() == self.servers.len()));
                ctx.insert(
                    "servers",
                    &shown
                        .iter()
                        .map(|s| Self::server_row(s))
                        .collect::<Vec<_>>(),
                );
                self.r.render("index.html", path, &ctx)
            }),
        }
    }

    /// Links to every page of a listing split into `pages`.
    fn page_links(dir: &str, pages: usize, current: usize) -> Vec<pages::PageLink> {
        if pages <= 1 {
            return Vec::new();
        }
        (1..=pages)
            .map(|k| pages::PageLink {
                number: k,
                href: pages::list_path(dir, k),
                current: k == current,
            })
            .collect()
    }

    /// The pages of a browse listing of `rows` (already in order).
    fn listing(&self, dir: &str, heading: &str, intro: &'static str, rows: &[At]) -> Vec<Unit<'_>> {
        let total = rows.len();
        let chunks = cut_by_content(
            rows,
            (|at| self.anchor(at).is_multiple_of(LIST_EVERY), LIST_MIN),
            |_| 1,
            pages::LIST_PAGE,
        );
        let pages = chunks.len();
        chunks
            .into_iter()
            .enumerate()
            .map(|(i, chunk)| {
                let n = i + 1;
                let path = pages::list_path(dir, n);
                // The total is on the first page only, so that a tool coming or going
                // changes the pages it is on and the first, not every page.
                let first_total = (n == 1).then_some(total);
                let mut key = Key::new("list");
                key.str(&path)
                    .num(n)
                    .num(pages)
                    .num(first_total.unwrap_or(0));
                self.key_rows(&mut key, &chunk);
                let (dir, heading) = (dir.to_string(), heading.to_string());
                let unit_path = path.clone();
                Unit {
                    path: unit_path,
                    key: key.finish(),
                    make: Box::new(move || {
                        let rows = self.rows(&chunk);
                        let mut ctx = self.r.context(&path);
                        ctx.insert("heading", &heading);
                        ctx.insert("intro", intro);
                        if let Some(total) = first_total {
                            ctx.insert("total", &total);
                        }
                        ctx.insert("page", &n);
                        ctx.insert("pages", &Self::page_links(&dir, pages, n));
                        ctx.insert("tools", &rows);
                        self.r.render("list.html", &path, &ctx)
                    }),
                }
            })
            .collect()
    }

    /// `servers/index.html` and its further pages: every server, by slug.
    fn server_listing(&self) -> Vec<Unit<'_>> {
        let dir = "servers";
        let total = self.servers.len();
        let pages = total.div_ceil(pages::LIST_PAGE).max(1);
        (1..=pages)
            .map(|n| {
                let path = pages::list_path(dir, n);
                let from = ((n - 1) * pages::LIST_PAGE).min(total);
                let to = (n * pages::LIST_PAGE).min(total);
                let chunk = &self.servers[from..to];
                let mut key = Key::new("servers");
                key.num(n).num(pages).num(total);
                for s in chunk {
                    Self::key_server_row(&mut key, s);
                }
                Unit {
                    path: path.clone(),
                    key: key.finish(),
                    make: Box::new(move || {
                        let mut ctx = self.r.context(&path);
                        ctx.insert("total", &total);
                        ctx.insert("page", &n);
                        ctx.insert("pages", &Self::page_links(dir, pages, n));
                        ctx.insert(
                            "servers",
                            &chunk.iter().map(Self::server_row).collect::<Vec<_>>(),
                        );
                        self.r.render("servers.html", &path, &ctx)
                    }),
                }
            })
            .collect()
    }

    fn fired(&self, rule: &Rule) -> &[At] {
        self.fired.get(rule.code).map_or(&[], Vec::as_slice)
    }

    fn rules_index(&self) -> Unit<'_> {
        let path = "rules/index.html";
        let mut sorted: Vec<&'static Rule> = rules::RULES.to_vec();
        sorted.sort_by_key(|r| r.code);
        let rows: Vec<pages::RuleRow> = sorted
            .iter()
            .map(|r| pages::RuleRow {
                code: r.code,
                slug: r.code.to_ascii_lowercase(),
                name: r.name,
                effect: r.effect,
                tools: self.fired(r).len(),
            })
            .collect();
        let mut key = Key::new("rules");
        for r in &rows {
            key.str(r.code).num(r.tools);
        }
        Unit {
            path: path.into(),
            key: key.finish(),
            make: Box::new(move || {
                let mut ctx = self.r.context(path);
                ctx.insert("rules", &rows);
                self.r.render("rules.html", path, &ctx)
            }),
        }
    }

    fn rule_page(&self, rule: &'static Rule) -> Unit<'_> {
        let path = pages::rule_path(rule);
        let fired = self.fired(rule);
        let total = fired.len();
        let examples: Vec<At> = fired.iter().copied().take(RULE_EXAMPLES).collect();
        let mut key = Key::new("rule");
        key.str(rule.code).num(total);
        self.key_rows(&mut key, &examples);
        Unit {
            path: path.clone(),
            key: key.finish(),
            make: Box::new(move || {
                let mut ctx = self.r.context(&path);
                ctx.insert("code", rule.code);
                ctx.insert("name", rule.name);
                ctx.insert("effect", rule.effect);
                ctx.insert("explanation_html", &markdown::to_html(rule.explanation));
                let shown =
                    |examples: &[&str]| examples.iter().map(|e| visible(e)).collect::<Vec<_>>();
                ctx.insert("fires", &shown(rule.fires));
                ctx.insert("quiet", &shown(rule.quiet));
                ctx.insert("total", &total);
                ctx.insert("tools", &self.rows(&examples));
                self.r.render("rule.html", &path, &ctx)
            }),
        }
    }

    fn api_index(&self) -> Unit<'_> {
        let mut key = Key::new("api");
        for s in self.servers {
            key.server(s).num(s.tools.len());
            for t in &s.tools {
                key.str(t.category.as_str()).str(t.risk.as_str());
            }
        }
        Unit {
            path: "api/catalog.json".into(),
            key: key.finish(),
            make: Box::new(move || data::catalog_json(self.servers)),
        }
    }

    fn llms(&self) -> Unit<'_> {
        let mut key = Key::new("llms");
        for s in self.servers {
            Self::key_server_row(&mut key, s);
            for t in &s.tools {
                key.str(t.category.as_str()).str(t.risk.as_str());
            }
        }
        Unit {
            path: "llms.txt".into(),
            key: key.finish(),
            make: Box::new(move || Ok(data::llms_txt(self.servers, self.r.settings).into_bytes())),
        }
    }

    fn robots(&self) -> Unit<'_> {
        Unit {
            path: "robots.txt".into(),
            key: Key::new("fixed").str("robots.txt").finish(),
            make: Box::new(move || Ok(data::robots_txt(self.r.settings).into_bytes())),
        }
    }

    /// `sitemap.xml`, split into an index of `sitemap-N.xml` files past
    /// [`data::SITEMAP_URLS`] pages: the shared pages in path order, then each server's
    /// page and its tools' pages.
    fn sitemaps(&self, units: &[Unit<'_>]) -> Vec<Unit<'_>> {
        let mut shared: Vec<String> = units
            .iter()
            .map(|u| u.path.clone())
            .filter(|p| data::in_sitemap(p))
            .collect();
        shared.sort();
        // The URLs in order: the shared pages, then each server's page and its tools'.
        // Paths are made only when a sitemap is written; keys hash the slugs they are
        // made of (a path is one function of them, and no other page's path is).
        let mut urls: Vec<Url> = (0..shared.len() as u32).map(Url::SharedFiles).collect();
        for (si, s) in self.servers.iter().enumerate() {
            urls.push(Url::Server(si as u32));
            urls.extend((0..s.tools.len() as u32).map(|ti| Url::Tool(si as u32, ti)));
        }
        let shared = std::sync::Arc::new(shared);
        let path = move |shared: &[String], url: Url| match url {
            Url::SharedFiles(i) => shared[i as usize].clone(),
            Url::Server(si) => pages::server_path(&self.servers[si as usize].slug),
            Url::Tool(si, ti) => {
                let s = &self.servers[si as usize];
                pages::tool_path(&s.slug, &s.tools[ti as usize].slug)
            }
        };
        let file = |name: String, chunk: &[Url]| {
            let mut key = Key::new("sitemap");
            key.str(&name).num(chunk.len());
            for url in chunk {
                match *url {
                    Url::SharedFiles(i) => key.num(0).str(&shared[i as usize]),
                    Url::Server(si) => key.num(1).str(&self.servers[si as usize].slug),
                    Url::Tool(si, ti) => {
                        let s = &self.servers[si as usize];
                        key.num(2).str(&s.slug).str(&s.tools[ti as usize].slug)
                    }
                };
            }
            let (chunk, shared) = (chunk.to_vec(), std::sync::Arc::clone(&shared));
            Unit {
                path: name,
                key: key.finish(),
                make: Box::new(move || {
                    let paths: Vec<String> = chunk.iter().map(|u| path(&shared, *u)).collect();
                    Ok(data::urlset(self.r.settings, &paths))
                }),
            }
        };
        if urls.len() <= data::SITEMAP_URLS {
            return vec![file("sitemap.xml".into(), &urls)];
        }
        let mut files: Vec<Unit<'_>> = urls
            .par_chunks(data::SITEMAP_URLS)
            .enumerate()
            .map(|(i, chunk)| file(format!("sitemap-{}.xml", i + 1), chunk))
            .collect();
        let count = files.len();
        files.push(Unit {
            path: "sitemap.xml".into(),
            key: Key::new("sitemap-index").num(count).finish(),
            make: Box::new(move || Ok(data::sitemap_index(self.r.settings, count))),
        });
        files
    }
}

/// A page in a sitemap: a shared page (by its place in the sorted list of them), a
/// server's page, or a tool's.
#[derive(Clone, Copy)]
enum Url {
    SharedFiles(u32),
    Server(u32),
    Tool(u32, u32),
}
