//! The catalog's conformance suite: every test body runs on both back-ends, the embedded
//! SQLite catalog and PostgreSQL. The PostgreSQL runs need a server: `scripts/test-postgres`
//! starts a throw-away one and sets `CUSTODIA_TEST_POSTGRES_URL`; without it they are skipped
//! (and say so).

use custodia_catalog::*;

fn record(sha: &str, key: &str, path: &str) -> IngestRecord {
    IngestRecord {
        item: ItemRow {
            sha256: sha.into(),
            size: 3,
            mime: "text/plain".into(),
            stored_at: "t".into(),
        },
        submission: SubmissionRow {
            id: 0,
            submission_key: key.into(),
            sha256: sha.into(),
            originator: "Originator".into(),
            case_ref: None,
            collected_by: None,
            collected_at: None,
            collection_note: None,
            path: path.into(),
            original_name: path.into(),
            parent_sha256: None,
            path_in_parent: None,
            modified_at: None,
            accessed_at: None,
            created_at: None,
            submitted_at: "t".into(),
            submitted_by: "admin".into(),
        },
        event: NewEvent {
            time: "t".into(),
            actor: "admin".into(),
            action: "ingest".into(),
            item: Some(sha.into()),
            details: "{}".into(),
            entry: format!("entry {sha} {path}").into_bytes(),
        },
    }
}

fn event(action: &str) -> NewEvent {
    NewEvent {
        time: "t".into(),
        actor: "admin".into(),
        action: action.into(),
        item: None,
        details: "{}".into(),
        entry: action.as_bytes().to_vec(),
    }
}

fn ingest_pending_and_logged_events(c: &mut dyn Catalog) {
    assert!(!c.submission_started("k").unwrap());
    let commit = c
        .commit_ingest(&[record("aa", "k", "a"), record("aa", "k2", "a")])
        .unwrap();
    assert_eq!(
        commit.new_items,
        vec![true, false],
        "the second copy is a duplicate"
    );
    assert!(c.submission_started("k").unwrap());
    let pending = commit.pending;
    assert_eq!(pending.len(), 2);
    assert_eq!(c.item_count().unwrap(), 1, "same bytes, one item");
    assert_eq!(c.submissions_of("aa").unwrap().len(), 2, "two submissions");
    assert_eq!(c.pending_events().unwrap(), pending);
    c.mark_logged(&[(pending[0].id, 0), (pending[1].id, 1)])
        .unwrap();
    assert!(c.pending_events().unwrap().is_empty());
    assert!(
        c.mark_logged(&[(pending[0].id, 5)]).is_err(),
        "an event is logged once"
    );
    assert_eq!(c.history("aa").unwrap().len(), 2);
    assert_eq!(c.submitted_item("k", "a").unwrap().as_deref(), Some("aa"));
    assert!(
        c.commit_ingest(&[record("bb", "k", "a")]).is_err(),
        "a path is submitted once per submission"
    );
}

fn access_changes_are_atomic_with_their_events(c: &mut dyn Catalog) {
    let org = |name: &str, kind: &str| {
        AccessChange::AddOrganisation(OrganisationRow {
            name: name.into(),
            kind: kind.into(),
            approved_requester: false,
            created_at: "t".into(),
            created_by: "admin".into(),
        })
    };
    let user = |name: &str, org: &str| {
        AccessChange::AddUser(UserRow {
            name: name.into(),
            organisation: org.into(),
            roles: vec!["custodian".into(), "auditor".into()],
            created_at: "t".into(),
            created_by: "admin".into(),
        })
    };
    let pending = c
        .apply(
            &[org("UN", "holder"), user("ana", "UN")],
            &[event("user_add")],
        )
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        c.user("ana").unwrap().unwrap().roles,
        ["custodian", "auditor"]
    );

    // A user of an unknown organisation fails the whole change, event included.
    let before = c.pending_events().unwrap().len();
    let e = c
        .apply(
            &[org("NL", "requesting_authority"), user("bob", "nowhere")],
            &[event("x")],
        )
        .unwrap_err();
    assert!(matches!(e, CatalogError::Conflict(_)), "{e}");
    assert!(c.organisation("NL").unwrap().is_none(), "rolled back");
    assert_eq!(c.pending_events().unwrap().len(), before);
    // Names are unique.
    assert!(matches!(
        c.apply(&[org("UN", "holder")], &[event("x")]),
        Err(CatalogError::Conflict(_))
    ));

    c.apply(
        &[
            AccessChange::AddCase(CaseRow {
                reference: "C1".into(),
                title: None,
                created_at: "t".into(),
                created_by: "admin".into(),
            }),
            AccessChange::AddCaseMember {
                case_ref: "C1".into(),
                user: "ana".into(),
            },
            AccessChange::SetApprovedRequester {
                organisation: "UN".into(),
                approved: true,
            },
        ],
        &[event("case_add")],
    )
    .unwrap();
    assert_eq!(c.cases_of("ana").unwrap(), ["C1"]);
    assert!(c.organisation("UN").unwrap().unwrap().approved_requester);
    assert!(matches!(
        c.apply(
            &[AccessChange::AddCaseMember {
                case_ref: "C9".into(),
                user: "ana".into()
            }],
            &[]
        ),
        Err(CatalogError::Conflict(_))
    ));

    // Regimes keep their history; consents and releases need the item.
    c.commit_ingest(&[record("aa", "k", "a")]).unwrap();
    assert_eq!(
        c.submission_originator("k").unwrap().as_deref(),
        Some("Originator")
    );
    for regime in ["consent", "restricted"] {
        c.apply(
            &[AccessChange::SetRegime(RegimeRow {
                id: 0,
                submission_key: "k".into(),
                sha256: None,
                regime: regime.into(),
                set_at: "t".into(),
                set_by: "admin".into(),
                reason: None,
            })],
            &[event("regime_set")],
        )
        .unwrap();
    }
    let regimes: Vec<_> = c
        .regimes_of_submission("k")
        .unwrap()
        .into_iter()
        .map(|r| r.regime)
        .collect();
    assert_eq!(regimes, ["consent", "restricted"]);
    let consent = |sha: &str| {
        AccessChange::RecordConsent(ConsentRow {
            id: 0,
            sha256: sha.into(),
            originator: "org".into(),
            recipient: "NL".into(),
            decision: "grant".into(),
            conditions: "[]".into(),
            decided_at: "t".into(),
            decided_by: "liaison".into(),
            reason: None,
        })
    };
    c.apply(&[consent("aa")], &[event("consent")]).unwrap();
    assert_eq!(c.consents_of("aa").unwrap().len(), 1);
    assert!(c.apply(&[consent("zz")], &[event("consent")]).is_err());
    c.apply(
        &[AccessChange::RecordRelease(ReleaseRow {
            id: 0,
            sha256: "aa".into(),
            recipient: "NL".into(),
            package: "p1".into(),
            released_at: "t".into(),
            released_by: "admin".into(),
        })],
        &[event("release")],
    )
    .unwrap();
    assert_eq!(c.releases_of("aa").unwrap()[0].recipient, "NL");
}

fn scans_page_through_large_catalogs(c: &mut dyn Catalog) {
    // More rows than one page of a scan, in several ingest batches.
    let hashes: Vec<String> = (0..2345).map(|i| format!("{:064x}", i * 7919)).collect();
    let mut entries = std::collections::HashMap::new();
    for chunk in hashes.chunks(500) {
        let records: Vec<_> = chunk.iter().map(|h| record(h, "bulk", h)).collect();
        let commit = c.commit_ingest(&records).unwrap();
        // Each pending event is returned with its own id, in the order of the records.
        for (record, pending) in records.iter().zip(&commit.pending) {
            assert_eq!(pending.entry, record.event.entry);
            entries.insert(pending.id, pending.entry.clone());
        }
    }
    c.for_each_event(&mut |e| {
        assert_eq!(
            entries[&e.id], e.entry,
            "event {} holds another's entry",
            e.id
        );
        Ok(())
    })
    .unwrap();
    assert_eq!(c.item_count().unwrap(), 2345);
    let mut seen = Vec::new();
    c.for_each_item(&mut |item| {
        seen.push(item.sha256);
        Ok(())
    })
    .unwrap();
    let mut sorted = hashes.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "every item once, in SHA-256 order");
    let mut ids = Vec::new();
    c.for_each_event(&mut |e| {
        ids.push(e.id);
        Ok(())
    })
    .unwrap();
    assert_eq!(ids.len(), 2345);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "events in id order");
    // A visitor's error ends the scan and is returned as it was.
    let mut visited = 0;
    let e = c
        .for_each_item(&mut |_| {
            visited += 1;
            if visited == 1500 {
                Err(CatalogError::Invalid("stop here".into()))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
    assert!(e.to_string().contains("stop here"));
    assert_eq!(visited, 1500);
    assert_eq!(c.items_of_submission("bulk").unwrap().len(), 2345);
}

fn organisation(name: &str, kind: &str) -> AccessChange {
    AccessChange::AddOrganisation(OrganisationRow {
        name: name.into(),
        kind: kind.into(),
        approved_requester: false,
        created_at: "t".into(),
        created_by: "admin".into(),
    })
}

fn user(name: &str, org: &str) -> AccessChange {
    AccessChange::AddUser(UserRow {
        name: name.into(),
        organisation: org.into(),
        roles: vec!["custodian".into()],
        created_at: "t".into(),
        created_by: "admin".into(),
    })
}

fn requests_and_persons(c: &mut dyn Catalog) {
    c.commit_ingest(&[record("aa", "k", "a"), record("bb", "k", "b")])
        .unwrap();
    c.apply(&[organisation("NL-OM", "requesting_authority")], &[])
        .unwrap();
    let request = |id: &str, authority: &str, filed_at: &str| {
        AccessChange::FileRequest(RequestRow {
            id: id.into(),
            authority: authority.into(),
            filed_by: "prosecutor".into(),
            filed_at: filed_at.into(),
            legal_basis: "MLA treaty".into(),
            case_ref: None,
            description: "{}".into(),
            deadline: Some("2027-01-31".into()),
        })
    };
    c.apply(
        &[
            request("R2", "NL-OM", "2026-02-01"),
            request("R1", "NL-OM", "2026-01-01"),
        ],
        &[event("request_file")],
    )
    .unwrap();
    assert!(
        matches!(
            c.apply(&[request("R3", "Nobody", "t")], &[event("x")]),
            Err(CatalogError::Conflict(_))
        ),
        "the authority must be an organisation"
    );
    assert!(matches!(
        c.apply(&[request("R1", "NL-OM", "t")], &[]),
        Err(CatalogError::Conflict(_))
    ));
    let ids: Vec<_> = c.requests().unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["R1", "R2"], "by filing date");
    assert_eq!(
        c.request("R2").unwrap().unwrap().deadline.as_deref(),
        Some("2027-01-31")
    );
    assert!(c.request("R9").unwrap().is_none());
    for state in ["scoped", "awaiting_consent"] {
        c.apply(
            &[AccessChange::SetRequestState(RequestStateRow {
                id: 0,
                request_id: "R1".into(),
                state: state.into(),
                at: "t".into(),
                by: "custodian".into(),
                note: None,
            })],
            &[],
        )
        .unwrap();
    }
    let states: Vec<_> = c
        .request_states("R1")
        .unwrap()
        .into_iter()
        .map(|s| s.state)
        .collect();
    assert_eq!(states, ["scoped", "awaiting_consent"]);
    let add = |sha: &str| {
        AccessChange::AddRequestItem(RequestItemRow {
            request_id: "R1".into(),
            sha256: sha.into(),
            added_at: "t".into(),
            added_by: "custodian".into(),
        })
    };
    c.apply(&[add("bb"), add("aa"), add("aa")], &[]).unwrap();
    let items: Vec<_> = c
        .request_items("R1")
        .unwrap()
        .into_iter()
        .map(|i| i.sha256)
        .collect();
    assert_eq!(items, ["aa", "bb"], "added once each");
    assert!(matches!(
        c.apply(&[add("zz")], &[]),
        Err(CatalogError::Conflict(_))
    ));

    let person = |p: &str| {
        AccessChange::AddPerson(PersonRow {
            pseudonym: p.into(),
            identity: r#"{"name":"real name"}"#.into(),
            protective_measures: "[]".into(),
            created_at: "t".into(),
            created_by: "admin".into(),
        })
    };
    c.apply(&[person("W-2"), person("W-1")], &[]).unwrap();
    assert!(matches!(
        c.apply(&[person("W-1")], &[]),
        Err(CatalogError::Conflict(_))
    ));
    let names: Vec<_> = c
        .persons()
        .unwrap()
        .into_iter()
        .map(|p| p.pseudonym)
        .collect();
    assert_eq!(names, ["W-1", "W-2"]);
    c.apply(
        &[
            AccessChange::SetPersonScope(PersonScopeRow {
                id: 0,
                pseudonym: "W-1".into(),
                scope: r#"{"share":"none"}"#.into(),
                set_at: "t".into(),
                set_by: "liaison".into(),
            }),
            AccessChange::LinkStatement(StatementLinkRow {
                sha256: "aa".into(),
                pseudonym: "W-1".into(),
                linked_at: "t".into(),
                linked_by: "liaison".into(),
            }),
        ],
        &[],
    )
    .unwrap();
    assert_eq!(c.person_scopes("W-1").unwrap().len(), 1);
    assert_eq!(c.witnesses_of("aa").unwrap()[0].pseudonym, "W-1");
    assert!(c.witnesses_of("bb").unwrap().is_empty());
    assert!(c.person("W-3").unwrap().is_none());
}

fn credentials_and_tokens(c: &mut dyn Catalog) {
    c.apply(&[organisation("UN", "holder"), user("ana", "UN")], &[])
        .unwrap();
    let credential = |phc: &str, step: Option<u64>| {
        AccessChange::SetCredential(CredentialRow {
            user: "ana".into(),
            password_phc: Some(phc.into()),
            totp_secret: None,
            totp_last_step: step,
            updated_at: "t".into(),
        })
    };
    c.apply(&[credential("phc-1", None)], &[]).unwrap();
    c.apply(&[credential("phc-2", Some(56_000_000))], &[])
        .unwrap();
    let stored = c.credential("ana").unwrap().unwrap();
    assert_eq!(stored.password_phc.as_deref(), Some("phc-2"), "replaced");
    assert_eq!(stored.totp_last_step, Some(56_000_000));
    assert!(c.credential("bob").unwrap().is_none());

    for at in [30, 10, 20] {
        c.apply(
            &[AccessChange::RecordLoginFailure {
                user: "ana".into(),
                at,
            }],
            &[],
        )
        .unwrap();
    }
    assert_eq!(c.login_failures("ana").unwrap(), [10, 20, 30]);
    c.apply(&[AccessChange::ClearLoginFailures("ana".into())], &[])
        .unwrap();
    assert!(c.login_failures("ana").unwrap().is_empty());

    let token = |id: &str, created_at: &str| {
        AccessChange::IssueToken(TokenRow {
            id: id.into(),
            user: "ana".into(),
            kind: "api".into(),
            label: Some("laptop".into()),
            hash: format!("hash-of-{id}"),
            created_at: created_at.into(),
            expires_at: Some(1_900_000_000),
            revoked_at: None,
        })
    };
    c.apply(&[token("t2", "2026-02"), token("t1", "2026-01")], &[])
        .unwrap();
    let ids: Vec<_> = c
        .tokens_of("ana")
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, ["t1", "t2"]);
    assert!(matches!(
        c.apply(&[token("t1", "x")], &[]),
        Err(CatalogError::Conflict(_))
    ));
    let revoke = AccessChange::RevokeToken {
        id: "t1".into(),
        at: "later".into(),
    };
    c.apply(std::slice::from_ref(&revoke), &[]).unwrap();
    assert_eq!(
        c.token("t1").unwrap().unwrap().revoked_at.as_deref(),
        Some("later")
    );
    assert!(
        matches!(c.apply(&[revoke], &[]), Err(CatalogError::Conflict(_))),
        "a token is revoked once"
    );
    assert_eq!(
        c.token("t2").unwrap().unwrap().expires_at,
        Some(1_900_000_000)
    );
}

fn identity_decisions_make_clusters(c: &mut dyn Catalog) {
    let decide = |a: &str, b: &str, decision: &str| {
        AccessChange::RecordIdentityDecision(IdentityDecisionRow {
            id: 0,
            left_id: a.into(),
            right_id: b.into(),
            decision: decision.into(),
            note: None,
            decided_at: "t".into(),
            decided_by: "analyst".into(),
        })
    };
    c.apply(
        &[decide("p3", "p2", "confirm"), decide("p2", "p1", "confirm")],
        &[],
    )
    .unwrap();
    let clusters: Vec<_> = c
        .identity_clusters()
        .unwrap()
        .into_iter()
        .map(|m| (m.cluster, m.member))
        .collect();
    assert_eq!(
        clusters,
        [
            ("p1".to_string(), "p1".to_string()),
            ("p1".into(), "p2".into()),
            ("p1".into(), "p3".into())
        ]
    );
    c.apply(&[decide("p2", "p3", "reject")], &[]).unwrap();
    assert_eq!(c.identity_clusters().unwrap().len(), 2, "p3 split off");
    assert_eq!(c.identity_decisions().unwrap().len(), 3);
    assert!(matches!(
        c.apply(&[decide("p1", "p1", "confirm")], &[]),
        Err(CatalogError::Conflict(_))
    ));
    assert!(matches!(
        c.apply(&[decide("p1", "p2", "maybe")], &[]),
        Err(CatalogError::Conflict(_))
    ));
}

fn extractions_and_derived_items(c: &mut dyn Catalog) {
    c.commit_ingest(&[
        record("aa", "k", "a"),
        record("bb", "k", "b"),
        record("cc", "k", "c"),
    ])
    .unwrap();
    let pending: Vec<_> = c
        .items_to_extract(false)
        .unwrap()
        .into_iter()
        .map(|i| i.sha256)
        .collect();
    assert_eq!(pending, ["aa", "bb", "cc"]);
    let derived = |sha: &str, parent: &str, kind: &str| DerivedRow {
        sha256: sha.into(),
        parent_sha256: parent.into(),
        kind: kind.into(),
        name: None,
        method: "pdf-text".into(),
        tool_version: "1.0".into(),
        language: Some("ar".into()),
        size: 12,
        created_at: "t".into(),
    };
    let outcome = |sha: &str, status: &str| ExtractionRow {
        sha256: sha.into(),
        status: status.into(),
        error: (status == "failed").then(|| "corrupt".to_string()),
        attempted_at: "t".into(),
    };
    // A derived item is an item of its own too.
    c.commit_ingest(&[record("dd", "derived", "aa/text")])
        .unwrap();
    let events = c
        .record_extraction(
            &outcome("aa", "done"),
            &[derived("dd", "aa", "text"), derived("dd", "aa", "text")],
            &[event("extract")],
        )
        .unwrap();
    assert_eq!(events.len(), 1);
    c.record_extraction(&outcome("bb", "failed"), &[], &[event("extract_failed")])
        .unwrap();
    assert!(c.is_derived("dd").unwrap());
    assert!(!c.is_derived("aa").unwrap());
    assert_eq!(c.derived_of("aa").unwrap(), [derived("dd", "aa", "text")]);
    assert_eq!(
        c.extraction("bb").unwrap().unwrap().error.as_deref(),
        Some("corrupt")
    );
    assert_eq!(
        c.extraction_counts().unwrap(),
        (1, 1, 2),
        "cc and dd pending"
    );
    let retry: Vec<_> = c
        .items_to_extract(true)
        .unwrap()
        .into_iter()
        .map(|i| i.sha256)
        .collect();
    assert_eq!(retry, ["bb", "cc", "dd"]);
    // A retry replaces the outcome.
    c.record_extraction(&outcome("bb", "done"), &[], &[])
        .unwrap();
    assert_eq!(c.extraction_counts().unwrap(), (2, 0, 2));
    let mut all = Vec::new();
    c.for_each_derived(&mut |d| {
        all.push(d.sha256);
        Ok(())
    })
    .unwrap();
    assert_eq!(all, ["dd"]);

    let first = c.last_event_id(&["extract", "extract_failed"]).unwrap();
    assert!(first > 0);
    assert_eq!(c.last_event_id(&[]).unwrap(), 0);
    assert_eq!(c.last_event_id(&["never"]).unwrap(), 0);
    c.record_events(&[event("regime_set"), event("other"), event("extract")])
        .unwrap();
    let after: Vec<_> = c
        .events_after(first, &["regime_set", "extract"], 10)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(after, ["regime_set", "extract"]);
    let first_only: Vec<_> = c
        .events_after(first, &["regime_set", "extract"], 1)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        first_only,
        ["regime_set"],
        "at most `limit` events, oldest first"
    );
}

fn settings_and_expansion_errors(c: &mut dyn Catalog) {
    assert!(c.meta("vault_id").unwrap().is_none());
    c.set_meta("vault_id", "v1").unwrap();
    c.set_meta("vault_id", "v2").unwrap();
    assert_eq!(c.meta("vault_id").unwrap().as_deref(), Some("v2"));
    c.commit_ingest(&[record("aa", "k", "archive.zip")])
        .unwrap();
    assert!(c.expansion_error("aa").unwrap().is_none());
    c.set_expansion_error("aa", "a member's path leaves the archive")
        .unwrap();
    assert_eq!(
        c.expansion_error("aa").unwrap().as_deref(),
        Some("a member's path leaves the archive")
    );
    assert!(c.expansion_error("zz").unwrap().is_none());
    assert!(c.item("zz").unwrap().is_none());
    assert_eq!(c.item("aa").unwrap().unwrap().size, 3);
    assert!(c.submission(999_999).unwrap().is_none());
    let id = c.submissions_of("aa").unwrap()[0].id;
    assert_eq!(c.submission(id).unwrap().unwrap().path, "archive.zip");
}

fn text_is_ordered_by_bytes(c: &mut dyn Catalog) {
    // Both engines order text byte-wise (no locale), so listings agree between back-ends.
    for name in ["b", "é", "B", "a", "Z"] {
        c.apply(&[organisation(name, "ngo")], &[]).unwrap();
    }
    let names: Vec<_> = c
        .organisations()
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, ["B", "Z", "a", "b", "é"]);
    // Text with a NUL is refused by both engines (PostgreSQL cannot store it), clearly.
    let e = c.set_meta("k", "a\u{0}b").unwrap_err();
    assert!(e.to_string().contains("NUL"), "{e}");
    // Everything else round-trips exactly, entries' bytes included.
    let odd = "شنگال \u{1F600} '\"; DROP TABLE items; --";
    let pending = c
        .record_events(&[NewEvent {
            time: "t".into(),
            actor: odd.into(),
            action: "note".into(),
            item: None,
            details: odd.into(),
            entry: (0..=255u8).collect(),
        }])
        .unwrap();
    let mut found = None;
    c.for_each_event(&mut |e| {
        if e.id == pending[0].id {
            found = Some(e);
        }
        Ok(())
    })
    .unwrap();
    let found = found.unwrap();
    assert_eq!(found.actor, odd);
    assert_eq!(found.entry, (0..=255u8).collect::<Vec<_>>());
}

/// A fresh, empty PostgreSQL database for one test, or `None` (with a note) without a server.
fn postgres_target(test: &str) -> Option<PostgresTarget> {
    let Ok(url) = std::env::var("CUSTODIA_TEST_POSTGRES_URL") else {
        service_missing("postgres", &format!("{test}: skipped on PostgreSQL (CUSTODIA_TEST_POSTGRES_URL is not set; run scripts/test-postgres)"));
        return None;
    };
    let admin = PostgresTarget::parse(&url).unwrap();
    let mut client = admin.config().connect(::postgres::NoTls).unwrap();
    let database = format!("conformance_{test}");
    // One statement per call: several in one string would run as one transaction, which
    // neither statement allows.
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        .unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {database}"))
        .unwrap();
    let base = url.rsplit_once('/').unwrap().0;
    Some(PostgresTarget::parse(&format!("{base}/{database}")).unwrap())
}

fn sequencing_gives_consecutive_positions(c: &mut dyn Catalog) {
    assert_eq!(c.sequence_pending().unwrap(), 0, "nothing pending");
    let first = c
        .record_events(&[event("a"), event("b"), event("c")])
        .unwrap();
    let ids: Vec<i64> = first.iter().map(|p| p.id).collect();
    assert_eq!(c.ledger_positions(&ids).unwrap(), [None, None, None]);
    assert_eq!(c.sequence_pending().unwrap(), 3);
    assert_eq!(
        c.ledger_positions(&ids).unwrap(),
        [Some(0), Some(1), Some(2)]
    );
    assert!(c.pending_events().unwrap().is_empty());
    let more = c.record_events(&[event("d"), event("e")]).unwrap();
    assert_eq!(c.sequence_pending().unwrap(), 2);
    let logged = c.logged_entries(0, 100).unwrap();
    let positions: Vec<u64> = logged.iter().map(|(i, _)| *i).collect();
    assert_eq!(positions, [0, 1, 2, 3, 4]);
    assert_eq!(logged[4].1, more[1].entry);
    assert_eq!(
        c.logged_entries(3, 1).unwrap(),
        [(3, more[0].entry.clone())]
    );
    assert!(c.logged_entries(5, 10).unwrap().is_empty());
}

fn case_analysis_rows(c: &mut dyn Catalog) {
    let item = "ca5e".repeat(16);
    c.commit_ingest(&[record(&item, "case-k", "photo.jpg")])
        .unwrap();
    c.apply(
        &[AccessChange::AddCase(CaseRow {
            reference: "K1".into(),
            title: None,
            created_at: "t".into(),
            created_by: "admin".into(),
        })],
        &[event("case_add")],
    )
    .unwrap();
    let link = |number: u64, element: &str| CaseLinkRow {
        case_ref: "K1".into(),
        number,
        element: element.into(),
        sha256: item.clone(),
        assessment: "supports".into(),
        strength: "strong".into(),
        charge: None,
        incident: Some("I1".into()),
        excerpt: Some("behind the school".into()),
        page: Some(3),
        time_range: None,
        note: None,
        created_at: "t".into(),
        created_by: "ana".into(),
    };
    let facts = |title: &str| CaseItemRow {
        case_ref: "K1".into(),
        sha256: item.clone(),
        facts: format!(r#"{{"title":"{title}"}}"#),
    };
    c.apply(
        &[
            AccessChange::ImportCrimes(CrimeImportRow {
                id: 0,
                edition: "Wet internationale misdrijven".into(),
                body: "{}".into(),
                imported_at: "t".into(),
                imported_by: "admin".into(),
            }),
            AccessChange::AddCharge(CaseChargeRow {
                case_ref: "K1".into(),
                number: 1,
                crime: "7(1)(a)".into(),
                title: "Murder".into(),
                suspect: Some("Abu Example".into()),
                mode_of_liability: None,
                elements: "[]".into(),
                created_at: "t".into(),
                created_by: "ana".into(),
            }),
            AccessChange::AddIncident(CaseIncidentRow {
                case_ref: "K1".into(),
                number: 1,
                body: r#"{"incident":"I1"}"#.into(),
                created_at: "t".into(),
                created_by: "ana".into(),
            }),
            AccessChange::AddLink {
                link: link(1, "7(1)(a)/1"),
                item: facts("old"),
            },
            AccessChange::AddLink {
                link: link(2, "7(1)(a)/2"),
                item: facts("photo.jpg"),
            },
        ],
        &[event("case_charge_add")],
    )
    .unwrap();
    // A taken number, an unknown case and an unknown item each fail the whole transaction.
    for change in [
        AccessChange::AddLink {
            link: link(2, "7(1)(a)/3"),
            item: facts("x"),
        },
        AccessChange::AddLink {
            link: CaseLinkRow {
                case_ref: "nowhere".into(),
                ..link(9, "7(1)(a)/3")
            },
            item: facts("x"),
        },
        AccessChange::AddLink {
            link: CaseLinkRow {
                sha256: "0".repeat(64),
                ..link(9, "7(1)(a)/3")
            },
            item: facts("x"),
        },
    ] {
        let error = c.apply(&[change], &[event("case_link")]).unwrap_err();
        assert!(matches!(error, CatalogError::Conflict(_)), "{error}");
    }
    let rows = c.case_analysis("K1").unwrap();
    assert_eq!(rows.charges.len(), 1);
    assert_eq!(rows.charges[0].suspect.as_deref(), Some("Abu Example"));
    assert_eq!(rows.incidents[0].body, r#"{"incident":"I1"}"#);
    assert_eq!(
        rows.links,
        [link(1, "7(1)(a)/1").into(), link(2, "7(1)(a)/2").into()]
    );
    assert_eq!(
        rows.items,
        [facts("photo.jpg")],
        "facts refreshed by the later link"
    );
    assert_eq!(c.links_of_item(&item).unwrap().len(), 2);
    // The access facts' rows of every linked item at once: what the per-item reads give.
    let access = c.case_access_rows("K1").unwrap();
    assert_eq!(access.items, std::slice::from_ref(&item));
    let submissions = c.submissions_of(&item).unwrap();
    assert!(!submissions.is_empty());
    assert_eq!(access.submissions, submissions);
    let mut regimes: Vec<RegimeRow> = submissions
        .iter()
        .flat_map(|s| c.regimes_of_submission(&s.submission_key).unwrap())
        .collect();
    regimes.sort_by_key(|r| r.id);
    regimes.dedup();
    assert_eq!(access.regimes, regimes);
    assert_eq!(access.consents, c.consents_of(&item).unwrap());
    assert_eq!(access.releases, c.releases_of(&item).unwrap());
    assert_eq!(access.witnesses, c.witnesses_of(&item).unwrap());
    assert_eq!(
        c.case_access_rows("other").unwrap(),
        CaseAccessRows::default()
    );

    let remove = |number| AccessChange::RemoveLink {
        case_ref: "K1".into(),
        number,
        at: "t2".into(),
        by: "ana".into(),
    };
    c.apply(&[remove(1)], &[event("case_unlink")]).unwrap();
    assert!(matches!(
        c.apply(&[remove(1)], &[event("case_unlink")]),
        Err(CatalogError::Conflict(_))
    ));
    assert_eq!(
        c.case_analysis("K1").unwrap().links,
        [link(2, "7(1)(a)/2").into()]
    );
    assert_eq!(
        c.case_numbers("K1").unwrap(),
        CaseNumbers {
            charges: 1,
            incidents: 1,
            links: 2
        },
        "a removed link keeps its number"
    );
    assert_eq!(c.case_numbers("other").unwrap(), CaseNumbers::default());
    let imports = c.crime_imports().unwrap();
    assert_eq!(imports.len(), 1);
    assert!(imports[0].id > 0);
}

fn victim_register_rows(c: &mut dyn Catalog) {
    let person = |p: &str| {
        AccessChange::AddPerson(PersonRow {
            pseudonym: p.into(),
            identity: "{}".into(),
            protective_measures: "[]".into(),
            created_at: "t".into(),
            created_by: "vso".into(),
        })
    };
    let case = |r: &str| {
        AccessChange::AddCase(CaseRow {
            reference: r.into(),
            title: None,
            created_at: "t".into(),
            created_by: "admin".into(),
        })
    };
    c.apply(&[person("V-1"), person("V-2"), case("VC"), case("VD")], &[])
        .unwrap();
    let contact = |p: &str, sealed: &[u8]| {
        AccessChange::SetPersonContact(PersonContactRow {
            id: 0,
            pseudonym: p.into(),
            sealed: sealed.to_vec(),
            set_at: "t".into(),
            set_by: "vso".into(),
        })
    };
    let link = |p: &str, case: &str, role: &str, on: &str| {
        AccessChange::LinkPersonCase(PersonCaseRow {
            pseudonym: p.into(),
            case_ref: case.into(),
            role: role.into(),
            linked_on: on.into(),
            linked_at: "t".into(),
            linked_by: "vso".into(),
        })
    };
    let milestone = |case: &str, number: u64, date: &str| {
        AccessChange::AddMilestone(MilestoneRow {
            case_ref: case.into(),
            number,
            kind: "charged".into(),
            date: date.into(),
            public_text: format!("told {number}"),
            created_at: "t".into(),
            created_by: "ana".into(),
        })
    };
    c.apply(
        &[
            contact("V-1", b"\x00first"),
            contact("V-1", b"\x01second"),
            contact("V-2", b"other"),
            link("V-1", "VC", "victim", "2026-01-05"),
            link("V-2", "VD", "witness", "2026-02-01"),
            milestone("VC", 2, "2026-03-20"),
            milestone("VC", 1, "2026-03-02"),
            milestone("VD", 1, "2026-04-10"),
        ],
        &[event("person_contact_set")],
    )
    .unwrap();
    // Linked again: the role changes, the first day stays.
    c.apply(&[link("V-1", "VC", "victim_witness", "2026-06-01")], &[])
        .unwrap();
    // Unknown persons or cases, a taken milestone number and an unknown role are refused.
    for bad in [
        link("V-9", "VC", "victim", "2026-01-01"),
        link("V-1", "VZ", "victim", "2026-01-01"),
        link("V-1", "VD", "suspect", "2026-01-01"),
        milestone("VC", 1, "2026-05-01"),
        contact("V-9", b"x"),
    ] {
        assert!(c.apply(&[bad], &[event("x")]).is_err());
    }
    c.apply(
        &[
            AccessChange::RecordInfoRequest(InfoRequestRow {
                id: 0,
                pseudonym: "V-1".into(),
                case_ref: "VC".into(),
                date: "2026-03-25".into(),
                sealed: b"sealed request".to_vec(),
                recorded_at: "t".into(),
                recorded_by: "vso".into(),
            }),
            AccessChange::RecordNotice(NoticeRow {
                id: 0,
                pseudonym: "V-1".into(),
                case_ref: "VC".into(),
                channel: "letter".into(),
                sent_on: "2026-03-27".into(),
                covers: r#"["milestone"]"#.into(),
                via: "recorded".into(),
                told: r#"{"milestones": [1], "requests": []}"#.into(),
                letter: Some(vec![0, 1, 2, 255]),
                recorded_at: "t".into(),
                recorded_by: "vso".into(),
            }),
            AccessChange::RecordNotice(NoticeRow {
                id: 0,
                pseudonym: "V-2".into(),
                case_ref: "VD".into(),
                channel: "phone".into(),
                sent_on: "2026-04-11".into(),
                covers: "[]".into(),
                via: "recorded".into(),
                told: r#"{"milestones": [], "requests": []}"#.into(),
                letter: None,
                recorded_at: "t".into(),
                recorded_by: "vso".into(),
            }),
        ],
        &[event("notice_record")],
    )
    .unwrap();

    let one = c.victim_rows(Some("V-1")).unwrap();
    assert_eq!(one.contacts.len(), 1);
    assert_eq!(
        one.contacts[0].sealed, b"\x01second",
        "the latest contact row is in force"
    );
    assert_eq!(one.links.len(), 1);
    assert_eq!(one.links[0].role, "victim_witness");
    assert_eq!(one.links[0].linked_on, "2026-01-05");
    let numbers: Vec<(String, u64)> = one
        .milestones
        .iter()
        .map(|m| (m.case_ref.clone(), m.number))
        .collect();
    assert_eq!(numbers, [("VC".to_string(), 1), ("VC".to_string(), 2)]);
    assert_eq!(one.requests.len(), 1);
    assert_eq!(one.requests[0].sealed, b"sealed request");
    assert!(one.requests[0].id > 0);
    assert_eq!(one.notices.len(), 1);
    assert_eq!(
        one.notices[0].letter, None,
        "letters are read one at a time"
    );
    assert_eq!(
        c.notice_letter(one.notices[0].id).unwrap(),
        Some(vec![0, 1, 2, 255])
    );
    let all = c.victim_rows(None).unwrap();
    assert_eq!(all.contacts.len(), 2);
    assert_eq!(all.links.len(), 2);
    assert_eq!(all.milestones.len(), 3);
    assert_eq!(all.notices.len(), 2);
    assert_eq!(c.notice_letter(all.notices[1].id).unwrap(), None);
    assert_eq!(c.case_milestones("VD").unwrap().len(), 1);
    assert!(c.victim_rows(Some("nobody")).unwrap().links.is_empty());
    assert_eq!(c.victim_rows(Some("")).unwrap(), VictimRows::default());
    assert_eq!(
        one.notices[0].told,
        r#"{"milestones": [1], "requests": []}"#
    );
}

fn harm_report_rows(c: &mut dyn Catalog) {
    let item = "4a2a".repeat(16);
    c.commit_ingest(&[record(&item, "harm-k", "HR-1/report.json")])
        .unwrap();
    let report = |reference: &str, contact: Option<Vec<u8>>| {
        AccessChange::AddHarmReport(HarmReportRow {
            reference: reference.into(),
            sha256: item.clone(),
            attachments: "[]".into(),
            received_at: format!("2026-03-0{}T10:00:00Z", reference.len() % 9),
            sealed: vec![1, 2, 3],
            contact,
        })
    };
    c.apply(
        &[report("HR-A", Some(vec![9, 9])), report("HR-BB", None)],
        &[event("harm_report")],
    )
    .unwrap();
    let assess = |reference: &str, status: &str| {
        AccessChange::AssessHarmReport(HarmAssessmentRow {
            id: 0,
            reference: reference.into(),
            status: status.into(),
            duplicate_of: None,
            killed: Some(3),
            injured: None,
            area: Some("Mosul West".into()),
            date: Some("2026-03-01".into()),
            public_summary: None,
            note: Some(vec![7]),
            assessed_at: "t".into(),
            assessed_by: "assessor".into(),
        })
    };
    c.apply(
        &[assess("HR-A", "credible"), assess("HR-A", "not_credible")],
        &[],
    )
    .unwrap();
    // An unknown report, an unknown outcome and a taken reference are refused.
    for bad in [
        assess("HR-Z", "credible"),
        assess("HR-A", "maybe"),
        report("HR-A", None),
    ] {
        assert!(c.apply(&[bad], &[event("x")]).is_err());
    }
    c.apply(
        &[AccessChange::AddMonitorCount(MonitorCountRow {
            id: 0,
            source: "Airwars".into(),
            date: "2026-03-02".into(),
            area: "Mosul".into(),
            killed_min: 5,
            killed_max: 9,
            reference: None,
            imported_at: "t".into(),
            imported_by: "assessor".into(),
        })],
        &[],
    )
    .unwrap();
    let reports = c.harm_reports().unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].contact, Some(vec![9, 9]));
    assert_eq!(reports[1].contact, None);
    let assessments = c.harm_assessments().unwrap();
    let statuses: Vec<&str> = assessments.iter().map(|a| a.status.as_str()).collect();
    assert_eq!(statuses, ["credible", "not_credible"]);
    assert_eq!(assessments[0].killed, Some(3));
    assert_eq!(assessments[0].injured, None);
    assert_eq!(assessments[0].note, Some(vec![7]));
    let counts = c.monitor_counts().unwrap();
    assert_eq!((counts[0].killed_min, counts[0].killed_max), (5, 9));
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let mut c = custodia_catalog::SqliteCatalog::open(&dir.path().join("c.db"), &[1; 32]).unwrap();
                    super::$name(&mut c);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    let Some(target) = super::postgres_target(stringify!($name)) else { return };
                    let mut c = custodia_catalog::PostgresCatalog::connect(&target).unwrap();
                    super::$name(&mut c);
                }
            )*
        }
    };
}

on_both_backends!(
    ingest_pending_and_logged_events,
    access_changes_are_atomic_with_their_events,
    scans_page_through_large_catalogs,
    requests_and_persons,
    credentials_and_tokens,
    identity_decisions_make_clusters,
    extractions_and_derived_items,
    settings_and_expansion_errors,
    text_is_ordered_by_bytes,
    sequencing_gives_consecutive_positions,
    case_analysis_rows,
    victim_register_rows,
    harm_report_rows,
);

#[test]
fn servers_sequencing_at_once_keep_one_gap_free_log() {
    let Some(target) = postgres_target("sequencing") else {
        return;
    };
    drop(PostgresCatalog::connect(&target).unwrap());
    // Four servers record and sequence events at the same time.
    let threads: Vec<_> = (0..4)
        .map(|server| {
            let target = target.clone();
            std::thread::spawn(move || {
                let mut c = PostgresCatalog::connect(&target).unwrap();
                for round in 0..25 {
                    let events: Vec<_> = (0..8)
                        .map(|i| event(&format!("s{server}-r{round}-e{i}")))
                        .collect();
                    c.record_events(&events).unwrap();
                    c.sequence_pending().unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let c = PostgresCatalog::connect(&target).unwrap();
    let logged = c.logged_entries(0, 10_000).unwrap();
    assert_eq!(logged.len(), 4 * 25 * 8);
    assert!(
        logged
            .iter()
            .enumerate()
            .all(|(i, (at, _))| *at == i as u64),
        "positions 0..n without a gap or a repeat"
    );
    assert!(c.pending_events().unwrap().is_empty());
}

// PostgreSQL only: what several servers sharing one database rely on.

#[test]
fn servers_starting_together_migrate_once() {
    let Some(target) = postgres_target("migrate_once") else {
        return;
    };
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let target = target.clone();
            std::thread::spawn(move || {
                PostgresCatalog::connect(&target)
                    .unwrap()
                    .schema_version()
                    .unwrap()
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), latest_schema_version());
    }
}

#[test]
fn a_dropped_connection_is_opened_again() {
    let Some(target) = postgres_target("reconnect") else {
        return;
    };
    let mut c = PostgresCatalog::connect(&target).unwrap();
    c.set_meta("k", "v").unwrap();
    // The server ends the catalog's session, as a restart or a fail-over would.
    let mut admin = target.config().connect(::postgres::NoTls).unwrap();
    let ended = admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = 'custodia' AND datname = 'conformance_reconnect'
               AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    assert_eq!(ended, 1);
    // The next statement outside a transaction goes through on a new connection.
    assert_eq!(c.meta("k").unwrap().as_deref(), Some("v"));
    c.set_meta("k", "w").unwrap();
    assert_eq!(c.meta("k").unwrap().as_deref(), Some("w"));
}

/// Everything a catalog answers about the rows the tests above make, for comparing two copies.
fn snapshot(c: &dyn Catalog) -> String {
    let mut out = String::new();
    c.for_each_item(&mut |i| {
        out += &format!(
            "{i:?}\n{:?}\n{:?}\n{:?}\n",
            c.submissions_of(&i.sha256)?,
            c.history(&i.sha256)?,
            c.derived_of(&i.sha256)?
        );
        out += &format!(
            "{:?}{:?}{:?}\n",
            c.consents_of(&i.sha256)?,
            c.releases_of(&i.sha256)?,
            c.witnesses_of(&i.sha256)?
        );
        Ok(())
    })
    .unwrap();
    out += &format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n",
        c.organisations().unwrap(),
        c.users().unwrap(),
        c.cases().unwrap(),
        c.requests().unwrap(),
        c.persons().unwrap(),
        c.identity_decisions().unwrap(),
        c.identity_clusters().unwrap(),
        c.pending_events().unwrap(),
    );
    for r in c.requests().unwrap() {
        out += &format!(
            "{:?}{:?}\n",
            c.request_states(&r.id).unwrap(),
            c.request_items(&r.id).unwrap()
        );
    }
    out += &format!(
        "{:?}{:?}\n",
        c.tokens_of("ana").unwrap(),
        c.credential("ana").unwrap()
    );
    out += &format!("{:?}\n", c.regimes_of_submission("k").unwrap());
    out += &format!(
        "{:?}{:?}\n",
        c.case_analysis("K1").unwrap(),
        c.crime_imports().unwrap()
    );
    out += &format!(
        "{:?}{:?}{:?}\n",
        c.harm_reports().unwrap(),
        c.harm_assessments().unwrap(),
        c.monitor_counts().unwrap()
    );
    let victims = c.victim_rows(None).unwrap();
    out += &format!("{victims:?}\n");
    for notice in &victims.notices {
        out += &format!("{:?}\n", c.notice_letter(notice.id).unwrap());
    }
    out
}

fn fill(c: &mut dyn Catalog) {
    c.set_meta("vault_id", "v-copy").unwrap();
    access_changes_are_atomic_with_their_events(c);
    case_analysis_rows(c);
    victim_register_rows(c);
    harm_report_rows(c);
    identity_decisions_make_clusters(c);
    c.commit_ingest(&[record("dd", "derived", "aa/text")])
        .unwrap();
    c.apply(
        &[
            AccessChange::FileRequest(RequestRow {
                id: "R1".into(),
                authority: "UN".into(),
                filed_by: "prosecutor".into(),
                filed_at: "t".into(),
                legal_basis: "treaty".into(),
                case_ref: Some("C1".into()),
                description: "{}".into(),
                deadline: None,
            }),
            AccessChange::SetRequestState(RequestStateRow {
                id: 0,
                request_id: "R1".into(),
                state: "scoped".into(),
                at: "t".into(),
                by: "ana".into(),
                note: Some("two items".into()),
            }),
            AccessChange::AddRequestItem(RequestItemRow {
                request_id: "R1".into(),
                sha256: "aa".into(),
                added_at: "t".into(),
                added_by: "ana".into(),
            }),
            AccessChange::AddPerson(PersonRow {
                pseudonym: "W-1".into(),
                identity: "{}".into(),
                protective_measures: "[]".into(),
                created_at: "t".into(),
                created_by: "ana".into(),
            }),
            AccessChange::SetPersonScope(PersonScopeRow {
                id: 0,
                pseudonym: "W-1".into(),
                scope: "{}".into(),
                set_at: "t".into(),
                set_by: "ana".into(),
            }),
            AccessChange::LinkStatement(StatementLinkRow {
                sha256: "aa".into(),
                pseudonym: "W-1".into(),
                linked_at: "t".into(),
                linked_by: "ana".into(),
            }),
            AccessChange::SetCredential(CredentialRow {
                user: "ana".into(),
                password_phc: Some("phc".into()),
                totp_secret: Some("BASE32".into()),
                totp_last_step: Some(7),
                updated_at: "t".into(),
            }),
            AccessChange::RecordLoginFailure {
                user: "ana".into(),
                at: 99,
            },
            AccessChange::IssueToken(TokenRow {
                id: "t1".into(),
                user: "ana".into(),
                kind: "api".into(),
                label: None,
                hash: "h".into(),
                created_at: "t".into(),
                expires_at: None,
                revoked_at: None,
            }),
        ],
        &[event("request_file")],
    )
    .unwrap();
    let outcome = |sha: &str| ExtractionRow {
        sha256: sha.into(),
        status: "done".into(),
        error: None,
        attempted_at: "t".into(),
    };
    c.record_extraction(
        &outcome("aa"),
        &[DerivedRow {
            sha256: "dd".into(),
            parent_sha256: "aa".into(),
            kind: "text".into(),
            name: None,
            method: "plain".into(),
            tool_version: "1".into(),
            language: None,
            size: 3,
            created_at: "t".into(),
        }],
        &[event("extract")],
    )
    .unwrap();
    c.record_extraction(&outcome("dd"), &[], &[]).unwrap();
    let hashes: Vec<String> = (0..4321).map(|i| format!("{:064x}", i * 104_729)).collect();
    for chunk in hashes.chunks(1000) {
        let records: Vec<_> = chunk.iter().map(|h| record(h, "bulk", h)).collect();
        c.commit_ingest(&records).unwrap();
    }
}

#[test]
fn a_catalog_copies_between_engines_and_resumes() {
    let Some(target) = postgres_target("copy") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite = SqliteCatalog::open(&dir.path().join("c.db"), &[1; 32]).unwrap();
    fill(&mut sqlite);
    let mut postgres = PostgresCatalog::connect(&target).unwrap();
    let report = sqlite.copy_into(&mut postgres, &mut |_, _| {}).unwrap();
    let events = report.tables.iter().find(|t| t.table == "events").unwrap();
    assert!(
        events.rows > 4321 && events.copied == events.rows,
        "{report:?}"
    );
    assert_eq!(snapshot(&sqlite), snapshot(&postgres));

    // Interrupted: the target lacks the tail of some tables; a second run copies just that.
    let mut admin = target.config().connect(::postgres::NoTls).unwrap();
    admin
        .batch_execute(
            "DELETE FROM derived; DELETE FROM extractions;
             DELETE FROM events WHERE id > (SELECT max(id) - 700 FROM events)",
        )
        .unwrap();
    let again = sqlite.copy_into(&mut postgres, &mut |_, _| {}).unwrap();
    let copied: u64 = again.tables.iter().map(|t| t.copied).sum();
    assert_eq!(copied, 700 + 1 + 2, "only what was missing: {again:?}");
    assert_eq!(snapshot(&sqlite), snapshot(&postgres));

    // New rows get new ids after the copied ones, on the copy.
    let next = postgres.record_events(&[event("after_copy")]).unwrap();
    let last = sqlite.record_events(&[event("after_copy")]).unwrap();
    assert_eq!(next[0].id, last[0].id);

    // And back, into a fresh embedded catalog.
    let mut back = SqliteCatalog::open(&dir.path().join("back.db"), &[2; 32]).unwrap();
    postgres.copy_into(&mut back, &mut |_, _| {}).unwrap();
    assert_eq!(snapshot(&postgres), snapshot(&back));

    // A catalog of another vault is never mixed into.
    let mut other = SqliteCatalog::open(&dir.path().join("other.db"), &[3; 32]).unwrap();
    other.set_meta("vault_id", "v-other").unwrap();
    assert!(matches!(
        sqlite.copy_into(&mut other, &mut |_, _| {}),
        Err(CatalogError::Conflict(_))
    ));
}

/// Runs `work` with `PGSSLROOTCERT` set to `ca` (tests that touch it run one at a time).
fn with_root_certificate<T>(ca: &str, work: impl FnOnce() -> T) -> T {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    std::env::set_var("PGSSLROOTCERT", ca);
    let result = work();
    std::env::remove_var("PGSSLROOTCERT");
    result
}

#[test]
fn tls_connections_verify_the_server() {
    let (Some(target), Ok(ca)) = (
        postgres_target("tls"),
        std::env::var("CUSTODIA_TEST_POSTGRES_CA"),
    ) else {
        service_missing(
            "postgres",
            "skipped: no PostgreSQL with TLS (CUSTODIA_TEST_POSTGRES_CA)",
        );
        return;
    };
    let plain = PostgresCatalog::connect(&target).unwrap();
    assert!(!target.uses_tls(), "loopback without sslmode: plain");
    assert!(!plain.connection_encrypted().unwrap());

    let url = format!("{target}?sslmode=require");
    let encrypted = with_root_certificate(&ca, || {
        PostgresCatalog::connect(&PostgresTarget::parse(&url).unwrap())
    })
    .unwrap();
    assert!(encrypted.connection_encrypted().unwrap());
    for mode in ["verify-full", "verify-ca", "prefer"] {
        let url = format!("{target}?sslmode={mode}");
        let c = with_root_certificate(&ca, || {
            PostgresCatalog::connect(&PostgresTarget::parse(&url).unwrap())
        })
        .unwrap();
        assert!(c.connection_encrypted().unwrap(), "{mode}");
    }

    // A certificate from a CA not trusted is refused, and the error says so.
    let dir = tempfile::tempdir().unwrap();
    let other_ca = dir.path().join("other-ca.crt");
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .args(["-days", "1", "-subj", "/CN=another CA", "-keyout"])
        .arg(dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&other_ca)
        .output()
        .unwrap();
    assert!(made.status.success());
    let refused = with_root_certificate(other_ca.to_str().unwrap(), || {
        PostgresCatalog::connect(&PostgresTarget::parse(&url).unwrap())
    })
    .unwrap_err();
    assert!(
        refused.to_string().to_lowercase().contains("certificate"),
        "{refused}"
    );

    // The certificate names 127.0.0.1 and localhost, not another name for the same server.
    let renamed = url.replace("127.0.0.1", "127.0.0.2");
    let mut admin = target.config().connect(::postgres::NoTls).unwrap();
    let listens: String = admin
        .query_one("SHOW listen_addresses", &[])
        .unwrap()
        .get(0);
    if listens.contains('*') || listens.contains("127.0.0.2") {
        assert!(with_root_certificate(&ca, || {
            PostgresCatalog::connect(&PostgresTarget::parse(&renamed).unwrap())
        })
        .is_err());
    }

    // A server elsewhere is reached with TLS even when the URL does not ask for it.
    assert!(PostgresTarget::parse("postgres://u@db.example:5432/c")
        .unwrap()
        .uses_tls());
    assert!(
        !PostgresTarget::parse("postgres://u@db.example/c?sslmode=disable")
            .unwrap()
            .uses_tls()
    );
    assert!(!PostgresTarget::parse("postgres://u@localhost/c")
        .unwrap()
        .uses_tls());
}

#[test]
fn usable_from_inside_an_asynchronous_runtime() {
    let Some(target) = postgres_target("in_runtime") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        // Connecting, querying and dropping on a thread that drives asynchronous tasks.
        let mut c = PostgresCatalog::connect(&target).unwrap();
        c.set_meta("k", "v").unwrap();
        assert_eq!(c.meta("k").unwrap().as_deref(), Some("v"));
        drop(c);
    });
}

/// A test that needs `service` and finds it missing: under `CI` that fails the test, unless the
/// suite runs it later with the service (`CUSTODIA_TEST_DEFERRED=s3,postgres`, set by
/// `scripts/test` for the run before `scripts/test-s3` and `scripts/test-postgres`); elsewhere
/// the test is skipped with `note`.
fn service_missing(service: &str, note: &str) {
    let deferred = std::env::var("CUSTODIA_TEST_DEFERRED").unwrap_or_default();
    assert!(
        std::env::var_os("CI").is_none() || deferred.split(',').any(|d| d.trim() == service),
        "{note}, and CI is set: this test needs {service} (scripts/test starts it)"
    );
    eprintln!("{note}");
}
