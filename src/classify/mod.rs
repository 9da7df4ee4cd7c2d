//! The classifier: a tool in, a verdict with evidence out. Pure: no IO, no clock, no
//! randomness, so the same definition always gets the same verdict.
//!
//! Every rule is a unit of [`rules::RULES`]. A rule looks at the [`Ctx`] (the tool's
//! name tokens, description, parameters and annotations, prepared once) and records
//! [`Hit`]s: a vote for a category with a weight, a risk signal, or a finding, each
//! with the words of the definition it matched. `decide` turns the hits into a verdict:
//! the heaviest category vote wins (ties go to the more consequential category), risk
//! starts at the category's default and signals raise it.

pub mod lexicon;
pub mod phrases;
pub mod rules;
pub mod text;
mod verbs;

use crate::model::{Category, Risk, Tool};
use crate::schema::{self, Params};
use serde::Serialize;
use std::borrow::{Borrow, Cow};
use std::sync::OnceLock;

/// Descriptions longer than this are scanned only this far for wording (hidden
/// instructions are looked for in the whole text).
pub const SCAN_BYTES: usize = 16 * 1024;

/// What the classifier concluded about one tool.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub category: Category,
    pub risk: Risk,
    /// 0.0 to 1.0: how strongly the evidence agrees.
    pub confidence: f64,
    /// Codes of every rule that fired, sorted.
    pub rules: Vec<&'static str>,
    /// Names of the risk signals that fired.
    pub signals: Vec<&'static str>,
    /// What the tool can do beside others (rules TC301–TC303), sorted.
    pub capabilities: Vec<crate::model::Capability>,
    pub evidence: Vec<Evidence>,
    /// Problems with the definition itself (annotations contradicting it...).
    pub findings: Vec<DefinitionFinding>,
    /// The evidence is too weak to trust the category: a person should review the tool.
    /// Its category is then the most consequential one the evidence points to (write
    /// when nothing points anywhere), and policies put it behind approval.
    pub needs_review: bool,
    /// Why the verdict needs review; `None` when it does not.
    pub review_reason: Option<String>,
    /// Set when `toolcat.toml` overrode the classifier.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub overridden: Option<OverrideNote>,
}

/// Which rule fired on which words of the definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub rule: &'static str,
    /// `name`, `description`, `annotations`, or a JSON pointer into `inputSchema`.
    pub source: Cow<'static, str>,
    /// The words matched, quoted from the definition.
    pub quote: String,
    /// What the rule concluded from them.
    pub effect: Cow<'static, str>,
}

/// A problem found in a tool's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefinitionFinding {
    pub rule: &'static str,
    pub message: String,
}

/// An override from the configuration that replaced the classifier's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverrideNote {
    pub pattern: String,
    pub reason: String,
    pub classified_category: Category,
    pub classified_risk: Risk,
    /// The classifier's reason for review, when the override resolved one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_review: Option<String>,
}

/// One observation of a rule.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: &'static rules::Rule,
    pub kind: HitKind,
    pub source: Cow<'static, str>,
    pub quote: String,
}

#[derive(Debug, Clone)]
pub enum HitKind {
    /// A vote for a category, weight 0 to 100.
    Category(Category, u8),
    /// A risk signal: raise the risk one step, or straight to critical.
    Signal { to_critical: bool },
    /// A problem with the definition, with its message.
    Finding(String),
    /// A capability of the tool (see [`crate::model::Capability`]).
    Capability(crate::model::Capability),
}

/// Everything the rules read about a tool, prepared once.
pub struct Ctx<'a> {
    pub tool: &'a Tool,
    pub name_tokens: Vec<Cow<'a, str>>,
    /// The description, cut to [`SCAN_BYTES`].
    pub description: &'a str,
    /// The phrases of every registered list found in the description, by position.
    pub phrase_hits: Vec<phrases::PhraseHit>,
    /// The first sentence of the description.
    pub sentence: &'a str,
    /// The verbs that open the first sentence: (category, byte range in `sentence`).
    pub lead: Vec<(Category, usize, usize)>,
    /// What [`lexicon::verb`] says of each name token, in the order of `name_tokens`.
    pub name_lex: Vec<Option<(Category, lexicon::Strength)>>,
    /// Every verb of the name: (token index, category, strength).
    pub name_verbs: Vec<(usize, Category, lexicon::Strength)>,
    /// The verb that says what the name does (see [`rules`]' `primary_of`).
    pub name_primary: Option<(usize, Category, lexicon::Strength)>,
    pub params: Params<'a>,
    /// Lower-case key of each parameter, in the order of `params.params`.
    pub param_keys: Vec<Cow<'a, str>>,
    /// Facts about the parameters that more than one rule asks for, found once.
    pub(crate) shared: rules::Answers,
}

impl<'a> Ctx<'a> {
    pub fn new(tool: &'a Tool) -> Self {
        let mut ctx = Ctx::bare(tool);
        for stage in Ctx::STAGES {
            stage(&mut ctx);
        }
        ctx
    }

    /// The contexts of several tools, made stage by stage: each stage's code runs over
    /// the whole batch while it is in the CPU's caches.
    pub fn batch<T: Borrow<Tool>>(tools: &'a [T]) -> Vec<Self> {
        let mut ctxs: Vec<Ctx<'a>> = tools.iter().map(|t| Ctx::bare(t.borrow())).collect();
        for stage in Ctx::STAGES {
            ctxs.iter_mut().for_each(stage);
        }
        ctxs
    }

    /// The steps of preparing a context, in order.
    const STAGES: [fn(&mut Self); 4] = [
        Ctx::read_schema,
        Ctx::scan_phrases,
        Ctx::read_name,
        Ctx::read_sentence,
    ];

    /// A context with only the description cut: the stages fill in the rest.
    fn bare(tool: &'a Tool) -> Self {
        let full = tool.description();
        let mut cut = full.len().min(SCAN_BYTES);
        while !full.is_char_boundary(cut) {
            cut -= 1;
        }
        Ctx {
            tool,
            name_tokens: Vec::new(),
            description: &full[..cut],
            phrase_hits: Vec::new(),
            sentence: "",
            lead: Vec::new(),
            name_lex: Vec::new(),
            name_verbs: Vec::new(),
            name_primary: None,
            params: Params::default(),
            param_keys: Vec::new(),
            shared: rules::Answers::default(),
        }
    }

    fn read_schema(&mut self) {
        self.params = schema::params(self.tool.input_schema.as_ref());
        self.param_keys = self
            .params
            .params
            .iter()
            .map(|p| text::lower(p.key))
            .collect();
    }

    /// Phrases are looked for in the whole description (see [`phrases::scan`]).
    fn scan_phrases(&mut self) {
        self.phrase_hits = phrases::scan(self.tool.description(), self.description.len());
    }

    fn read_name(&mut self) {
        self.name_tokens = text::name_tokens(&self.tool.name);
        self.name_lex = self.name_tokens.iter().map(|t| lexicon::verb(t)).collect();
        self.name_verbs = verbs::name_verbs(&self.name_tokens, &self.name_lex);
        self.name_primary = verbs::primary_of(&self.name_tokens, &self.name_verbs);
    }

    fn read_sentence(&mut self) {
        self.sentence = text::first_sentence(self.description);
        self.lead = verbs::leading_verbs(self.sentence);
    }

    /// The hits of one registered phrase list, by position.
    pub fn phrase_hits<'s>(
        &'s self,
        list: &phrases::Phrases,
    ) -> impl Iterator<Item = &'s phrases::PhraseHit> + 's {
        let index = phrases::index_of(list);
        debug_assert!(index.is_some(), "phrase list missing from PHRASE_LISTS");
        self.phrase_hits
            .iter()
            .filter(move |h| Some(h.list) == index)
    }
}

/// Collects the hits of all rules for one tool.
pub struct Acc {
    pub hits: Vec<Hit>,
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            hits: Vec::with_capacity(12),
        }
    }
}

impl Acc {
    pub fn vote(
        &mut self,
        rule: &'static rules::Rule,
        category: Category,
        weight: u8,
        source: impl Into<Cow<'static, str>>,
        quote: impl Into<String>,
    ) {
        self.hits.push(Hit {
            rule,
            kind: HitKind::Category(category, weight),
            source: source.into(),
            quote: quote.into(),
        });
    }

    pub fn signal(
        &mut self,
        rule: &'static rules::Rule,
        to_critical: bool,
        source: impl Into<Cow<'static, str>>,
        quote: impl Into<String>,
    ) {
        self.hits.push(Hit {
            rule,
            kind: HitKind::Signal { to_critical },
            source: source.into(),
            quote: quote.into(),
        });
    }

    pub fn finding(
        &mut self,
        rule: &'static rules::Rule,
        message: String,
        source: impl Into<Cow<'static, str>>,
        quote: impl Into<String>,
    ) {
        self.hits.push(Hit {
            rule,
            kind: HitKind::Finding(message),
            source: source.into(),
            quote: quote.into(),
        });
    }

    pub fn capability(
        &mut self,
        rule: &'static rules::Rule,
        capability: crate::model::Capability,
        source: impl Into<Cow<'static, str>>,
        quote: impl Into<String>,
    ) {
        self.hits.push(Hit {
            rule,
            kind: HitKind::Capability(capability),
            source: source.into(),
            quote: quote.into(),
        });
    }

    /// Every category vote so far: (category, weight).
    fn votes(&self) -> impl Iterator<Item = (Category, u8)> + '_ {
        self.hits.iter().filter_map(|h| match h.kind {
            HitKind::Category(c, w) => Some((c, w)),
            _ => None,
        })
    }

    /// The most consequential category any vote points to, with that vote's weight.
    pub fn most_consequential(&self) -> Option<(Category, u8)> {
        self.votes().max()
    }

    /// The category the votes so far decide, and the winning weight.
    pub fn leading(&self) -> Option<(Category, u8)> {
        self.votes().max_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)))
    }
}

/// Tools classified a batch at a time by [`classify_batch`].
pub const BATCH: usize = 32;

/// Classify one tool.
pub fn classify(tool: &Tool) -> Verdict {
    let ctx = Ctx::new(tool);
    let mut acc = Acc::default();
    for rule in vote_rules() {
        (rule.check)(&ctx, None, &mut acc);
    }
    decide(&ctx, acc)
}

/// Classify tools, [`BATCH`] at a time: the same verdicts as [`classify`], in order, and
/// faster, because each stage and each rule runs over a batch while its code is in the
/// CPU's caches rather than all of them over one tool.
pub fn classify_batch<T: Borrow<Tool>>(tools: &[T]) -> Vec<Verdict> {
    let mut out = Vec::with_capacity(tools.len());
    for chunk in tools.chunks(BATCH) {
        let ctxs = Ctx::batch(chunk);
        let mut accs: Vec<Acc> = ctxs.iter().map(|_| Acc::default()).collect();
        for rule in vote_rules() {
            for (ctx, acc) in ctxs.iter().zip(&mut accs) {
                (rule.check)(ctx, None, acc);
            }
        }
        out.extend(ctxs.iter().zip(accs).map(|(ctx, acc)| decide(ctx, acc)));
    }
    out
}

/// The classifier under a configuration: verdicts with the overrides of `toolcat.toml`
/// applied. The commands, the site, policies, `check` and `eval` all take their verdicts
/// from here.
#[derive(Clone, Copy)]
pub struct Classifier<'c> {
    config: &'c crate::config::Config,
}

impl<'c> Classifier<'c> {
    pub fn new(config: &'c crate::config::Config) -> Self {
        Classifier { config }
    }

    /// A tool's verdict, overrides applied.
    pub fn verdict(&self, server: &crate::model::Server, tool: &Tool) -> Verdict {
        let mut v = classify(tool);
        self.config.apply(&server.server.slug, &tool.name, &mut v);
        v
    }

    /// [`Classifier::verdict`] for a run of a server's tools, in order, classified in
    /// batches.
    pub fn verdicts(&self, server: &crate::model::Server, tools: &[Tool]) -> Vec<Verdict> {
        let mut verdicts = classify_batch(tools);
        for (v, tool) in verdicts.iter_mut().zip(tools) {
            self.config.apply(&server.server.slug, &tool.name, v);
        }
        verdicts
    }
}

impl Classifier<'static> {
    /// The classifier with no configuration: the verdicts of [`classify`].
    pub fn plain() -> Self {
        static NONE: OnceLock<crate::config::Config> = OnceLock::new();
        Classifier {
            config: NONE.get_or_init(crate::config::Config::default),
        }
    }
}

fn vote_rules() -> impl Iterator<Item = &'static &'static rules::Rule> {
    rules::RULES
        .iter()
        .filter(|r| r.phase == rules::Phase::Vote)
}

/// Turn the hits into a verdict.
fn decide(ctx: &Ctx<'_>, mut acc: Acc) -> Verdict {
    // Every hit is consumed: its strings move into the evidence.
    let review = review_reason(&acc);
    let (category, weight) = match (&review, acc.leading()) {
        // Weak evidence: the most consequential category any vote points to.
        (Some(_), _) => acc.most_consequential().unwrap_or((Category::Write, 0)),
        (None, Some(l)) => l,
        (None, None) => (Category::Write, 0),
    };
    rules::after_decision(ctx, category, &mut acc);
    let mut risk = category.default_risk();
    let mut signals = Vec::new();
    let mut rules_fired = Vec::with_capacity(acc.hits.len());
    let mut findings = Vec::new();
    let mut capabilities = Vec::new();
    let (mut agreeing, mut disagreeing) = (0u32, 0u32);
    let mut evidence = Vec::with_capacity(acc.hits.len());
    for hit in acc.hits {
        rules_fired.push(hit.rule.code);
        let effect = match hit.kind {
            HitKind::Category(c, w) => {
                if c == category {
                    agreeing += 1;
                } else {
                    disagreeing += 1;
                }
                Cow::Borrowed(vote_effect(c, w))
            }
            HitKind::Signal { to_critical } => {
                signals.push(hit.rule.name);
                risk = if to_critical {
                    Risk::Critical
                } else {
                    risk.max(category.default_risk().raised())
                };
                Cow::Borrowed(hit.rule.signal_effect)
            }
            HitKind::Finding(message) => {
                findings.push(DefinitionFinding {
                    rule: hit.rule.code,
                    message,
                });
                Cow::Borrowed(hit.rule.finding_effect)
            }
            HitKind::Capability(c) => {
                capabilities.push(c);
                Cow::Borrowed(hit.rule.effect)
            }
        };
        evidence.push(Evidence {
            rule: hit.rule.code,
            source: hit.source,
            quote: hit.quote,
            effect,
        });
    }
    rules_fired.sort_unstable();
    rules_fired.dedup();
    signals.sort_unstable();
    signals.dedup();
    capabilities.sort_unstable();
    capabilities.dedup();
    let confidence = confidence(weight, agreeing, disagreeing, review.is_some());
    Verdict {
        category,
        risk,
        confidence,
        rules: rules_fired,
        signals,
        capabilities,
        evidence,
        findings,
        needs_review: review.is_some(),
        review_reason: review,
        overridden: None,
    }
}

/// The weight a vote needs for its category to be trusted without review: that of a
/// description's leading verb. A weak name verb alone (`split_x`, `query_y`: words as
/// often nouns) and the fallback of rule TC013 weigh less.
pub const TRUSTED_WEIGHT: u8 = 60;

/// Why the votes are too weak to trust, if they are.
fn review_reason(acc: &Acc) -> Option<String> {
    let Some((_, weight)) = acc.leading() else {
        return Some("no rule found an action in the name, description or schema".into());
    };
    if acc
        .hits
        .iter()
        .any(|h| h.rule.code == rules::NO_ACTION_FOUND.code)
    {
        return Some("no rule found an action in the name, description or schema".into());
    }
    (weight < TRUSTED_WEIGHT).then(|| {
        let words: Vec<&str> = acc
            .hits
            .iter()
            .filter(|h| matches!(h.kind, HitKind::Category(..)))
            .map(|h| h.rule.code)
            .collect();
        format!(
            "only weak evidence of what it does ({}): a word that is as often a noun",
            words.join(", ")
        )
    })
}

/// "read (weight 80)": the effect of a vote, for every category and weight, made once.
fn vote_effect(category: Category, weight: u8) -> &'static str {
    static TABLE: OnceLock<Vec<String>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        Category::ALL
            .iter()
            .flat_map(|c| (0..=u8::MAX).map(move |w| format!("{} (weight {w})", c.as_str())))
            .collect()
    });
    let row = Category::ALL
        .iter()
        .position(|c| *c == category)
        .unwrap_or(0);
    &table[row * 256 + usize::from(weight)]
}

/// How often a verdict of this evidence profile is right: the number of rules that voted
/// for its category, whether any voted for another, and whether it needs review. The
/// values are the accuracies measured for each profile over every shared label (2,632
/// tools, `toolcat eval`'s reliability table), rounded down; a weak winning vote lowers a
/// lone one further.
fn confidence(weight: u8, agreeing: u32, disagreeing: u32, needs_review: bool) -> f64 {
    if needs_review {
        return 0.5;
    }
    let contested = disagreeing > 0;
    match (agreeing, contested) {
        (0 | 1, true) => 0.79,
        (0 | 1, false) if weight < 80 => 0.87,
        (0 | 1, false) => 0.95,
        (2, true) => 0.88,
        (2, false) => 0.93,
        _ => 0.99,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Batches give each tool the verdict it gets alone, in order, across batch edges.
    #[test]
    fn batches_agree_with_one_tool_at_a_time() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalog");
        let catalog = crate::catalog::load(&dir).expect("bundled catalogue");
        let synthetic: Vec<_> = crate::synth::generate(&catalog, 40, 1_500, 3).collect();
        let tools: Vec<&Tool> = catalog
            .servers
            .iter()
            .chain(&synthetic)
            .flat_map(|s| &s.tools)
            .collect();
        assert!(tools.len() > 10 * BATCH);
        let alone: Vec<Verdict> = tools.iter().map(|t| classify(t)).collect();
        let batched = classify_batch(&tools);
        assert_eq!(batched.len(), alone.len());
        for ((a, b), t) in batched.iter().zip(&alone).zip(&tools) {
            assert_eq!(a, b, "{}", t.name);
        }
        // A run that ends part-way through a batch.
        assert_eq!(classify_batch(&tools[5..BATCH + 12]), alone[5..BATCH + 12]);
        assert!(classify_batch::<&Tool>(&[]).is_empty());
    }
}
