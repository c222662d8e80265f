//! Victim support: the notices owed to victims and witnesses (overdue ones first, and marked),
//! a draft in the person's language and direction with the form that records the notice as
//! sent, and a person's contact log. For the holder's victim support officers only: anyone else
//! is refused before the vault is asked anything, so a page never tells them whether a
//! pseudonym exists or is linked to a case.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use custodia_vault::custodia_access::decide_victim_register;
use custodia_vault::custodia_cases::notices::{Channel, Reason};
use custodia_vault::victims::{ContactLog, NoticeDraft};
use maud::{html, Markup};
use serde::Deserialize;

use super::{csrf_field, refused, CsrfForm};
use crate::web::{encode, error_page, layout, Lang, Viewer};
use crate::AppState;

/// The refusal of a page to anyone but the holder's victim support officers.
fn not_for(v: &Viewer) -> Option<Response> {
    (!decide_victim_register(&v.who).allowed)
        .then(|| error_page(v, StatusCode::FORBIDDEN, v.t("forbidden")))
}

/// A value of the register in the viewer's language (the value itself when there is no text
/// for it).
fn label(lang: Lang, group: &str, value: &str) -> String {
    let key: Option<&'static str> = match (group, value) {
        ("reason", "milestone") => Some("victims-reason-milestone"),
        ("reason", "information_request") => Some("victims-reason-information_request"),
        ("reason", "periodic") => Some("victims-reason-periodic"),
        ("channel", "letter") => Some("victims-channel-letter"),
        ("channel", "email") => Some("victims-channel-email"),
        ("channel", "phone") => Some("victims-channel-phone"),
        ("channel", "in_person") => Some("victims-channel-in_person"),
        ("channel", "via_intermediary") => Some("victims-channel-via_intermediary"),
        ("language", "nl") => Some("victims-lang-nl"),
        ("language", "en") => Some("victims-lang-en"),
        ("language", "ar") => Some("victims-lang-ar"),
        ("language", "fr") => Some("victims-lang-fr"),
        ("language", "ckb") => Some("victims-lang-ckb"),
        ("language", "kmr") => Some("victims-lang-kmr"),
        ("role", "victim") => Some("victims-role-victim"),
        ("role", "witness") => Some("victims-role-witness"),
        ("role", "victim_witness") => Some("victims-role-victim_witness"),
        ("kind", "notice") => Some("victims-kind-notice"),
        ("kind", "information_request") => Some("victims-reason-information_request"),
        ("kind", "contact_details") => Some("victims-contact"),
        ("via", "recorded") => Some("victims-via-recorded"),
        ("via", "smtp") => Some("victims-via-smtp"),
        _ => None,
    };
    key.map_or_else(|| value.to_owned(), |k| lang.t(k).to_owned())
}

fn optional(lang: Lang, group: &str, value: Option<&str>) -> String {
    value.map_or_else(
        || lang.t("victims-unknown").to_owned(),
        |v| label(lang, group, v),
    )
}

/// A text with every date in it (`YYYY-MM-DD`) isolated left to right, so that a date inside
/// Arabic or Sorani text reads as written instead of being reordered.
fn isolated_dates(text: &str) -> Markup {
    let bytes = text.as_bytes();
    let mut pieces: Vec<(&str, bool)> = Vec::new();
    let (mut start, mut at) = (0, 0);
    while at + 10 <= bytes.len() {
        let shaped = bytes[at..at + 10].iter().enumerate().all(|(k, b)| match k {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
        let bounded = (at == 0 || !bytes[at - 1].is_ascii_digit())
            && bytes.get(at + 10).is_none_or(|b| !b.is_ascii_digit());
        if shaped && bounded {
            // Both ends are ASCII, so both are character boundaries.
            pieces.push((&text[start..at], false));
            pieces.push((&text[at..at + 10], true));
            at += 10;
            start = at;
        } else {
            at += 1;
        }
    }
    pieces.push((&text[start..], false));
    html! {
        @for (piece, date) in pieces {
            @if date { bdi dir="ltr" { (piece) } } @else { (piece) }
        }
    }
}

fn person_href(pseudonym: &str) -> String {
    format!("/victims/person/{}", encode(pseudonym))
}

#[derive(Deserialize)]
pub struct AsOfQuery {
    as_of: Option<String>,
}

/// `/victims`: the notices owed as of today (or `?as_of=YYYY-MM-DD`).
pub async fn victims(
    State(state): State<AppState>,
    v: Viewer,
    Query(query): Query<AsOfQuery>,
) -> Response {
    if let Some(refusal) = not_for(&v) {
        return refusal;
    }
    let as_of = query
        .as_of
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    let user = v.user.clone();
    let due = match state
        .with_reader(move |vault| Ok(vault.notices_due(&user, as_of.as_deref())?))
        .await
    {
        Ok(due) => due,
        Err(e) => return refused(&v, e),
    };
    let overdue = due.notices.iter().filter(|n| n.overdue).count();
    let body = html! {
        form method="get" action="/victims" class="inline as-of" {
            label for="as_of" { (v.t("victims-as_of")) }
            " "
            input type="date" id="as_of" name="as_of" value=(due.as_of);
            " "
            button type="submit" { (v.t("victims-show")) }
        }
        section id="due" aria-labelledby="due-title" {
            h2 id="due-title" {
                (v.t("victims-due")) " · " bdi dir="ltr" { (due.as_of) }
                " (" (due.notices.len()) ")"
                @if overdue > 0 { " · " (v.n("victims-overdue_count", overdue as u64)) }
            }
            @if due.notices.is_empty() {
                p { (v.t("victims-none")) }
            } @else {
                table class="due" {
                    thead { tr {
                        th scope="col" { (v.t("victims-status")) }
                        th scope="col" { (v.t("victims-pseudonym")) }
                        th scope="col" { (v.t("victims-case")) }
                        th scope="col" { (v.t("victims-reason")) }
                        th scope="col" { (v.t("victims-since")) }
                        th scope="col" { (v.t("victims-due_by")) }
                        th scope="col" { (v.t("victims-language")) }
                        th scope="col" { (v.t("victims-channel")) }
                        th scope="col" { span class="visually-hidden" { (v.t("victims-draft")) } }
                    } }
                    tbody {
                        @for n in &due.notices {
                            tr class=(if n.overdue { "overdue" } else { "pending" }) {
                                td {
                                    @if n.overdue {
                                        span class="mark overdue" { (v.t("victims-overdue")) }
                                    } @else {
                                        span class="mark pending" { (v.t("victims-pending")) }
                                    }
                                }
                                td { a href=(person_href(&n.pseudonym)) { bdi { (n.pseudonym) } } }
                                td { bdi { (n.case) } }
                                td { (label(v.lang, "reason", &n.reason)) }
                                td { bdi dir="ltr" { (n.since) } }
                                td { bdi dir="ltr" { (n.due_by) } }
                                td { (optional(v.lang, "language", n.language.as_deref())) }
                                td { (optional(v.lang, "channel", n.channel.as_deref())) }
                                td {
                                    form method="post" action="/victims/draft" class="inline" {
                                        input type="hidden" name="csrf" value=(v.csrf);
                                        input type="hidden" name="pseudonym" value=(n.pseudonym);
                                        input type="hidden" name="case" value=(n.case);
                                        input type="hidden" name="as_of" value=(due.as_of);
                                        button type="submit" { (v.t("victims-draft")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let here = query_here(&due.as_of).unwrap_or_else(|| "/victims".to_owned());
    layout(&v, v.t("victims-title"), "victims", &here, body)
}

fn query_here(as_of: &str) -> Option<String> {
    let today =
        custodia_vault::custodia_cases::notices::format_date(custodia_vault::victims::today());
    (as_of != today).then(|| format!("/victims?as_of={}", encode(as_of)))
}

#[derive(Deserialize)]
pub struct DraftForm {
    csrf: String,
    pseudonym: String,
    case: String,
    as_of: Option<String>,
}

#[derive(Deserialize)]
pub struct RecordForm {
    csrf: String,
    pseudonym: String,
    case: String,
    channel: String,
    sent_at: String,
    cover_milestone: Option<String>,
    cover_information_request: Option<String>,
    cover_periodic: Option<String>,
}

csrf_field!(DraftForm, RecordForm);

/// `POST /victims/draft`: drafts the notice owed (a custody entry) and shows it, with the form
/// that records it as sent.
pub async fn draft_submit(
    State(state): State<AppState>,
    v: Viewer,
    CsrfForm(form): CsrfForm<DraftForm>,
) -> Response {
    if let Some(refusal) = not_for(&v) {
        return refusal;
    }
    let user = v.user.clone();
    let pseudonym = form.pseudonym.trim().to_owned();
    let case = form.case.trim().to_owned();
    let as_of = form
        .as_of
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    let made = state
        .with_vault(move |vault| {
            let draft = vault.draft_notice(&user, &pseudonym, &case, as_of.as_deref())?;
            let log = vault.person_contacts(&user, &pseudonym)?;
            Ok((draft, log))
        })
        .await;
    let (draft, log) = match made {
        Ok(made) => made,
        Err(e) => return refused(&v, e),
    };
    let title = format!("{} · {}", v.t("victims-draft_title"), draft.pseudonym);
    layout(
        &v,
        &title,
        "victims",
        "/victims",
        draft_markup(&v, &draft, &log),
    )
}

fn draft_markup(v: &Viewer, draft: &NoticeDraft, log: &ContactLog) -> Markup {
    let channel = log.contact.as_ref().map(|c| c.channel);
    html! {
        p { a href="/victims" { (v.t("victims-back")) } }
        p class="note" { (v.t("victims-draft_note")) }
        dl class="facts" {
            dt { (v.t("victims-pseudonym")) } dd { a href=(person_href(&draft.pseudonym)) { bdi { (draft.pseudonym) } } }
            dt { (v.t("victims-case")) } dd { bdi { (draft.case) } }
            dt { (v.t("victims-as_of")) } dd { bdi dir="ltr" { (draft.as_of) } }
            dt { (v.t("victims-language")) } dd { (label(v.lang, "language", &draft.language)) }
            dt { (v.t("victims-covers")) } dd {
                @if draft.covers.is_empty() { "—" }
                @for (i, reason) in draft.covers.iter().enumerate() {
                    @if i > 0 { ", " }
                    (label(v.lang, "reason", reason))
                }
            }
            @if !draft.milestones.is_empty() {
                dt { (v.t("victims-milestones")) } dd { bdi { (draft.milestones.join(", ")) } }
            }
        }
        article class="draft card wide" lang=(draft.language) dir=(draft.direction) aria-label=(v.t("victims-draft_title")) {
            h2 class="subject" { (isolated_dates(&draft.subject)) }
            @for paragraph in draft.body.split("\n\n").filter(|p| !p.trim().is_empty()) {
                p {
                    @for (i, line) in paragraph.lines().enumerate() {
                        @if i > 0 { br; }
                        (isolated_dates(line))
                    }
                }
            }
        }
        section id="record" aria-labelledby="record-title" {
            h2 id="record-title" { (v.t("victims-record")) }
            form method="post" action="/victims/record" class="card wide stack" {
                input type="hidden" name="csrf" value=(v.csrf);
                input type="hidden" name="pseudonym" value=(draft.pseudonym);
                input type="hidden" name="case" value=(draft.case);
                label for="channel" { (v.t("victims-channel")) }
                select id="channel" name="channel" required {
                    @for c in Channel::ALL {
                        option value=(c.as_str()) selected[Some(*c) == channel] { (label(v.lang, "channel", c.as_str())) }
                    }
                }
                label for="sent_at" { (v.t("victims-sent_at")) }
                input type="date" id="sent_at" name="sent_at" required value=(draft.as_of);
                fieldset {
                    legend { (v.t("victims-covers")) }
                    @for reason in Reason::ALL {
                        label {
                            input type="checkbox" name={"cover_" (reason.as_str())} value="on"
                                checked[draft.covers.iter().any(|c| c == reason.as_str())];
                            " " (label(v.lang, "reason", reason.as_str()))
                        }
                    }
                    p class="note" { (v.t("victims-covers_note")) }
                }
                button type="submit" { (v.t("victims-record")) }
            }
        }
    }
}

/// `POST /victims/record`: records a notice as sent, then shows the person's contact log.
pub async fn record_submit(
    State(state): State<AppState>,
    v: Viewer,
    CsrfForm(form): CsrfForm<RecordForm>,
) -> Response {
    if let Some(refusal) = not_for(&v) {
        return refusal;
    }
    let channel: Channel = match form.channel.parse() {
        Ok(c) => c,
        Err(e) => return error_page(&v, StatusCode::BAD_REQUEST, &e),
    };
    let ticked = [
        (Reason::Milestone, form.cover_milestone.is_some()),
        (
            Reason::InformationRequest,
            form.cover_information_request.is_some(),
        ),
        (Reason::Periodic, form.cover_periodic.is_some()),
    ];
    let covers: Vec<Reason> = ticked
        .iter()
        .filter(|(_, on)| *on)
        .map(|(r, _)| *r)
        .collect();
    // Nothing ticked: every reason owed on that day.
    let covers = (!covers.is_empty()).then_some(covers);
    let user = v.user.clone();
    let pseudonym = form.pseudonym.trim().to_owned();
    let case = form.case.trim().to_owned();
    let sent_at = form.sent_at.trim().to_owned();
    let back = person_href(&pseudonym);
    match state
        .with_vault(move |vault| {
            Ok(vault.record_notice(&user, &pseudonym, &case, channel, &sent_at, covers, None)?)
        })
        .await
    {
        Ok(_) => Redirect::to(&format!("{back}#log")).into_response(),
        Err(e) => refused(&v, e),
    }
}

/// `/victims/person/{pseudonym}`: contact details, cases and contact log.
pub async fn person(
    State(state): State<AppState>,
    v: Viewer,
    Path(pseudonym): Path<String>,
) -> Response {
    if let Some(refusal) = not_for(&v) {
        return refusal;
    }
    let user = v.user.clone();
    let asked = pseudonym.clone();
    let log = match state
        .with_reader(move |vault| Ok(vault.person_contacts(&user, &asked)?))
        .await
    {
        Ok(log) => log,
        Err(e) => return refused(&v, e),
    };
    let yes_no = |b: bool| v.t(if b { "victims-yes" } else { "victims-no" });
    let body = html! {
        p { a href="/victims" { (v.t("victims-back")) } }
        section class="cards" {
            div class="card" id="contact" {
                h2 { (v.t("victims-contact")) }
                @match &log.contact {
                    None => p { (v.t("victims-no_contact")) },
                    Some(c) => dl {
                        dt { (v.t("victims-language")) } dd { (label(v.lang, "language", c.language.as_str())) }
                        dt { (v.t("victims-channel")) } dd { (label(v.lang, "channel", c.channel.as_str())) }
                        @if let Some(email) = &c.email { dt { (v.t("victims-email")) } dd { bdi { (email) } } }
                        @if let Some(address) = &c.address {
                            dt { (v.t("victims-address")) }
                            dd dir="auto" { @for (i, line) in address.lines().enumerate() { @if i > 0 { br; } (line) } }
                        }
                        @if let Some(phone) = &c.phone { dt { (v.t("victims-phone")) } dd { bdi { (phone) } } }
                        @if let Some(who) = &c.intermediary { dt { (v.t("victims-intermediary")) } dd { bdi { (who) } } }
                        dt { (v.t("victims-updates")) } dd { (yes_no(c.wants_updates)) }
                        dt { (v.t("victims-interval")) } dd { (c.interval_months) }
                    },
                }
            }
            div class="card" id="cases" {
                h2 { (v.t("victims-cases")) }
                @if log.cases.is_empty() { p { "—" } } @else {
                    table {
                        thead { tr {
                            th scope="col" { (v.t("victims-case")) }
                            th scope="col" { (v.t("victims-role")) }
                            th scope="col" { (v.t("victims-linked_on")) }
                        } }
                        tbody {
                            @for c in &log.cases {
                                tr {
                                    td { bdi { (c.case) } }
                                    td { (label(v.lang, "role", &c.role)) }
                                    td { bdi dir="ltr" { (c.linked_on) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        section id="log" aria-labelledby="log-title" {
            h2 id="log-title" { (v.t("victims-entries")) }
            @if log.entries.is_empty() { p { (v.t("victims-no_entries")) } } @else {
                table class="contact-log" {
                    thead { tr {
                        th scope="col" { (v.t("victims-date")) }
                        th scope="col" { (v.t("victims-kind")) }
                        th scope="col" { (v.t("victims-case")) }
                        th scope="col" { (v.t("victims-channel")) }
                        th scope="col" { (v.t("victims-covers")) }
                        th scope="col" { (v.t("victims-via")) }
                        th scope="col" { (v.t("victims-text")) }
                        th scope="col" { (v.t("victims-recorded")) }
                    } }
                    tbody {
                        @for e in &log.entries {
                            tr class={"entry-" (e.kind)} {
                                td { bdi dir="ltr" { (e.date) } }
                                td {
                                    (label(v.lang, "kind", &e.kind))
                                    @if let Some(id) = e.id { " " bdi { "#" (id) } }
                                }
                                td { @if let Some(c) = &e.case { bdi { (c) } } }
                                td { @if let Some(c) = &e.channel { (label(v.lang, "channel", c)) } }
                                td {
                                    @for (i, reason) in e.covers.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        (label(v.lang, "reason", reason))
                                    }
                                }
                                td {
                                    @if let Some(via) = &e.via { (label(v.lang, "via", via)) }
                                    @if e.letter_kept { " · " (v.t("victims-letter_kept")) }
                                }
                                td dir="auto" { @if let Some(text) = &e.text { (text) } }
                                td { bdi { (e.recorded_by) } " · " bdi dir="ltr" { (e.recorded_at) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = format!("{} · {}", v.t("victims-person"), log.pseudonym);
    layout(&v, &title, "victims", &person_href(&pseudonym), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_a_draft_are_isolated() {
        assert_eq!(
            isolated_dates("حتى 2026-12-05، <b> 12026-12-05 2026-1-05").into_string(),
            "حتى <bdi dir=\"ltr\">2026-12-05</bdi>، &lt;b&gt; 12026-12-05 2026-1-05"
        );
        assert_eq!(
            isolated_dates("2026-12-05").into_string(),
            "<bdi dir=\"ltr\">2026-12-05</bdi>"
        );
        assert_eq!(isolated_dates("").into_string(), "");
    }
}
