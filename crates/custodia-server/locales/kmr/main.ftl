# Custodia: navrû bi kurdiya kurmancî. Tam peyamên katalogê îngilîzî, ne zêdetir ne kêmtir.

## Sepan û navîgasyon

nav-reports = Rapor
app = Custodia
skip = Here naverokê
nav-dashboard = Panela sereke
nav-items = Belge
nav-upload = Barkirin
nav-search = Lêgerîn
nav-requests = Daxwaz
nav-witnesses = Şahid
nav-admin = Rêveberî
signout = Derkeve
signin = Têkeve
signin-title = Têkeve Custodia
user = Navê bikarhêner
password = Şîfre
totp = Koda faktora duyemîn (heke hebe)
signin-failed = Têketin bi ser neket. Navê bikarhêner, şîfre û kodê kontrol bike.
nav-cases = Doz
forbidden = Tu nikarî vê rûpelê bibînî.
nav-victims = Piştgiriya qurbaniyan
language = Ziman
col-id = Nasname
col-time = Dem
col-who = Kî
col-action = Çalakî
col-item = Belge
col-log = Hejmara tomarê
log-pending = li benda tomarkirinê
col-name = Nav
col-size = Mezinahî
col-stored = Dîroka hilanînê
col-details = Hûrgilî
pages-label = Rûpel
pages-previous = ← Berê
pages-next = Piştre →
language-title = Zimanê navrûyê
language-note = Rûpel bi zimanê ku tu li vir hildibijêrî têne nîşandan; ew bi hesabê te re û di vê gerokê de tê parastin.
language-choose = Hilbijêre
language-saved = Ziman hate tomarkirin.
nav-language = Ziman
nav-label = Menuya sereke
error = Çewtî
error-bad_request = Daxwaza nederbasdar
error-forbidden = Destûr nîne
error-not_found = Nehate dîtin
error-conflict = Nakokî
error-server = Çewtiya serverê
error-language = Zimanekî nenas.
error-not_sha256 = Ev ne haşeke SHA-256 e.
error-strength = Qels, navîn an xurt hilbijêre.
error-page_number = Rûpel ne hejmar e.
error-decision = Razîbûn an redkirinê hilbijêre.
error-org_kind = Cureya rêxistinê nenas e.
error-role = Rol nenas e.
error-precision = Rastbûn ne hejmar e.
error-lat_lon = Paralel û merîdyenê herduyan wek hejmar binivîse, an tu yekê nenivîse.
error-assessment = Piştgirî dike, dijber e an çarçove hilbijêre.

## Panela sereke

dash-holdings = Belgeyên parastî
dash-by_originator = Li gorî çavkaniyê
dash-by_kind = Li gorî cureyê
dash-open_requests = Daxwazên vekirî
dash-activity = Çalakiyên dawî
dash-none = Hîn tiştek tune.
dash-truncated = Tenê 100.000 belgeyên pêşîn hatine jimartin.

## Belge

items-title = Belge
items-filter = Parzûn bike
items-originator = Çavkanî
items-kind = Cure
items-path = Nav tê de heye
items-any = hemû
items-none = Tu belgeyek ku tu dikarî bibînî li hev nayê.
items-count =
    { $count ->
        [one] { $count } belge
       *[other] { $count } belge
    }
item-facts = Agahiyên bingehîn
item-preview = Pêşdîtin
item-metadata = Metadata
item-place = Cihê tomarkirinê
item-history = Dîroka parastinê
item-provenance = Eslê belgeyê
item-download = Daxîne
item-purpose = Armanc (di tomara parastinê de tê nivîsîn)
item-verified = Hate piştrastkirin
item-not_rehashed = Tomar hate îsbatkirin; haşa naverokê ji nû ve nehate hesibandin
item-failed = Piştrastkirin bi ser neket
item-deep = Haşa naverokê niha ji nû ve hesab bike
item-text = Nivîsa derxistî
item-no_preview = Ji bo vê cureyê pêşdîtin tune; ji bo dîtinê wê daxîne.
item-regime = Rejîma parvekirinê
item-path = Rê
item-collected_by = Berhevkirî ji aliyê
item-collected_at = Dîroka berhevkirinê
item-inside = Di nav
item-truncated = Tenê destpêk tê nîşandan.
item-extraction_failed = Derxistin bi ser neket:
item-redact = Veşartin
item-redact_texts = Nivîsên ku werin veşartin (her rêzek yek)
item-redact_button = Kopiyeke veşartî çêke
item-rehashed = haşa SHA-256 a naverokê ji nû ve hate hesibandin
item-preview_of = Pêşdîtina { $name }
item-first_page = Rûpela yekem a { $name }
item-bytes =
    { $count ->
        [one] { $count } bayt
       *[other] { $count } bayt
    }
item-proven =
    { $count ->
        [one] { $count } tomara parastinê di tomara îmzekirî ya { $size } tomaran de hate îsbatkirin
       *[other] { $count } tomarên parastinê di tomara îmzekirî ya { $size } tomaran de hatin îsbatkirin
    }

## Lêgerîn

search-title = Lêgerîn
search-query = Pirs
search-help = Peyv, "hevok", AND / OR / NOT, pêşgir*, nêzîkî~1, qad:nirx (language, type, originator, case).
search-results =
    { $count ->
        [one] { $count } encam
       *[other] { $count } encam
    }
search-cross_script = bi nivîseke din hate dîtin
search-facets = Teng bike
search-sort = Rêz bike
search-relevance = Herî têkildar
search-newest = Herî nû
search-oldest = Herî kevn
search-none = Tiştek nehate dîtin.

## Daxwazên alîkariyê

req-title = Daxwazên alîkariya dadwerî
req-new = Daxwazekê pêşkêş bike
req-authority = Desthilata daxwazkar
req-legal_basis = Bingeha qanûnî
req-case = Referansa dozê
req-suspects = Gumanbar (her rêzek yek)
req-crimes = Sûc (her rêzek yek)
req-places = Cih (her rêzek yek)
req-period = Dem
req-text = Çi tê xwestin
req-deadline = Dawiya demê (YYYY-MM-DD)
req-file = Daxwazê pêşkêş bike
req-state = Rewş
req-waiting = Li benda
req-items = Belge
req-scope = Belgeyan lê zêde bike (SHA-256, her rêzek yek)
req-scope-button = Li daxwazê zêde bike
req-decide = Biryara razîbûnê
req-grant = Razî bibe
req-refuse = Red bike
req-reason = Sedem
req-finalise = Pakêta eşkerekirinê çêke
req-packages = Pakêt
req-none = Tu daxwazek tune ku tu tê de beşdar î.
req-filed = Pêşkêşkirî
req-states = Qonaxên daxwazê
req-reason-awaiting = li benda razîbûna
req-reason-refused = hate redkirin ji aliyê
req-reason-restricted = ji bo parêzvanên xwedîparêz hate sînordarkirin ji aliyê
req-reason-witness = razîbûna şahid bi xwe vî wergirî nagire
req-reason-no_item = belgeyeke wiha tune
state-filed = pêşkêşkirî
state-awaiting_consent = li benda razîbûnê
state-ready = amade
state-refused = redkirî
state-withheld = ragirtî
state-released = eşkerekirî
state-withdrawn = vekişandî
state-finalised = temamkirî
waiting-holder = xwedîparêz
waiting-originators = çavkanî
waiting-nobody = kes
req-filed_by = { $at } ji aliyê { $by }
req-finalise_note = Pakêteke BagIt ji hemû belgeyên amadeyî eşkerekirinê, bi îsbatên wan, ji bo { $authority } çêdike.
days-left =
    { $count ->
        [one] { $count } roj maye
       *[other] { $count } roj mane
    }

## Barkirin

upload-title = Barkirina delîlan
upload-file = Pel
upload-originator = Çavkanî
upload-case = Referansa dozê (bijarte)
upload-note = Nîşeya berhevkirinê (bijarte)
upload-start = Bar bike
upload-needs_js = Barkirin JavaScript dixwaze (pel bi perçeyên ku dikarin ji nû ve dest pê bikin tê şandin). Bêyî wê, li ser serverê `custodia ingest` bi kar bîne.
upload-hashing = SHA-256 ya pelê tê hesibandin…
upload-sending = Tê şandin… { $percent }%
upload-resuming = Girêdan qut bû; ji nû ve dest pê dike…
upload-storing = Tê kontrolkirin û tomarkirin…
upload-stored = Wek hêmana { $sha256 } hat tomarkirin.
upload-nothing = Tiştek nehat tomarkirin.
upload-failed = Barkirin bi ser neket: { $error }

## Şahid

wit-title = Şahid û tedbîrên parastinê
wit-none = Tu kes nehatiye tomarkirin.
wit-identity = Nasnameya kesane
wit-measures = Tedbîrên parastinê
wit-scope = Sînorê parvekirinê
wit-statements = Gotinên şahidiyê
wit-withheld = veşartî

## Rêveberî

admin-title = Rêveberî
admin-orgs = Rêxistin
admin-users = Bikarhêner
admin-cases = Doz
admin-keys = Mifteh û xalên kontrolê
admin-sign = Niha xaleke kontrolê îmze bike
admin-kind = Cure
admin-approved = Daxwazkarê pejirandî
admin-added = Hate zêdekirin
admin-organisation = Rêxistin
admin-roles = Rol
admin-add_org = Rêxistinekê zêde bike
admin-add_user = Bikarhênerekî zêde bike
admin-add = Zêde bike
admin-password_note = Bikarhêner dikare têkeve piştî ku şîfreyek bi `custodia user password` li ser serverê hate danîn.
admin-cli_note = Rol, doz û pejirandin her wiha bi `custodia user`, `custodia case` û `custodia org` li ser serverê têne birêvebirin.
admin-origin = Çavkaniya tomarê
admin-entries = Tomar
admin-vkey = Mifteha piştrastkirinê
admin-checkpoint = Xala kontrolê ya îmzekirî ya dawî
admin-vkey_text = Mifteha piştrastkirinê (nivîs)

## Doz

case-title = Doz
cases-title = Doz
cases-none = Tu dozek tune ku tu dikarî analîza wê bixwînî.
case-file = Dosyaya dozê
case-report_note = Analîz wek ku xwendevanê wê dikare bibîne: matrîsa îsbatê, rêza demê, nexşe, û her belgeyeke girêdayî bi tomara parastinê ya ku parastina wê îsbat dike (bi `custodia log prove` kontrol bike, an bi `custodia-verify` li ser pakêteke eşkerekirinê).
case-matrix = Matrîsa îsbatê
case-gaps = Valahî
case-no_gaps = Her hêmanek piştgirî heye.
case-no_charges = Hîn tu tawan nehatiye danîn.
case-timeline = Rêza demê
case-map = Nexşe
case-items = Belge
case-item = Belge
case-incident = Bûyer
case-incidents = Bûyer
case-events =
    { $count ->
        [one] { $count } bûyer
       *[other] { $count } bûyer
    }
case-undated =
    { $count ->
        [one] { $count } bê dîrok
       *[other] { $count } bê dîrok
    }
case-more =
    { $count ->
        [one] û { $count } yên din
       *[other] û { $count } yên din
    }
case-places =
    { $count ->
        [one] { $count } cih
       *[other] { $count } cih
    }
case-proof = Îsbata parastinê
case-links = Girêdan
case-element = Hêman
case-text = Çi divê were îsbatkirin
case-status = Rewş
case-evidence = Delîl
case-status-unproven = Neîsbatkirî
case-status-weak = Qels
case-status-supported = Piştgirîkirî
case-status-contested = Nakokî li ser
case-kind-material = maddî
case-kind-mental = derûnî
case-kind-contextual = çarçoveyî
case-supports = piştgirî dike
case-contradicts = dijber e
case-context = çarçove
case-weak = qels
case-medium = navîn
case-strong = xurt
case-withheld = Girêdanên bi belgeyên ku tu nikarî bibînî hatine derxistin: rewş û valahî tenê girêdanên nîşandayî dihesibînin.
case-add_charge = Tawanekê deyne
case-crime = Sûc
case-mode = Şêweya berpirsiyariyê (bijarte)
case-suspect = Gumanbar
case-add_incident = Bûyerekê zêde bike
case-incident_title = Sernav
case-from = Ji (YYYY, YYYY-MM an YYYY-MM-DD)
case-to = Heta (bijarte)
case-place = Cih
case-lat = Paralel
case-lon = Merîdyen
case-precision = Rastbûn (metre)
case-description = Danasîn
case-link_item = Bi hêmaneke dozê ve girê bide
case-case = Doz
case-element_id = Hêman (mînak 7(1)(a)/1)
case-assessment = Nirxandin
case-strength = Hêz
case-excerpt = Perçe
case-page = Rûpel
case-note = Nîşe
case-unlink = Girêdanê rake
case-save = Tomar bike
case-export_ftm = Derxistina FollowTheMoney
case-report = Dosyaya dozê ya çapkirinê
case-geojson = GeoJSON

## Rapor

reports-from = Ji
reports-to = Heta
reports-show = Nîşan bide
reports-period = Dem:
reports-authorities = Daxwaz li gorî desthilata daxwazkar
reports-consent = Razîbûn li gorî çavkaniyê
reports-holdings = Belgeyên parastî li gorî çavkaniyê
reports-types = Belgeyên parastî li gorî cureyê
reports-stages = Doz li gorî qonaxê
reports-authority = Desthilat
reports-originator = Çavkanî
reports-filed = Daxwazên pêşkêşkirî
reports-finalised = Temamkirî
reports-open = Vekirî
reports-withdrawn = Vekişandî
reports-median_days = Navîna rojan heta temamkirinê
reports-granted = Razîbûn hate dayîn
reports-refused = Redkirî
reports-conditional = Bi merc
reports-median_days_decide = Navîna rojan heta biryarê
reports-items = Belge
reports-bytes = Bayt
reports-type = Cure
reports-stage = Qonax
reports-count = Doz
reports-none = Di vê demê de tiştek tune.
reports-csv = Wek CSV daxîne
reports-by_month = Daxwaz li gorî mehê
reports-month = Meh
reports-finalised_in_month = Temamkirî

## Piştgiriya qurbaniyan

victims-title = Piştgiriya qurbaniyan
victims-due = Agahdariyên pêwîst
victims-as_of = Heta dîroka
victims-show = Nîşan bide
victims-none = Tu agahdariyek ne pêwîst e.
victims-status = Rewş
victims-overdue = Derengmayî
victims-overdue_count =
    { $count ->
        [one] { $count } derengmayî
       *[other] { $count } derengmayî
    }
victims-pending = Pêwîst
victims-pseudonym = Navê veşartî
victims-case = Doz
victims-reason = Sedem
victims-since = Ji
victims-due_by = Dawiya demê
victims-language = Ziman
victims-channel = Rêya têkiliyê
victims-draft = Reşnivîs
victims-reason-milestone = Qonaxeke dozê
victims-reason-information_request = Daxwaza agahiyan
victims-reason-periodic = Nûkirina demkî
victims-channel-letter = Name
victims-channel-email = E-name
victims-channel-phone = Telefon
victims-channel-in_person = Rû bi rû
victims-channel-via_intermediary = Bi navbeynkarekî
victims-lang-nl = Holendî
victims-lang-en = Îngilîzî
victims-lang-ar = Erebî
victims-lang-fr = Fransî
victims-lang-ckb = Kurdî (soranî)
victims-lang-kmr = Kurdî (kurmancî)
victims-unknown = nehatiye tomarkirin
victims-draft_title = Reşnivîsa agahdariyê
victims-draft_note = Reşnivîs bi zimanê kesê ye. Nivîsandina wê di tomara parastinê de tê tomarkirin, bêyî naveroka wê.
victims-covers = Çi digire nav xwe
victims-covers_note = Heke tiştek neyê nîşankirin: hemû sedemên pêwîst ên wê rojê.
victims-milestones = Qonaxên ragihandî
victims-record = Agahdariyê wek şandî tomar bike
victims-sent_at = Dîroka şandinê
victims-back = Vegere agahdariyên pêwîst
victims-person = Tomara têkiliyan
victims-contact = Agahiyên têkiliyê
victims-no_contact = Tu agahiyên têkiliyê nehatine tomarkirin.
victims-email = Navnîşana e-nameyê
victims-address = Navnîşana postayê
victims-phone = Hejmara telefonê
victims-intermediary = Navbeynkar
victims-updates = Dixwaze agahdar bimîne
victims-yes = Erê
victims-no = Na
victims-interval = Meh di navbera du nûkirinan de
victims-cases = Doz
victims-role = Rol
victims-linked_on = Ji vê dîrokê agahdarî jê re deyn in
victims-role-victim = Qurbanî
victims-role-witness = Şahid
victims-role-victim_witness = Qurbanî û şahid
victims-entries = Têkilî
victims-no_entries = Hîn têkilî tune.
victims-date = Dîrok
victims-kind = Cure
victims-kind-notice = Agahdarî
victims-via = Çawa
victims-via-recorded = bi destan hate tomarkirin
victims-via-smtp = ji aliyê embarê ve bi e-nameyê hate şandin
victims-letter_kept = name hate parastin
victims-text = Çi hate xwestin
victims-recorded = Hate tomarkirin

## Forma giştî ya raporkirinê

report-title = Zirara li sivîlan rapor bike
report-intro = Ji me re bibêje çi qewimî. Her rapor tê xwendin û nirxandin. Em tenê tiştê ku tu li vir dinivîsî diparêzin: ne navnîşana te, ne geroka te. Tenê heke tu dixwazî em bi te re têkilî daynin, rêyeke têkiliyê binivîse.
report-date = Dîrok
report-place = Cih
report-lat = Paralel (bijarte)
report-lon = Merîdyen (bijarte)
report-description = Çi qewimî
report-killed = Kesên hatine kuştin
report-injured = Kesên birîndar bûne
report-contact = Em çawa bi te re têkilî daynin (bijarte)
report-attachments = Wêne, vîdyo an belge (heta 5 pel, her yek 25 MiB)
report-send = Raporê bişîne
report-received = Rapora te gihîşt
report-reference = Referansa wê, ji bo ku tu behs bikî heke tu li ser wê ji me re binivîsî:
report-another = Tiştekî din rapor bike
report-problem = Rapor nehat şandin:

## Web capture
nav-capture = Girtin
capture-title = Rûpeleke webê bigire
capture-url = Navnîşana rûpelê (http an https)
capture-originator = Çavkanî
capture-case = Referansa dozê (vebijarkî)
capture-note = Rûpel çima û çawa tê girtin (vebijarkî)
capture-media = Vîdeo û dengê rûpelê jî bihêle
capture-start = Rûpelê bigire
capture-busy_note = Girtin ji çend çirkeyan heta deqeyek an du deqeyan dikişîne; vê rûpelê vekirî bihêle heta ku biqede.
capture-private_note = Rûpelên di nav tora xwedî bi xwe de ji vir nayên girtin.
capture-failed = Rûpel nehat girtin
capture-view_title = Girtina webê
capture-url_asked = Navnîşana xwestî
capture-final_url = Navnîşana dawî
capture-http_status = Rewşa HTTP
capture-page_title = Sernavê rûpelê
capture-started = Destpêk
capture-ended = Dawî
capture-operator = Girtî ji aliyê
capture-tools = Amûr
capture-redirects = Veguhastin
capture-record = Tomara girtinê
capture-timestamps = Mohrên demê yên pêbawer
capture-tsa = Desthilat
capture-tsa_status = Piştrastkirin
capture-gen_time = Dem
capture-verified = Hate piştrastkirin
capture-not_verified = Nehat piştrastkirin
capture-no_timestamps = Tu desthilateke mohra demê bersiva vê girtinê neda.
capture-errors = Pirsgirêk
capture-screenshot = Wêneya ekranê
capture-text = Nivîsa xuya
capture-certificate = Sertîfîkaya serverê
capture-no_certificate = Sertîfîka tune (rûpel bi HTTPS nehat şandin).
capture-artefacts = Pelên girtinê
capture-replay = Rûpela arşîvkirî, ji nû ve tê nîşandan
capture-replay_note = Ji pela WACZ ya girtinê bi ReplayWeb.page tê nîşandan, ku ev server ji navnîşaneke cuda pêşkêş dike; tiştek ji weba zindî nayê anîn. Girêdana wê saetekê dixebite: ji bo ku dîsa nîşan bidî, vê rûpelê nû bike.
capture-replay_frame = Nîşandana rûpela arşîvkirî

## Formatting and relative times
time-now = niha
time-ago-minutes =
    { $count ->
        [one] berî { $count } deqeyê
       *[other] berî { $count } deqeyan
    }
time-in-minutes =
    { $count ->
        [one] piştî { $count } deqeyê
       *[other] piştî { $count } deqeyan
    }
time-ago-hours =
    { $count ->
        [one] berî { $count } saetê
       *[other] berî { $count } saetan
    }
time-in-hours =
    { $count ->
        [one] piştî { $count } saetê
       *[other] piştî { $count } saetan
    }
time-ago-days =
    { $count ->
        [one] berî { $count } rojê
       *[other] berî { $count } rojan
    }
time-in-days =
    { $count ->
        [one] piştî { $count } rojê
       *[other] piştî { $count } rojan
    }
copy-hash = Kopî bike
copy-hash_label = Hasha SHA-256 ya tevahî kopî bike
copy-done = Hat kopîkirin
copy-selected = Hat hilbijartin: ji bo kopîkirinê Ctrl+C bitikîne
zone-title = Herêma demê
zone-note = Dem bi UTC têne tomarkirin; ev hilbijartin tenê awayê nîşandana wan di vê gerokê de diguherîne.
zone-choose = Deman bi vê herêmê nîşan bide
error-zone = Herêmeke demê ya bi vî navî tune ye.

## Map
map-label = Nexşeya înteraktîf: bi bişkokan, bi tekera mişkê an bi bişkokên + û − mezin û biçûk bike
map-zoom_in = Mezin bike
map-zoom_out = Biçûk bike
map-reset_north = Bakur ber bi jor ve
map-close = Bigire
map-open = Veke

## Civilian-harm reports
nav-harm = Raporên zererê
harm-title = Raporên zererê yên li sivîlan
harm-filter = Encama nirxandinê
harm-all = Hemû
harm-status-pending = Hêj nehatiye nirxandin
harm-status-credible = Pêbawer
harm-status-not_credible = Ne pêbawer
harm-status-duplicate = Dubare
harm-status-insufficient_information = Agahiya têr tune
harm-map = Cihên hatine ragihandin
harm-unplaced =
    { $count ->
        [one] { $count } raporê cih nedaye û ne li ser nexşeyê ye.
       *[other] { $count } raporan cih nedane û ne li ser nexşeyê ne.
    }
harm-list = Rapor
harm-none = Tu rapor tune.
harm-reference = Referans
harm-received = Hatiye wergirtin
harm-attachments = Pêvek
harm-pages = Rûpelên raporan
harm-previous = Berê
harm-next = Piştre
harm-report = Rapor
harm-position = Cihê hatiye dayîn
harm-no_position = nehatiye dayîn
harm-contact = Têkiliya ragihîner
harm-no_contact = nehatiye dayîn
harm-item = Rapor wek hatiye tomarkirin
harm-no_attachments = tune
harm-assessments = Nirxandin
harm-not_assessed = Hêj nehatiye nirxandin.
harm-assessed_at = Hatiye nirxandin
harm-assessed_by = Ji aliyê
harm-outcome = Encam
harm-area = Herêm
harm-area_hint = Herêma ku kurteya giştî navê wê dide; tu carî ne cihê rast.
harm-public_summary = Kurteya giştî
harm-note = Nîşeya nirxîner
harm-note_hint = Mohrkirî dimîne, tu carî nayê weşandin; tomara parastinê tenê şopa wê digire.
harm-assess = Nirxandinekê tomar bike
harm-duplicate_of = Dubareya (referans)
harm-record = Nirxandinê tomar bike
harm-back = Vegere raporan
harm-not_a_count = ne hejmareke tam a mirovan e
