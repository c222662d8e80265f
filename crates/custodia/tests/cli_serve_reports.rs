//! The web application's Reports page through a real server: the figures of the period as
//! tables, each with its chart drawn on the server as inline SVG and its CSV download, in the
//! viewer's language; a period that ends before it begins refused.

mod support;

use std::fs;

use support::server::{set_password, Server};
use support::TestVault;

#[test]
fn the_reports_page_shows_tables_charts_and_csv() {
    let v = TestVault::new();
    let folder = v.folder("collection");
    fs::write(folder.join("statement.txt"), "a witness statement").unwrap();
    v.ingest(&[&folder], "UNITAD", &["--case", "C-1"]);
    set_password(&v, "admin");
    let server = Server::start(&v);
    let token = server.token("admin");
    let get = |path: &str, lang: &str| {
        let mut response = server
            .agent
            .get(format!("{}{path}", server.base))
            .header(
                "Cookie",
                format!("custodia_session={token}; custodia_lang={lang}"),
            )
            .call()
            .unwrap();
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, kind, response.body_mut().read_to_string().unwrap())
    };

    let (status, _, page) = get("/reports?from=2000-01-01", "en");
    assert_eq!(status, 200, "{page}");
    for text in [
        "Holdings by originator",
        "Cases by stage",
        "UNITAD",
        "<svg",
        "/reports/holdings.csv?from=2000-01-01",
        "href=\"/reports\"",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    assert!(!page.contains("<script>"), "charts need no script");
    assert_eq!(page.matches("<svg").count(), 6, "one chart per table");
    assert_eq!(
        page.matches("<polyline").count(),
        2,
        "requests over the months as two lines"
    );

    let (status, _, csv) = get("/reports/months.csv?from=2000-01-01", "en");
    assert_eq!(status, 200, "{csv}");
    assert!(csv.starts_with("month,filed,finalised\n"), "{csv}");
    assert_eq!(csv.lines().count(), 61, "the latest 60 months: {csv}");

    let (status, kind, csv) = get("/reports/holdings.csv?from=2000-01-01", "en");
    assert_eq!(status, 200, "{csv}");
    assert!(kind.starts_with("text/csv"), "{kind}");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("originator,items,bytes"));
    assert!(lines.any(|l| l.starts_with("UNITAD,1,")), "{csv}");
    let (status, _, csv) = get("/reports/types.csv", "en");
    assert_eq!(status, 200);
    assert!(csv.starts_with("type,items\n"), "{csv}");

    let (status, _, page) = get("/reports", "ar");
    assert_eq!(status, 200);
    assert!(page.contains("dir=\"rtl\""));
    assert!(page.contains("المقتنيات حسب الجهة المصدِرة"), "{page}");

    let (status, _, page) = get("/reports?from=2025-02-01&to=2025-01-01", "en");
    assert_eq!(status, 400, "{page}");
}
