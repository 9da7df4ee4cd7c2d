//! TC010 and TC011: tools that move money, by their words or by an amount sent somewhere.

use super::prelude::*;

rule!(FINANCIAL_ACTION {
    code: "TC010",
    name: "moves-money",
    phase: Vote,
    effect: "financial (weight 90)",
    explanation: "A name whose verb moves money (`pay`, `refund`, `purchase`, `sell`, \
        `transfer`, `topup`), a verb that commits spend applied to a money object \
        (`create_invoice`, `cancel_subscription`, `place_market_order`), or any action on \
        a word that names money or a crypto asset (`send_usdc`, `bridge_eth`, \
        `SendFunds`), is financial, and so is a tool whose description says the call \
        itself pays or is charged (\"will be paid automatically from the wallet\"), \
        whatever its verb. Reading money objects (`list_charges`, `get_invoice`) is not: \
        a read verb decides.",
    fires: [
        "create_refund",
        "cancel_subscription",
        "place-market-order",
        "pay_invoice",
        "send_usdc",
        "SendUSDC",
        "TRANSFER_USDC",
        "fetch_paid | Fetch a URL; if it asks for payment, it will be paid automatically."
    ],
    quiet: [
        "list_charges",
        "get_invoice",
        "display_panel",
        "search_payments",
        "get_usdc_balance",
        "create_api_token",
        "create_subscription | Subscribes a listener to receive change notifications"
    ],
    check: check_financial,
});

/// Wording that says the call itself pays or is charged for.
pub(super) static SPEND_WORDING: Phrases = Phrases::new(&[
    "paid automatically",
    "will be paid",
    "pays automatically",
    "will be charged",
    "charges your",
    "will be billed",
    "deducted from your",
    "debited from your",
]);

/// Wording that a payment is involved: the call pays when the tool acts (`domain_register`
/// "Requires x402 USDC payment"), not when it reads about payments.
pub(super) static PAYMENT_WORDING: Phrases = Phrases::new(&[
    "requires payment",
    "payment required",
    "x402 payment",
    "usdc payment",
    "crypto payment",
]);

fn check_financial(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    // The description says calling it spends: whatever the verb, even a read one.
    if let Some((s, e)) = phrase(ctx, &SPEND_WORDING) {
        let q = quote(ctx.description, s, e, 60);
        acc.vote(&FINANCIAL_ACTION, Category::Financial, 90, "description", q);
        return;
    }
    let toks = &ctx.name_tokens;
    let read_first = ctx
        .name_lex
        .iter()
        .find_map(|&lex| lex)
        .is_some_and(|(c, s)| c == Category::Read && s == Strength::Strong);
    if read_first {
        return;
    }
    let direct = toks.iter().zip(&ctx.name_lex).find_map(|(t, lex)| {
        matches!(lex, Some((Category::Financial, Strength::Strong))).then_some(t)
    });
    let combo = toks.iter().enumerate().find_map(|(i, t)| {
        if !lexicon::financial_verb(t) {
            return None;
        }
        toks[i + 1..]
            .iter()
            .find(|o| lexicon::financial_object(o) && !event_subscription(ctx, o))
            .map(|o| (t, o))
    });
    // A word naming money or a crypto asset on a tool that acts: whatever the verb.
    let acts = match ctx.name_primary {
        // A destructive verb decides on its own (`delete_payment_method`).
        Some((_, c, _)) => !matches!(c, Category::Read | Category::Destructive),
        None => !ctx.lead.iter().any(|l| l.0 == Category::Read),
    };
    if let Some((s, e)) = phrase(ctx, &PAYMENT_WORDING).filter(|_| acts) {
        let q = quote(ctx.description, s, e, 60);
        acc.vote(&FINANCIAL_ACTION, Category::Financial, 90, "description", q);
        return;
    }
    let noun = toks.iter().find(|t| acts && lexicon::money_noun(t));
    let q = match (direct, combo, noun) {
        (Some(d), _, _) => name_word(ctx, d),
        (None, Some((v, o)), _) => format!("{} (words `{v}` … `{o}`)", ctx.tool.name),
        (None, None, Some(n)) => format!(
            "{} (word `{n}` names money, on a tool that acts)",
            ctx.tool.name
        ),
        (None, None, None) => return,
    };
    acc.vote(&FINANCIAL_ACTION, Category::Financial, 90, "name", q);
}

/// A subscription to events (a webhook, a topic, change notifications) costs nothing: the
/// word has that sense when the description speaks of notifications or events.
fn event_subscription(ctx: &Ctx<'_>, object: &str) -> bool {
    object == "subscription"
        && text::word_iter(ctx.description).any(|w| {
            with_lower(w.text, |l| {
                matches!(
                    l,
                    "notification"
                        | "notifications"
                        | "webhook"
                        | "webhooks"
                        | "listener"
                        | "event"
                        | "events"
                        | "topic"
                        | "topics"
                )
            })
        })
}

rule!(MONEY_PARAMETERS {
    code: "TC011",
    name: "money-parameters",
    phase: Vote,
    effect: "financial (weight 86) when the tool otherwise writes or executes",
    explanation: "A tool that writes or runs something, or whose action no other rule \
        recognised, and takes one amount together with a recipient, destination account or \
        wallet address moves money. An amount with only a currency is a price or a record \
        (`create_product`, a budget entry), and amounts inside a list describe records, not \
        a payment; tools that only compute with amounts (a currency converter) read.",
    fires: [
        r#"{"name":"submit_request","inputSchema":{"properties":{"amount":{"type":"number"},"recipient":{"type":"string"}}}}"#,
        r#"{"name":"zap","inputSchema":{"properties":{"amount":{"type":"number"},"to_address":{"type":"string"}}}}"#
    ],
    quiet: [
        r#"{"name":"convert_currency","inputSchema":{"properties":{"amount":{"type":"number"},"currency":{"type":"string"}}}}"#,
        r#"{"name":"create_entries","inputSchema":{"properties":{"entries":{"type":"array","items":{"properties":{"amount":{"type":"number"},"payee":{"type":"string"}}}}}}}"#
    ],
    check: check_money_params,
});

fn check_money_params(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    // Also when nothing has voted yet: an unknown verb with an amount and a recipient.
    let leading = acc.leading().map(|l| l.0);
    if !matches!(leading, None | Some(Category::Write | Category::Execute)) {
        return;
    }
    // One amount a call (not a list of records, each with its amount), sent somewhere.
    let amount = param_where(ctx, |k, p| {
        lexicon::amount_param(k) && !ctx.params.name(p).contains("[]")
    });
    let context = param_where(ctx, |k, _| lexicon::recipient_param(k));
    if let (Some(a), Some(c)) = (amount, context) {
        acc.vote(
            &MONEY_PARAMETERS,
            Category::Financial,
            86,
            schema_source(ctx, a),
            format!("{} with {}", ctx.params.name(a), ctx.params.name(c)),
        );
    }
}
