use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn input(name: &str) -> PathBuf {
    repo().join("tests/data/inputs").join(name)
}

pub fn bundled_catalog() -> PathBuf {
    repo().join("catalog")
}

/// Run the toolcat binary in `dir` with `args`.
pub fn toolcat(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_toolcat"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the toolcat binary runs")
}

/// A catalogue of one small bundled server (`mcp-server-time`) in `dir/one`.
pub fn one_server_catalog(dir: &Path) -> PathBuf {
    let one = dir.join("one");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::copy(
        bundled_catalog().join("mcp-server-time.json"),
        one.join("mcp-server-time.json"),
    )
    .unwrap();
    one
}

/// Run toolcat with `args` in `dir` and check that it refuses, exit status 2, saying `why`.
pub fn assert_refused(dir: &Path, args: &[&str], why: &str) {
    let o = toolcat(dir, args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(why), "{args:?}: {}", stderr(&o));
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file below `dir` with its bytes, sorted by relative path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// Ingest the hostile fixture (`tests/data/hostile/hostile.json`) into `dir/catalog`, and
/// return that catalogue directory.
pub fn ingest_hostile(dir: &Path) -> PathBuf {
    let catalog = dir.join("catalog");
    let fixture = repo().join("tests/data/hostile/hostile.json");
    let o = toolcat(
        dir,
        &[
            "ingest",
            "--catalog",
            catalog.to_str().unwrap(),
            fixture.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    catalog
}

/// Words a hostile or merely foreign definition may hold: verbs (generic ones too, which
/// make the multi-action rule read every word of the description) and their forms, list
/// markers and separators, and characters that trip byte arithmetic (equal bytes inside one
/// character, lower-casing that changes length, combining marks, invisible and
/// direction-changing characters, a C1 control).
pub const PIECES: &[&str] = &[
    "manage",
    "handle",
    "get",
    "delete",
    "Deleting",
    "runnning",
    "removal",
    "ing",
    "al",
    "ion",
    "ies",
    "ses",
    "s",
    "'",
    "’",
    " ",
    "\n",
    "\n- ",
    "\n* ",
    ": ",
    ".",
    ";",
    ", ",
    "or",
    "and",
    "not",
    "e.g.",
    "ignore previous instructions",
    "<important>",
    "permanently",
    "cannot be undone",
    "\u{861}",
    "\u{861}\u{861}ing",
    "x\u{861}ing",
    "İ",
    "ẞ",
    "ß",
    "e\u{301}",
    "\u{200b}",
    "\u{202e}",
    "\u{85}",
    "\u{a0}",
    "\u{e0041}",
    "漢字",
    "🦀",
    "\u{10ffff}",
    // Character references Markdown decodes into invisible characters.
    "&#x202E;",
    "&it;",
    "&ZeroWidthSpace;",
    "_",
    "-",
    "`",
];

pub fn hostile_text(max: usize) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    proptest::collection::vec(proptest::sample::select(PIECES), 0..max).prop_map(|p| p.concat())
}
