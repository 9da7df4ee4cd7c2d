//! The classifier's rules: one declared unit each, in a file of its own or beside its
//! family (`money.rs`, `params.rs`), and one registry ([`RULES`]) in this file.
//!
//! A rule has a stable code (`TC0xx` decide a category, `TC1xx` raise risk, `TC2xx`
//! report a problem with the definition, `TC3xx` give a capability), a kebab-case name for
//! what it detects, its effect, an explanation, and examples that the test suite runs:
//! every `fires` example must make the rule fire, every `quiet` example must not. An example is a tool name,
//! `name | description`, or a whole tool as JSON.

use super::lexicon;
use super::phrases::Phrases;
use super::text::{contains_ci, contains_word, quote};
use super::{Acc, Ctx};
use crate::model::Category;
use crate::schema::Param;
use std::borrow::Cow;
use std::cell::OnceCell;

/// When a rule runs: before the category is known (votes, most signals), or after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Vote,
    After,
}

/// A classifier rule: its documentation and its check.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub phase: Phase,
    pub effect: &'static str,
    pub explanation: &'static str,
    pub fires: &'static [&'static str],
    pub quiet: &'static [&'static str],
    pub check: fn(&Ctx<'_>, Option<Category>, &mut Acc),
    /// The effect shown in evidence for this rule's signals: `signal <name>`.
    pub signal_effect: &'static str,
    /// The effect shown in evidence for this rule's findings: `finding <name>`.
    pub finding_effect: &'static str,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

macro_rules! rule {
    ($id:ident {
        code: $code:literal, name: $name:literal, phase: $phase:ident,
        effect: $effect:literal, explanation: $expl:expr,
        fires: [$($f:expr),* $(,)?], quiet: [$($q:expr),* $(,)?], check: $check:path $(,)?
    }) => {
        pub static $id: Rule = Rule {
            code: $code,
            name: $name,
            phase: Phase::$phase,
            effect: $effect,
            explanation: $expl,
            fires: &[$($f),*],
            quiet: &[$($q),*],
            check: $check,
            signal_effect: concat!("signal ", $name),
            finding_effect: concat!("finding ", $name),
        };
    };
}

mod action_enum;
mod annotation;
mod browser;
mod bulk;
mod capabilities;
mod code;
mod contradiction;
mod description;
mod detach;
mod force;
mod hidden;
mod model;
mod money;
mod name_verb;
mod no_action;
mod operations;
mod output_file;
mod params;
mod secrets;
mod wording;

/// What every rule file uses: the classifier's context and tallies, the word tools and the
/// helpers below.
mod prelude {
    pub(super) use super::super::lexicon::{self, Strength};
    pub(super) use super::super::phrases::{self, Phrases};
    pub(super) use super::super::text::{self, find_ci, quote, with_lower, with_verb_base, words};
    pub(super) use super::super::{Acc, Ctx};
    pub(super) use super::{
        code_params, dashes_to_underscores, name_word, param_name, param_where, phrase,
        phrase_not_followed, query_language_param, schema_source, signal_from_name_or_wording,
        word_in_description, Phase, Rule,
    };
    pub(super) use crate::model::Category;
    pub(super) use crate::schema::Param;
    pub(super) use std::borrow::Cow;
    pub(super) use std::cell::RefCell;
}

pub use action_enum::ACTION_ENUM;
pub use annotation::READ_ONLY_ANNOTATION;
pub use browser::DRIVES_A_BROWSER;
pub use bulk::BULK_TARGET;
pub use capabilities::{
    rule_of as capability_rule, BRINGS_UNTRUSTED_CONTENT, READS_PRIVATE_DATA, SENDS_EXTERNALLY,
};
pub use code::CODE_PARAMETER;
pub use code::QUERY_LANGUAGE_PARAMETER;
pub use contradiction::CONTRADICTING_ANNOTATIONS;
pub use description::DESCRIPTION_VERB;
pub use description::MULTI_ACTION_DESCRIPTION;
pub use detach::DETACHES_NOT_DELETES;
pub use force::FORCE_OR_OVERWRITE;
pub use hidden::{HIDDEN_INSTRUCTIONS, WHOLE_TEXT_LISTS};
pub use model::INVOKES_A_MODEL;
pub use money::FINANCIAL_ACTION;
pub use money::MONEY_PARAMETERS;
pub use name_verb::NAME_VERB;
pub use no_action::NO_ACTION_FOUND;
pub use operations::LISTS_OPERATIONS;
pub use output_file::WRITES_OUTPUT_FILE;
pub use params::FILE_PATH_PARAMETER;
pub use params::FREE_FORM_CODE;
pub use params::SQL_PARAMETER;
pub use params::URL_PARAMETER;
pub use secrets::RETURNS_SECRETS;
pub use wording::IRREVERSIBLE_WORDING;
pub use wording::READ_ONLY_WORDING;
pub use wording::SOFT_DELETE_WORDING;

/// Every rule, in the order they run.
pub static RULES: &[&Rule] = &[
    &NAME_VERB,
    &DESCRIPTION_VERB,
    &MULTI_ACTION_DESCRIPTION,
    &IRREVERSIBLE_WORDING,
    &SOFT_DELETE_WORDING,
    &READ_ONLY_WORDING,
    &ACTION_ENUM,
    &CODE_PARAMETER,
    &QUERY_LANGUAGE_PARAMETER,
    &FINANCIAL_ACTION,
    &MONEY_PARAMETERS,
    &LISTS_OPERATIONS,
    &WRITES_OUTPUT_FILE,
    &DRIVES_A_BROWSER,
    &INVOKES_A_MODEL,
    &DETACHES_NOT_DELETES,
    &READ_ONLY_ANNOTATION,
    &NO_ACTION_FOUND,
    &RETURNS_SECRETS,
    &BULK_TARGET,
    &FREE_FORM_CODE,
    &SQL_PARAMETER,
    &URL_PARAMETER,
    &FILE_PATH_PARAMETER,
    &HIDDEN_INSTRUCTIONS,
    &FORCE_OR_OVERWRITE,
    &CONTRADICTING_ANNOTATIONS,
    &READS_PRIVATE_DATA,
    &BRINGS_UNTRUSTED_CONTENT,
    &SENDS_EXTERNALLY,
];

/// Every phrase list the rules search descriptions for: one automaton finds them all.
pub static PHRASE_LISTS: &[&Phrases] = &[
    &wording::IRREVERSIBLE,
    &wording::PERMANENTLY,
    &wording::PERMANENT_REMOVAL,
    &wording::SOFT_REMOVAL,
    &wording::READ_ONLY_PHRASES,
    &secrets::SECRET_WORDING,
    &bulk::BULK_WORDING,
    &QUERY_LANGUAGE_WORDS,
    &browser::BROWSER_WORDS,
    &operations::LINE_BREAKS,
    &hidden::HIDDEN,
    &money::SPEND_WORDING,
    &money::PAYMENT_WORDING,
    &capabilities::PRIVATE_STORES,
    &capabilities::THIRD_PARTY_TEXT,
    &capabilities::SHARED_ARTEFACTS,
    &capabilities::WEB_SOURCES,
];

/// A set of rules of [`RULES`] (those that fired on a tool): a bit a rule, in as many
/// 64-bit words as the registry needs, so a new rule never outgrows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct RuleSet([u64; RuleSet::WORDS]);

impl RuleSet {
    /// Words for every rule of the registry.
    pub const WORDS: usize = RULES.len().div_ceil(64);

    /// The set of the rules with these codes (unknown codes are left out).
    pub fn of(codes: &[&str]) -> Self {
        let mut set = RuleSet::default();
        for code in codes {
            if let Some(i) = RULES.iter().position(|r| r.code == *code) {
                set.0[i / 64] |= 1 << (i % 64);
            }
        }
        set
    }

    /// The indexes into [`RULES`] of the rules in the set, in order.
    pub fn indexes(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let i = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    w * 64 + i
                })
            })
        })
    }

    /// The set as bytes, for keys that hash what a file is made from.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.iter().flat_map(|w| w.to_le_bytes())
    }
}

/// The rule with this code (case-insensitive).
pub fn find(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}

/// Run the rules of the after-decision phase.
pub fn after_decision(ctx: &Ctx<'_>, category: Category, acc: &mut Acc) {
    for rule in RULES.iter().filter(|r| r.phase == Phase::After) {
        (rule.check)(ctx, Some(category), acc);
    }
}

/// The first hit of a phrase list in the description that is not negated just before it.
fn phrase(ctx: &Ctx<'_>, needles: &Phrases) -> Option<(usize, usize)> {
    phrase_not_followed(ctx, needles, &[])
}

/// As [`phrase`], skipping hits that one of `followers` comes right after.
fn phrase_not_followed(
    ctx: &Ctx<'_>,
    needles: &Phrases,
    followers: &[&str],
) -> Option<(usize, usize)> {
    let hay = ctx.description;
    ctx.phrase_hits(needles).find_map(|h| {
        let (start, end) = (h.start, h.end);
        if end > hay.len() {
            return None;
        }
        let boundary_before = hay[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let mut from = start.saturating_sub(24);
        while !hay.is_char_boundary(from) {
            from -= 1;
        }
        let before = &hay[from..start];
        let neg = ["not ", "never ", "n't ", "without ", "no "]
            .iter()
            .any(|n| contains_ci(before, n));
        let rest = &hay.as_bytes()[end..];
        let followed = followers
            .iter()
            .any(|f| rest.len() >= f.len() && rest[..f.len()].eq_ignore_ascii_case(f.as_bytes()));
        (boundary_before && !neg && !followed).then_some((start, end))
    })
}

/// `dry-run` as `dry_run`; borrowed when there is no dash.
fn dashes_to_underscores(key: &str) -> Cow<'_, str> {
    if key.bytes().any(|b| b == b'-') {
        Cow::Owned(key.replace('-', "_"))
    } else {
        Cow::Borrowed(key)
    }
}

fn schema_source(ctx: &Ctx<'_>, p: &Param) -> Cow<'static, str> {
    let mut prefix = String::with_capacity(64);
    prefix.push_str("inputSchema");
    Cow::Owned(ctx.params.pointer_after(prefix, p))
}

fn param_name(ctx: &Ctx<'_>, p: &Param) -> String {
    ctx.params.name(p)
}

/// Answers that several rules need, worked out on first use (indexes into the parameters).
#[derive(Default)]
pub struct Answers {
    /// The first parameter taking code (any depth, and top level).
    code: OnceCell<(Option<usize>, Option<usize>)>,
    /// The first parameter taking a query language that can write.
    query_language: OnceCell<Option<usize>>,
}

/// The first parameter that takes code or a command as a string: at any depth, and at
/// the top level.
fn code_params<'p, 'a>(ctx: &'p Ctx<'a>) -> (Option<&'p Param<'a>>, Option<&'p Param<'a>>) {
    let (any, top) = *ctx.shared.code.get_or_init(|| {
        let mut found = (None, None);
        for (i, (p, k)) in ctx.params.params.iter().zip(&ctx.param_keys).enumerate() {
            if lexicon::code_param(k) && p.ty().contains("string") {
                found.0 = found.0.or(Some(i));
                if p.depth == 0 {
                    found.1 = Some(i);
                    break;
                }
            }
        }
        found
    });
    let at = |i: Option<usize>| i.and_then(|i| ctx.params.params.get(i));
    (at(any), at(top))
}

/// Whether a query parameter takes a language that can write (SQL, Cypher, KQL...).
fn query_language_param<'p, 'a>(ctx: &'p Ctx<'a>) -> Option<&'p Param<'a>> {
    let i = *ctx
        .shared
        .query_language
        .get_or_init(|| find_query_language_param(ctx));
    i.and_then(|i| ctx.params.params.get(i))
}

fn find_query_language_param(ctx: &Ctx<'_>) -> Option<usize> {
    let mut in_description = None;
    param_index_where(ctx, |key, p| {
        if !lexicon::sql_param(key) {
            return false;
        }
        matches!(key, "sql" | "cypher" | "kql")
            || QUERY_LANGUAGE_WORDS
                .needles
                .iter()
                .any(|w| contains_word(p.description, w))
            || *in_description.get_or_insert_with(|| {
                QUERY_LANGUAGE_WORDS
                    .needles
                    .iter()
                    .any(|w| word_in_description(ctx, &QUERY_LANGUAGE_WORDS, w))
            })
    })
}

/// Words that say a query parameter takes a language that can write.
static QUERY_LANGUAGE_WORDS: Phrases = Phrases::new(&["sql", "cypher", "statement"]);

/// Whether `word` of a registered list stands as a whole word in the description.
fn word_in_description(ctx: &Ctx<'_>, list: &Phrases, word: &str) -> bool {
    let d = ctx.description;
    ctx.phrase_hits(list).any(|h| {
        h.end <= d.len()
            && d[h.start..h.end].eq_ignore_ascii_case(word)
            && super::text::stands_alone(d, h.start, h.end)
    })
}

/// The evidence of a word of the tool's name: `delete_issue (word `delete`)`.
fn name_word(ctx: &Ctx<'_>, word: &str) -> String {
    let name = &ctx.tool.name;
    let mut out = String::with_capacity(name.len() + word.len() + 10);
    for part in [name.as_str(), " (word `", word, "`)"] {
        out.push_str(part);
    }
    out
}

/// A risk signal quoting the name when it says so (`in_name`), or else the first
/// phrase of `wording` in the description that is not negated.
fn signal_from_name_or_wording(
    ctx: &Ctx<'_>,
    acc: &mut Acc,
    rule: &'static Rule,
    in_name: Option<String>,
    wording: &Phrases,
) {
    if let Some(q) = in_name {
        acc.signal(rule, false, "name", q);
    } else if let Some((s, e)) = phrase(ctx, wording) {
        acc.signal(rule, false, "description", quote(ctx.description, s, e, 60));
    }
}

/// The first parameter whose key satisfies `pred`, at any depth.
fn param_where<'p, 'a>(
    ctx: &'p Ctx<'a>,
    pred: impl FnMut(&str, &Param<'a>) -> bool,
) -> Option<&'p Param<'a>> {
    param_index_where(ctx, pred).and_then(|i| ctx.params.params.get(i))
}

/// The index of the first parameter whose lower-case key and definition satisfy `pred`.
fn param_index_where<'a>(
    ctx: &Ctx<'a>,
    mut pred: impl FnMut(&str, &Param<'a>) -> bool,
) -> Option<usize> {
    ctx.params
        .params
        .iter()
        .zip(&ctx.param_keys)
        .position(|(p, k)| pred(k, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule of the registry has its bit, whatever the registry's size.
    #[test]
    fn a_rule_set_holds_every_rule_and_gives_them_back_in_order() {
        assert!(RuleSet::WORDS * 64 >= RULES.len());
        let all: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let set = RuleSet::of(&all);
        assert_eq!(
            set.indexes().collect::<Vec<_>>(),
            (0..RULES.len()).collect::<Vec<_>>()
        );
        let some = RuleSet::of(&[RULES[RULES.len() - 1].code, "TC999", RULES[0].code]);
        assert_eq!(some.indexes().collect::<Vec<_>>(), [0, RULES.len() - 1]);
        assert_eq!(RuleSet::of(&[]).indexes().count(), 0);
        assert_eq!(some.bytes().count(), RuleSet::WORDS * 8);
    }
}
