//! Reading a package as it was received: a bag directory, or a ZIP file holding one.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::ZipArchive;

use crate::verify::{Fault, FaultKind};
use crate::zip_members;

/// Why a package cannot be read at all (as opposed to a fault found in it).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path}: not a bag directory nor a readable ZIP file ({message})")]
    NotAPackage { path: String, message: String },
    #[error(
        "{path}: {file} is larger than {limit} bytes; a package's metadata is never that large"
    )]
    TooLarge {
        path: String,
        file: String,
        limit: u64,
    },
    #[error("{path}: no file {file} in the package")]
    Missing { path: String, file: String },
}

/// A received package.
pub enum PackageSource {
    Dir {
        root: PathBuf,
    },
    Zip {
        path: PathBuf,
        archive: Box<ZipArchive<BufReader<File>>>,
        /// The bag's folder inside the ZIP (with its trailing `/`), or empty.
        prefix: String,
    },
}

/// A file found in the package, relative to the bag's root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listed {
    pub path: String,
    /// Why this entry cannot be a valid file of the package (a symbolic link, an unsafe ZIP
    /// name), if so.
    pub problem: Option<String>,
}

impl PackageSource {
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        let meta = fs::metadata(path).map_err(|source| SourceError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            return Ok(Self::Dir {
                root: path.to_owned(),
            });
        }
        let file = File::open(path).map_err(|source| SourceError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let archive =
            ZipArchive::new(BufReader::new(file)).map_err(|e| SourceError::NotAPackage {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        // A zipped bag holds one folder with the bag in it (or, less usually, the bag itself).
        let names: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        let prefix = names
            .iter()
            .find_map(|n| {
                n.strip_suffix("bagit.txt")
                    .filter(|p| p.is_empty() || (p.ends_with('/') && p.matches('/').count() == 1))
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        Ok(Self::Zip {
            path: path.to_owned(),
            archive: Box::new(archive),
            prefix,
        })
    }

    pub fn is_zip(&self) -> bool {
        matches!(self, Self::Zip { .. })
    }

    /// Faults of a zipped package's own structure: a name given to two members, a local header
    /// that disagrees with its central directory entry (`zip_members`), and what the ZIP library
    /// finds besides (members that overlap, local headers the central directory does not list).
    /// None for a directory.
    pub(crate) fn structure_faults(&mut self) -> Vec<Fault> {
        let Self::Zip {
            path,
            archive,
            prefix,
        } = self
        else {
            return Vec::new();
        };
        let mut faults = zip_members::member_faults(
            path,
            archive.central_directory_start(),
            archive.offset(),
            prefix,
        );
        if faults.is_empty() {
            if let Err(e) = archive.validate_header_consistency() {
                faults.push(Fault {
                    file: path.display().to_string(),
                    problem: format!("the ZIP file's headers are inconsistent: {e}"),
                    kind: FaultKind::ZipHeaderMismatch,
                });
            }
        }
        faults
    }

    /// How the package is named in messages.
    pub fn display(&self) -> String {
        match self {
            Self::Dir { root } => root.display().to_string(),
            Self::Zip { path, .. } => path.display().to_string(),
        }
    }

    /// Every file of the package, relative to the bag's root, sorted.
    pub fn files(&mut self) -> Result<Vec<Listed>, SourceError> {
        let mut out = BTreeSet::new();
        match self {
            Self::Dir { root } => {
                let mut stack = vec![root.clone()];
                while let Some(dir) = stack.pop() {
                    let entries = fs::read_dir(&dir).map_err(|source| SourceError::Io {
                        path: dir.display().to_string(),
                        source,
                    })?;
                    for entry in entries {
                        let entry = entry.map_err(|source| SourceError::Io {
                            path: dir.display().to_string(),
                            source,
                        })?;
                        let path = entry.path();
                        let kind = entry.file_type().map_err(|source| SourceError::Io {
                            path: path.display().to_string(),
                            source,
                        })?;
                        let relative = path
                            .strip_prefix(&*root)
                            .unwrap_or(&path)
                            .to_string_lossy()
                            .replace('\\', "/");
                        if kind.is_dir() {
                            stack.push(path);
                        } else if kind.is_file() {
                            out.insert(Listed {
                                path: relative,
                                problem: None,
                            });
                        } else {
                            out.insert(Listed {
                                path: relative,
                                problem: Some(
                                    "not a regular file (a symbolic link or a device)".into(),
                                ),
                            });
                        }
                    }
                }
            }
            Self::Zip {
                archive, prefix, ..
            } => {
                for index in 0..archive.len() {
                    let file = archive.by_index_raw(index).map_err(|e| SourceError::Io {
                        path: format!("ZIP entry {index}"),
                        source: io::Error::other(e.to_string()),
                    })?;
                    let name = match file.name() {
                        Ok(name) => name.into_owned(),
                        Err(_) => {
                            out.insert(Listed {
                                path: format!("<ZIP entry {index}>"),
                                problem: Some("its name is not valid text".into()),
                            });
                            continue;
                        }
                    };
                    if file.is_dir() {
                        continue;
                    }
                    let Some(relative) = name.strip_prefix(prefix.as_str()) else {
                        out.insert(Listed {
                            path: name,
                            problem: Some("outside the bag's folder".into()),
                        });
                        continue;
                    };
                    let problem = (file.enclosed_name().is_none()
                        || relative.split('/').any(|c| c == ".." || c.is_empty()))
                    .then(|| "an unsafe name (absolute, or with `..`)".to_owned());
                    out.insert(Listed {
                        path: relative.to_owned(),
                        problem,
                    });
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// Reads a whole (small) file, refusing more than `limit` bytes.
    pub fn read(&mut self, relative: &str, limit: u64) -> Result<Vec<u8>, SourceError> {
        let shown = self.display();
        let too_large = || SourceError::TooLarge {
            path: shown.clone(),
            file: relative.to_owned(),
            limit,
        };
        let mut bytes = Vec::new();
        self.with_reader(relative, |reader| {
            reader.take(limit + 1).read_to_end(&mut bytes).map(|_| ())
        })?;
        if bytes.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(bytes)
    }

    /// SHA-256 (hex) and size of a file, streamed.
    pub fn hash(&mut self, relative: &str) -> Result<(String, u64), SourceError> {
        let mut result = (String::new(), 0);
        self.with_reader(relative, |reader| {
            result = hash_reader(reader)?;
            Ok(())
        })?;
        Ok(result)
    }

    /// The path of a file on disk, for a directory package (so files can be hashed in
    /// parallel).
    pub fn disk_path(&self, relative: &str) -> Option<PathBuf> {
        match self {
            Self::Dir { root } => Some(root.join(relative)),
            Self::Zip { .. } => None,
        }
    }

    fn with_reader(
        &mut self,
        relative: &str,
        f: impl FnOnce(&mut dyn Read) -> io::Result<()>,
    ) -> Result<(), SourceError> {
        let shown = self.display();
        match self {
            Self::Dir { root } => {
                let path = root.join(relative);
                let meta = fs::symlink_metadata(&path);
                match meta {
                    Ok(m) if m.is_file() => {}
                    Ok(_) => {
                        return Err(SourceError::Missing {
                            path: shown,
                            file: relative.to_owned(),
                        })
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        return Err(SourceError::Missing {
                            path: shown,
                            file: relative.to_owned(),
                        })
                    }
                    Err(source) => {
                        return Err(SourceError::Io {
                            path: path.display().to_string(),
                            source,
                        })
                    }
                }
                let mut file = File::open(&path).map_err(|source| SourceError::Io {
                    path: path.display().to_string(),
                    source,
                })?;
                f(&mut file).map_err(|source| SourceError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
            Self::Zip {
                archive, prefix, ..
            } => {
                let name = format!("{prefix}{relative}");
                let mut file = match archive.by_name(&name) {
                    Ok(file) => file,
                    Err(zip::result::ZipError::FileNotFound) => {
                        return Err(SourceError::Missing {
                            path: shown,
                            file: relative.to_owned(),
                        })
                    }
                    Err(e) => {
                        return Err(SourceError::Io {
                            path: format!("{shown}!/{name}"),
                            source: io::Error::other(e.to_string()),
                        })
                    }
                };
                f(&mut file).map_err(|source| SourceError::Io {
                    path: format!("{shown}!/{name}"),
                    source,
                })
            }
        }
    }
}

pub(crate) fn hash_reader(reader: &mut dyn Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}
