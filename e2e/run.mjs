// End-to-end test of Custodia's web application in headless Chromium (Debian's package, driven
// by playwright-core). It sets up a vault with the CLI (a holder custodian, an originator's
// liaison, a prosecutor), starts `custodia serve`, and walks the main path through the browser:
// sign in, upload a file and see it appear, search for an Arabic word and find it, file a request
// as the prosecutor, add the item as custodian, grant consent as the liaison, build the package,
// download it as the prosecutor and verify it with `custodia-verify`; then builds a case (a
// charge laid with the keyboard, an incident with a place, the uploaded item linked to an element
// from its page, the matrix's status and gaps as they change, unlinking) and checks the case page
// in Arabic; the case's map in English and Arabic (MapLibre over the server's own vector tiles,
// zoomed to street level over a test extract served with `serve --tiles`, every request the page
// makes recorded and all to the server itself); then victim support: the notices due (overdue ones first and marked), a notice drafted
// in the victim's language (Arabic, right to left), recorded as sent, gone from the list and in the
// person's contact log, the page in Arabic, and a custodian refused it; then a web page captured
// with `custodia capture` from a site the test serves is replayed offline on its capture page,
// through the bundled ReplayWeb.page on the replay origin, without a request to the site or to
// any other host. Then items by name, the full hash copied, times relative beside the exact
// time. Last, axe-core on every main page in English, Arabic and Sorani (no serious or
// critical violation of WCAG 2.2 AA), the keyboard's skip link and focus, and in Arabic and
// Sorani every value (size, hash, file name, time) isolated and laid out as its data.
// Screenshots of each main page are saved (default `e2e/output/screenshots`; `--screenshots DIR` to choose).
//
// Usage: node e2e/run.mjs [--bin target/debug/custodia] [--verify target/debug/custodia-verify]
//                         [--screenshots DIR]

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { createServer } from "node:http";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? resolve(args[i + 1]) : fallback;
};
const custodia = option("--bin", join(root, "target/debug/custodia"));
const verifier = option("--verify", join(root, "target/debug/custodia-verify"));
const shots = option("--screenshots", join(root, "e2e/output/screenshots"));
mkdirSync(shots, { recursive: true });

const work = mkdtempSync(join(tmpdir(), "custodia-e2e-"));
const vault = join(work, "vault");
const PASSWORD = "e2e: a long and private passphrase";
const ORIGINATOR = "Sinjar Documentation Network";
const AUTHORITY = "Netherlands Public Prosecution Service";
const ARABIC_WORD = "بادوش";
const CASE = "SINJAR-1";
const ARABIC_TEXT = `شهادة عن سجن ${ARABIC_WORD} قرب الموصل، آب ٢٠١٤. نقل المحتجزون ليلاً.`;

// A street-level extract for the maps (`serve --tiles`): made-up streets around Kocho, zoom 12
// to 16, built by scripts/make-basemap.
const STREETS = join(root, "e2e/fixtures/streets.pmtiles");

function cli(argv, input) {
  const run = spawnSync(custodia, ["--data-dir", vault, "--json", ...argv], {
    input: input ?? "", encoding: "utf8", cwd: root,
  });
  if (run.status !== 0) {
    throw new Error(`custodia ${argv.join(" ")} failed (${run.status}): ${run.stderr}`);
  }
  return run.stdout ? JSON.parse(run.stdout) : null;
}

function step(name) {
  console.error(`e2e: ${name}`);
}

async function startServer() {
  const child = spawn(custodia, ["--data-dir", vault, "--json", "serve", "--listen", "127.0.0.1:0",
    "--public-intake", "--intake-listen", "127.0.0.1:0", "--replay-listen", "127.0.0.1:0",
    "--tiles", STREETS], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const lines = createInterface({ input: child.stdout });
  let text = "";
  for await (const line of lines) {
    text += line;
    if (line === "}") break;
  }
  const started = JSON.parse(text);
  return {
    child, base: `http://${started.listen}`, intake: `http://${started.intake_listen}`,
    replay: started.replay_origin,
    stderr: () => stderr,
  };
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

async function signIn(browser, base, user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/`);
  return { context, page };
}

// The row of element `id` in the case page's matrix, and its status in words.
function elementRow(page, id) {
  return page.locator("table.matrix tbody tr", { has: page.locator("th bdi", { hasText: id }) });
}

async function statusOf(page, id) {
  return (await elementRow(page, id).locator("td.status").innerText()).trim();
}

async function gaps(page) {
  return (await page.locator("ul.gaps li").allInnerTexts()).map((g) => g.replace(/\s+/g, " ").trim());
}

// A case built through the web application as the holder's custodian: a charge laid with the
// keyboard alone, an incident with coordinates, the item `sha` linked to an element from its own
// page, the matrix's status and gaps as they change, the SVG timeline and the map, the page in
// Arabic, and unlinking.
async function caseAnalysis(page, base, sha) {
  step(`custodian: case ${CASE} through the web application`);
  const caseUrl = `${base}/cases/${CASE}`;
  await page.goto(`${base}/cases`);
  await page.getByRole("link", { name: CASE }).click();
  await page.waitForURL(caseUrl);
  assert.match(await page.locator("h1").innerText(), new RegExp(CASE));
  assert.match(await page.content(), /No charge laid yet/);

  // A charge, with the keyboard only: the form's summary opens with Enter, Tab goes from field
  // to field, Enter sends it.
  await page.locator("summary", { hasText: "Lay a charge" }).focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "crime");
  await page.keyboard.type("7(1)(a)");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "mode");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "suspect");
  await page.keyboard.type("Abu Example");
  await page.keyboard.press("Enter");
  await page.locator("section.charge").first().waitFor();
  assert.match(await page.locator("section.charge h3").first().innerText(), /C1 · 7\(1\)\(a\)/);
  for (const id of ["7(1)(a)/1", "7(1)(a)/2", "7(1)(a)/3"]) {
    assert.equal(await statusOf(page, id), "Unproven", id);
  }
  const before = await gaps(page);
  assert.ok(before.includes("C1 · 7(1)(a)/1"), `gaps: ${before}`);
  assert.equal(before.length, await page.locator("table.matrix tbody tr.status-unproven").count(),
    "the gaps are the unproven elements");

  // An incident with a place.
  await page.locator("summary", { hasText: "Add an incident" }).click();
  await page.getByLabel("Title", { exact: true }).fill("Men shot behind the school");
  await page.getByLabel(/^From/).fill("2014-08-15");
  await page.getByLabel("To (optional)").fill("2014-08-16");
  await page.getByLabel("Place", { exact: true }).fill("Kocho");
  await page.getByLabel("Latitude").fill("36.2175");
  await page.getByLabel("Longitude").fill("41.7436");
  await page.getByLabel("Precision (metres)").fill("250");
  await page.locator("form[action$='/incidents'] button[type=submit]").click();
  await page.locator("#map ul.places li", { hasText: "Men shot behind the school" }).waitFor();

  // The uploaded item linked to the first element, from the item's page.
  await page.goto(`${base}/items/${sha}`);
  const section = page.locator("section#link-case");
  await section.locator("summary", { hasText: CASE }).click();
  await section.getByLabel("Element (e.g. 7(1)(a)/1)").fill("7(1)(a)/1");
  await section.getByLabel("Assessment").selectOption("supports");
  await section.getByLabel("Strength").selectOption("strong");
  await section.getByLabel("Incident").fill("I1");
  await section.getByLabel("Excerpt").fill("the men were taken behind the school");
  await section.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(new RegExp(`/cases/${CASE}`));
  assert.equal(await statusOf(page, "7(1)(a)/1"), "Supported");
  assert.equal(await elementRow(page, "7(1)(a)/1").locator("a[href^='/items/']").getAttribute("href"),
    `/items/${sha}`);
  const after = await gaps(page);
  assert.ok(!after.includes("C1 · 7(1)(a)/1"), `no longer a gap: ${after}`);
  assert.equal(after.length, before.length - 1);

  // The timeline is an SVG with its events listed; the map has the incident's place.
  const timeline = page.locator("#timeline figure.timeline svg[role=img]");
  assert.equal(await timeline.count(), 1);
  assert.ok((await timeline.locator("g").count()) >= 1, "the incident is drawn on the timeline");
  assert.match(await page.locator("#timeline ol.events").innerText(), /Men shot behind the school/);
  assert.ok((await page.locator("#map figure.case-map svg circle.pin").count()) >= 1, "a place on the map");
  assert.match(await page.locator("#map ul.places").innerText(),
    /Men shot behind the school · 36\.21750, 41\.74360 · ± 250 m/);
  await page.locator("#matrix").scrollIntoViewIfNeeded();
  await shot(page, "16-case-matrix");
  await page.locator("#timeline").scrollIntoViewIfNeeded();
  await shot(page, "16b-case-timeline-map");

  // In Arabic: right to left, nothing wider than the window, the same statuses.
  await page.goto(`${base}/language?lang=ar&next=${encodeURIComponent(`/cases/${CASE}`)}`);
  await page.waitForURL(caseUrl);
  assert.equal(await page.locator("html").getAttribute("dir"), "rtl");
  assert.equal(await page.locator("table.matrix tbody tr.status-supported").count(), 1);
  assert.equal(await page.locator("#timeline figure.timeline svg[role=img]").count(), 1);
  // Texts in another direction than the page's are isolated (a full stop stays at the end of
  // an English sentence on an Arabic page), and the element's text starts at the right edge.
  for (const cell of await page.locator("table.matrix tbody td:nth-child(2)").all()) {
    assert.equal(await cell.locator("bdi").count(), 1, "an element's text is isolated");
  }
  assert.equal(await page.locator("section.charge h3 bdi").count(), 3, "crime, title, suspect isolated");
  assert.equal(await page.locator("table.matrix th").first()
    .evaluate((th) => getComputedStyle(th).textAlign), "start");
  for (const width of [1280, 820]) {
    await page.setViewportSize({ width, height: width === 1280 ? 800 : 1180 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the Arabic case page is ${overflow}px wider than ${width}px`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await shot(page, "17-case-arabic");
  await page.goto(`${base}/language?lang=en&next=${encodeURIComponent(`/cases/${CASE}`)}`);
  await page.waitForURL(caseUrl);

  // Unlinking makes the element unproven, and a gap, again.
  await page.locator("summary", { hasText: "Unlink" }).click();
  await page.getByLabel("Links").selectOption({ index: 0 });
  await page.getByRole("button", { name: "Unlink" }).click();
  await page.waitForURL(new RegExp(`/cases/${CASE}`));
  await page.locator("summary", { hasText: "Lay a charge" }).waitFor();
  assert.equal(await statusOf(page, "7(1)(a)/1"), "Unproven");
  assert.deepEqual(await gaps(page), before);
}

// The day `days` ago (UTC), as YYYY-MM-DD.
function daysAgo(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

const MILESTONE_TEXT = "A suspect in the Sinjar case was arrested.";

// Victim support through the web application: V-21 (Arabic, by letter) owes a notice of a
// milestone a few days old; V-22 (no contact details, linked months ago) an overdue periodic one.
// Someone with no account reports possible civilian harm through the public reporting point
// (its own listener; the form works without script, in Arabic right to left), gets a reference,
// and the report waits for the assessors; the custodian then reads the Reports page, each
// table with its chart.
async function publicReportAndReports(browser, intake, base, custodianPage) {
  step("public: a civilian-harm report through the reporting point");
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${intake}/report?lang=ar`);
  assert.equal(await page.locator("html").getAttribute("dir"), "rtl");
  await shot(page, "22-public-report-arabic");
  await page.goto(`${intake}/report?lang=en`);
  assert.equal(await page.locator("html").getAttribute("dir"), "ltr");
  await page.locator("#date").fill(daysAgo(3));
  await page.locator("#place").fill("Market street, Tal Afar");
  await page.locator("#lat").fill("36.3762");
  await page.locator("#lon").fill("42.4483");
  await page.locator("#description").fill("A shell hit the market in the afternoon.");
  await page.locator("#killed").fill("2");
  await page.locator("#injured").fill("5");
  const photo = join(work, "market-photo.txt");
  writeFileSync(photo, "photo of the market after the shelling");
  await page.locator("#attachment").setInputFiles(photo);
  await shot(page, "23-public-report-form");
  // The form's token is accepted from two seconds after it was issued.
  await new Promise((r) => setTimeout(r, 2500));
  await page.locator("button[type=submit]").click();
  const reference = (await page.locator("p.reference").innerText()).trim();
  assert.match(reference, /^HR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await shot(page, "24-public-report-received");
  await context.close();
  const pending = cli(["harm", "list", "--status", "pending"]);
  assert.ok(pending.reports.some((r) => r.reference === reference), "the report waits for assessment");
  const shown = cli(["harm", "show", reference]);
  assert.equal(shown.attachments.length, 1, "its attachment is an item");

  await harmReports(custodianPage, base, reference);

  step("custodian: the Reports page");
  await custodianPage.goto(`${base}/reports`);
  const charts = await custodianPage.locator("svg").count();
  assert.ok(charts >= 6, `a chart beside each table (${charts})`);
  assert.equal(await custodianPage.locator("svg polyline").count(), 2, "requests over the months as lines");
  assert.ok(await custodianPage.locator("a[href*='.csv']").count() >= 6, "each table downloadable as CSV");
  await shot(custodianPage, "25-reports");
}

// The civilian-harm reports as their assessors see them: the reported place on the map (drawn
// from the server's own tiles, nothing asked of any other host), its popup's link to the report,
// and an assessment recorded through the report's form.
async function harmReports(page, base, reference) {
  step("harm assessment: the reports on a map, one opened from it and assessed");
  const asked = [];
  const record = (r) => asked.push(r.url());
  page.context().on("request", record);
  try {
    await page.goto(`${base}/harm`);
    const live = page.locator("#map div.map-live");
    await live.waitFor({ state: "visible" });
    await page.waitForFunction(() => window.custodiaMaps?.[0]?.loaded() && window.custodiaMaps[0].areTilesLoaded(),
      null, { timeout: 30_000 });
    const pins = await page.evaluate(() => window.custodiaMaps[0].queryRenderedFeatures({ layers: ["pins"] })
      .map((f) => f.id ?? f.properties.href));
    assert.ok(pins.length >= 1, "the reported place is on the map");
    assert.equal(await page.locator("#list tbody tr").count(), 1, "the report is in the table");
    await page.locator("#map").scrollIntoViewIfNeeded();
    await shot(page, "41-harm-map");
    // The pin's popup names the report and links to it.
    const [x, y] = await page.evaluate(() => {
      const p = window.custodiaMaps[0].project([42.4483, 36.3762]);
      return [p.x, p.y];
    });
    await live.locator("canvas.maplibregl-canvas").click({ position: { x, y } });
    const popup = page.locator(".maplibregl-popup-content");
    await popup.waitFor();
    assert.match(await popup.innerText(), new RegExp(`${reference} · Market street, Tal Afar`));
    await popup.locator(`a[href="/harm/${reference}"]`).click();
    await page.waitForURL(`${base}/harm/${reference}`);
    const origin = new URL(base).origin;
    const elsewhere = asked.filter((u) => !u.startsWith("data:") && new URL(u).origin !== origin);
    assert.deepEqual(elsewhere, [], "the harm map asks nothing of any other host");
  } finally {
    page.context().off("request", record);
  }
  assert.match(await page.locator("h1").innerText(), new RegExp(reference));
  await page.locator("section.forms summary").click();
  await page.locator("#outcome").selectOption("credible");
  await page.locator("#killed").fill("3");
  await page.locator("#area").fill("Tal Afar district");
  await page.locator("#public_summary").fill("A shell hit the market.");
  await page.locator("#note").fill("The photo matches the place.");
  await page.getByRole("button", { name: "Record the assessment" }).click();
  await page.waitForURL(`${base}/harm/${reference}#assessments`);
  assert.match(await page.locator("#assessments").innerText(), /Credible[\s\S]*Tal Afar district/);
  await page.waitForFunction(() => window.custodiaMaps?.[0]?.loaded() && window.custodiaMaps[0].areTilesLoaded(),
    null, { timeout: 30_000 });
  await shot(page, "42-harm-report");
  const shown = cli(["harm", "show", reference]);
  assert.equal(shown.status, "credible", "the assessment is the vault's");
  assert.equal(shown.assessments[0].killed, 3);
}

async function victimSupport(browser, base, custodianPage) {
  step("victim support: notices due, a draft in Arabic, recorded, the contact log");
  const support = await signIn(browser, base, "support");
  const page = support.page;
  await page.getByRole("navigation", { name: "main" }).getByRole("link", { name: "Victim support" }).click();
  await page.waitForURL(`${base}/victims`);
  assert.match(await page.locator("h1").innerText(), /Victim support/);
  const rows = page.locator("table.due tbody tr");
  const rowOf = (pseudonym, reason) => rows.filter({ has: page.locator("bdi", { hasText: pseudonym }) })
    .filter({ hasText: reason });
  // Overdue first, marked in words and by class.
  assert.equal(await rows.first().getAttribute("class"), "overdue");
  const overdue = rowOf("V-22", "Periodic update");
  assert.equal(await overdue.count(), 1);
  assert.equal(await overdue.getAttribute("class"), "overdue");
  assert.equal((await overdue.locator(".mark.overdue").innerText()).trim(), "Overdue");
  const due = rowOf("V-21", "Milestone");
  assert.equal(await due.count(), 1);
  assert.equal(await due.getAttribute("class"), "pending");
  const cells = (await due.locator("td").allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(cells.slice(0, 8),
    ["Due", "V-21", CASE, "Milestone", daysAgo(4), cells[5], "Arabic", "Letter"]);
  await shot(page, "18-victims-due");

  // The draft: in Arabic, right to left, with the milestone's public text; drafting is a POST.
  await due.getByRole("button", { name: "Draft" }).click();
  await page.waitForURL(`${base}/victims/draft`);
  const draft = page.locator("article.draft");
  assert.equal(await draft.getAttribute("lang"), "ar");
  assert.equal(await draft.getAttribute("dir"), "rtl");
  assert.doesNotMatch(await draft.locator("h2.subject").innerText(), new RegExp(CASE), "the subject names no case");
  assert.match(await draft.innerText(), new RegExp(CASE));
  assert.match(await draft.innerText(), new RegExp(MILESTONE_TEXT));
  assert.match(await draft.innerText(), /Layla Haddad/);
  await shot(page, "19-victims-draft");

  // Recorded as a letter posted today, settling the milestone.
  assert.equal(await page.getByLabel("Channel").inputValue(), "letter");
  assert.ok(await page.getByLabel("Milestone").isChecked(), "the draft's reason is ticked");
  assert.ok(!(await page.getByLabel("Periodic update").isChecked()));
  await page.getByLabel("Sent on").fill(daysAgo(0));
  await page.getByRole("button", { name: "Record the notice as sent" }).click();
  await page.waitForURL(`${base}/victims/person/V-21#log`);
  const notice = page.locator("table.contact-log tbody tr.entry-notice");
  assert.equal(await notice.count(), 1);
  const entry = (await notice.locator("td").allInnerTexts()).map((t) => t.trim());
  assert.equal(entry[0], daysAgo(0));
  assert.equal(entry[2], CASE);
  assert.equal(entry[3], "Letter");
  assert.equal(entry[4], "Milestone");
  assert.match(await page.locator("#contact").innerText(), /12 Canal Street/);
  assert.match(await page.locator("#cases").innerText(), new RegExp(`${CASE}[\\s\\S]*Victim[\\s\\S]*${daysAgo(60)}`));
  await shot(page, "20-victims-contact-log");

  // Gone from the notices due; V-22's stay.
  await page.goto(`${base}/victims`);
  assert.equal(await rowOf("V-21", "Milestone").count(), 0);
  assert.equal(await rowOf("V-22", "Periodic update").count(), 1);

  // In Arabic: right to left, values isolated.
  await page.goto(`${base}/language?lang=ar&next=/victims`);
  await page.waitForURL(`${base}/victims`);
  assert.equal(await page.locator("html").getAttribute("dir"), "rtl");
  assert.equal(await page.locator("html").getAttribute("lang"), "ar");
  assert.match(await page.locator("h1").innerText(), /دعم الضحايا/);
  assert.equal((await rows.first().locator(".mark.overdue").innerText()).trim(), "متأخر");
  assert.ok((await rows.first().locator("td bdi").count()) >= 4, "pseudonym, case and dates isolated");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the Arabic victim support page is ${overflow}px wider than the window`);
  await shot(page, "21-victims-arabic");
  await page.goto(`${base}/language?lang=en&next=/victims`);
  await support.context.close();

  // A custodian has no such page: refused as any forbidden page, and not in the navigation.
  step("custodian: refused the victim support pages");
  for (const path of ["/victims", "/victims/person/V-21", "/victims/person/V-9999"]) {
    const refused = await custodianPage.goto(`${base}${path}`);
    assert.equal(refused.status(), 403, path);
    assert.match(await custodianPage.getByRole("alert").innerText(), /You may not see this page/);
    assert.doesNotMatch(await custodianPage.content(), /12 Canal Street|Layla Haddad/);
  }
  await custodianPage.goto(`${base}/`);
  assert.equal(await custodianPage.getByRole("navigation", { name: "main" })
    .getByRole("link", { name: "Victim support" }).count(), 0);
}

// Accessibility: axe-core on every main page (the victim support pages and the capture pages
// among them), in English, Arabic and Sorani, WCAG 2.0, 2.1 and 2.2
// A and AA; any serious or critical violation fails the test, named with its rule, its impact,
// the page and the elements. So does any breach of the page structure people navigate by
// (one main landmark, all content in landmarks, one h1, headings in order, a working skip
// link), which axe files under its best practices.
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const STRUCTURE = ["landmark-one-main", "region", "page-has-heading-one", "heading-order",
  "skip-link", "landmark-unique", "landmark-no-duplicate-main", "landmark-main-is-top-level"];

// The case's map, in `lang`: MapLibre draws the server's own vector tiles (the bundled world
// basemap and the street-level extract of `serve --tiles`) with the incident's place and the
// disc of its precision; every request of the page goes to the server itself; the + button
// zooms in, and the map goes down to the deepest zoom the tiles allow (the extract's 16, and two
// steps more), where the extract's streets are drawn. No serious or critical axe violation.
async function caseMap(page, base, lang, screenshot) {
  step(`the case map in ${lang}: tiles from the server alone, zoomed to street level`);
  await page.goto(`${base}/language?lang=${lang}&next=${encodeURIComponent(`/cases/${CASE}`)}`);
  const asked = [];
  const record = (r) => asked.push(r.url());
  page.context().on("request", record);
  try {
    await page.goto(`${base}/cases/${CASE}`);
    const live = page.locator("#map div.map-live");
    await live.waitFor({ state: "visible" });
    await page.waitForFunction(() => window.custodiaMaps?.[0]?.loaded() && window.custodiaMaps[0].areTilesLoaded(),
      null, { timeout: 30_000 });
    const canvas = await live.locator("canvas.maplibregl-canvas").evaluate((c) => [c.width, c.height]);
    assert.ok(canvas[0] > 300 && canvas[1] > 200, `the map's canvas is drawn: ${canvas}`);
    assert.equal(await page.locator("#map figure.case-map svg").isVisible(), false,
      "the SVG map (for readers without script) gives way to the interactive one");
    const drawn = (layer) => page.evaluate((l) => window.custodiaMaps[0].queryRenderedFeatures({ layers: [l] }).length, layer);
    assert.ok(await drawn("pins") >= 1, "the incident's place is on the map");
    assert.ok(await drawn("precision") >= 1, "with the disc of its precision");
    assert.ok(await drawn("land") >= 1, "over the world basemap");
    // Countries named in the page's language, their letters drawn from the browser's own fonts
    // (no glyph files asked of anyone); Arabic-script names shaped by the bundled plugin, which
    // the map loads from the server when it first meets such a label, then lays the tiles out
    // again: the labels are counted once it has, as soon as they are placed.
    if (lang === "ar") {
      await page.waitForFunction(() => maplibregl.getRTLTextPluginStatus() === "loaded", null, { timeout: 30_000 });
    }
    await page.waitForFunction(() => window.custodiaMaps[0].queryRenderedFeatures({ layers: ["country-labels"] }).length > 0,
      null, { timeout: 30_000 });
    assert.deepEqual(await page.evaluate(() => window.custodiaMaps[0].getLayoutProperty("country-labels", "text-field")),
      ["get", `name_${lang}`], "in the page's language");
    const named = await page.evaluate(() => window.custodiaMaps[0].queryRenderedFeatures({ layers: ["country-labels"] })
      .map((f) => f.properties));
    assert.ok(named.some((p) => p.name_en === "Syria" && p.name_ar === "سوريا"), JSON.stringify(named));
    // The scale's number and unit in their order ("50 km", never "km 50"), whatever the page's
    // direction.
    const scale = await live.locator(".maplibregl-ctrl-scale").evaluate((el) => {
      const text = el.textContent.trim();
      const digit = text.search(/\d/);
      const letter = text.search(/[a-z]/);
      const at = (i) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node = walker.nextNode();
        let offset = i + (node.data.length - node.data.trimStart().length);
        const r = document.createRange();
        r.setStart(node, offset);
        r.setEnd(node, offset + 1);
        return r.getBoundingClientRect().left;
      };
      return { text, numberFirst: at(digit) < at(letter) };
    });
    assert.ok(scale.numberFirst, `the scale reads "${scale.text}" left to right`);

    const zoom = () => page.evaluate(() => window.custodiaMaps[0].getZoom());
    const before = await zoom();
    await live.locator("button.maplibregl-ctrl-zoom-in").click();
    await page.waitForFunction((z) => window.custodiaMaps[0].getZoom() >= z + 0.99 && !window.custodiaMaps[0].isMoving(), before);
    const max = await page.evaluate(() => window.custodiaMaps[0].getMaxZoom());
    assert.equal(max, 18, "the extract's deepest zoom, 16, and two steps more");
    // As far as it goes: a zoom past the end stops at the deepest.
    await page.evaluate(() => window.custodiaMaps[0].jumpTo({ center: [41.7436, 36.2175], zoom: 22 }));
    await page.waitForFunction(() => window.custodiaMaps[0].loaded() && window.custodiaMaps[0].areTilesLoaded(),
      null, { timeout: 30_000 });
    const deepest = await zoom();
    assert.equal(deepest, max);
    assert.ok(deepest >= 15, `street level: zoom ${deepest}`);
    assert.ok(await drawn("detail-roads") >= 1, "the extract's streets are drawn at street level");
    assert.ok(await drawn("detail-buildings") >= 1, "and its buildings");
    // Back out enough to see the streets around the place, for the picture.
    await page.evaluate(() => window.custodiaMaps[0].jumpTo({ zoom: 15.5 }));
    await page.waitForFunction(() => window.custodiaMaps[0].loaded() && window.custodiaMaps[0].areTilesLoaded(),
      null, { timeout: 30_000 });
    await page.waitForFunction(() => window.custodiaMaps[0].queryRenderedFeatures({ layers: ["detail-places"] }).length > 0,
      null, { timeout: 30_000 });
    assert.deepEqual(await page.evaluate(() => window.custodiaMaps[0].getLayoutProperty("detail-places", "text-field")),
      ["coalesce", ["get", `name:${lang}`], ["get", "name"]], "in the page's language where the extract has it");
    await page.locator("#map").scrollIntoViewIfNeeded();
    await shot(page, screenshot);

    const origin = new URL(base).origin;
    const elsewhere = asked.filter((u) => !u.startsWith("data:") && new URL(u).origin !== origin);
    assert.deepEqual(elsewhere, [], "the map asks nothing of any other host");
    assert.ok(asked.some((u) => u === `${origin}/tiles/world.pmtiles`), "the world basemap came from the server");
    assert.ok(asked.some((u) => u === `${origin}/tiles/detail.pmtiles`), "the street-level tiles came from the server");
    assert.ok(asked.some((u) => u === `${origin}/assets/maplibre/maplibre-gl-worker.js`), "the map's worker came from the server");

    const found = await axeViolations(page, `case map (${lang})`);
    assert.deepEqual(found, [], `axe-core found serious or critical violations:\n${found.join("\n")}`);
  } finally {
    page.context().off("request", record);
    await page.goto(`${base}/language?lang=en&next=/`);
  }
}

async function axeViolations(page, where) {
  // The replayed web capture is the archived site's page, not the application's.
  const results = await new AxeBuilder({ page }).withTags([...AXE_TAGS, "best-practice"])
    .exclude("iframe.capture-replay").analyze();
  return results.violations
    .filter((v) => STRUCTURE.includes(v.id) ||
      (v.tags.some((t) => AXE_TAGS.includes(t)) && (v.impact === "serious" || v.impact === "critical")))
    .map((v) => `${v.id} (${v.impact}) on ${where}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// The interface language chosen as a signed-in person does: the language page's form (a POST,
// kept with the account).
async function chooseLanguage(page, base, lang) {
  await page.goto(`${base}/language?next=/`);
  await page.locator(`input[name=lang][value=${lang}]`).check();
  await page.locator("main form[action='/language'] button[type=submit]").click();
  await page.waitForURL(`${base}/`);
  assert.equal(await page.locator("html").getAttribute("lang"), lang);
}

// Every value marked `data-value` on the page (sizes, counts with units, hashes, file names,
// times): it must isolate itself from the text around it (`<bdi>` or a `dir` attribute), read
// exactly its data, and be laid out exactly as the value alone would be, in the direction of its
// own first strong letter (or of its `dir`): no number, unit or hash reordered by the page's
// direction. Answers the problems found and the values seen.
function checkIsolatedValues() {
  const visual = (root) => {
    const chars = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      let at = 0;
      for (const ch of node.data) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + ch.length);
        const r = range.getBoundingClientRect();
        if (ch.trim() && r.width > 0) chars.push({ ch, x: r.left + r.width / 2, k: chars.length });
        at += ch.length;
      }
    }
    chars.sort((a, b) => a.x - b.x || a.k - b.k);
    return chars.map((c) => c.ch).join("");
  };
  const firstStrong = (text) => {
    const letter = text.match(/\p{L}/u);
    return letter && /[\p{Script=Arabic}\p{Script=Hebrew}]/u.test(letter[0]) ? "rtl" : "ltr";
  };
  const problems = [];
  const seen = [];
  const raws = [];
  for (const el of document.querySelectorAll("[data-value]")) {
    const expected = el.getAttribute("data-value");
    seen.push(expected);
    if (el.hasAttribute("data-raw")) raws.push({ raw: el.getAttribute("data-raw"), shown: expected });
    const what = `${el.tagName.toLowerCase()} "${expected}"`;
    if (!["isolate", "plaintext", "isolate-override"].includes(getComputedStyle(el).unicodeBidi)) {
      problems.push(`${what} is not isolated`);
    }
    if (el.getClientRects().length === 0) continue;
    if (el.innerText !== expected) problems.push(`${what} reads "${el.innerText}"`);
    const style = getComputedStyle(el);
    const alone = document.createElement("div");
    alone.dir = el.hasAttribute("dir") && el.dir !== "auto" ? el.dir : firstStrong(expected);
    alone.textContent = expected;
    Object.assign(alone.style, {
      position: "absolute", top: "0", left: "0", whiteSpace: "nowrap", visibility: "hidden",
      fontFamily: style.fontFamily, fontSize: style.fontSize, fontWeight: style.fontWeight,
    });
    document.body.append(alone);
    const wrap = el.style.whiteSpace;
    el.style.whiteSpace = "nowrap";
    const shown = visual(el);
    const meant = visual(alone);
    el.style.whiteSpace = wrap;
    alone.remove();
    if (shown !== meant) problems.push(`${what} is laid out as "${shown}", not "${meant}"`);
  }
  return { problems, seen, raws };
}

// A text's Arabic-Indic and Eastern Arabic-Indic digits as Latin ones.
function latinDigits(text) {
  return text.replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0));
}

// Items by their names, with a short hash whose button copies the full one; times said
// relatively beside the exact time.
async function namesHashesAndTimes(page, base, sha, requestUrl, fileName) {
  step("items by name, the full hash copied, times relative beside the exact time");
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  // The request names its item by its file name, beside its short hash.
  await page.goto(requestUrl);
  const named = page.locator("tbody tr", { has: page.getByRole("link", { name: fileName }) });
  assert.equal(await named.count(), 1, "the request names its item");
  assert.equal(await named.locator(".hash .mono").innerText(), sha.slice(0, 12));
  // The list: the short hash's button copies the full hash, from the keyboard.
  await page.goto(`${base}/items`);
  const row = page.locator("tbody tr", { has: page.locator(`a[href="/items/${sha}"]`) });
  const button = row.getByRole("button", { name: "Copy" });
  assert.equal(await button.count(), 1, "a copy button beside the short hash");
  assert.equal(await row.locator(".hash .mono").innerText(), sha.slice(0, 12));
  await button.focus();
  await page.keyboard.press("Enter");
  await row.locator(".copy-status", { hasText: "Copied" }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), sha, "the full hash is copied");
  // The time it was stored: the exact time, and how long ago beside it.
  const cell = row.locator("td", { has: page.locator("time") });
  const exact = cell.locator("time bdi[data-value]");
  assert.equal(await exact.count(), 1);
  assert.match(await cell.locator("time").getAttribute("datetime"), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  assert.match(await exact.innerText(), /\d{1,2}:\d\d/, "the exact time, to the minute");
  assert.match(await cell.locator(".relative").innerText(), /^\((just now|\d+ minutes? ago|\d+ hours? ago)\)$/);
  // Without a clipboard (a page not served over HTTPS), the full hash is selected instead.
  await page.goto(`${base}/items/${sha}`);
  await page.evaluate(() => Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true }));
  await page.locator(`button.copy[data-copy="${sha}"]`).first().click();
  const selected = await page.evaluate(() => {
    const el = document.activeElement;
    return el.value.slice(el.selectionStart, el.selectionEnd);
  });
  assert.equal(selected, sha, "the full hash is selected to copy");
}

// The main pages as an investigator signed in as the holder's custodian sees them, and those
// seen without signing in.
function mainPages(base, intake, sha, requestUrl, captureSha) {
  return {
    signedIn: {
      dashboard: "/", items: "/items", item: `/items/${sha}`,
      search: `/search?q=${encodeURIComponent(ARABIC_WORD)}`, upload: "/upload", capture: "/capture",
      "capture view": `/captures/${captureSha}`,
      cases: "/cases", case: `/cases/${CASE}`, requests: "/requests", request: requestUrl.replace(base, ""),
      witnesses: "/witnesses", reports: "/reports", admin: "/admin", language: "/language",
      "harm reports": "/harm", "harm report": `/harm/${cli(["harm", "list"]).reports[0].reference}`,
    },
    public: (lang) => ({ "sign-in": `${base}/login`, "public report form": `${intake}/report?lang=${lang}` }),
    // Seen only by the holder's victim support officers.
    support: { victims: "/victims", "victim": "/victims/person/V-21" },
  };
}

async function accessibility(browser, base, intake, page, sha, requestUrl, captureSha) {
  const pages = mainPages(base, intake, sha, requestUrl, captureSha);
  const found = [];
  const support = await signIn(browser, base, "support");
  for (const lang of ["en", "ar", "ckb"]) {
    step(`axe-core: the main pages in ${lang}`);
    await chooseLanguage(page, base, lang);
    for (const [name, path] of Object.entries(pages.signedIn)) {
      const response = await page.goto(`${base}${path}`);
      assert.equal(response.status(), 200, `${path} in ${lang}`);
      assert.equal(await page.locator("html").getAttribute("lang"), lang);
      found.push(...await axeViolations(page, `${name} (${path}, ${lang})`));
    }
    await chooseLanguage(support.page, base, lang);
    for (const [name, path] of Object.entries(pages.support)) {
      const response = await support.page.goto(`${base}${path}`);
      assert.equal(response.status(), 200, `${path} in ${lang}`);
      found.push(...await axeViolations(support.page, `${name} (${path}, ${lang})`));
    }
    // Not signed in: the browser's language chooses (the reporting point's, its address).
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: lang });
    const visitor = await context.newPage();
    for (const [name, url] of Object.entries(pages.public(lang))) {
      const response = await visitor.goto(url);
      assert.equal(response.status(), 200, `${url} in ${lang}`);
      assert.equal(await visitor.locator("html").getAttribute("lang"), lang, url);
      found.push(...await axeViolations(visitor, `${name} (${url}, ${lang})`));
    }
    await context.close();
  }
  await chooseLanguage(page, base, "en");
  await chooseLanguage(support.page, base, "en");
  await support.context.close();
  assert.deepEqual(found, [], `axe-core found serious or critical violations:\n${found.join("\n")}`);

  // The keyboard: the skip link is the first stop and leads into the content, and every stop
  // after it shows where the focus is (a ring at least 2px wide).
  step("keyboard: the skip link, and a visible focus at every stop");
  for (const path of ["/", `/items/${sha}`, "/upload"]) {
    await page.goto(`${base}${path}`);
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.className), "skip", path);
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main", `${path}: skipped to the content`);
    for (let stop = 0; stop < 12; stop++) {
      await page.keyboard.press("Tab");
      const focus = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return { what: el.outerHTML.slice(0, 80), ring: style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0 };
      });
      if (focus.what.startsWith("<body")) break;
      assert.ok(focus.ring >= 2, `${path}: no visible focus on ${focus.what}`);
    }
  }
}

// Right to left without reordering, in Arabic and in Sorani: on the pages showing sizes,
// counts, hashes, file names and times, every value is isolated and rendered as its data; the
// main pages' screenshots in both.
async function rightToLeftValues(page, base, sha, requestUrl, fileName, fileSize) {
  const pages = {
    dashboard: "/", items: "/items", item: `/items/${sha}`,
    search: `/search?q=${encodeURIComponent(ARABIC_WORD)}`, request: requestUrl.replace(base, ""),
    case: `/cases/${CASE}`, reports: "/reports",
  };
  // Screenshots (the Arabic dashboard is 14-dashboard-arabic).
  const shotsOf = {
    ar: { "30-items-arabic": "items", "31-item-arabic": "item", "32-search-arabic-interface": "search",
      "33-request-arabic": "request" },
    ckb: { "34-dashboard-sorani": "dashboard", "35-items-sorani": "items", "36-item-sorani": "item",
      "37-search-sorani": "search", "38-request-sorani": "request" },
  };
  for (const lang of ["ar", "ckb"]) {
    step(`right to left: values isolated and in order, ${lang}`);
    await chooseLanguage(page, base, lang);
    const problems = [];
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(`${base}${path}`);
      assert.equal(await page.locator("html").getAttribute("dir"), "rtl", `${path} in ${lang}`);
      const checked = await page.evaluate(checkIsolatedValues);
      problems.push(...checked.problems.map((p) => `${name} (${path}, ${lang}): ${p}`));
      assert.ok(checked.seen.length > 0, `${path} in ${lang} marks its values`);
      // The data itself: the item's file name and hash as they are.
      const expected = { items: [fileName, sha.slice(0, 12)], item: [fileName, sha],
        search: [fileName] }[name] ?? [];
      for (const value of expected) {
        assert.ok(checked.seen.includes(value), `${path} in ${lang} shows ${value} as a value`);
      }
      // Numbers the interface writes are in the language's digits (CLDR's: Latin in Arabic,
      // Arabic-Indic in Sorani), the exact value beside in `data-raw`: the size in bytes, the
      // time as RFC 3339.
      const digits = lang === "ckb" ? /[٠-٩]/ : /[0-9]/;
      if (name === "item") {
        const size = checked.raws.find((r) => r.raw === String(fileSize));
        assert.ok(size, `${path} in ${lang} shows the size ${fileSize} with its raw value`);
        assert.equal(latinDigits(size.shown), `${fileSize} B`, `${path} in ${lang}: the size`);
        assert.match(size.shown, lang === "ckb" ? /^[٠-٩]+ B$/ : /^[0-9]+ B$/, `${path} in ${lang}: the size's digits`);
      }
      for (const time of checked.raws.filter((r) => /^\d{4}-\d\d-\d\dT/.test(r.raw))) {
        assert.match(time.shown, digits, `${path} in ${lang}: the time ${time.raw} in the language's digits`);
      }
    }
    assert.deepEqual(problems, [], `values reordered or not isolated:\n${problems.join("\n")}`);
    for (const [file, name] of Object.entries(shotsOf[lang])) {
      await page.goto(`${base}${pages[name]}`);
      await shot(page, file);
    }
  }
  await chooseLanguage(page, base, "en");
}

// A small web site in this process, to capture: a page with a sentence of its own and an image.
// It counts the requests it answers, so that a replay that reached it is noticed.
async function startCaptureSite() {
  const sentence = `Checkpoint 17 closed at dawn; notice ${process.pid}-${Date.now()} of the district council.`;
  // A 1 × 1 PNG, red.
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
    "base64");
  const site = { sentence, requests: 0 };
  site.server = createServer((req, res) => {
    site.requests += 1;
    if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>District council notice</title></head>
<body><h1>District council</h1><p id="notice">${sentence}</p>
<img id="seal" src="/seal.png" alt="the council's seal" width="96" height="96"></body></html>`);
    } else if (req.url === "/seal.png") {
      res.writeHead(200, { "content-type": "image/png", "content-length": png.length });
      res.end(png);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  await new Promise((r) => site.server.listen(0, "127.0.0.1", r));
  site.url = `http://127.0.0.1:${site.server.address().port}/`;
  return site;
}

// `custodia capture` of the site, run without blocking this process (which serves the site).
async function captureSite(site) {
  const child = spawn(custodia, ["--data-dir", vault, "--json", "capture", "--allow-private", site.url,
    "--originator", ORIGINATOR, "--note", "end-to-end test"], { stdio: ["ignore", "pipe", "pipe"], cwd: root });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => { stdout += d; });
  child.stderr.on("data", (d) => { stderr += d; });
  const code = await new Promise((r) => child.on("exit", (c) => r(c)));
  if (code !== 0) throw new Error(`custodia capture failed (${code}): ${stderr}`);
  const capture = JSON.parse(stdout).captures[0];
  assert.ok(capture.capture_sha256 && capture.wacz_sha256, `the capture is stored: ${stdout}`);
  return capture;
}

// The capture's page, signed in: the archived page replays inside the frame of the replay
// origin, from the vault alone. Nothing reaches the captured site any more, and the browser asks
// nothing of any host but the server's two listeners.
async function captureReplay(browser, server, site, capture) {
  const { context, page } = await signIn(browser, server.base, "custodian");
  const asked = [];
  context.on("request", (r) => asked.push(r.url()));
  const before = site.requests;
  await page.goto(`${server.base}/captures/${capture.capture_sha256}`);
  const frame = page.locator("iframe.capture-replay");
  assert.equal(await frame.count(), 1, "the capture's page frames its replay");
  assert.ok((await frame.getAttribute("src")).startsWith(`${server.replay}/replay/index.html?`));
  // ReplayWeb.page frames the archived page in frames of its own: wait for the sentence there.
  let replayed = null;
  const deadline = Date.now() + 90_000;
  while (!replayed && Date.now() < deadline) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      const shown = await f.getByText(site.sentence).isVisible().catch(() => false);
      if (shown) { replayed = f; break; }
    }
    if (!replayed) await page.waitForTimeout(500);
  }
  assert.ok(replayed, `the archived sentence shows in the replay; frames: ${page.frames().map((f) => f.url()).join(", ")}`);
  assert.ok(replayed.url().startsWith(`${server.replay}/replay/`), `the archived page is on the replay origin: ${replayed.url()}`);
  const seal = await replayed.locator("#seal").evaluate((img) => img.complete && img.naturalWidth === 1);
  assert.ok(seal, "the archived image is replayed too");
  await frame.evaluate((f) => f.closest("section").scrollIntoView());
  await shot(page, "29-capture-replay");
  assert.equal(site.requests, before, "the captured site is not asked for anything during the replay");
  const allowed = new Set([new URL(server.base).origin, new URL(server.replay).origin]);
  const elsewhere = asked.filter((u) => !u.startsWith("data:") && !u.startsWith("blob:") && !allowed.has(new URL(u).origin));
  assert.deepEqual(elsewhere, [], "the browser asked nothing of any other host");
  assert.ok(asked.some((u) => u.includes("/replay/source/")), "the archive came from the replay origin");
  // The application's origin serves none of ReplayWeb.page.
  for (const path of ["/replay/index.html", "/replay/ui.js", "/replay/sw.js"]) {
    const response = await page.request.get(`${server.base}${path}`);
    assert.notEqual(response.status(), 200, `${path} is not on the application's origin`);
  }
  await context.close();
}

async function main() {
  step(`setting up a vault in ${vault}`);
  cli(["init", "--administrator", "custodian"]);
  cli(["org", "add", ORIGINATOR, "--kind", "originator"]);
  cli(["org", "add", AUTHORITY, "--kind", "requesting_authority", "--approved-requester"]);
  cli(["user", "add", "liaison", "--org", ORIGINATOR, "--role", "originator_liaison"]);
  cli(["user", "add", "prosecutor", "--org", AUTHORITY, "--role", "requester"]);
  cli(["user", "add", "support", "--org", "Holder", "--role", "victim_support_officer"]);
  for (const user of ["custodian", "liaison", "prosecutor", "support"]) {
    cli(["user", "password", user], PASSWORD);
  }
  cli(["ingest", "samples/collection", "--originator", ORIGINATOR]);
  cli(["extract", "--pending"]);
  cli(["case", "add", CASE, "--title", "Sinjar, August 2014"]);
  // The victim register: V-21 (Arabic, by letter) and V-22, victims in the case, and a
  // milestone of it a few days old.
  const identity = join(work, "identity.json");
  writeFileSync(identity, JSON.stringify({ name: "Layla Haddad" }));
  const contact = join(work, "contact.json");
  writeFileSync(contact, JSON.stringify({ language: "ar", channel: "letter", address: "12 Canal Street\nAmsterdam" }));
  for (const pseudonym of ["V-21", "V-22"]) {
    cli(["--as", "support", "person", "add", pseudonym, "--identity", identity]);
  }
  cli(["--as", "support", "person", "contact", "V-21", "--set", contact]);
  cli(["case", "milestone", "add", CASE, "--kind", "suspect_arrested", "--date", daysAgo(4),
    "--public-text", MILESTONE_TEXT]);
  cli(["--as", "support", "person", "case", "V-21", CASE, "--role", "victim", "--date", daysAgo(60)]);
  cli(["--as", "support", "person", "case", "V-22", CASE, "--role", "victim", "--date", daysAgo(240)]);

  // A web page captured before the server starts; replayed at the end.
  const site = await startCaptureSite();
  step(`capturing ${site.url}`);
  const capture = await captureSite(site);

  const server = await startServer();
  const { base } = server;
  step(`server at ${base}`);
  const browser = await chromium.launch({
    executablePath: process.env.CUSTODIA_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    // Sign-in page, and a wrong password refused.
    {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}/login`);
      await shot(page, "01-sign-in");
      await page.getByLabel("User name").fill("custodian");
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").waitFor();
      assert.match(await page.getByRole("alert").innerText(), /Sign-in failed/);
      await context.close();
    }

    step("custodian: dashboard, upload, item page");
    const custodian = await signIn(browser, base, "custodian");
    let page = custodian.page;
    assert.match(await page.locator("h1").innerText(), /Dashboard/);
    assert.match(await page.content(), new RegExp(ORIGINATOR));
    await shot(page, "02-dashboard");

    const upload = join(work, "testimony-badush-ar.txt");
    writeFileSync(upload, ARABIC_TEXT);
    await page.getByRole("link", { name: "Upload" }).click();
    await page.getByLabel("File").setInputFiles(upload);
    await page.getByLabel("Originator").fill(ORIGINATOR);
    await page.getByLabel("Case reference (optional)").fill("");
    await shot(page, "03-upload");
    await page.getByRole("button", { name: "Upload" }).click();
    await page.waitForURL(/\/items\/[0-9a-f]{64}$/, { timeout: 30000 });
    const sha = page.url().split("/").pop();
    assert.match(await page.locator("h1").innerText(), /testimony-badush-ar\.txt/);
    assert.match(await page.getByRole("status").first().innerText(), /Verified/);

    // The new item is listed.
    await page.goto(`${base}/items`);
    await page.getByRole("link", { name: "testimony-badush-ar.txt" }).waitFor();
    await shot(page, "04-items");

    step("custodian: search in Arabic");
    let found = false;
    for (let attempt = 0; attempt < 60 && !found; attempt++) {
      await page.goto(`${base}/search?q=${encodeURIComponent(ARABIC_WORD)}`);
      found = (await page.locator("li.hit").count()) > 0;
      if (!found) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(found, "the uploaded Arabic text is found by search");
    const hit = page.locator("li.hit").first();
    assert.match(await hit.locator(".hit-title").innerText(), /testimony-badush-ar\.txt/);
    assert.equal(await hit.locator("p.snippet").getAttribute("dir"), "rtl");
    assert.equal(await hit.locator("mark").first().innerText(), ARABIC_WORD);
    await shot(page, "05-search-arabic");
    // A Latin-script query finds Arabic-script mentions too, marked as such.
    await page.goto(`${base}/search?q=Sinjar`);
    await shot(page, "06-search-cross-script");

    await page.goto(`${base}/items/${sha}`);
    await shot(page, "07-item");

    step("custodian: a photo with a GPS position, on the map");
    await page.goto(`${base}/upload`);
    await page.getByLabel("File").setInputFiles(join(root, "e2e/fixtures/photo-sinjar-gps.jpg"));
    await page.getByLabel("Originator").fill(ORIGINATOR);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.waitForURL(/\/items\/[0-9a-f]{64}$/, { timeout: 30000 });
    const photoUrl = page.url();
    let mapped = false;
    for (let attempt = 0; attempt < 60 && !mapped; attempt++) {
      await page.goto(photoUrl);
      mapped = (await page.locator("figure.map circle.pin").count()) > 0;
      if (!mapped) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(mapped, "the capture place is drawn on the map");
    assert.match(await page.locator("figure.map figcaption").innerText(), /36\.325/);
    assert.equal(await page.locator("img.preview").evaluate((img) => img.naturalWidth), 320);
    // The interactive map of the position, drawn from the server's tiles.
    await page.waitForFunction(() => window.custodiaMaps?.[0]?.loaded() && window.custodiaMaps[0].areTilesLoaded(),
      null, { timeout: 30_000 });
    await page.locator("div.map-live").scrollIntoViewIfNeeded();
    await shot(page, "07b-item-photo-map");

    step("prosecutor: file a request");
    const prosecutor = await signIn(browser, base, "prosecutor");
    page = prosecutor.page;
    await page.goto(`${base}/requests/new`);
    await page.getByLabel("Legal basis").fill("Mutual legal assistance treaty, art. 3");
    await page.getByLabel("Case reference").fill("NL-2026-017");
    await page.getByLabel("Places (one per line)").fill("Badush\nMosul");
    await page.getByLabel("What is asked").fill("Testimony about the Badush prison, August 2014.");
    await shot(page, "08-request-new");
    await page.getByRole("button", { name: "File the request" }).click();
    await page.waitForURL(/\/requests\/RFA-/);
    const requestUrl = page.url();
    const requestId = decodeURIComponent(requestUrl.split("/").pop());
    assert.match(await page.content(), /NL-2026-017/);

    step(`custodian: scope ${requestId}`);
    page = custodian.page;
    await page.goto(requestUrl);
    await page.getByLabel("Add items (SHA-256, one per line)").fill(sha);
    await page.getByRole("button", { name: "Add to the request" }).click();
    await page.waitForURL(requestUrl);
    assert.match(await page.content(), new RegExp(sha.slice(0, 12)));
    await shot(page, "09-request-custodian");

    step("liaison: grant consent");
    const liaison = await signIn(browser, base, "liaison");
    page = liaison.page;
    await page.goto(requestUrl);
    await page.getByLabel("Grant").check();
    await page.getByLabel("Reason").fill("the witness agreed to share with Dutch prosecutors");
    await shot(page, "10-consent");
    await page.getByRole("button", { name: "Consent decision" }).click();
    await page.waitForURL(requestUrl);

    step("custodian: build the package");
    page = custodian.page;
    await page.goto(requestUrl);
    await page.getByRole("button", { name: "Build the disclosure package" }).click();
    await page.waitForURL(requestUrl);
    assert.match(await page.content(), /finalised/);

    step("prosecutor: download and verify the package");
    page = prosecutor.page;
    await page.goto(requestUrl);
    await shot(page, "11-request-finalised");
    const downloading = page.waitForEvent("download");
    await page.locator("a[href*='/packages/']").first().click();
    const download = await downloading;
    const packagePath = join(work, "package.zip");
    await download.saveAs(packagePath);
    const vkey = await (await fetch(`${base}/api/v1/log/public-key`)).text();
    const keyFile = join(work, "holder.vkey");
    writeFileSync(keyFile, vkey);
    const verified = spawnSync(verifier, [packagePath, "--key", keyFile, "--json"], { encoding: "utf8" });
    assert.equal(verified.status, 0, `custodia-verify: ${verified.stdout} ${verified.stderr}`);
    const report = JSON.parse(verified.stdout);
    assert.ok(JSON.stringify(report).includes(sha), "the package holds the granted item");

    // The prosecutor may not see the holder's other items, nor the administration page.
    await page.goto(`${base}/items/${sha}`);
    const forbidden = await page.goto(`${base}/admin`);
    assert.equal(forbidden.status(), 403);

    step("other pages: witnesses, administration, Arabic layout");
    page = custodian.page;
    await page.goto(`${base}/witnesses`);
    await shot(page, "12-witnesses");
    await page.goto(`${base}/admin`);
    await shot(page, "13-administration");
    await page.goto(`${base}/language?lang=ar&next=/`);
    assert.equal(await page.locator("html").getAttribute("dir"), "rtl");
    await shot(page, "14-dashboard-arabic");
    await page.goto(`${base}/language?lang=en&next=/`);

    // A tablet held upright: nothing wider than the screen.
    await page.setViewportSize({ width: 820, height: 1180 });
    for (const path of ["/", `/search?q=${encodeURIComponent("Sinjar")}`, `/items/${sha}`, requestUrl.replace(base, "")]) {
      await page.goto(`${base}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than a tablet`);
    }
    await page.goto(`${base}/search?q=Sinjar`);
    await shot(page, "15-search-tablet");
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/`);

    // Keyboard: the skip link is the first stop and leads to the content.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.className), "skip");

    await caseAnalysis(page, base, sha);
    await caseMap(page, base, "en", "39-case-map");
    await caseMap(page, base, "ar", "40-case-map-arabic");
    await victimSupport(browser, base, page);
    await publicReportAndReports(browser, server.intake, base, page);
    step("replaying the web capture");
    await captureReplay(browser, server, site, capture);
    await namesHashesAndTimes(page, base, sha, requestUrl, "testimony-badush-ar.txt");
    await accessibility(browser, base, server.intake, page, sha, requestUrl, capture.capture_sha256);
    await rightToLeftValues(page, base, sha, requestUrl, "testimony-badush-ar.txt", Buffer.byteLength(ARABIC_TEXT));

    await custodian.context.close();
    await prosecutor.context.close();
    await liaison.context.close();
  } finally {
    site.server.close();
    await browser.close();
    server.child.kill("SIGTERM");
    const code = await new Promise((r) => server.child.on("exit", (c) => r(c)));
    if (code !== 0) console.error(server.stderr());
    assert.equal(code, 0, "the server stops cleanly on SIGTERM");
  }
  rmSync(work, { recursive: true, force: true });
  console.error(`e2e: passed; screenshots in ${shots}`);
}

main().catch((e) => {
  console.error(`e2e: FAILED: ${e.stack || e}`);
  console.error(`e2e: the vault and files are kept in ${work}`);
  process.exit(1);
});
