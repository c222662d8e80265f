//! Checking a received package, offline, file by file and proof by proof.
//!
//! Every problem found is a [`Fault`] naming the file it was found in; verification goes on after
//! a fault, so one report lists everything that is wrong. A package verifies only when there is
//! no fault at all.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use base64::Engine as _;
use custodia_ledger::{
    leaf_hash, verify_consistency, verify_inclusion, ConsistencyProof, ConsistencyProofDocument,
    Hash, LedgerVerifier,
};
use serde::Serialize;

use crate::bag::{decode_path, human_size, one_line};
use crate::claims::{claim, claim_digest, parse_salt};
use crate::cover::render_cover;
use crate::entry::{field, Entry};
use crate::format::{
    ItemMetadata, PackageManifest, CHECKPOINT_FILE, COVER_FILE, FORMAT_NAME, FORMAT_VERSION,
    PACKAGE_FILE, VKEY_FILE,
};
use crate::source::{hash_reader, PackageSource, SourceError};

/// Tag files are small; anything larger is refused rather than read into memory.
const TAG_FILE_LIMIT: u64 = 256 << 20;

/// What to check a package against, beyond the package itself.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The holder's verifier key (C2SP `vkey` text), obtained independently of the package.
    pub key: Option<String>,
    /// Without `key`: the person verifying chose to trust the key inside the package. Without
    /// either, the signature is checked against the package's key but reported as not checked
    /// against a trusted key, a fault: anyone who makes a package can sign it with a key of
    /// their own and put that key inside.
    pub trust_package_key: bool,
    /// A newer signed checkpoint of the holder's log, and the consistency proof from the
    /// package's checkpoint to it (the JSON document of `custodia log consistency --json`).
    pub newer_checkpoint: Option<Vec<u8>>,
    pub consistency_proof: Option<Vec<u8>>,
    /// Threads hashing payload files (directory packages); 0 means one per core, at least 8.
    pub threads: usize,
}

/// Which key the checkpoint signature was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    /// A key the person verifying supplied.
    Supplied,
    /// The key inside the package: proves the package is whole and consistent, not who made it.
    Package,
}

/// One named check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

/// One problem, with the file of the package it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fault {
    pub file: String,
    pub problem: String,
    /// What kind of problem it is, by a name that stays the same across versions.
    pub kind: FaultKind,
}

/// The kinds of fault, each with a stable name (`docs/PACKAGE.md`, *Faults*): add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// `bagit.txt` is missing or does not declare BagIt 1.0 (or 0.97) and UTF-8.
    BagDeclaration,
    /// An entry that cannot be a file of a package: a symbolic link, a device, a ZIP name that
    /// is absolute, has `..`, is not text or lies outside the bag's folder.
    UnsafeEntry,
    /// Two members of the ZIP file have the same name.
    ZipDuplicateMember,
    /// A ZIP member's local header disagrees with its central directory entry (name, sizes,
    /// CRC-32, compression), or members overlap or hide outside the central directory.
    ZipHeaderMismatch,
    /// A manifest line that is not `<SHA-256> <path>`, names an unsafe path, or repeats one.
    ManifestLine,
    /// A file listed or required that is not in the package, or cannot be read.
    MissingFile,
    /// A file whose SHA-256 is not the one its manifest lists.
    FileChanged,
    /// A file no manifest covers (added to the package).
    UnlistedFile,
    /// `Payload-Oxum` is not the payload's size and file count.
    PayloadOxum,
    /// `bag-info.txt` says something the package description does not, or repeats or adds a
    /// label.
    BagInfoNotAsReleased,
    /// `custodia/package.json` is not a package description this verifier knows.
    PackageDescription,
    /// A verifier key that cannot be parsed.
    KeyInvalid,
    /// The package carries another key than the one supplied for verification.
    KeyMismatch,
    /// No key was supplied and the package's own was not explicitly trusted: the signature was
    /// not checked against a trusted key.
    KeyNotTrusted,
    /// The checkpoint's signature does not verify, or it is missing.
    CheckpointSignature,
    /// The package names another log or tree size than its checkpoint.
    CheckpointMismatch,
    /// An item of the package description that is inconsistent with its payload or metadata.
    ItemDescription,
    /// A custody record that is not a custody entry of this item, or out of log order.
    CustodyEntry,
    /// A custody entry not proven to be in the signed log.
    InclusionProof,
    /// Disclosed details that are not those their custody entry commits to.
    DetailsMismatch,
    /// No ingest (or redact) entry with its details: the item's provenance is not proven.
    IngestNotDisclosed,
    /// No release entry of this package for the item.
    ReleaseNotLogged,
    /// The package's recipient is not the one its release entries logged.
    RecipientNotAsReleased,
    /// The package's purpose is not the one its release entries logged.
    PurposeNotAsReleased,
    /// The package's or an item's conditions are not those the release entries logged.
    ConditionsNotAsReleased,
    /// The holder named by the package is not the one its release entries logged.
    HolderNotAsReleased,
    /// An item's provenance is not the one its release entry logged.
    ProvenanceNotAsReleased,
    /// An item's size, type, storage time or payload name is not what its release entry logged.
    ItemFactsNotAsReleased,
    /// Who built the package, or when, is not what its release entries logged.
    PackageFactsNotAsReleased,
    /// `cover.html` is not the cover sheet of the package's checked contents.
    CoverSheetNotAsReleased,
    /// A payload file that no item of the package description names.
    PayloadNotDescribed,
    /// The newer checkpoint or the consistency proof does not verify.
    NewerCheckpoint,
}

impl FaultKind {
    /// The kind's stable name, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BagDeclaration => "bag_declaration",
            Self::UnsafeEntry => "unsafe_entry",
            Self::ZipDuplicateMember => "zip_duplicate_member",
            Self::ZipHeaderMismatch => "zip_header_mismatch",
            Self::ManifestLine => "manifest_line",
            Self::MissingFile => "missing_file",
            Self::FileChanged => "file_changed",
            Self::UnlistedFile => "unlisted_file",
            Self::PayloadOxum => "payload_oxum",
            Self::BagInfoNotAsReleased => "bag_info_not_as_released",
            Self::PackageDescription => "package_description",
            Self::KeyInvalid => "key_invalid",
            Self::KeyMismatch => "key_mismatch",
            Self::KeyNotTrusted => "key_not_trusted",
            Self::CheckpointSignature => "checkpoint_signature",
            Self::CheckpointMismatch => "checkpoint_mismatch",
            Self::ItemDescription => "item_description",
            Self::CustodyEntry => "custody_entry",
            Self::InclusionProof => "inclusion_proof",
            Self::DetailsMismatch => "details_mismatch",
            Self::IngestNotDisclosed => "ingest_not_disclosed",
            Self::ReleaseNotLogged => "release_not_logged",
            Self::RecipientNotAsReleased => "recipient_not_as_released",
            Self::PurposeNotAsReleased => "purpose_not_as_released",
            Self::ConditionsNotAsReleased => "conditions_not_as_released",
            Self::HolderNotAsReleased => "holder_not_as_released",
            Self::ProvenanceNotAsReleased => "provenance_not_as_released",
            Self::ItemFactsNotAsReleased => "item_facts_not_as_released",
            Self::PackageFactsNotAsReleased => "package_facts_not_as_released",
            Self::CoverSheetNotAsReleased => "cover_sheet_not_as_released",
            Self::PayloadNotDescribed => "payload_not_described",
            Self::NewerCheckpoint => "newer_checkpoint",
        }
    }
}

impl std::fmt::Display for FaultKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FaultKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyReport {
    pub source: KeySource,
    pub name: String,
    pub key_id: String,
    pub vkey: String,
    /// With a supplied key: whether the package carries the same key.
    pub package_key_matches: Option<bool>,
    /// Whether the key is one the person verifying supplied or explicitly chose to trust; only
    /// then can the package verify.
    pub trusted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckpointReport {
    pub origin: String,
    pub tree_size: u64,
    pub root_hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    pub sha256: String,
    pub payload: String,
    pub size: u64,
    pub ok: bool,
    pub custody_entries: usize,
    pub conditions: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewerCheckpointReport {
    pub tree_size: u64,
    pub root_hash: String,
    pub consistent: bool,
}

/// Everything verification found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub package: String,
    pub package_id: Option<String>,
    pub holder: Option<String>,
    pub recipient: Option<String>,
    pub purpose: Option<String>,
    pub created_at: Option<String>,
    pub conditions: Vec<serde_json::Value>,
    pub key: Option<KeyReport>,
    pub checkpoint: Option<CheckpointReport>,
    pub newer_checkpoint: Option<NewerCheckpointReport>,
    pub items: Vec<ItemReport>,
    pub payload_files: usize,
    pub payload_bytes: u64,
    pub checks: Vec<Check>,
    pub faults: Vec<Fault>,
}

struct Run {
    faults: Vec<Fault>,
    checks: Vec<Check>,
}

impl Run {
    fn fault(&mut self, kind: FaultKind, file: &str, problem: impl Into<String>) {
        self.faults.push(Fault {
            file: file.to_owned(),
            problem: problem.into(),
            kind,
        });
    }
    /// A fault about the package as a whole, found once per item: reported once.
    fn fault_once(&mut self, kind: FaultKind, file: &str, problem: impl Into<String>) {
        if !self.faults.iter().any(|f| f.kind == kind && f.file == file) {
            self.fault(kind, file, problem);
        }
    }
    /// Records a check whose outcome is whether no fault was added since `before`.
    fn check(&mut self, name: &str, before: usize, detail: impl Into<String>) {
        self.checks.push(Check {
            name: name.to_owned(),
            ok: self.faults.len() == before,
            detail: detail.into(),
        });
    }
}

/// Checks the package at `path`. `Err` only when it cannot be read at all; every problem
/// inside it is a fault in the report.
pub fn verify_package(path: &Path, options: &VerifyOptions) -> Result<VerifyReport, SourceError> {
    let mut source = PackageSource::open(path)?;
    let mut run = Run {
        faults: Vec::new(),
        checks: Vec::new(),
    };
    let listed = source.files()?;
    let mut report = VerifyReport {
        ok: false,
        package: source.display(),
        package_id: None,
        holder: None,
        recipient: None,
        purpose: None,
        created_at: None,
        conditions: Vec::new(),
        key: None,
        checkpoint: None,
        newer_checkpoint: None,
        items: Vec::new(),
        payload_files: 0,
        payload_bytes: 0,
        checks: Vec::new(),
        faults: Vec::new(),
    };

    // 1. The bag's declaration, and (in a ZIP) one member per name, described alike twice.
    let before = run.faults.len();
    match source.read("bagit.txt", TAG_FILE_LIMIT) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let fields = parse_fields(&text);
            if !matches!(
                fields.get("BagIt-Version").map(String::as_str),
                Some("1.0" | "0.97")
            ) {
                run.fault(
                    FaultKind::BagDeclaration,
                    "bagit.txt",
                    "no `BagIt-Version: 1.0` line",
                );
            }
            if fields
                .get("Tag-File-Character-Encoding")
                .is_none_or(|e| !e.eq_ignore_ascii_case("UTF-8"))
            {
                run.fault(
                    FaultKind::BagDeclaration,
                    "bagit.txt",
                    "no `Tag-File-Character-Encoding: UTF-8` line",
                );
            }
        }
        Err(e) => run.fault(FaultKind::BagDeclaration, "bagit.txt", missing_or(e)),
    }
    for file in listed.iter().filter(|f| f.problem.is_some()) {
        run.fault(
            FaultKind::UnsafeEntry,
            &file.path,
            file.problem.clone().unwrap_or_default(),
        );
    }
    run.check("bag declaration", before, "bagit.txt says BagIt 1.0, UTF-8");
    if source.is_zip() {
        let before = run.faults.len();
        run.faults.extend(source.structure_faults());
        run.check(
            "ZIP members",
            before,
            "every member named once, its local header saying what the central directory says",
        );
    }

    // 2. Payload manifest: every payload file listed, present and unchanged; nothing added.
    let before = run.faults.len();
    let manifest = read_manifest(&mut source, "manifest-sha256.txt", &mut run);
    let on_disk: BTreeSet<String> = listed
        .iter()
        .filter(|f| f.problem.is_none())
        .map(|f| f.path.clone())
        .collect();
    for path in on_disk.iter().filter(|p| p.starts_with("data/")) {
        if !manifest.contains_key(path) {
            run.fault(
                FaultKind::UnlistedFile,
                path,
                "a payload file the manifest does not list (added to the package)",
            );
        }
    }
    let hashed = hash_payload(&mut source, &manifest, &on_disk, options.threads);
    let mut payload_bytes = 0u64;
    for (path, expected) in &manifest {
        if !path.starts_with("data/") {
            run.fault(
                FaultKind::ManifestLine,
                "manifest-sha256.txt",
                format!("`{path}` is not under data/"),
            );
            continue;
        }
        match hashed.get(path) {
            Some(Ok((actual, size))) => {
                payload_bytes += size;
                if !actual.eq_ignore_ascii_case(expected) {
                    run.fault(
                        FaultKind::FileChanged,
                        path,
                        format!("its SHA-256 is {actual}, the manifest says {expected}: the file was changed"),
                    );
                }
            }
            Some(Err(e)) => run.fault(FaultKind::MissingFile, path, e.clone()),
            None => run.fault(
                FaultKind::MissingFile,
                path,
                "listed in the manifest but missing from the package",
            ),
        }
    }
    report.payload_files = manifest.len();
    report.payload_bytes = payload_bytes;
    run.check(
        "payload manifest",
        before,
        format!(
            "{} payload file(s), {payload_bytes} bytes, each matching manifest-sha256.txt",
            manifest.len()
        ),
    );

    // 3. bag-info.txt's Payload-Oxum (its other labels are checked against the package
    // description below).
    let before = run.faults.len();
    let bag_info = match source.read("bag-info.txt", TAG_FILE_LIMIT) {
        Ok(bytes) => {
            let lines = parse_field_lines(&String::from_utf8_lossy(&bytes));
            let fields: BTreeMap<String, String> = lines.iter().cloned().rev().collect();
            let expected = format!("{payload_bytes}.{}", manifest.len());
            match fields.get("Payload-Oxum") {
                Some(oxum) if *oxum == expected => {}
                Some(oxum) => run.fault(
                    FaultKind::PayloadOxum,
                    "bag-info.txt",
                    format!("Payload-Oxum is {oxum}, the payload is {expected} (bytes.files)"),
                ),
                None => run.fault(
                    FaultKind::PayloadOxum,
                    "bag-info.txt",
                    "no Payload-Oxum line",
                ),
            }
            Some(lines)
        }
        Err(e) => {
            run.fault(FaultKind::MissingFile, "bag-info.txt", missing_or(e));
            None
        }
    };
    run.check("payload size", before, "Payload-Oxum matches the payload");

    // 4. Tag manifest: every tag file listed and unchanged.
    let before = run.faults.len();
    let tags = read_manifest(&mut source, "tagmanifest-sha256.txt", &mut run);
    for (path, expected) in &tags {
        match source.hash(path) {
            Ok((actual, _)) if actual.eq_ignore_ascii_case(expected) => {}
            Ok((actual, _)) => run.fault(
                FaultKind::FileChanged,
                path,
                format!("its SHA-256 is {actual}, the tag manifest says {expected}: the file was changed"),
            ),
            Err(e) => run.fault(FaultKind::MissingFile, path, missing_or(e)),
        }
    }
    for path in on_disk
        .iter()
        .filter(|p| !p.starts_with("data/") && !p.starts_with("tagmanifest-"))
    {
        if !tags.contains_key(path) {
            run.fault(
                FaultKind::UnlistedFile,
                path,
                "a tag file the tag manifest does not cover",
            );
        }
    }
    for required in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        PACKAGE_FILE,
        CHECKPOINT_FILE,
        VKEY_FILE,
        COVER_FILE,
    ] {
        if !tags.contains_key(required) {
            run.fault(
                FaultKind::UnlistedFile,
                "tagmanifest-sha256.txt",
                format!("does not cover {required}"),
            );
        }
    }
    run.check(
        "tag manifest",
        before,
        format!("{} tag file(s) matching tagmanifest-sha256.txt", tags.len()),
    );

    // 5. The package description.
    let before = run.faults.len();
    let package: Option<PackageManifest> = match source.read(PACKAGE_FILE, TAG_FILE_LIMIT) {
        Ok(bytes) => match serde_json::from_slice::<PackageManifest>(&bytes) {
            Ok(p) if p.format != FORMAT_NAME => {
                run.fault(
                    FaultKind::PackageDescription,
                    PACKAGE_FILE,
                    format!("format is `{}`, not `{FORMAT_NAME}`", p.format),
                );
                None
            }
            Ok(p) if p.version != FORMAT_VERSION => {
                run.fault(
                    FaultKind::PackageDescription,
                    PACKAGE_FILE,
                    format!(
                        "format version {} is not one this verifier knows ({FORMAT_VERSION})",
                        p.version
                    ),
                );
                None
            }
            Ok(p) => Some(p),
            Err(e) => {
                run.fault(
                    FaultKind::PackageDescription,
                    PACKAGE_FILE,
                    format!("not a valid package description: {e}"),
                );
                None
            }
        },
        Err(e) => {
            run.fault(FaultKind::MissingFile, PACKAGE_FILE, missing_or(e));
            None
        }
    };
    if let Some(p) = &package {
        report.package_id = Some(p.id.clone());
        report.holder = Some(p.holder.clone());
        report.recipient = p.recipient.clone();
        report.purpose = p.purpose.clone();
        report.created_at = Some(p.created_at.clone());
        report.conditions = p.conditions.clone();
    }
    run.check(
        "package description",
        before,
        "custodia/package.json is a version 1 package",
    );

    // 6. The signed checkpoint, against the supplied key, or the package's own when the person
    // verifying chose to trust it.
    let before = run.faults.len();
    let package_vkey = source
        .read(VKEY_FILE, 64 << 10)
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned());
    if let Err(e) = &package_vkey {
        if options.key.is_none() {
            run.fault(FaultKind::MissingFile, VKEY_FILE, missing_or_ref(e));
        }
    }
    let (vkey, key_source) = match &options.key {
        Some(key) => (Some(key.trim().to_owned()), KeySource::Supplied),
        None => (package_vkey.as_ref().ok().cloned(), KeySource::Package),
    };
    let trusted = key_source == KeySource::Supplied || options.trust_package_key;
    let verifier = vkey
        .as_ref()
        .and_then(|vkey| match LedgerVerifier::from_vkey(vkey) {
            Ok(v) => Some(v),
            Err(e) => {
                let file = if key_source == KeySource::Supplied {
                    "--key"
                } else {
                    VKEY_FILE
                };
                run.fault(
                    FaultKind::KeyInvalid,
                    file,
                    format!("not a verifier key: {e}"),
                );
                None
            }
        });
    if let (Some(v), KeySource::Supplied) = (&verifier, key_source) {
        if let Ok(package_key) = &package_vkey {
            if package_key != v.vkey() {
                run.fault(
                    FaultKind::KeyMismatch,
                    VKEY_FILE,
                    format!("the package carries the key `{package_key}`, not the holder's key supplied for verification"),
                );
            }
        }
    }
    if !trusted {
        run.fault(
            FaultKind::KeyNotTrusted,
            VKEY_FILE,
            "signature not checked against a trusted key: the checkpoint was checked only against \
             the key inside the package, which whoever made the package chose; obtain the \
             holder's key independently and pass it with --key (or, knowingly, trust the \
             package's key with --trust-package-key)",
        );
    }
    if let Some(v) = &verifier {
        report.key = Some(KeyReport {
            source: key_source,
            name: v.name().to_owned(),
            key_id: format!("{:08x}", v.key_id()),
            vkey: v.vkey().to_owned(),
            package_key_matches: (key_source == KeySource::Supplied)
                .then(|| package_vkey.as_ref().is_ok_and(|p| p == v.vkey())),
            trusted,
        });
    }
    let checkpoint = match (source.read(CHECKPOINT_FILE, 64 << 10), &verifier) {
        (Ok(text), Some(v)) => match v.verify(&text) {
            Ok(c) => Some(c),
            Err(e) => {
                run.fault(
                    FaultKind::CheckpointSignature,
                    CHECKPOINT_FILE,
                    format!("the signature does not verify: {e}"),
                );
                None
            }
        },
        (Err(e), _) => {
            run.fault(FaultKind::MissingFile, CHECKPOINT_FILE, missing_or(e));
            None
        }
        (Ok(_), None) => None,
    };
    if let (Some(c), Some(p)) = (&checkpoint, &package) {
        if c.origin() != p.log_origin || c.size() != p.tree_size {
            run.fault(
                FaultKind::CheckpointMismatch,
                PACKAGE_FILE,
                format!(
                    "names log `{}` at size {}, but the checkpoint is of `{}` at size {}",
                    p.log_origin,
                    p.tree_size,
                    c.origin(),
                    c.size()
                ),
            );
        }
    }
    if let Some(c) = &checkpoint {
        report.checkpoint = Some(CheckpointReport {
            origin: c.origin().to_owned(),
            tree_size: c.size(),
            root_hash: b64(&c.root().0),
        });
    }
    run.check(
        "checkpoint signature",
        before,
        match (key_source, trusted) {
            (KeySource::Supplied, _) => "signed by the key supplied for verification",
            (KeySource::Package, true) => {
                "signed by the key inside the package, trusted by choice (--trust-package-key): \
                 this does not prove who signed it"
            }
            (KeySource::Package, false) => {
                "signature not checked against a trusted key (supply the holder's key with --key)"
            }
        },
    );

    // 7. Every item: payload, metadata, custody entries and their proofs, and every claim the
    // package makes about it against what its release entry logged.
    let before = run.faults.len();
    let mut described = BTreeSet::new();
    // Every item's metadata, for the cover sheet; `None` once one cannot be read.
    let mut all_metadata: Option<Vec<ItemMetadata>> = Some(Vec::new());
    if let Some(p) = &package {
        let mut seen = BTreeSet::new();
        for summary in &p.items {
            let item_before = run.faults.len();
            if !seen.insert(summary.sha256.to_ascii_lowercase()) {
                run.fault(
                    FaultKind::ItemDescription,
                    PACKAGE_FILE,
                    format!("item {} is listed twice", summary.sha256),
                );
            }
            described.insert(summary.payload.clone());
            match manifest.get(&summary.payload) {
                Some(hash) if hash.eq_ignore_ascii_case(&summary.sha256) => {}
                Some(hash) => run.fault(
                    FaultKind::ItemDescription,
                    &summary.payload,
                    format!(
                        "the manifest's SHA-256 {hash} is not the item's identity {}",
                        summary.sha256
                    ),
                ),
                None => run.fault(
                    FaultKind::ItemDescription,
                    PACKAGE_FILE,
                    format!(
                        "item {}: its payload {} is not in the manifest",
                        summary.sha256, summary.payload
                    ),
                ),
            }
            if let Some(Ok((_, size))) = hashed.get(&summary.payload) {
                if *size != summary.size {
                    run.fault(
                        FaultKind::ItemDescription,
                        &summary.payload,
                        format!(
                            "{size} bytes, the package description says {}",
                            summary.size
                        ),
                    );
                }
            }
            // A path from package.json is read only inside the package, as a manifest's are.
            let metadata = match unsafe_path(&summary.metadata) {
                true => {
                    run.fault(
                        FaultKind::ItemDescription,
                        PACKAGE_FILE,
                        format!(
                            "item {}: unsafe metadata path `{}`",
                            summary.sha256,
                            summary.metadata.escape_debug()
                        ),
                    );
                    None
                }
                false => match source.read(&summary.metadata, TAG_FILE_LIMIT) {
                    Ok(bytes) => match (
                        serde_json::from_slice::<ItemMetadata>(&bytes),
                        serde_json::from_slice::<serde_json::Value>(&bytes),
                    ) {
                        (Ok(m), Ok(raw)) => Some((m, raw)),
                        (Err(e), _) | (_, Err(e)) => {
                            run.fault(
                                FaultKind::ItemDescription,
                                &summary.metadata,
                                format!("not valid item metadata: {e}"),
                            );
                            None
                        }
                    },
                    Err(e) => {
                        run.fault(FaultKind::MissingFile, &summary.metadata, missing_or(e));
                        None
                    }
                },
            };
            let mut entries = 0;
            let mut conditions = Vec::new();
            match metadata {
                Some((m, raw)) => {
                    if !m.sha256.eq_ignore_ascii_case(&summary.sha256)
                        || m.payload != summary.payload
                        || m.size != summary.size
                    {
                        run.fault(
                            FaultKind::ItemDescription,
                            &summary.metadata,
                            "describes another item than the package description lists here",
                        );
                    }
                    entries = m.custody.len();
                    conditions = m.conditions.clone();
                    check_custody(
                        &mut run,
                        &summary.metadata,
                        &m,
                        &raw,
                        checkpoint.as_ref(),
                        p,
                    );
                    if let Some(list) = &mut all_metadata {
                        list.push(m);
                    }
                }
                None => all_metadata = None,
            }
            report.items.push(ItemReport {
                sha256: summary.sha256.clone(),
                payload: summary.payload.clone(),
                size: summary.size,
                ok: run.faults.len() == item_before,
                custody_entries: entries,
                conditions,
            });
        }
        for path in manifest.keys() {
            if !described.contains(path) {
                run.fault(
                    FaultKind::PayloadNotDescribed,
                    path,
                    "a payload file that no item of the package description names",
                );
            }
        }
    }
    run.check(
        "items and custody proofs",
        before,
        format!(
            "{} item(s): payload hash = identity, every custody entry proven in the checkpoint's tree, \
             this release logged, and the package's holder, conditions and each item's provenance as logged",
            report.items.len()
        ),
    );

    // 8. What people read: bag-info.txt and the cover sheet say what the checked package
    // description and item metadata say, and nothing else.
    let before = run.faults.len();
    if let Some(p) = &package {
        if let Some(lines) = &bag_info {
            check_bag_info(&mut run, lines, p, payload_bytes);
        }
        match (&all_metadata, source.read(COVER_FILE, TAG_FILE_LIMIT)) {
            (Some(items), Ok(cover)) => {
                let vkey = package_vkey
                    .as_ref()
                    .ok()
                    .cloned()
                    .or_else(|| verifier.as_ref().map(|v| v.vkey().to_owned()))
                    .unwrap_or_default();
                let expected = render_cover(p, items, &vkey);
                if cover != expected.as_bytes() {
                    run.fault(
                        FaultKind::CoverSheetNotAsReleased,
                        COVER_FILE,
                        format!(
                            "is not the cover sheet of the package's checked contents: {}",
                            first_difference(&String::from_utf8_lossy(&cover), &expected)
                        ),
                    );
                }
            }
            (_, Err(e)) => run.fault(FaultKind::MissingFile, COVER_FILE, missing_or(e)),
            // An item's metadata could not be read: that fault is reported already.
            (None, Ok(_)) => {}
        }
    }
    run.check(
        "bag-info and cover sheet",
        before,
        "bag-info.txt and cover.html say what the checked package description says",
    );

    // 9. Optionally: the package's checkpoint is a prefix of a newer one from the holder.
    if options.newer_checkpoint.is_some() || options.consistency_proof.is_some() {
        let before = run.faults.len();
        let newer = check_newer(&mut run, options, checkpoint.as_ref(), verifier.as_ref());
        report.newer_checkpoint = newer;
        run.check(
            "consistency with a newer checkpoint",
            before,
            "the package's checkpoint is a prefix of the newer checkpoint's log",
        );
    }

    report.ok = run.faults.is_empty();
    report.checks = run.checks;
    report.faults = run.faults;
    Ok(report)
}

fn check_custody(
    run: &mut Run,
    file: &str,
    item: &ItemMetadata,
    raw: &serde_json::Value,
    checkpoint: Option<&custodia_ledger::SignedCheckpoint>,
    package: &PackageManifest,
) {
    let mut ingest_disclosed = false;
    // A redacted derivative's `redact` entry goes out committed only (its details name the
    // original); its provenance is proven by the release's claims instead.
    let mut redaction_logged = false;
    let mut release_logged = false;
    let mut last_index = None;
    for record in &item.custody {
        let at = format!("custody entry {}", record.index);
        if last_index.is_some_and(|last| record.index <= last) {
            run.fault(
                FaultKind::CustodyEntry,
                file,
                format!("{at}: entries are not in log order"),
            );
        }
        last_index = Some(record.index);
        let Ok(entry) = base64::engine::general_purpose::STANDARD.decode(&record.entry) else {
            run.fault(
                FaultKind::CustodyEntry,
                file,
                format!("{at}: the entry is not base64"),
            );
            continue;
        };
        let fields = match Entry::parse(&entry) {
            Ok(f) => f,
            Err(e) => {
                run.fault(FaultKind::CustodyEntry, file, format!("{at}: {e}"));
                continue;
            }
        };
        // Every opening must open its field's commitment (format 2 entries only have any).
        for (name, opening) in &record.openings {
            let opens = match &fields {
                Entry::V2(e) => e.committed(name).is_some_and(|c| opening.opens(name, c)),
                Entry::V1(_) => false,
            };
            if !opens {
                run.fault(
                    FaultKind::CustodyEntry,
                    file,
                    format!("{at}: the opening of `{name}` is not of the entry's commitment"),
                );
            }
        }
        let about_item = match &fields {
            Entry::V1(e) => e
                .item
                .as_deref()
                .is_some_and(|i| i.eq_ignore_ascii_case(&item.sha256)),
            Entry::V2(_) => fields.states(field::ITEM, &item.sha256, &record.openings),
        };
        if !about_item {
            run.fault(
                FaultKind::CustodyEntry,
                file,
                format!("{at}: the entry is about another item"),
            );
        }
        let mut proof = Vec::with_capacity(record.proof.len());
        for hash in &record.proof {
            match decode_hash(hash) {
                Some(h) => proof.push(h),
                None => {
                    run.fault(
                        FaultKind::InclusionProof,
                        file,
                        format!("{at}: a proof hash is not 32 bytes of base64"),
                    );
                    proof.clear();
                    break;
                }
            }
        }
        if let Some(c) = checkpoint {
            if let Err(e) =
                verify_inclusion(record.index, c.size(), leaf_hash(&entry), &proof, c.root())
            {
                run.fault(
                    FaultKind::InclusionProof,
                    file,
                    format!(
                        "{at} ({} at {}): not in the signed log: {e}",
                        fields.action(),
                        fields.time()
                    ),
                );
            }
        }
        if fields.action() == "redact" {
            redaction_logged = true;
        }
        if let Some(details) = &record.details {
            if !fields.states(field::DETAILS, details, &record.openings) {
                run.fault(
                    FaultKind::DetailsMismatch,
                    file,
                    format!("{at}: its details are not those the log entry commits to"),
                );
                continue;
            }
            match fields.action() {
                // A redacted derivative's `redact` entry is its ingest.
                "ingest" | "redact" => ingest_disclosed = true,
                "release" => {
                    let logged: serde_json::Value =
                        serde_json::from_str(details).unwrap_or_default();
                    if logged.get("package").and_then(|p| p.as_str()) != Some(package.id.as_str()) {
                        continue;
                    }
                    release_logged = true;
                    check_release(run, file, record.index, &logged, package, item, raw);
                }
                _ => {}
            }
        }
    }
    let redacted = item.provenance.iter().any(|p| {
        p.path_in_parent
            .as_deref()
            .is_some_and(|i| i.starts_with("redacted:"))
    });
    let provenance_proven = ingest_disclosed || (redacted && redaction_logged && release_logged);
    if !provenance_proven {
        run.fault(
            FaultKind::IngestNotDisclosed,
            file,
            "no ingest (or redact) entry with its details: the item's provenance is not proven",
        );
    }
    if !release_logged {
        run.fault(
            FaultKind::ReleaseNotLogged,
            file,
            "no release entry for this package: its release is not proven to be logged",
        );
    }
}

/// What the log says was released, by whom, to whom, under which conditions and with which
/// provenance is what the package says: each claim of the package description and of the item's
/// metadata against the details of the item's release entry (`docs/PACKAGE.md`).
fn check_release(
    run: &mut Run,
    file: &str,
    index: u64,
    logged: &serde_json::Value,
    package: &PackageManifest,
    item: &ItemMetadata,
    raw: &serde_json::Value,
) {
    use serde_json::{json, Value};
    let text = |key: &str| logged.get(key).map_or(Value::Null, Value::clone);
    // Recipient, purpose and conditions are in the release details themselves.
    let plain = [
        (
            FaultKind::RecipientNotAsReleased,
            PACKAGE_FILE,
            "recipient",
            "the recipient",
            json!(package.recipient),
        ),
        (
            FaultKind::PurposeNotAsReleased,
            PACKAGE_FILE,
            "purpose",
            "the purpose",
            json!(package.purpose),
        ),
        (
            FaultKind::ConditionsNotAsReleased,
            file,
            "conditions",
            "the conditions",
            raw.get("conditions")
                .cloned()
                .unwrap_or_else(|| json!(item.conditions)),
        ),
    ];
    for (kind, at, key, what, value) in plain {
        if text(key) != value {
            let problem = format!("{what} is not what the release entry {index} logged");
            if at == PACKAGE_FILE {
                run.fault_once(kind, at, problem);
            } else {
                run.fault(kind, at, problem);
            }
        }
    }
    // Every other claim through its salted digest (`claims`). The item's claims are taken as its
    // metadata file holds them, not as this verifier's types read them: a field the types do not
    // know is still a claim someone may read.
    let salt = package.claims_salt.as_deref().and_then(parse_salt);
    let committed = logged.get("claims").and_then(Value::as_object);
    let (Some(salt), Some(committed)) = (salt, committed) else {
        run.fault_once(
            FaultKind::PackageFactsNotAsReleased,
            PACKAGE_FILE,
            format!(
                "the release entry {index} commits to none of the package's claims (holder, \
                 provenance, conditions…), or the package carries no claims_salt: built before \
                 Custodia logged them, the package cannot be checked; ask the holder for a new one"
            ),
        );
        return;
    };
    let claimed = |key: &str, typed: Value| raw.get(key).cloned().unwrap_or(typed);
    let claims: [(FaultKind, &str, &str, &str, Value); 9] = [
        (
            FaultKind::HolderNotAsReleased,
            PACKAGE_FILE,
            claim::HOLDER,
            "the holder",
            json!(package.holder),
        ),
        (
            FaultKind::PackageFactsNotAsReleased,
            PACKAGE_FILE,
            claim::BUILT_BY,
            "who built the package",
            json!(package.built_by),
        ),
        (
            FaultKind::PackageFactsNotAsReleased,
            PACKAGE_FILE,
            claim::CREATED_AT,
            "when the package was built",
            json!(package.created_at),
        ),
        (
            FaultKind::ConditionsNotAsReleased,
            PACKAGE_FILE,
            claim::PACKAGE_CONDITIONS,
            "the package's conditions",
            json!(package.conditions),
        ),
        (
            FaultKind::ProvenanceNotAsReleased,
            file,
            claim::PROVENANCE,
            "the provenance",
            claimed("provenance", json!(item.provenance)),
        ),
        (
            FaultKind::ItemFactsNotAsReleased,
            file,
            claim::SIZE,
            "the size",
            claimed("size", json!(item.size)),
        ),
        (
            FaultKind::ItemFactsNotAsReleased,
            file,
            claim::MIME,
            "the type",
            claimed("mime", json!(item.mime)),
        ),
        (
            FaultKind::ItemFactsNotAsReleased,
            file,
            claim::STORED_AT,
            "the time it was stored",
            claimed("stored_at", json!(item.stored_at)),
        ),
        (
            FaultKind::ItemFactsNotAsReleased,
            file,
            claim::PAYLOAD,
            "the payload file",
            claimed("payload", json!(item.payload)),
        ),
    ];
    for (kind, at, name, what, value) in claims {
        let problem = match committed.get(name).and_then(Value::as_str) {
            None => format!("the release entry {index} does not commit to {what}"),
            Some(digest) if digest.eq_ignore_ascii_case(&claim_digest(&salt, name, &value)) => {
                continue
            }
            Some(_) => format!("{what} is not what the release entry {index} logged"),
        };
        if at == PACKAGE_FILE {
            run.fault_once(kind, at, problem);
        } else {
            run.fault(kind, at, problem);
        }
    }
}

/// bag-info.txt holds exactly the labels the holder writes, each once, with the values the
/// package description implies (RFC 8493 §2.2.2; `docs/PACKAGE.md`).
fn check_bag_info(
    run: &mut Run,
    lines: &[(String, String)],
    package: &PackageManifest,
    payload_bytes: u64,
) {
    let expected: BTreeMap<&str, String> = [
        ("Source-Organization", one_line(&package.holder)),
        (
            "Bagging-Date",
            package
                .created_at
                .get(..10)
                .unwrap_or(&package.created_at)
                .to_owned(),
        ),
        ("External-Identifier", package.id.clone()),
        (
            "External-Description",
            one_line(&format!(
                "Custodia disclosure package for {}",
                package.recipient.as_deref().unwrap_or("no named recipient")
            )),
        ),
        ("Custodia-Package-Format", FORMAT_VERSION.to_string()),
        ("Bag-Size", human_size(payload_bytes)),
    ]
    .into_iter()
    .collect();
    let mut seen = BTreeSet::new();
    for (label, value) in lines {
        if !seen.insert(label.as_str()) {
            run.fault(
                FaultKind::BagInfoNotAsReleased,
                "bag-info.txt",
                format!("`{label}` is given twice"),
            );
            continue;
        }
        match expected.get(label.as_str()) {
            Some(want) if want == value => {}
            Some(want) => run.fault(
                FaultKind::BagInfoNotAsReleased,
                "bag-info.txt",
                format!("{label} is `{value}`, the package description implies `{want}`"),
            ),
            // Checked above.
            None if label == "Payload-Oxum" => {}
            None => run.fault(
                FaultKind::BagInfoNotAsReleased,
                "bag-info.txt",
                format!("`{label}` is not a label the holder writes"),
            ),
        }
    }
    for label in expected.keys() {
        if !seen.contains(label) {
            run.fault(
                FaultKind::BagInfoNotAsReleased,
                "bag-info.txt",
                format!("no {label} line"),
            );
        }
    }
}

/// Where two texts first differ, by line and around the first differing character, for a
/// report a person reads.
fn first_difference(found: &str, expected: &str) -> String {
    // A window of the line around byte `at`, cut at character boundaries.
    let around = |line: &str, at: usize| -> String {
        let mut start = at.saturating_sub(40).min(line.len());
        while !line.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 80).min(line.len());
        while !line.is_char_boundary(end) {
            end += 1;
        }
        format!(
            "{}{}{}",
            if start > 0 { "…" } else { "" },
            &line[start..end],
            if end < line.len() { "…" } else { "" }
        )
    };
    let mut found_lines = found.lines();
    let mut expected_lines = expected.lines();
    for number in 1.. {
        match (found_lines.next(), expected_lines.next()) {
            (Some(f), Some(e)) if f == e => continue,
            (Some(f), Some(e)) => {
                let at = f
                    .bytes()
                    .zip(e.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(f.len().min(e.len()));
                return format!(
                    "line {number} reads `{}` where it should read `{}`",
                    around(f, at),
                    around(e, at)
                );
            }
            (Some(f), None) => return format!("line {number} `{}` is added", around(f, 0)),
            (None, Some(e)) => return format!("line {number} `{}` is missing", around(e, 0)),
            (None, None) => break,
        }
    }
    "the line ends differ".into()
}

fn check_newer(
    run: &mut Run,
    options: &VerifyOptions,
    checkpoint: Option<&custodia_ledger::SignedCheckpoint>,
    verifier: Option<&LedgerVerifier>,
) -> Option<NewerCheckpointReport> {
    let (Some(text), Some(proof)) = (&options.newer_checkpoint, &options.consistency_proof) else {
        run.fault(
            FaultKind::NewerCheckpoint,
            "--newer-checkpoint",
            "a newer checkpoint and a consistency proof go together: give both",
        );
        return None;
    };
    let (Some(old), Some(verifier)) = (checkpoint, verifier) else {
        run.fault(
            FaultKind::NewerCheckpoint,
            "--newer-checkpoint",
            "the package's own checkpoint did not verify",
        );
        return None;
    };
    let newer = match verifier.verify(text) {
        Ok(c) => c,
        Err(e) => {
            run.fault(
                FaultKind::NewerCheckpoint,
                "--newer-checkpoint",
                format!("the signature does not verify: {e}"),
            );
            return None;
        }
    };
    let document: ConsistencyProofDocument = match serde_json::from_slice(proof) {
        Ok(d) => d,
        Err(e) => {
            run.fault(
                FaultKind::NewerCheckpoint,
                "--consistency-proof",
                format!("not the JSON of `custodia log consistency --json`: {e}"),
            );
            return None;
        }
    };
    if document.from != old.size() || document.to != newer.size() {
        run.fault(
            FaultKind::NewerCheckpoint,
            "--consistency-proof",
            format!(
                "proves {} → {}, but the checkpoints are of sizes {} and {}",
                document.from,
                document.to,
                old.size(),
                newer.size()
            ),
        );
    }
    let consistent = match document.to_proof() {
        Ok(ConsistencyProof { hashes, .. }) => {
            match verify_consistency(old.size(), newer.size(), old.root(), newer.root(), &hashes) {
                Ok(()) => true,
                Err(e) => {
                    run.fault(
                        FaultKind::NewerCheckpoint,
                        "--consistency-proof",
                        format!("does not verify: {e}"),
                    );
                    false
                }
            }
        }
        Err(e) => {
            run.fault(
                FaultKind::NewerCheckpoint,
                "--consistency-proof",
                e.to_string(),
            );
            false
        }
    };
    Some(NewerCheckpointReport {
        tree_size: newer.size(),
        root_hash: b64(&newer.root().0),
        consistent,
    })
}

/// Whether a path named inside the package could reach outside it: absolute, or with an
/// empty, `.` or `..` component.
fn unsafe_path(path: &str) -> bool {
    path.starts_with('/')
        || path
            .split('/')
            .any(|c| c == ".." || c == "." || c.is_empty())
}

/// Parses a manifest (`<hex checksum> <path>` lines) into path → checksum, faulting bad lines.
fn read_manifest(
    source: &mut PackageSource,
    name: &str,
    run: &mut Run,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let bytes = match source.read(name, TAG_FILE_LIMIT) {
        Ok(b) => b,
        Err(e) => {
            run.fault(FaultKind::MissingFile, name, missing_or(e));
            return out;
        }
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        run.fault(FaultKind::ManifestLine, name, "not UTF-8 text");
        return out;
    };
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(2, [' ', '\t']);
        let checksum = parts.next().unwrap_or_default();
        let path = parts
            .next()
            .map(|p| p.trim_start_matches([' ', '\t']))
            .unwrap_or_default();
        let path = decode_path(path);
        if checksum.len() != 64
            || !checksum.bytes().all(|b| b.is_ascii_hexdigit())
            || path.is_empty()
        {
            run.fault(
                FaultKind::ManifestLine,
                name,
                format!("line {}: not `<SHA-256> <path>`", number + 1),
            );
            continue;
        }
        if unsafe_path(&path) {
            run.fault(
                FaultKind::ManifestLine,
                name,
                format!("line {}: unsafe path `{path}`", number + 1),
            );
            continue;
        }
        if out
            .insert(path.clone(), checksum.to_ascii_lowercase())
            .is_some()
        {
            run.fault(
                FaultKind::ManifestLine,
                name,
                format!("line {}: `{path}` is listed twice", number + 1),
            );
        }
    }
    out
}

type Hashed = BTreeMap<String, Result<(String, u64), String>>;

/// Hashes every payload file the manifest lists that exists, in parallel for a directory.
fn hash_payload(
    source: &mut PackageSource,
    manifest: &BTreeMap<String, String>,
    present: &BTreeSet<String>,
    threads: usize,
) -> Hashed {
    let paths: Vec<&String> = manifest.keys().filter(|p| present.contains(*p)).collect();
    let disk: Option<Vec<_>> = paths.iter().map(|p| source.disk_path(p)).collect();
    let Some(disk) = disk else {
        return paths
            .into_iter()
            .map(|p| (p.clone(), source.hash(p).map_err(|e| e.to_string())))
            .collect();
    };
    // Reading from a cold disk waits more than it hashes: more readers than cores keep it busy.
    let threads = match threads {
        0 => std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .max(4),
        n => n,
    };
    let hash_one = |index: usize| {
        std::fs::File::open(&disk[index])
            .and_then(|mut f| hash_reader(&mut f as &mut dyn Read))
            .map_err(|e| format!("cannot be read: {e}"))
    };
    if threads <= 1 || paths.len() <= 1 {
        return paths
            .iter()
            .enumerate()
            .map(|(index, path)| ((*path).clone(), hash_one(index)))
            .collect();
    }
    let next = Mutex::new(0usize);
    let results = Mutex::new(Hashed::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(paths.len().max(1)) {
            scope.spawn(|| loop {
                let index = {
                    let mut next = next.lock().unwrap_or_else(|e| e.into_inner());
                    let index = *next;
                    *next += 1;
                    index
                };
                let Some(path) = paths.get(index) else { break };
                let result = hash_one(index);
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert((*path).clone(), result);
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// `Label: value` lines (continuation lines folded in), as in bagit.txt and bag-info.txt; the
/// first value of a repeated label.
fn parse_fields(text: &str) -> BTreeMap<String, String> {
    parse_field_lines(text).into_iter().rev().collect()
}

/// `Label: value` lines in order, repeated labels included, continuation lines folded in.
fn parse_field_lines(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.trim_start_matches('\u{feff}').lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = out.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((label, value)) = line.split_once(':') {
            out.push((label.trim().to_owned(), value.trim().to_owned()));
        }
    }
    out
}

fn decode_hash(text: &str) -> Option<Hash> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    let array: [u8; 32] = bytes.try_into().ok()?;
    Some(Hash(array))
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn missing_or(e: SourceError) -> String {
    missing_or_ref(&e)
}

fn missing_or_ref(e: &SourceError) -> String {
    match e {
        SourceError::Missing { .. } => "missing from the package".into(),
        other => other.to_string(),
    }
}
