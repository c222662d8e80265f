//! Where an external tool that cannot read a pipe finds its input: a private folder of this
//! process, in memory-backed storage, that no other user can enter and that no crash leaves
//! behind for long.
//!
//! Decrypted evidence must never reach a disk in plaintext (a SIGKILL, a power cut or a stolen
//! disk would keep it). So tools read their input from a pipe wherever they can (`pdftoppm`,
//! Tesseract); the others (`ffprobe`, which must seek in a video, `img2pdf` with many pages) get
//! it in a folder of this process:
//!
//! ```text
//! <base>/custodia-<pid>-<start>-<random>/      0700, this process's folder
//!                                  <random>/    0700, one per use, removed when dropped
//! ```
//!
//! `<base>` is `/dev/shm` when present (memory), else `$XDG_RUNTIME_DIR` (memory on systemd
//! systems), else the fallback folder the vault names ([`set_fallback`]: its data directory's
//! `tmp/`, 0700), never the system temporary folder. `<pid>-<start>` names the process (its id
//! and its start time in clock ticks since boot, from `/proc`), so that [`sweep`] can tell a
//! folder left by a dead process (removed) from one of a living process, even when the id has
//! since been given to another process. The random part keeps another user from taking the name
//! first: a folder is only ever created, never reused.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::{ExtractError, Result};

/// The prefix of every process folder (also what [`sweep`] looks for).
const PREFIX: &str = "custodia-";

/// The fallback base named by the vault, and this process's folder once made.
static FALLBACK: Mutex<Option<PathBuf>> = Mutex::new(None);
static PROCESS_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

fn error(detail: String) -> ExtractError {
    ExtractError::Tool {
        tool: "scratch",
        detail,
    }
}

/// Names the folder used when neither `/dev/shm` nor `$XDG_RUNTIME_DIR` can be used (the
/// vault's `<data dir>/tmp`). It is created (0700) when first needed.
pub fn set_fallback(dir: &Path) {
    if let Ok(mut fallback) = FALLBACK.lock() {
        *fallback = Some(dir.to_owned());
    }
}

/// The bases to try, in order of preference.
fn bases() -> Vec<PathBuf> {
    let mut bases = vec![PathBuf::from("/dev/shm")];
    if let Some(runtime) = std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        bases.push(PathBuf::from(runtime));
    }
    if let Some(fallback) = FALLBACK.lock().ok().and_then(|f| f.clone()) {
        bases.push(fallback);
    }
    bases
}

/// Random hex, for names nobody can guess.
fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn getrandom(out: &mut [u8]) -> Result<()> {
    use std::io::Read;
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(out))
        .map_err(|e| error(format!("no system randomness: {e}")))
}

/// A process's start time (clock ticks since boot), from `/proc/<pid>/stat`; `None` if there is
/// no such process (or no `/proc`).
fn start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so count from the last
    // `)`; the start time is field 22, the 20th after it.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// This process's name part: `<pid>-<start>`.
fn process_tag() -> String {
    let pid = std::process::id();
    format!("{pid}-{}", start_time(pid).unwrap_or(0))
}

/// Creates `dir` (0700, new: an existing folder of that name is an error, never reused) and
/// checks it is ours and private.
fn create_private(dir: &Path) -> std::io::Result<()> {
    fs::DirBuilder::new().mode(0o700).create(dir)?;
    let meta = fs::symlink_metadata(dir)?;
    // A umask cannot add bits, but be sure: nobody else may list or enter it.
    if meta.permissions().mode() & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    if !meta.is_dir() || meta.uid() != own_uid() {
        return Err(std::io::Error::other("not a private folder of this user"));
    }
    Ok(())
}

/// This process's user id (the owner of what it creates), read from `/proc/self`.
fn own_uid() -> u32 {
    fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid())
}

/// This process's folder, made on first use in the first base that takes it.
fn process_dir() -> Result<PathBuf> {
    let mut slot = PROCESS_DIR
        .lock()
        .map_err(|_| error("the scratch folder's lock is poisoned".into()))?;
    if let Some(dir) = slot.as_ref().filter(|d| d.is_dir()) {
        return Ok(dir.clone());
    }
    let tag = process_tag();
    let mut failures = Vec::new();
    for base in bases() {
        if !base.is_dir() {
            // Only the vault's own fallback is created; system folders are used as they are.
            let is_fallback = FALLBACK
                .lock()
                .ok()
                .and_then(|f| f.clone())
                .is_some_and(|f| f == base);
            if !is_fallback {
                continue;
            }
            if let Err(e) = fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&base)
            {
                failures.push(format!("`{}`: {e}", base.display()));
                continue;
            }
        }
        sweep_in(&base);
        let dir = base.join(format!("{PREFIX}{tag}-{}", random_hex()?));
        match create_private(&dir) {
            Ok(()) => {
                *slot = Some(dir.clone());
                return Ok(dir);
            }
            Err(e) => failures.push(format!("`{}`: {e}", dir.display())),
        }
    }
    Err(error(format!(
        "no private memory-backed folder for an external tool's input ({})\n\nhint: mount \
         /dev/shm or set XDG_RUNTIME_DIR",
        if failures.is_empty() {
            "neither /dev/shm nor XDG_RUNTIME_DIR exists, and the vault named no fallback".into()
        } else {
            failures.join("; ")
        }
    )))
}

/// Removes this process's folder and whatever is in it; call on exit. A later use makes a new
/// one.
pub fn remove_process_dir() {
    if let Ok(mut slot) = PROCESS_DIR.lock() {
        if let Some(dir) = slot.take() {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// Removes the folders that dead processes left in every base (a process killed while a tool
/// read its input): called when a vault is opened for writing and before a process makes its
/// own folder; and this user's folders of earlier versions (`custodia-extract-*` in the system
/// temporary folder, `custodia-redact-*`). Folders of living processes, of other users, and
/// anything else are left alone.
/// Returns how many were removed.
pub fn sweep() -> usize {
    let mut bases = bases();
    let legacy = LEGACY_PREFIXES
        .iter()
        .map(|p| sweep_legacy(&std::env::temp_dir(), p))
        .sum::<usize>()
        + sweep_legacy(Path::new("/dev/shm"), "custodia-redact-");
    bases.dedup();
    bases.iter().map(|b| sweep_in(b)).sum::<usize>() + legacy
}

/// The folders earlier versions copied evidence into for their tools (the system temporary
/// folder, 0755, left behind by a killed process; redaction's in `/dev/shm`).
const LEGACY_PREFIXES: &[&str] = &["custodia-extract-", "custodia-redact-"];

/// Removes this user's folders named `prefix…` in `base`, as earlier versions left them.
fn sweep_legacy(base: &Path, prefix: &str) -> usize {
    let Ok(listing) = fs::read_dir(base) else {
        return 0;
    };
    let uid = own_uid();
    let mut removed = 0;
    for entry in listing.flatten() {
        let named = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(prefix));
        let ours = fs::symlink_metadata(entry.path()).is_ok_and(|m| m.is_dir() && m.uid() == uid);
        if named && ours && fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

fn sweep_in(base: &Path) -> usize {
    let Ok(listing) = fs::read_dir(base) else {
        return 0;
    };
    let uid = own_uid();
    let mut removed = 0;
    for entry in listing.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let mut parts = rest.split('-');
        let (Some(pid), Some(start), Some(random), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(pid), Ok(start)) = (pid.parse::<u32>(), start.parse::<u64>()) else {
            continue;
        };
        if random.len() != 16 || !random.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.is_dir() || meta.uid() != uid {
            continue;
        }
        let alive = match start_time(pid) {
            Some(now) => now == start || start == 0,
            // Without `/proc` nothing can be told: keep it.
            None => !Path::new("/proc/self").exists(),
        };
        if !alive && fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A private folder for one tool run (0700, inside this process's folder), removed with what it
/// holds when dropped.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    pub fn new() -> Result<Self> {
        for _ in 0..2 {
            let parent = process_dir()?;
            let dir = parent.join(random_hex()?);
            match create_private(&dir) {
                Ok(()) => return Ok(Self { dir }),
                // The process folder was removed under us (on exit, or by hand): make it anew.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if let Ok(mut slot) = PROCESS_DIR.lock() {
                        slot.take();
                    }
                }
                Err(e) => {
                    return Err(error(format!(
                        "cannot create the private folder `{}`: {e}",
                        dir.display()
                    )))
                }
            }
        }
        Err(error("the scratch folder keeps disappearing".into()))
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to a new file `name` (0600) in the folder.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = self.dir.join(name);
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| error(format!("cannot write `{}`: {e}", path.display())))?;
        Ok(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Scratch").field(&self.dir).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn folders_are_private_and_removed_when_dropped() {
        let scratch = Scratch::new().unwrap();
        let path = scratch.write("input", b"evidence").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(scratch.path()), 0o700);
        assert_eq!(mode(scratch.path().parent().unwrap()), 0o700);
        assert_eq!(mode(&path), 0o600);
        // In memory where the system offers it, never in the system temporary folder.
        if Path::new("/dev/shm").is_dir() {
            assert!(scratch.path().starts_with("/dev/shm"), "{scratch:?}");
        }
        let name = scratch
            .path()
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with(&format!("custodia-{}-", std::process::id())),
            "{name}"
        );
        let dir = scratch.path().to_owned();
        drop(scratch);
        assert!(!dir.exists());
    }

    #[test]
    fn the_sweep_removes_folders_of_dead_processes_only() {
        let base = tempfile::tempdir().unwrap();
        let dead = base
            .path()
            .join(format!("custodia-{}-12345-0123456789abcdef", dead_pid()));
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join("input.pdf"), b"left by a killed process").unwrap();
        // This process's id with another start time: the id was reused, the owner is dead.
        let reused = base.path().join(format!(
            "custodia-{}-1-0123456789abcdef",
            std::process::id()
        ));
        fs::create_dir(&reused).unwrap();
        let alive = base
            .path()
            .join(format!("custodia-{}-0123456789abcdef", process_tag()));
        fs::create_dir(&alive).unwrap();
        let other = base.path().join("custodia-something-else");
        fs::create_dir(&other).unwrap();
        assert_eq!(sweep_in(base.path()), 2);
        assert!(!dead.exists());
        assert!(!reused.exists());
        assert!(alive.exists());
        assert!(other.exists());
    }

    #[test]
    fn folders_of_earlier_versions_are_swept() {
        let base = tempfile::tempdir().unwrap();
        let old = base.path().join("custodia-extract-Ab12Cd");
        fs::create_dir(&old).unwrap();
        fs::write(
            old.join("input.pdf"),
            b"a scan copied by an earlier version",
        )
        .unwrap();
        let other = base.path().join("unrelated");
        fs::create_dir(&other).unwrap();
        assert_eq!(sweep_legacy(base.path(), "custodia-extract-"), 1);
        assert!(!old.exists());
        assert!(other.exists());
    }

    #[test]
    fn the_fallback_is_used_and_made_private_when_memory_is_not_available() {
        let base = tempfile::tempdir().unwrap();
        let fallback = base.path().join("data/tmp");
        // Only the fallback: as on a system without /dev/shm and XDG_RUNTIME_DIR.
        set_fallback(&fallback);
        assert!(bases().contains(&fallback));
        let dir = fallback.join(format!("custodia-{}-0123456789abcdef", process_tag()));
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&fallback)
            .unwrap();
        create_private(&dir).unwrap();
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        // A folder of that name already there (made by someone else first) is never reused.
        assert!(create_private(&dir).is_err());
    }
}
