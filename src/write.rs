//! The only module that writes outputs: files are replaced atomically, and a site is built
//! in a staging directory beside its target, then swapped in, so a failed or interrupted
//! build leaves the previous site as it was.

use anyhow::{bail, Context, Result};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Write `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("replacing {}: {e}", path.display())
    })
}

/// A directory being filled; every path written is relative and checked to stay inside.
pub struct Staging {
    root: PathBuf,
    /// Directories known to exist: each is created once, not before every file in it.
    made: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Write a file at a relative path made of normal components only.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.resolve(relative)?;
        if let Some(parent) = path.parent() {
            if !self.made.lock().is_ok_and(|made| made.contains(parent)) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
                if let Ok(mut made) = self.made.lock() {
                    made.insert(parent.to_path_buf());
                }
            }
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    }

    fn resolve(&self, relative: &str) -> Result<PathBuf> {
        inside(&self.root, relative)
    }
}

/// `root` joined with a relative path made of normal components only: never a path
/// outside `root`.
pub fn inside(root: &Path, relative: &str) -> Result<PathBuf> {
    let rel = Path::new(relative);
    let safe = !relative.is_empty()
        && rel.components().all(|c| matches!(c, Component::Normal(_)))
        && !relative.contains('\\');
    if !safe {
        bail!("refusing to write outside the output directory: {relative:?}");
    }
    Ok(root.join(rel))
}

/// Build a directory with `fill` and put it at `target` only if `fill` succeeds.
///
/// The staging directory is `<target>.toolcat-staging-<pid>` beside the target, so the
/// final renames stay on one filesystem. On error the staging directory is removed and
/// `target` is untouched.
pub fn build_dir<F>(target: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&Staging) -> Result<()>,
{
    let name = target
        .file_name()
        .with_context(|| format!("output path {} has no directory name", target.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if target.exists() && !target.is_dir() {
        bail!(
            "output path {} exists and is not a directory",
            target.display()
        );
    }
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let pid = std::process::id();
    let staging_path = parent.join(format!("{name}.toolcat-staging-{pid}"));
    if staging_path.exists() {
        std::fs::remove_dir_all(&staging_path)
            .with_context(|| format!("removing stale {}", staging_path.display()))?;
    }
    std::fs::create_dir(&staging_path)
        .with_context(|| format!("creating {}", staging_path.display()))?;
    let staging = Staging {
        root: staging_path,
        made: Mutex::default(),
    };
    if let Err(e) = fill(&staging) {
        let _ = std::fs::remove_dir_all(&staging.root);
        return Err(e);
    }
    swap_in(
        &staging.root,
        target,
        &parent.join(format!("{name}.toolcat-old-{pid}")),
    )
}

fn swap_in(staging: &Path, target: &Path, old: &Path) -> Result<()> {
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, old)
            .with_context(|| format!("moving aside {}", target.display()))?;
    }
    if let Err(e) = std::fs::rename(staging, target) {
        if had_old {
            let _ = std::fs::rename(old, target);
        }
        let _ = std::fs::remove_dir_all(staging);
        bail!("putting the new output at {}: {e}", target.display());
    }
    if had_old {
        std::fs::remove_dir_all(old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_refuses_escapes() {
        let s = Staging {
            root: PathBuf::from("/nonexistent"),
            made: Mutex::default(),
        };
        for bad in ["../x", "/etc/passwd", "a/../../b", "", "a\\..\\b", "./"] {
            assert!(s.resolve(bad).is_err(), "{bad}");
        }
        assert!(s.resolve("tools/a/index.html").is_ok());
    }

    #[test]
    fn staging_creates_each_directory_once_and_writes_into_it() {
        let dir = tempfile::tempdir().unwrap();
        let s = Staging {
            root: dir.path().to_path_buf(),
            made: Mutex::default(),
        };
        s.write("a/b/one.html", b"1").unwrap();
        s.write("a/b/two.html", b"2").unwrap();
        s.write("a/three.html", b"3").unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("a/b/two.html")).unwrap(),
            b"2"
        );
        assert_eq!(
            std::fs::read(dir.path().join("a/three.html")).unwrap(),
            b"3"
        );
        let made = s.made.lock().unwrap();
        assert!(made.contains(&dir.path().join("a/b")) && made.contains(&dir.path().join("a")));
        assert_eq!(made.len(), 2);
    }
}
