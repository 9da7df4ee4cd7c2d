//! TC018: tools that write their output to a file.

use super::prelude::*;

rule!(WRITES_OUTPUT_FILE {
    code: "TC018",
    name: "writes-output-file",
    phase: Vote,
    effect: "write (weight 81) for tools that otherwise read",
    explanation: "A tool that generates or converts something and takes an output location \
        (`output_dir`, `output_path`, `save_path`, `destination_file`...) writes a new file. \
        Downloads, exports and screenshots that save a copy and return its path stay reads, \
        per the taxonomy.",
    fires: [
        r#"{"name":"convert_to_pdf","inputSchema":{"properties":{"filename":{"type":"string"},"output_filename":{"type":"string"}}}}"#
    ],
    quiet: [
        r#"{"name":"download_file","inputSchema":{"properties":{"output_path":{"type":"string"}}}}"#
    ],
    check: check_output_file,
});

fn check_output_file(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let primary = ctx.name_primary;
    if !matches!(primary, Some((_, Category::Read, _))) {
        return;
    }
    if let Some((i, _, _)) = primary {
        let keeps = matches!(
            &*ctx.name_tokens[i],
            "download" | "export" | "screenshot" | "snapshot" | "capture" | "save"
        );
        if keeps {
            return;
        }
    }
    let hit = param_where(ctx, |k, p| {
        if p.depth > 0 {
            return false;
        }
        let k = dashes_to_underscores(k);
        // Keys are short: a byte loop finds the `_` sooner than a call to `memchr`.
        let (head, tail) = match k.bytes().position(|b| b == b'_') {
            Some(i) => (&k[..i], &k[i + 1..]),
            None => (&k[..], ""),
        };
        matches!(
            head,
            "output" | "out" | "save" | "dest" | "destination" | "target"
        ) && matches!(
            tail,
            "path" | "dir" | "directory" | "file" | "filename" | "folder" | "file_path"
        )
    });
    if let Some(p) = hit {
        acc.vote(
            &WRITES_OUTPUT_FILE,
            Category::Write,
            81,
            schema_source(ctx, p),
            param_name(ctx, p),
        );
    }
}
