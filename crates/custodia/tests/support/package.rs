//! Disclosure packages in tests: the standalone verifier, and a battery of tamperings that
//! `custodia-verify` must each catch and name.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::sha256_hex;

/// The standalone verifier, built beside `custodia` by `cargo build --workspace`.
pub fn verifier() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_custodia")).with_file_name("custodia-verify");
    assert!(
        path.exists(),
        "{} is missing: build the workspace first (`cargo build --workspace`)",
        path.display()
    );
    path
}

pub struct Verified {
    pub code: i32,
    pub report: Value,
}

/// `custodia-verify PACKAGE --json EXTRA…`.
pub fn verify(package: &Path, extra: &[&str]) -> Verified {
    let out = Command::new(verifier())
        .arg(package)
        .arg("--json")
        .args(extra)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "custodia-verify printed no single JSON document ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Verified {
        code: out.status.code().unwrap_or(-1),
        report,
    }
}

/// The faults' files and problems.
pub fn faults(report: &Value) -> Vec<(String, String)> {
    report["faults"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|f| {
                    (
                        f["file"].as_str().unwrap_or("").to_owned(),
                        f["problem"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Tampers with copies of `package` (a directory) in thirteen ways and checks that
/// `custodia-verify --key KEY` refuses each and names the file concerned. `target` is an item of
/// the package that carries the condition `condition`, `other` another item of it; `scratch` is a
/// folder for the copies.
pub fn assert_tampering_caught(
    package: &Path,
    scratch: &Path,
    key: &str,
    target: &str,
    other: &str,
    condition: &str,
) {
    let payload = |dir: &Path| -> PathBuf {
        let folder = dir.join("data").join(target);
        fs::read_dir(&folder)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
    };
    let metadata = |dir: &Path| dir.join(format!("custodia/items/{}.json", target));
    let edit_json = |path: &Path, change: &dyn Fn(&mut Value)| {
        let mut value: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
        change(&mut value);
        fs::write(path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    };
    let reseal = reseal_tag_manifest;
    type Tamper<'a> = (&'a str, Box<dyn Fn(&Path) + 'a>, &'a str);
    let tampers: Vec<Tamper> = vec![
        (
            "a flipped byte in an item",
            Box::new(|d: &Path| {
                let p = payload(d);
                let mut bytes = fs::read(&p).unwrap();
                bytes[0] ^= 1;
                fs::write(&p, bytes).unwrap();
            }),
            "data/",
        ),
        (
            "an item removed",
            Box::new(|d: &Path| fs::remove_file(payload(d)).unwrap()),
            "data/",
        ),
        (
            "a file added to the payload",
            Box::new(|d: &Path| {
                fs::write(d.join("data/planted.txt"), "planted").unwrap();
            }),
            "data/planted.txt",
        ),
        (
            "an item replaced and its manifest line rewritten",
            Box::new(|d: &Path| {
                let p = payload(d);
                fs::write(&p, "forged").unwrap();
                let manifest = fs::read_to_string(d.join("manifest-sha256.txt")).unwrap();
                let forged = sha256_hex(b"forged");
                let rewritten = manifest.replace(target, &forged);
                // Keep the folder name (which is the identity) and change only the checksum.
                let rewritten =
                    rewritten.replace(&format!("data/{forged}"), &format!("data/{}", target));
                fs::write(d.join("manifest-sha256.txt"), rewritten).unwrap();
            }),
            "",
        ),
        (
            "a condition removed (tag manifest resealed)",
            Box::new(|d: &Path| {
                edit_json(&metadata(d), &|m| {
                    m["conditions"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|c| c["kind"] != condition);
                });
                reseal(d);
            }),
            "custodia/items/",
        ),
        (
            "the recipient changed (tag manifest resealed)",
            Box::new(|d: &Path| {
                edit_json(&d.join("custodia/package.json"), &|m| {
                    m["recipient"] = "State X".into()
                });
                reseal(d);
            }),
            "custodia/package.json",
        ),
        (
            "a custody entry altered (tag manifest resealed)",
            Box::new(|d: &Path| {
                edit_json(&metadata(d), &|m| {
                    use base64::Engine as _;
                    let engine = base64::engine::general_purpose::STANDARD;
                    let entry = m["custody"][0]["entry"].as_str().unwrap();
                    let text = String::from_utf8(engine.decode(entry).unwrap()).unwrap();
                    // Backdated by a thousand years: a change to any field, in either entry
                    // format, changes the leaf hash.
                    let forged = text.replacen("\"time\":\"2", "\"time\":\"1", 1);
                    assert_ne!(text, forged);
                    m["custody"][0]["entry"] = engine.encode(forged).into();
                });
                reseal(d);
            }),
            "custodia/items/",
        ),
        (
            "a proof hash altered (tag manifest resealed)",
            Box::new(|d: &Path| {
                edit_json(&metadata(d), &|m| {
                    let last = m["custody"].as_array().unwrap().len() - 1;
                    let proof = m["custody"][last]["proof"].as_array_mut().unwrap();
                    proof[0] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
                });
                reseal(d);
            }),
            "custodia/items/",
        ),
        (
            "the checkpoint edited",
            Box::new(|d: &Path| {
                let path = d.join("custodia/checkpoint.txt");
                let text = fs::read_to_string(&path).unwrap();
                let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
                let size: u64 = lines[1].parse().unwrap();
                lines[1] = (size + 1).to_string();
                fs::write(&path, lines.join("\n") + "\n").unwrap();
                reseal(d);
            }),
            "custodia/checkpoint.txt",
        ),
        (
            "the cover sheet deleted",
            Box::new(|d: &Path| fs::remove_file(d.join("cover.html")).unwrap()),
            "cover.html",
        ),
        (
            "Payload-Oxum edited (tag manifest resealed)",
            Box::new(|d: &Path| {
                let path = d.join("bag-info.txt");
                let text = fs::read_to_string(&path).unwrap();
                let edited: String = text
                    .lines()
                    .map(|l| {
                        if l.starts_with("Payload-Oxum") {
                            "Payload-Oxum: 1.1\n".to_owned()
                        } else {
                            format!("{l}\n")
                        }
                    })
                    .collect();
                fs::write(&path, edited).unwrap();
                reseal(d);
            }),
            "bag-info.txt",
        ),
        (
            "an item struck from the description (tag manifest resealed)",
            Box::new(|d: &Path| {
                edit_json(&d.join("custodia/package.json"), &|m| {
                    m["items"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|i| i["sha256"] != other);
                });
                reseal(d);
            }),
            "data/",
        ),
        (
            "an unlisted tag file added",
            Box::new(|d: &Path| {
                fs::write(d.join("custodia/notes.txt"), "added later").unwrap();
            }),
            "custodia/notes.txt",
        ),
    ];
    assert!(tampers.len() >= 10);
    for (i, (what, tamper, file)) in tampers.iter().enumerate() {
        let copy = scratch.join(format!("tampered-{i}"));
        copy_dir(package, &copy);
        tamper(&copy);
        let result = verify(&copy, &["--key", key]);
        assert_eq!(result.code, 1, "{what}: not caught\n{:#}", result.report);
        assert_eq!(result.report["ok"], false, "{what}");
        let found = faults(&result.report);
        assert!(!found.is_empty(), "{what}: no fault named");
        assert!(
            found.iter().any(|(f, _)| f.starts_with(file)),
            "{what}: no fault names `{file}…`: {found:?}"
        );
    }
}

/// Rewrites the tag manifest to match the tag files as they are now: what an attacker who edits
/// tag files would do, so that only deeper checks can tell.
pub fn reseal_tag_manifest(dir: &Path) {
    let manifest = fs::read_to_string(dir.join("tagmanifest-sha256.txt")).unwrap();
    let resealed: String = manifest
        .lines()
        .map(|line| {
            let path = line.split_once("  ").unwrap().1;
            format!(
                "{}  {path}\n",
                sha256_hex(&fs::read(dir.join(path)).unwrap())
            )
        })
        .collect();
    fs::write(dir.join("tagmanifest-sha256.txt"), resealed).unwrap();
}
