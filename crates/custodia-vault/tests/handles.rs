//! Several handles on one vault: reading handles beside the writing one (what a server answers
//! searches and pages on), and two writing handles, as a server and a command-line ingest hold.

mod support;

use custodia_vault::custodia_access::Regime;
use custodia_vault::custodia_search::Sort;
use custodia_vault::{Access, ExtractOptions, Vault};
use support::{TestVault, ADMIN};

#[test]
fn a_reading_handle_sees_the_writers_commits_after_a_refresh() {
    let mut tv = TestVault::new();
    let reader = tv.vault.reader().unwrap();
    assert!(!reader.writable());
    let before = reader.log_size().unwrap();
    let hash = tv
        .item("register.txt", "Register of detainees at Badush, 2014.")
        .regime(Regime::Open)
        .store();
    // The catalog's connection sees the commit; the log's view moves on at the refresh (which
    // reading the log's size makes).
    reader.refresh().unwrap();
    assert!(reader.log_size().unwrap() > before);
    let view = reader.item_view(ADMIN, &hash).unwrap();
    assert_eq!(view.item.sha256, hash.to_hex());
    // A reading handle writes nothing.
    assert!(reader.checkpoint().is_err());
}

#[test]
fn a_search_on_a_reading_handle_waits_for_labels_that_lag_behind_access() {
    let mut tv = TestVault::new();
    tv.originator("Government A")
        .case("C-1")
        .analyst("analyst", &["C-1"]);
    let hash = tv
        .item(
            "statement.txt",
            "Statement about the Kocho massacre in Sinjar.",
        )
        .case("C-1")
        .store();
    tv.vault
        .extract_pending(&ExtractOptions::default(), ADMIN)
        .unwrap();
    let reader = tv.vault.reader().unwrap();
    reader.refresh().unwrap();
    let (found, event) = reader
        .search_read("analyst", "Kocho", 10, Sort::Relevance)
        .unwrap()
        .expect("labels are current");
    assert_eq!(found.results.total, 1);
    assert_eq!(event.actor, "analyst");
    // An access change the index has not taken in yet: the reading handle does not search on
    // the old labels.
    tv.set_regime(ADMIN, &hash, None, Regime::Restricted)
        .unwrap();
    assert!(reader
        .search_read("analyst", "Kocho", 10, Sort::Relevance)
        .unwrap()
        .is_none());
    tv.vault.refresh_search_labels().unwrap();
    let (found, _) = reader
        .search_read("analyst", "Kocho", 10, Sort::Relevance)
        .unwrap()
        .expect("labels brought up to date");
    assert_eq!(
        found.results.total, 0,
        "a restricted item is not found by an analyst"
    );
}

#[test]
fn labels_behind_only_by_granted_access_are_searched_on_and_show_no_more() {
    let mut tv = TestVault::new();
    tv.originator("Government A")
        .originator("NGO B")
        .liaison("liaison-b", "NGO B");
    let text = "Statement about the Kocho massacre in Sinjar.";
    tv.item("statement.txt", text).from("Government A").store();
    tv.vault
        .extract_pending(&ExtractOptions::default(), ADMIN)
        .unwrap();
    let reader = tv.vault.reader().unwrap();
    let (found, _) = reader
        .search_read("liaison-b", "Kocho", 10, Sort::Relevance)
        .unwrap()
        .expect("labels are current");
    assert_eq!(found.results.total, 0, "NGO B supplied nothing yet");
    assert!(!found.labels_behind);
    // NGO B supplies the same bytes: its liaison may now read them, but the index's labels
    // do not say so yet. A new submission only grants access, so the reading handle searches
    // on (no waiting for the writing handle), shows no more than before, and says the labels
    // are behind.
    tv.item("statement.txt", text).from("NGO B").store();
    reader.refresh().unwrap();
    let (found, _) = reader
        .search_read("liaison-b", "Kocho", 10, Sort::Relevance)
        .unwrap()
        .expect("labels behind by a grant are searched on");
    assert!(found.labels_behind);
    assert_eq!(
        found.results.total, 0,
        "less than the rules allow, never more"
    );
    tv.vault.refresh_search_labels().unwrap();
    let (found, _) = reader
        .search_read("liaison-b", "Kocho", 10, Sort::Relevance)
        .unwrap()
        .expect("labels brought up to date");
    assert!(!found.labels_behind);
    assert_eq!(found.results.total, 1, "the grant reached the index");
}

#[test]
fn two_writing_handles_take_turns_and_the_log_stays_whole() {
    let mut tv = TestVault::new();
    tv.originator("Government A");
    // A second process's handle on the same data directory.
    let mut second = Vault::open(&tv.root(), Access::ReadWrite).unwrap();
    let first_item = tv.item("a.txt", "first handle's item").store();
    let options = custodia_vault::IngestOptions {
        originator: "Government A".into(),
        actor: ADMIN.into(),
        ..Default::default()
    };
    let report = second
        .ingest_reader(
            "b.txt",
            &mut &b"second handle's item"[..],
            "second-sub",
            options,
            &(),
        )
        .unwrap();
    assert_eq!(report.items.len(), 1);
    let third = tv.item("c.txt", "first handle again").store();
    // Every entry of both is in the one log, which verifies, and each handle proves the other's.
    tv.assert_verifies();
    let second_item = report.items[0].sha256.parse().unwrap();
    for handle in [&tv.vault, &second] {
        for hash in [&first_item, &second_item, &third] {
            handle.refresh().unwrap();
            let index = handle.ingest_entry_for(ADMIN, hash).unwrap();
            handle.log_entry_for(ADMIN, index, None).unwrap();
        }
    }
}

#[test]
fn a_second_writing_handle_records_reads_while_the_first_ingests() {
    let mut tv = TestVault::new();
    tv.originator("Government A");
    tv.item("first.txt", "Statement on the Tal Afar checkpoint.")
        .store();
    tv.vault
        .extract_pending(&ExtractOptions::default(), ADMIN)
        .unwrap();
    let mut second = tv
        .vault
        .another_writer()
        .unwrap()
        .expect("an embedded vault gives a second writing handle");
    assert!(second.writable());
    // Searches recorded on the second handle, ingests on the first, interleaved.
    for n in 0..5 {
        // An ingest is an access change for the index's labels: the main handle brings them
        // up to date, as the server does, and the search is asked again.
        let found = match second
            .search_read(ADMIN, "Tal Afar", 10, Sort::Relevance)
            .unwrap()
        {
            Some(found) => found,
            None => {
                tv.vault.refresh_search_labels().unwrap();
                second
                    .search_read(ADMIN, "Tal Afar", 10, Sort::Relevance)
                    .unwrap()
                    .expect("labels brought up to date")
            }
        };
        let (_, event) = found;
        let positions = second.record_reads(vec![event]).unwrap();
        assert_eq!(positions.len(), 1);
        tv.item(&format!("more-{n}.txt"), format!("Statement number {n}."))
            .store();
    }
    tv.assert_verifies();
    // A reading handle is no writer.
    assert!(tv.vault.reader().unwrap().another_writer().is_err());
}

#[test]
fn an_attachment_named_with_a_nul_is_recorded_not_retried_forever() {
    let mut tv = TestVault::new();
    let mail = "From: a@example.org\r\nTo: c@example.org\r\nSubject: convoy\r\n\
        MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
        --XX\r\nContent-Type: text/plain\r\n\r\nThe convoy left Kocho at dawn.\r\n\
        --XX\r\nContent-Type: text/plain; name=\"a.txt\"\r\n\
        Content-Disposition: attachment; filename*=UTF-8''list%00of%00names.txt\r\n\r\n\
        Names of the detainees.\r\n--XX--\r\n";
    tv.item("message.eml", mail).regime(Regime::Open).store();
    let first = tv
        .vault
        .extract_pending(&ExtractOptions::default(), ADMIN)
        .unwrap();
    assert!(first.failed.is_empty(), "{:?}", first.failed);
    assert_eq!(first.extracted, 1);
    // Recorded: nothing is left to extract on the next pass.
    let again = tv
        .vault
        .extract_pending(&ExtractOptions::default(), ADMIN)
        .unwrap();
    assert_eq!(again.items, 0);
}
