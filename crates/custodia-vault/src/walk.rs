//! The walk of an ingest's inputs: one file at a time, in a fixed order, holding only the
//! folders being walked.
//!
//! An ingest of millions of files must not hold a list of them. The walk yields each regular
//! file (or each input it cannot take) as it comes to it: depth first, a folder's entries in
//! byte order of their names, the inputs in the order given. What it keeps is the listing of the
//! folders it is inside (one name per entry) and the identities of the folders it has walked
//! (to stop at a symlink loop), whatever the number of files.
//!
//! Inside an input, symlinks are followed only if they stay within it; an input named on the
//! command line is followed even if it is a symlink (the custodian chose it).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A regular file found by the walk.
pub(crate) struct Candidate {
    /// Where to read it (a symlink's target).
    pub fs_path: PathBuf,
    /// The path the item is recorded under (the link's own path, for a symlink).
    pub display: String,
    /// The name shown has bytes that are not UTF-8 (written as `\xNN` in `display`).
    pub name_not_utf8: bool,
    /// Another path of this ingest may be shown as the same text, so the path must be checked
    /// against the ones already given (see [`Walk`]).
    pub may_repeat: bool,
    pub size: u64,
    pub metadata: fs::Metadata,
}

/// What the walk came to next.
pub(crate) enum Walked {
    File(Candidate),
    /// An input that is not stored: why.
    Problem {
        path: String,
        error: String,
    },
}

/// A folder being walked: its remaining entries, in order.
struct Folder {
    path: PathBuf,
    listing: Listing,
    /// The next entry of `listing` to walk.
    next: usize,
    /// The folder holds a name that is not UTF-8, whose `\xNN` form may be another entry's name.
    escapes: bool,
}

/// A folder's entry names, sorted, packed into one buffer: a folder of a million files costs
/// its names and 16 bytes each, not a path each.
#[derive(Default)]
struct Listing {
    bytes: Vec<u8>,
    names: Vec<std::ops::Range<usize>>,
}

impl Listing {
    fn push(&mut self, name: &std::ffi::OsStr) {
        use std::os::unix::ffi::OsStrExt;
        let start = self.bytes.len();
        self.bytes.extend_from_slice(name.as_bytes());
        self.names.push(start..self.bytes.len());
    }

    /// Sorts the names by their bytes (the order `Path` compares them in).
    fn sort(&mut self) {
        let bytes = &self.bytes;
        self.names
            .sort_unstable_by(|a, b| bytes[a.clone()].cmp(&bytes[b.clone()]));
    }

    fn name(&self, at: usize) -> Option<&std::ffi::OsStr> {
        use std::os::unix::ffi::OsStrExt;
        let range = self.names.get(at)?.clone();
        Some(std::ffi::OsStr::from_bytes(&self.bytes[range]))
    }

    fn any_not_utf8(&self) -> bool {
        self.names
            .iter()
            .any(|r| std::str::from_utf8(&self.bytes[r.clone()]).is_err())
    }
}

/// The inputs walked one file at a time (an [`Iterator`] of [`Walked`]).
///
/// Two files walked get the same shown path only when one input lies inside another (`dir` and
/// `dir/sub`, or one input named twice), when a folder holds a name that is not UTF-8 whose
/// `\xNN` form another name spells out, or when a path contains `!/`, the separator of archive
/// members' paths (a folder named `x.zip!` beside the archive `x.zip`). Such files are marked
/// [`Candidate::may_repeat`]; every other path is unique by construction, so the ingest need not
/// remember it.
pub(crate) struct Walk {
    inputs: std::vec::IntoIter<(PathBuf, bool)>,
    /// The input being walked: its resolved root, and whether it overlaps another input.
    root: Option<(PathBuf, bool)>,
    folders: Vec<Folder>,
    /// Folders of the current input already walked, by device and inode.
    visited: HashSet<(u64, u64)>,
    /// Problems found while entering a folder, yielded before its entries.
    queued: Vec<Walked>,
}

impl Walk {
    pub fn new(inputs: &[PathBuf]) -> Self {
        let overlapping = overlapping_inputs(inputs);
        let inputs: Vec<(PathBuf, bool)> = inputs.iter().cloned().zip(overlapping).collect();
        Self {
            inputs: inputs.into_iter(),
            root: None,
            folders: Vec::new(),
            visited: HashSet::new(),
            queued: Vec::new(),
        }
    }

    fn problem(path: &Path, error: String) -> Walked {
        Walked::Problem {
            path: display_path(path),
            error,
        }
    }

    /// Starts the next input: `None` when there is none, `Some(None)` when it is a folder whose
    /// walk has begun with nothing to say yet.
    fn start_input(&mut self) -> Option<Option<Walked>> {
        let (input, overlaps) = self.inputs.next()?;
        self.folders.clear();
        self.visited.clear();
        self.root = None;
        let metadata = match fs::metadata(&input) {
            Ok(m) => m,
            Err(e) => return Some(Some(Self::problem(&input, describe_open_error(&input, &e)))),
        };
        if metadata.is_dir() {
            let root = match fs::canonicalize(&input) {
                Ok(r) => r,
                Err(e) => {
                    return Some(Some(Self::problem(
                        &input,
                        format!("cannot resolve the folder: {e}"),
                    )))
                }
            };
            self.root = Some((root, overlaps));
            self.enter(&input);
            return Some(self.queued.pop());
        }
        Some(Some(classify(&input, &input, metadata, overlaps)))
    }

    /// Lists a folder and puts it on the stack (or queues why it cannot be).
    fn enter(&mut self, dir: &Path) {
        use std::os::unix::fs::MetadataExt;
        if let Ok(m) = fs::metadata(dir) {
            if !self.visited.insert((m.dev(), m.ino())) {
                self.queued.push(Self::problem(
                    dir,
                    "symlink loop: this folder was already walked; not followed again".into(),
                ));
                return;
            }
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.queued
                    .push(Self::problem(dir, describe_open_error(dir, &e)));
                return;
            }
        };
        let mut listing = Listing::default();
        for entry in entries {
            match entry {
                Ok(entry) => listing.push(&entry.file_name()),
                Err(e) => self.queued.push(Self::problem(
                    dir,
                    format!("cannot list the folder completely: {e}"),
                )),
            }
        }
        listing.sort();
        listing.bytes.shrink_to_fit();
        listing.names.shrink_to_fit();
        self.folders.push(Folder {
            path: dir.to_owned(),
            escapes: listing.any_not_utf8(),
            listing,
            next: 0,
        });
        // Problems are yielded first, in the order found.
        self.queued.reverse();
    }

    /// The next entry of the innermost folder, classified; `None` when the walk of this input
    /// is over.
    fn step(&mut self) -> Option<Walked> {
        let overlaps = self.root.as_ref()?.1;
        loop {
            let folder = self.folders.last_mut()?;
            let Some(name) = folder.listing.name(folder.next) else {
                self.folders.pop();
                continue;
            };
            let path = folder.path.join(name);
            folder.next += 1;
            let may_repeat = overlaps || folder.escapes;
            let link = match fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) => return Some(Self::problem(&path, describe_open_error(&path, &e))),
            };
            if link.file_type().is_symlink() {
                let target = match fs::canonicalize(&path) {
                    Ok(t) => t,
                    Err(e) => return Some(Self::problem(&path, describe_open_error(&path, &e))),
                };
                let inside = self
                    .root
                    .as_ref()
                    .is_some_and(|(root, _)| target.starts_with(root));
                if !inside {
                    return Some(Self::problem(
                        &path,
                        format!(
                            "symlink pointing out of the collection (to `{}`); not followed",
                            target.display()
                        ),
                    ));
                }
                let metadata = match fs::metadata(&target) {
                    Ok(m) => m,
                    Err(e) => return Some(Self::problem(&path, describe_open_error(&path, &e))),
                };
                if metadata.is_dir() {
                    self.enter(&path);
                    if let Some(problem) = self.queued.pop() {
                        return Some(problem);
                    }
                } else {
                    return Some(classify(&target, &path, metadata, may_repeat));
                }
            } else if link.is_dir() {
                self.enter(&path);
                if let Some(problem) = self.queued.pop() {
                    return Some(problem);
                }
            } else {
                return Some(classify(&path, &path, link, may_repeat));
            }
        }
    }
}

impl Iterator for Walk {
    type Item = Walked;

    fn next(&mut self) -> Option<Walked> {
        // A loop, not recursion: a million empty folders named as inputs must not deepen the stack.
        loop {
            if let Some(queued) = self.queued.pop() {
                return Some(queued);
            }
            if let Some(walked) = self.step() {
                return Some(walked);
            }
            if let Some(started) = self.start_input()? {
                return Some(started);
            }
        }
    }
}

/// For each input, whether another input lies inside it, it lies inside another, or it is
/// named twice: then the two may yield the same path. Inputs are compared by their components,
/// as their files' paths are (`dir/` and `dir` overlap).
fn overlapping_inputs(inputs: &[PathBuf]) -> Vec<bool> {
    let mut order: Vec<(Vec<Component<'_>>, usize)> = inputs
        .iter()
        .enumerate()
        .map(|(i, p)| (p.components().collect(), i))
        .collect();
    order.sort();
    let mut overlaps = vec![false; inputs.len()];
    // In sorted order, every input an input lies inside comes before it, and all the inputs
    // between them lie inside that one too: a stack of nested prefixes finds every pair.
    let mut enclosing: Vec<usize> = Vec::new();
    for at in 0..order.len() {
        while let Some(&outer) = enclosing.last() {
            if order[at].0.starts_with(&order[outer].0) {
                break;
            }
            enclosing.pop();
        }
        if !enclosing.is_empty() {
            overlaps[order[at].1] = true;
            for &outer in &enclosing {
                overlaps[order[outer].1] = true;
            }
        }
        enclosing.push(at);
    }
    overlaps
}

fn classify(fs_path: &Path, shown: &Path, metadata: fs::Metadata, may_repeat: bool) -> Walked {
    use std::os::unix::fs::FileTypeExt;
    let file_type = metadata.file_type();
    let reason = if file_type.is_file() {
        let display = display_path(shown);
        return Walked::File(Candidate {
            fs_path: fs_path.to_owned(),
            may_repeat: may_repeat || display.contains("!/"),
            display,
            name_not_utf8: shown.to_str().is_none(),
            size: metadata.len(),
            metadata,
        });
    } else if file_type.is_fifo() {
        "a FIFO (named pipe), not a regular file; not stored"
    } else if file_type.is_socket() {
        "a socket, not a regular file; not stored"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "a device, not a regular file; not stored (image the device to a file first)"
    } else {
        "not a regular file; not stored"
    };
    Walk::problem(shown, reason.into())
}

/// The path as text; bytes that are not UTF-8 are written as `\xNN`.
pub(crate) fn display_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    if let Some(text) = path.to_str() {
        return text.to_owned();
    }
    let mut text = String::new();
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            text.push_str(&format!("\\x{byte:02X}"));
        }
    }
    text
}

pub(crate) fn describe_open_error(path: &Path, e: &io::Error) -> String {
    if e.raw_os_error() == Some(40) {
        return "symlink loop: the link resolves to itself; not followed".into();
    }
    match e.kind() {
        io::ErrorKind::NotFound if fs::symlink_metadata(path).is_ok() => {
            "dangling symlink: its target does not exist".into()
        }
        io::ErrorKind::NotFound => "no such file or folder".into(),
        io::ErrorKind::PermissionDenied => "permission denied: cannot read it".into(),
        _ => format!("cannot read it: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlapping(inputs: &[&str]) -> Vec<bool> {
        let inputs: Vec<PathBuf> = inputs.iter().map(PathBuf::from).collect();
        overlapping_inputs(&inputs)
    }

    #[test]
    fn inputs_inside_one_another_or_named_twice_overlap() {
        assert_eq!(overlapping(&["a", "b", "c/d"]), [false, false, false]);
        assert_eq!(overlapping(&["a", "a/b"]), [true, true]);
        assert_eq!(overlapping(&["a/b", "a"]), [true, true]);
        assert_eq!(overlapping(&["a/", "a"]), [true, true]);
        assert_eq!(overlapping(&["x", "a", "x"]), [true, false, true]);
        // `ab` does not lie inside `a`: components, not characters.
        assert_eq!(overlapping(&["a", "ab"]), [false, false]);
        // An input between two nested ones in sorted order is caught too.
        assert_eq!(
            overlapping(&["a/c/d", "a", "a/b", "z"]),
            [true, true, true, false]
        );
        assert_eq!(overlapping(&["a/b", "a/c"]), [false, false]);
    }

    #[test]
    fn a_walk_yields_files_in_order_and_problems_where_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        fs::create_dir_all(root.join("b/inner")).unwrap();
        fs::write(root.join("a.txt"), b"a").unwrap();
        fs::write(root.join("b/inner/c.txt"), b"c").unwrap();
        fs::write(root.join("b/d.txt"), b"d").unwrap();
        fs::write(dir.path().join("outside.txt"), b"o").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("b/out")).unwrap();
        let walked: Vec<String> = Walk::new(&[root.clone(), dir.path().join("missing")])
            .map(|w| match w {
                Walked::File(c) => {
                    assert!(!c.may_repeat, "{}", c.display);
                    format!("file {}", c.display)
                }
                Walked::Problem { path, .. } => format!("problem {path}"),
            })
            .collect();
        let r = root.display();
        assert_eq!(
            walked,
            [
                format!("file {r}/a.txt"),
                format!("file {r}/b/d.txt"),
                format!("file {r}/b/inner/c.txt"),
                format!("problem {r}/b/out"),
                format!("problem {}/missing", dir.path().display()),
            ]
        );
    }

    #[test]
    fn many_empty_folders_as_inputs_are_walked_without_recursion() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        fs::write(dir.path().join("last.txt"), b"l").unwrap();
        // The old walk recursed once per input that yielded nothing: this overflowed its stack.
        let mut inputs: Vec<PathBuf> = (0..30_000).map(|_| empty.clone()).collect();
        inputs.push(dir.path().join("last.txt"));
        let walked: Vec<Walked> = Walk::new(&inputs).collect();
        assert_eq!(walked.len(), 1);
        assert!(matches!(&walked[0], Walked::File(c) if c.display.ends_with("last.txt")));
    }

    #[test]
    fn paths_that_may_be_shown_twice_are_marked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        fs::create_dir_all(root.join("x.zip!")).unwrap();
        fs::write(root.join("x.zip!/m"), b"m").unwrap();
        fs::write(root.join("plain"), b"p").unwrap();
        let marks: Vec<(String, bool)> = Walk::new(std::slice::from_ref(&root))
            .filter_map(|w| match w {
                Walked::File(c) => Some((c.display, c.may_repeat)),
                Walked::Problem { .. } => None,
            })
            .collect();
        let r = root.display();
        assert_eq!(
            marks,
            [
                (format!("{r}/plain"), false),
                (format!("{r}/x.zip!/m"), true)
            ]
        );
    }
}
