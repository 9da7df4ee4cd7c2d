//! TC015: tools that invoke a model.

use super::prelude::*;

rule!(INVOKES_A_MODEL {
    code: "TC015",
    name: "invokes-a-model",
    phase: Vote,
    effect: "execute (weight 86)",
    explanation: "A tool that creates chat or text completions, or generates or infers with \
        a model (`ai_text_generation`, `llm_inference`), runs a model on the agent's \
        behalf: execute, per the taxonomy.",
    fires: [
        "openai_chat-completions-create | Create chat completions using Azure OpenAI",
        "ai_image_generation | Generate images using an AI model",
        "ai_embeddings | Generate embeddings from text using an AI model"
    ],
    quiet: ["list_models | List deployed models"],
    check: check_model,
});

fn check_model(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let toks = &ctx.name_tokens;
    let model = toks
        .iter()
        .any(|t| matches!(&**t, "ai" | "llm" | "gpt" | "model" | "genai"));
    let completion = toks.iter().find(|t| {
        matches!(&***t, "completion" | "completions")
            || (model
                && matches!(
                    &***t,
                    "generation" | "inference" | "infer" | "generate" | "embedding" | "embeddings"
                ))
    });
    // `generate` is listed as a read (a report, an id): with a model it runs one.
    let reads = matches!(
        ctx.name_primary,
        Some((i, Category::Read, Strength::Strong)) if &*toks[i] != "generate" || !model
    );
    if let (Some(t), false) = (completion, reads) {
        acc.vote(
            &INVOKES_A_MODEL,
            Category::Execute,
            86,
            "name",
            name_word(ctx, t),
        );
    }
}
