//! TC101: tools that return secrets.

use super::prelude::*;

pub(super) static SECRET_WORDING: Phrases = Phrases::new(&[
    "secret value",
    "private key",
    "connection string",
    "plaintext password",
    "returns the password",
    "api key value",
]);

rule!(RETURNS_SECRETS {
    code: "TC101",
    name: "handles-secrets",
    phase: Vote,
    effect: "risk +1",
    explanation: "The tool reads or handles secrets: its name names passwords, secrets, \
        credentials, API keys or private keys, or its description speaks of secret values, \
        private keys or connection strings. A read tool that returns a credential is more \
        dangerous than its category suggests.",
    fires: [
        "get_secret",
        "keyvault_secret_get",
        "list_api_keys",
        "x | Returns the database connection string."
    ],
    quiet: ["get_token_usage", "list_issues"],
    check: check_secrets,
});

fn check_secrets(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let toks = &ctx.name_tokens;
    let single = toks.iter().find(|t| {
        matches!(
            &***t,
            "secret"
                | "secrets"
                | "password"
                | "passwords"
                | "credential"
                | "credentials"
                | "passphrase"
                | "apikey"
                | "apikeys"
        )
    });
    let pair = toks.windows(2).find(|w| {
        matches!(
            (&*w[0], &*w[1]),
            (
                "api" | "access" | "private" | "secret" | "ssh",
                "key" | "keys" | "token" | "tokens"
            ) | ("connection", "string" | "strings")
        )
    });
    let in_name = single
        .map(|t| name_word(ctx, t))
        .or_else(|| pair.map(|w| format!("{} (words `{} {}`)", ctx.tool.name, w[0], w[1])));
    signal_from_name_or_wording(ctx, acc, &RETURNS_SECRETS, in_name, &SECRET_WORDING);
}
