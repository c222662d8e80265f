# Custodia: the interface in English. The reference catalogue: every other language has
# exactly its messages.

## Application and navigation

nav-reports = Reports
app = Custodia
skip = Skip to content
nav-dashboard = Dashboard
nav-items = Items
nav-upload = Upload
nav-search = Search
nav-requests = Requests
nav-witnesses = Witnesses
nav-admin = Administration
signout = Sign out
signin = Sign in
signin-title = Sign in to Custodia
user = User name
password = Password
totp = Second-factor code (if you have one)
signin-failed = Sign-in failed. Check the user name, the password and the code.
nav-cases = Cases
forbidden = You may not see this page.
nav-victims = Victim support
language = Language
col-id = Id
col-time = Time
col-who = Who
col-action = Action
col-item = Item
col-log = Log #
log-pending = pending
col-name = Name
col-size = Size
col-stored = Stored
col-details = Details
pages-label = Pages
pages-previous = ← Previous
pages-next = Next →
language-title = Interface language
language-note = The pages are shown in the language chosen here; it is kept with your account, and in this browser.
language-choose = Choose
language-saved = Language saved.
nav-language = Language
nav-label = Main
error = Error
error-bad_request = Bad request
error-forbidden = Not allowed
error-not_found = Not found
error-conflict = Conflict
error-server = Server error
error-language = Unknown language.
error-not_sha256 = That is not a SHA-256.
error-strength = Choose weak, medium or strong.
error-page_number = The page is not a number.
error-decision = Choose grant or refuse.
error-org_kind = Unknown organisation kind.
error-role = Unknown role.
error-precision = The precision is not a number.
error-lat_lon = Give both latitude and longitude as numbers, or neither.
error-assessment = Choose supports, contradicts or context.

## Dashboard

dash-holdings = Holdings
dash-by_originator = By originator
dash-by_kind = By type
dash-open_requests = Open requests
dash-activity = Recent activity
dash-none = Nothing yet.
dash-truncated = Counted over the first 100,000 items.

## Items

items-title = Items
items-filter = Filter
items-originator = Originator
items-kind = Type
items-path = Name contains
items-any = any
items-none = No item you may see matches.
items-count =
    { $count ->
        [one] { $count } item
       *[other] { $count } items
    }
item-facts = Facts
item-preview = Preview
item-metadata = Metadata
item-place = Capture place
item-history = Custody history
item-provenance = Provenance
item-download = Download
item-purpose = Purpose (recorded in the custody log)
item-verified = Verified
item-not_rehashed = Log proven; content not re-hashed
item-failed = Verification failed
item-deep = Re-hash the content now
item-text = Extracted text
item-no_preview = No preview for this type; download it to view it.
item-regime = Regime
item-path = Path
item-collected_by = Collected by
item-collected_at = Collected at
item-inside = Inside
item-truncated = Only the beginning is shown.
item-extraction_failed = Extraction failed:
item-redact = Redact
item-redact_texts = Text to burn out (one per line)
item-redact_button = Make a redacted copy
item-rehashed = content re-hashed to its SHA-256
item-preview_of = Preview of { $name }
item-first_page = First page of { $name }
item-bytes =
    { $count ->
        [one] { $count } byte
       *[other] { $count } bytes
    }
item-proven =
    { $count ->
        [one] { $count } custody entry proven in the signed log of { $size } entries
       *[other] { $count } custody entries proven in the signed log of { $size } entries
    }

## Search

search-title = Search
search-query = Query
search-help = Words, "phrases", AND / OR / NOT, prefix*, fuzzy~1, field:value (language, type, originator, case).
search-results =
    { $count ->
        [one] { $count } result
       *[other] { $count } results
    }
search-cross_script = found across scripts
search-facets = Refine
search-sort = Sort
search-relevance = Relevance
search-newest = Newest
search-oldest = Oldest
search-none = Nothing found.

## Requests for assistance

req-title = Requests for assistance
req-new = File a request
req-authority = Requesting authority
req-legal_basis = Legal basis
req-case = Case reference
req-suspects = Suspects (one per line)
req-crimes = Crimes (one per line)
req-places = Places (one per line)
req-period = Period
req-text = What is asked
req-deadline = Deadline (YYYY-MM-DD)
req-file = File the request
req-state = State
req-waiting = Waits on
req-items = Items
req-scope = Add items (SHA-256, one per line)
req-scope-button = Add to the request
req-decide = Consent decision
req-grant = Grant
req-refuse = Refuse
req-reason = Reason
req-finalise = Build the disclosure package
req-packages = Packages
req-none = No request you have a part in.
req-filed = Filed
req-states = States
req-reason-awaiting = awaiting the consent of
req-reason-refused = refused by
req-reason-restricted = restricted to the holder's custodians by
req-reason-witness = the witness's own consent does not extend to this recipient
req-reason-no_item = no such item
state-filed = filed
state-awaiting_consent = awaiting consent
state-ready = ready
state-refused = refused
state-withheld = withheld
state-released = released
state-withdrawn = withdrawn
state-finalised = finalised
waiting-holder = the holder
waiting-originators = the originators
waiting-nobody = nobody
req-filed_by = { $at } by { $by }
req-finalise_note = Builds a BagIt package of every item ready to release, with proofs, for { $authority }.
days-left =
    { $count ->
        [one] { $count } day left
       *[other] { $count } days left
    }

## Upload

upload-title = Upload evidence
upload-file = File
upload-originator = Originator
upload-case = Case reference (optional)
upload-note = Collection note (optional)
upload-start = Upload
upload-needs_js = Uploading needs JavaScript (the file is sent in resumable chunks). Without it, use `custodia ingest` on the server.
upload-hashing = Computing the file's SHA-256…
upload-sending = Sending… { $percent }%
upload-resuming = Connection lost; resuming…
upload-storing = Checking and storing…
upload-stored = Stored as item { $sha256 }.
upload-nothing = Nothing was stored.
upload-failed = Upload failed: { $error }

## Witnesses

wit-title = Witnesses and protective measures
wit-none = No person recorded.
wit-identity = Identity
wit-measures = Protective measures
wit-scope = Sharing scope
wit-statements = Statements
wit-withheld = withheld

## Administration

admin-title = Administration
admin-orgs = Organisations
admin-users = Users
admin-cases = Cases
admin-keys = Keys and checkpoints
admin-sign = Sign a checkpoint now
admin-kind = Kind
admin-approved = Approved requester
admin-added = Added
admin-organisation = Organisation
admin-roles = Roles
admin-add_org = Add an organisation
admin-add_user = Add a user
admin-add = Add
admin-password_note = The user signs in once a password is set with `custodia user password` on the server.
admin-cli_note = Roles, cases and approvals are also managed with `custodia user`, `custodia case` and `custodia org` on the server.
admin-origin = Log origin
admin-entries = Entries
admin-vkey = Verifier key
admin-checkpoint = Latest signed checkpoint
admin-vkey_text = Verifier key (text)

## Cases

case-title = Case
cases-title = Cases
cases-none = No case whose analysis you may read.
case-file = Case file
case-report_note = The analysis as its reader may see it: the proof matrix, the timeline, the map, and each linked item with the custody log entry that proves its preservation (check it with `custodia log prove`, or `custodia-verify` on a disclosure package).
case-matrix = Proof matrix
case-gaps = Gaps
case-no_gaps = Every element has support.
case-no_charges = No charge laid yet.
case-timeline = Timeline
case-map = Map
case-items = Items
case-item = Item
case-incident = Incident
case-incidents = Incidents
case-events =
    { $count ->
        [one] { $count } event
       *[other] { $count } events
    }
case-undated =
    { $count ->
        [one] { $count } without a date
       *[other] { $count } without a date
    }
case-more =
    { $count ->
        [one] { $count } more
       *[other] { $count } more
    }
case-places =
    { $count ->
        [one] { $count } place
       *[other] { $count } places
    }
case-proof = Custody proof
case-links = Links
case-element = Element
case-text = What must be proved
case-status = Status
case-evidence = Evidence
case-status-unproven = Unproven
case-status-weak = Weak
case-status-supported = Supported
case-status-contested = Contested
case-kind-material = material
case-kind-mental = mental
case-kind-contextual = contextual
case-supports = supports
case-contradicts = contradicts
case-context = context
case-weak = weak
case-medium = medium
case-strong = strong
case-withheld = Links to items you may not see are left out: the statuses and gaps count only the links shown.
case-add_charge = Lay a charge
case-crime = Crime
case-mode = Mode of liability (optional)
case-suspect = Suspect
case-add_incident = Add an incident
case-incident_title = Title
case-from = From (YYYY, YYYY-MM or YYYY-MM-DD)
case-to = To (optional)
case-place = Place
case-lat = Latitude
case-lon = Longitude
case-precision = Precision (metres)
case-description = Description
case-link_item = Link to an element of a case
case-case = Case
case-element_id = Element (e.g. 7(1)(a)/1)
case-assessment = Assessment
case-strength = Strength
case-excerpt = Excerpt
case-page = Page
case-note = Note
case-unlink = Unlink
case-save = Save
case-export_ftm = FollowTheMoney export
case-report = Printable case file
case-geojson = GeoJSON

## Reports

reports-from = From
reports-to = To
reports-show = Show
reports-period = Period:
reports-authorities = Requests by requesting authority
reports-consent = Consent by originator
reports-holdings = Holdings by originator
reports-types = Holdings by type
reports-stages = Cases by stage
reports-authority = Authority
reports-originator = Originator
reports-filed = Requests filed
reports-finalised = Finalised
reports-open = Open
reports-withdrawn = Withdrawn
reports-median_days = Median days to finalise
reports-granted = Granted
reports-refused = Refused
reports-conditional = Conditional
reports-median_days_decide = Median days to decide
reports-items = Items
reports-bytes = Bytes
reports-type = Type
reports-stage = Stage
reports-count = Cases
reports-none = Nothing in this period.
reports-csv = Download as CSV
reports-by_month = Requests by month
reports-month = Month
reports-finalised_in_month = Finalised

## Victim support

victims-title = Victim support
victims-due = Notices due
victims-as_of = As of
victims-show = Show
victims-none = No notice is due.
victims-status = Status
victims-overdue = Overdue
victims-overdue_count =
    { $count ->
        [one] { $count } overdue
       *[other] { $count } overdue
    }
victims-pending = Due
victims-pseudonym = Pseudonym
victims-case = Case
victims-reason = Reason
victims-since = Since
victims-due_by = Due by
victims-language = Language
victims-channel = Channel
victims-draft = Draft
victims-reason-milestone = Milestone
victims-reason-information_request = Request for information
victims-reason-periodic = Periodic update
victims-channel-letter = Letter
victims-channel-email = E-mail
victims-channel-phone = Phone
victims-channel-in_person = In person
victims-channel-via_intermediary = Through an intermediary
victims-lang-nl = Dutch
victims-lang-en = English
victims-lang-ar = Arabic
victims-lang-fr = French
victims-lang-ckb = Kurdish (Sorani)
victims-lang-kmr = Kurdish (Kurmanji)
victims-unknown = not recorded
victims-draft_title = Draft notice
victims-draft_note = The draft is in the person's language. That it was drafted is recorded in the custody log, without its content.
victims-covers = What it settles
victims-covers_note = Nothing ticked: every reason owed on that day.
victims-milestones = Milestones told
victims-record = Record the notice as sent
victims-sent_at = Sent on
victims-back = Back to the notices due
victims-person = Contact log
victims-contact = Contact details
victims-no_contact = No contact details recorded.
victims-email = E-mail address
victims-address = Postal address
victims-phone = Phone number
victims-intermediary = Intermediary
victims-updates = Wants to be kept informed
victims-yes = Yes
victims-no = No
victims-interval = Months between updates
victims-cases = Cases
victims-role = Role
victims-linked_on = Owed notices since
victims-role-victim = Victim
victims-role-witness = Witness
victims-role-victim_witness = Victim and witness
victims-entries = Contacts
victims-no_entries = No contact yet.
victims-date = Date
victims-kind = Kind
victims-kind-notice = Notice
victims-via = How
victims-via-recorded = recorded by hand
victims-via-smtp = e-mailed by the vault
victims-letter_kept = letter kept
victims-text = What was asked
victims-recorded = Recorded

## The public reporting form

report-title = Report harm to civilians
report-intro = Tell us what happened. Every report is read and assessed. We keep only what you write here: not your address, not your browser. Give a contact only if you wish to be reached.
report-date = Date
report-place = Place
report-lat = Latitude (optional)
report-lon = Longitude (optional)
report-description = What happened
report-killed = People killed
report-injured = People injured
report-contact = How to reach you (optional)
report-attachments = Photos, videos or documents (up to 5 files, 25 MiB each)
report-send = Send the report
report-received = Your report was received
report-reference = Its reference, to quote if you write to us about it:
report-another = Report something else
report-problem = The report was not sent:

## Web capture
nav-capture = Capture
capture-title = Capture a web page
capture-url = Address of the page (http or https)
capture-originator = Originator
capture-case = Case reference (optional)
capture-note = Why and how the page is captured (optional)
capture-media = Also keep the page's video and audio
capture-start = Capture the page
capture-busy_note = Capturing takes from a few seconds to a minute or two; keep this page open until it is done.
capture-private_note = Pages inside the holder's own network are not captured from here.
capture-failed = The page was not captured
capture-view_title = Web capture
capture-url_asked = Address asked for
capture-final_url = Final address
capture-http_status = HTTP status
capture-page_title = Page title
capture-started = Started
capture-ended = Ended
capture-operator = Captured by
capture-tools = Tools
capture-redirects = Redirects
capture-record = Capture record
capture-timestamps = Trusted timestamps
capture-tsa = Authority
capture-tsa_status = Verification
capture-gen_time = Time
capture-verified = Verified
capture-not_verified = Not verified
capture-no_timestamps = No time-stamping authority answered for this capture.
capture-errors = Problems
capture-screenshot = Screenshot
capture-text = Visible text
capture-certificate = Server certificate
capture-no_certificate = No certificate (the page was not served over HTTPS).
capture-artefacts = Files of the capture
capture-replay = The archived page, replayed
capture-replay_note = Played back from the capture's WACZ by ReplayWeb.page, served by this server from a separate address; nothing is fetched from the live web. The link to it lasts an hour: reload this page to replay again.
capture-replay_frame = Replay of the archived page

## Formatting and relative times
time-now = just now
time-ago-minutes =
    { $count ->
        [one] { $count } minute ago
       *[other] { $count } minutes ago
    }
time-in-minutes =
    { $count ->
        [one] in { $count } minute
       *[other] in { $count } minutes
    }
time-ago-hours =
    { $count ->
        [one] { $count } hour ago
       *[other] { $count } hours ago
    }
time-in-hours =
    { $count ->
        [one] in { $count } hour
       *[other] in { $count } hours
    }
time-ago-days =
    { $count ->
        [one] { $count } day ago
       *[other] { $count } days ago
    }
time-in-days =
    { $count ->
        [one] in { $count } day
       *[other] in { $count } days
    }
copy-hash = Copy
copy-hash_label = Copy the full SHA-256 hash
copy-done = Copied
copy-selected = Selected: press Ctrl+C to copy
zone-title = Time zone
zone-note = Times are stored in UTC; this only changes how this browser shows them.
zone-choose = Show times in this zone
error-zone = There is no such time zone.

## Map
map-label = Interactive map: zoom with the buttons, the mouse wheel or the + and − keys
map-zoom_in = Zoom in
map-zoom_out = Zoom out
map-reset_north = Turn north up
map-close = Close
map-open = Open

## Civilian-harm reports
nav-harm = Harm reports
harm-title = Civilian-harm reports
harm-filter = Outcome
harm-all = All
harm-status-pending = Not yet assessed
harm-status-credible = Credible
harm-status-not_credible = Not credible
harm-status-duplicate = Duplicate
harm-status-insufficient_information = Insufficient information
harm-map = Reported places
harm-unplaced =
    { $count ->
        [one] { $count } report gave no position and is not on the map.
       *[other] { $count } reports gave no position and are not on the map.
    }
harm-list = Reports
harm-none = No report.
harm-reference = Reference
harm-received = Received
harm-attachments = Attachments
harm-pages = Pages of reports
harm-previous = Previous
harm-next = Next
harm-report = Report
harm-position = Position given
harm-no_position = none given
harm-contact = Reporter's contact
harm-no_contact = none given
harm-item = The report as stored
harm-no_attachments = none
harm-assessments = Assessments
harm-not_assessed = Not yet assessed.
harm-assessed_at = Assessed
harm-assessed_by = By
harm-outcome = Outcome
harm-area = Area
harm-area_hint = The area the public overview names; never the exact place.
harm-public_summary = Public summary
harm-note = Assessor's note
harm-note_hint = Kept sealed, never published; the custody log keeps only its digest.
harm-assess = Record an assessment
harm-duplicate_of = Duplicate of (reference)
harm-record = Record the assessment
harm-back = Back to the reports
harm-not_a_count = is not a whole number of people
