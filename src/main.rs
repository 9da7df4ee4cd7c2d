use clap::Parser;
use std::process::ExitCode;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = toolcat::cli::Cli::parse();
    match toolcat::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            // An error may quote a definition or a server's answer: its control characters
            // are shown, not sent to the terminal.
            eprintln!("error: {}", toolcat::untrusted::visible(&format!("{e:#}")));
            if toolcat::interrupt::is_interrupted(&e) {
                // The shells' status for a program ended by SIGINT.
                return ExitCode::from(130);
            }
            ExitCode::from(2)
        }
    }
}

/// `toolcat ... | head` closes the pipe early: exit quietly.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
