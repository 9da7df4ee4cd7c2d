//! The reports of `check` and `diff`: their formats and files, the `--fail-on` threshold
//! and the exit status.

use crate::config::Config;
use anyhow::Result;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The `--fail-on` threshold: fail on findings at or above a severity, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailOn(pub Option<crate::model::Risk>);

/// `--fail-on`: a severity (case-insensitive), `any` (= low) or `none`.
pub(super) fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    match s.to_ascii_lowercase().as_str() {
        "none" => Ok(FailOn(None)),
        "any" => Ok(FailOn(Some(crate::model::Risk::Low))),
        other => other
            .parse::<crate::model::Risk>()
            .map(|r| FailOn(Some(r)))
            .map_err(|_| format!("`{s}`: expected low, medium, high, critical, any or none")),
    }
}

/// `--format` of `check` and `diff`: [`crate::check::report::Format`] on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Sarif,
    Markdown,
    Github,
}

impl From<ReportFormat> for crate::check::report::Format {
    fn from(f: ReportFormat) -> Self {
        use crate::check::report::Format;
        match f {
            ReportFormat::Text => Format::Text,
            ReportFormat::Json => Format::Json,
            ReportFormat::Sarif => Format::Sarif,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Github => Format::Github,
        }
    }
}

/// A report's format and its file (`None`: standard output).
#[derive(Debug, Clone)]
pub struct ReportOutput {
    pub(super) format: crate::check::report::Format,
    pub(super) file: Option<PathBuf>,
}

/// `FORMAT=FILE`, `-` for standard output.
pub(super) fn parse_report(s: &str) -> std::result::Result<ReportOutput, String> {
    let (format, file) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, got `{s}`"))?;
    let format: crate::check::report::Format =
        <ReportFormat as clap::ValueEnum>::from_str(format, true)
            .map_err(|_| {
                format!("unknown format `{format}` (text, json, sarif, markdown, github)")
            })?
            .into();
    if file.is_empty() {
        return Err(format!(
            "no file after `{format:?}=`; use `-` for standard output"
        ));
    }
    Ok(ReportOutput {
        format,
        file: (file != "-").then(|| PathBuf::from(file)),
    })
}

/// The report flags `check` and `diff` share: the format, the threshold, the file, and
/// further formats from the same run.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// How to write the report.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Fail on findings at or above: low, medium, high, critical, any or none.
    #[arg(long, default_value = "high", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the same findings in another format, from this one run: FORMAT=FILE
    /// (`-` for standard output); repeatable, e.g. `--report sarif=toolcat.sarif
    /// --report markdown=toolcat.md`.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<ReportOutput>,
}

impl ReportArgs {
    /// Every report to write: `--format`/`--output`, then each `--report`.
    pub(super) fn outputs(self) -> Vec<ReportOutput> {
        std::iter::once(ReportOutput {
            format: self.format.into(),
            file: self.output,
        })
        .chain(self.reports)
        .collect()
    }
}

/// Write the report in every format asked for, from the one run.
pub(super) fn emit_reports(
    report: &crate::check::report::Report,
    outputs: &[ReportOutput],
) -> Result<()> {
    outputs
        .iter()
        .try_for_each(|o| emit_report(report, o.format, o.file.as_deref()))
}

pub(super) fn emit_report(
    report: &crate::check::report::Report,
    format: crate::check::report::Format,
    output: Option<&Path>,
) -> Result<()> {
    let color = output.is_none()
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let text = report.render(format, color);
    if let Some(path) = output {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::write::create_dir(dir)?;
        }
        return crate::write::write_file_atomic(path, text.as_bytes());
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Warn about the `[[check.ignore]]` entries that matched no finding.
pub(super) fn warn_unused_ignores(config: &Config) {
    for w in config.unused_ignores() {
        eprintln!("warning: {w}");
    }
}

pub(super) fn exit_status(
    findings: &[crate::check::Finding],
    fail_on: FailOn,
    unreachable: bool,
) -> u8 {
    if unreachable {
        return 3;
    }
    let failing = fail_on.0.is_some_and(|t| {
        findings
            .iter()
            .any(|f| f.ignored.is_none() && f.severity >= t)
    });
    u8::from(failing)
}
