//! TC014: tools that drive a browser.

use super::prelude::*;

rule!(DRIVES_A_BROWSER {
    code: "TC014",
    name: "drives-a-browser",
    phase: Vote,
    effect: "execute (weight 86) for browser actions that are not reads",
    explanation: "In browser automation (a tool of a browser, page or tab, per its name or \
        description), opening, closing, uploading, posting, going back or forward and every \
        other non-read action drives another program: execute, per the taxonomy. \
        Screenshots, snapshots and reading console messages stay reads.",
    fires: [
        "browser_close | Close the page",
        "playwright_post | Perform an HTTP POST request",
        "new_page | Open a new tab and load a URL"
    ],
    quiet: [
        "browser_take_screenshot | Take a screenshot of the current page",
        "close_issue | Close an issue"
    ],
    check: check_browser,
});

pub(super) fn browser_context(ctx: &Ctx<'_>) -> bool {
    let toks = &ctx.name_tokens;
    let automation = toks.iter().any(|t| {
        matches!(
            &**t,
            "browser" | "playwright" | "puppeteer" | "selenium" | "webdriver"
        )
    });
    let page = toks.iter().any(|t| matches!(&**t, "page" | "tab" | "tabs"))
        && BROWSER_WORDS
            .needles
            .iter()
            .any(|w| word_in_description(ctx, &BROWSER_WORDS, w));
    automation || page || word_in_description(ctx, &BROWSER_WORDS, "browser")
}

/// Words that place a page or tab tool in a browser.
pub(super) static BROWSER_WORDS: Phrases = Phrases::new(&["browser", "tab", "url"]);

fn check_browser(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    if !browser_context(ctx) {
        return;
    }
    let Some((i, category, strength)) = ctx.name_primary else {
        return;
    };
    let word = &*ctx.name_tokens[i];
    // Saving or exporting the page produces a file: that stays what its verb says.
    if matches!(
        word,
        "save" | "download" | "export" | "screenshot" | "snapshot" | "capture"
    ) {
        return;
    }
    let drives = matches!(
        word,
        "open"
            | "load"
            | "go"
            | "back"
            | "forward"
            | "reload"
            | "new"
            | "post"
            | "put"
            | "patch"
            | "drop"
            | "drag"
    );
    let acts =
        strength == Strength::Strong && matches!(category, Category::Write | Category::Execute);
    if drives || acts {
        let q = format!("{} (word `{word}` in a browser tool)", ctx.tool.name);
        acc.vote(&DRIVES_A_BROWSER, Category::Execute, 86, "name", q);
    }
}
