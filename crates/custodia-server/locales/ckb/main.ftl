# کەستۆدیا: ڕووکار بە کوردیی سۆرانی. هەمان پەیامەکانی کەتەلۆگی ئینگلیزی، نە زیاتر نە کەمتر.

## بەرنامە و ڕێنیشاندان

nav-reports = ڕاپۆرتەکان
app = کەستۆدیا
skip = بازدان بۆ ناوەڕۆک
nav-dashboard = داشبۆرد
nav-items = بەڵگەکان
nav-upload = بارکردن
nav-search = گەڕان
nav-requests = داواکارییەکان
nav-witnesses = شایەتەکان
nav-admin = بەڕێوەبردن
signout = چوونەدەرەوە
signin = چوونەژوورەوە
signin-title = چوونەژوورەوە بۆ کەستۆدیا
user = ناوی بەکارهێنەر
password = وشەی نهێنی
totp = کۆدی هەنگاوی دووەم (ئەگەر هەتە)
signin-failed = چوونەژوورەوە سەرکەوتوو نەبوو. ناوی بەکارهێنەر و وشەی نهێنی و کۆدەکە بپشکنە.
nav-cases = دۆسیەکان
forbidden = مافی بینینی ئەم پەڕەیەت نییە.
nav-victims = پشتگیریی قوربانیان
language = زمان
col-id = ناسنامە
col-time = کات
col-who = کێ
col-action = کردار
col-item = بەڵگە
col-log = ژمارەی تۆمار
log-pending = چاوەڕوانی تۆمارکردن
col-name = ناو
col-size = قەبارە
col-stored = ڕێکەوتی پاراستن
col-details = وردەکاری
pages-label = پەڕەکان
pages-previous = → پێشوو
pages-next = دواتر ←
language-title = زمانی ڕووکار
language-note = پەڕەکان بەو زمانە پیشان دەدرێن کە لێرە هەڵیدەبژێریت؛ لەگەڵ هەژمارەکەت و لەم وێبگەڕەدا هەڵدەگیرێت.
language-choose = هەڵبژاردن
language-saved = زمانەکە پاشەکەوت کرا.
nav-language = زمان
nav-label = لیستی سەرەکی
error = هەڵە
error-bad_request = داواکاریی نادروست
error-forbidden = ڕێگەپێنەدراو
error-not_found = نەدۆزرایەوە
error-conflict = ناکۆکی
error-server = هەڵەی ڕاژەکار
error-language = زمانێکی نەناسراو.
error-not_sha256 = ئەمە هاشی SHA-256 نییە.
error-strength = لاواز یان مامناوەند یان بەهێز هەڵبژێرە.
error-page_number = ژمارەی پەڕە ژمارە نییە.
error-decision = ڕەزامەندی یان ڕەتکردنەوە هەڵبژێرە.
error-org_kind = جۆری ڕێکخراو نەناسراوە.
error-role = ڕۆڵ نەناسراوە.
error-precision = وردی ژمارە نییە.
error-lat_lon = هێڵی پانی و هێڵی درێژی هەردووکیان وەک ژمارە بنووسە، یان هیچیان.
error-assessment = پشتگیری دەکات یان پێچەوانەیەتی یان پاشخان هەڵبژێرە.

## داشبۆرد

dash-holdings = بەڵگە پارێزراوەکان
dash-by_originator = بەپێی سەرچاوە
dash-by_kind = بەپێی جۆر
dash-open_requests = داواکارییە کراوەکان
dash-activity = دوایین چالاکییەکان
dash-none = هێشتا هیچ نییە.
dash-truncated = تەنها یەکەم 100,000 بەڵگە ژمێردراون.

## بەڵگەکان

items-title = بەڵگەکان
items-filter = پاڵاوتن
items-originator = سەرچاوە
items-kind = جۆر
items-path = ناوەکەی تێدایە
items-any = هەموو
items-none = هیچ بەڵگەیەک کە مافی بینینیت هەبێت ناگونجێت.
items-count =
    { $count ->
        [one] { $count } بەڵگە
       *[other] { $count } بەڵگە
    }
item-facts = زانیارییە سەرەکییەکان
item-preview = پێشبینین
item-metadata = مێتاداتا
item-place = شوێنی تۆمارکردن
item-history = مێژووی پاراستن
item-provenance = سەرچاوەی بەڵگە
item-download = داگرتن
item-purpose = مەبەست (لە تۆماری پاراستندا تۆمار دەکرێت)
item-verified = پشتڕاستکراوەتەوە
item-not_rehashed = تۆمارەکە سەلمێنراوە؛ هاشی ناوەڕۆک دووبارە نەژمێردراوە
item-failed = پشتڕاستکردنەوە سەرکەوتوو نەبوو
item-deep = ئێستا هاشی ناوەڕۆک دووبارە بژمێرە
item-text = دەقی دەرهێنراو
item-no_preview = بۆ ئەم جۆرە پێشبینین نییە؛ دایبگرە بۆ بینینی.
item-regime = ڕێسای هاوبەشکردن
item-path = ڕێڕەو
item-collected_by = کۆکراوەتەوە لەلایەن
item-collected_at = ڕێکەوتی کۆکردنەوە
item-inside = لەناو
item-truncated = تەنها سەرەتاکەی پیشان دراوە.
item-extraction_failed = دەرهێنان سەرکەوتوو نەبوو:
item-redact = شاردنەوە
item-redact_texts = ئەو دەقانەی دەشاردرێنەوە (هەر دێڕێک یەک دانە)
item-redact_button = دروستکردنی کۆپییەکی شاردراوە
item-rehashed = هاشی SHA-256ی ناوەڕۆک دووبارە ژمێردرا
item-preview_of = پێشبینینی { $name }
item-first_page = یەکەم پەڕەی { $name }
item-bytes =
    { $count ->
        [one] { $count } بایت
       *[other] { $count } بایت
    }
item-proven =
    { $count ->
        [one] { $count } تۆماری پاراستن لە تۆماری واژۆکراوی { $size } تۆماردا سەلمێنراوە
       *[other] { $count } تۆماری پاراستن لە تۆماری واژۆکراوی { $size } تۆماردا سەلمێنراون
    }

## گەڕان

search-title = گەڕان
search-query = پرسیار
search-help = وشە، "دەستەواژە"، AND / OR / NOT، پێشگر*، نزیکەیی~1، خانە:بەها (language، type، originator، case).
search-results =
    { $count ->
        [one] { $count } ئەنجام
       *[other] { $count } ئەنجام
    }
search-cross_script = بە نووسینێکی تر دۆزرایەوە
search-facets = وردکردنەوە
search-sort = ڕیزکردن
search-relevance = پەیوەندیدارترین
search-newest = نوێترین
search-oldest = کۆنترین
search-none = هیچ نەدۆزرایەوە.

## داواکارییەکانی هاوکاری

req-title = داواکارییەکانی هاوکاریی یاسایی
req-new = پێشکەشکردنی داواکاری
req-authority = دەسەڵاتی داواکار
req-legal_basis = بنەمای یاسایی
req-case = ژمارەی دۆسیە
req-suspects = گومانلێکراوان (هەر دێڕێک یەک کەس)
req-crimes = تاوانەکان (هەر دێڕێک یەک تاوان)
req-places = شوێنەکان (هەر دێڕێک یەک شوێن)
req-period = ماوە
req-text = چی داوا دەکرێت
req-deadline = دوایین وادە (YYYY-MM-DD)
req-file = پێشکەشکردنی داواکارییەکە
req-state = دۆخ
req-waiting = چاوەڕێی
req-items = بەڵگەکان
req-scope = زیادکردنی بەڵگە (SHA-256، هەر دێڕێک یەک دانە)
req-scope-button = زیادکردن بۆ داواکارییەکە
req-decide = بڕیاری ڕەزامەندی
req-grant = ڕەزامەندی
req-refuse = ڕەتکردنەوە
req-reason = هۆکار
req-finalise = دروستکردنی پاکێجی ئاشکراکردن
req-packages = پاکێجەکان
req-none = هیچ داواکارییەک نییە کە بەشداریت تێیدا هەبێت.
req-filed = پێشکەشکراوە
req-states = قۆناغەکانی داواکاری
req-reason-awaiting = چاوەڕێی ڕەزامەندیی
req-reason-refused = ڕەتکرایەوە لەلایەن
req-reason-restricted = تەنها بۆ پارێزەرانی لایەنی پارێزەر سنووردار کراوە لەلایەن
req-reason-witness = ڕەزامەندیی خودی شایەتەکە ئەم وەرگرە ناگرێتەوە
req-reason-no_item = بەڵگەیەکی وا نییە
state-filed = پێشکەشکراو
state-awaiting_consent = چاوەڕێی ڕەزامەندی
state-ready = ئامادە
state-refused = ڕەتکراوە
state-withheld = ڕاگیراو
state-released = ئاشکراکراو
state-withdrawn = کشێنراوە
state-finalised = تەواوکراو
waiting-holder = لایەنی پارێزەر
waiting-originators = سەرچاوەکان
waiting-nobody = هیچ کەس
req-filed_by = { $at } لەلایەن { $by }
req-finalise_note = پاکێجێکی BagIt دروست دەکات لە هەموو ئەو بەڵگانەی ئامادەی ئاشکراکردنن، لەگەڵ سەلماندنەکانیان، بۆ { $authority }.
days-left =
    { $count ->
        [one] { $count } ڕۆژ ماوە
       *[other] { $count } ڕۆژ ماوە
    }

## بارکردن

upload-title = بارکردنی بەڵگە
upload-file = پەڕگە
upload-originator = سەرچاوە
upload-case = ژمارەی دۆسیە (ئارەزوومەندانە)
upload-note = تێبینیی کۆکردنەوە (ئارەزوومەندانە)
upload-start = بارکردن
upload-needs_js = بارکردن پێویستی بە JavaScript هەیە (پەڕگەکە بە پارچەی دەستپێکردنەوەپێکراو دەنێردرێت). بەبێ ئەوە، `custodia ingest` لەسەر ڕاژەکار بەکاربهێنە.
upload-hashing = SHA-256ی پەڕگەکە دەژمێردرێت…
upload-sending = دەنێردرێت… { $percent }%
upload-resuming = پەیوەندی پچڕا؛ دەستپێدەکرێتەوە…
upload-storing = پشکنین و هەڵگرتن…
upload-stored = وەک بڕگەی { $sha256 } هەڵگیرا.
upload-nothing = هیچ شتێک هەڵنەگیرا.
upload-failed = بارکردن سەرکەوتوو نەبوو: { $error }

## شایەتەکان

wit-title = شایەتەکان و ڕێوشوێنەکانی پاراستن
wit-none = هیچ کەسێک تۆمار نەکراوە.
wit-identity = ناسنامە
wit-measures = ڕێوشوێنەکانی پاراستن
wit-scope = سنووری هاوبەشکردن
wit-statements = لێدوانەکان
wit-withheld = شاردراوە

## بەڕێوەبردن

admin-title = بەڕێوەبردن
admin-orgs = ڕێکخراوەکان
admin-users = بەکارهێنەران
admin-cases = دۆسیەکان
admin-keys = کلیلەکان و خاڵەکانی پشکنین
admin-sign = ئێستا خاڵێکی پشکنین واژۆ بکە
admin-kind = جۆر
admin-approved = داواکاری پەسەندکراو
admin-added = زیادکراوە
admin-organisation = ڕێکخراو
admin-roles = ڕۆڵەکان
admin-add_org = زیادکردنی ڕێکخراو
admin-add_user = زیادکردنی بەکارهێنەر
admin-add = زیادکردن
admin-password_note = بەکارهێنەر دەتوانێت بچێتە ژوورەوە کاتێک وشەی نهێنی بە `custodia user password` لەسەر ڕاژەکار دانرا.
admin-cli_note = ڕۆڵەکان و دۆسیەکان و پەسەندکردنەکان هەروەها بە `custodia user` و `custodia case` و `custodia org` لەسەر ڕاژەکار بەڕێوە دەبرێن.
admin-origin = سەرچاوەی تۆمار
admin-entries = تۆمارەکان
admin-vkey = کلیلی پشتڕاستکردنەوە
admin-checkpoint = دوایین خاڵی پشکنینی واژۆکراو
admin-vkey_text = کلیلی پشتڕاستکردنەوە (دەق)

## دۆسیەکان

case-title = دۆسیە
cases-title = دۆسیەکان
cases-none = هیچ دۆسیەیەک نییە کە مافی خوێندنەوەی شیکارییەکەیت هەبێت.
case-file = فایلی دۆسیە
case-report_note = شیکارییەکە وەک خوێنەرەکەی مافی بینینی هەیە: خشتەی سەلماندن، هێڵی کات، نەخشە، و هەر بەڵگەیەکی بەستراو لەگەڵ ئەو تۆمارەی تۆماری پاراستن کە پاراستنی دەسەلمێنێت (بە `custodia log prove` بیپشکنە، یان بە `custodia-verify` لەسەر پاکێجێکی ئاشکراکردن).
case-matrix = خشتەی سەلماندن
case-gaps = کەلێنەکان
case-no_gaps = هەموو توخمێک پشتگیریی هەیە.
case-no_charges = هێشتا هیچ تۆمەتێک ئاراستە نەکراوە.
case-timeline = هێڵی کات
case-map = نەخشە
case-items = بەڵگەکان
case-item = بەڵگە
case-incident = ڕووداو
case-incidents = ڕووداوەکان
case-events =
    { $count ->
        [one] { $count } ڕووداو
       *[other] { $count } ڕووداو
    }
case-undated =
    { $count ->
        [one] { $count } بێ ڕێکەوت
       *[other] { $count } بێ ڕێکەوت
    }
case-more =
    { $count ->
        [one] و { $count } دانەی تر
       *[other] و { $count } دانەی تر
    }
case-places =
    { $count ->
        [one] { $count } شوێن
       *[other] { $count } شوێن
    }
case-proof = سەلماندنی پاراستن
case-links = بەستەرەکان
case-element = توخم
case-text = ئەوەی دەبێت بسەلمێنرێت
case-status = دۆخ
case-evidence = بەڵگەکان
case-status-unproven = نەسەلمێنراو
case-status-weak = لاواز
case-status-supported = پشتگیریکراو
case-status-contested = ناکۆکی لەسەر
case-kind-material = مادی
case-kind-mental = مەعنەوی
case-kind-contextual = پاشخانی
case-supports = پشتگیری دەکات
case-contradicts = پێچەوانەیەتی
case-context = پاشخان
case-weak = لاواز
case-medium = مامناوەند
case-strong = بەهێز
case-withheld = بەستەرەکان بۆ ئەو بەڵگانەی مافی بینینیانت نییە لابراون: دۆخەکان و کەلێنەکان تەنها بەستەرە پیشاندراوەکان دەژمێرن.
case-add_charge = ئاراستەکردنی تۆمەت
case-crime = تاوان
case-mode = شێوازی بەرپرسیارێتی (ئارەزوومەندانە)
case-suspect = گومانلێکراو
case-add_incident = زیادکردنی ڕووداو
case-incident_title = ناونیشان
case-from = لە (YYYY، YYYY-MM یان YYYY-MM-DD)
case-to = بۆ (ئارەزوومەندانە)
case-place = شوێن
case-lat = هێڵی پانی
case-lon = هێڵی درێژی
case-precision = وردی (بە مەتر)
case-description = وەسف
case-link_item = بەستنەوە بە توخمێکی دۆسیەیەک
case-case = دۆسیە
case-element_id = توخم (بۆ نموونە 7(1)(a)/1)
case-assessment = هەڵسەنگاندن
case-strength = هێز
case-excerpt = بڕگە
case-page = پەڕە
case-note = تێبینی
case-unlink = هەڵوەشاندنەوەی بەستنەوە
case-save = پاشەکەوتکردن
case-export_ftm = هەناردەکردنی FollowTheMoney
case-report = فایلی دۆسیە بۆ چاپکردن
case-geojson = GeoJSON

## ڕاپۆرتەکان

reports-from = لە
reports-to = بۆ
reports-show = پیشاندان
reports-period = ماوە:
reports-authorities = داواکارییەکان بەپێی دەسەڵاتی داواکار
reports-consent = ڕەزامەندی بەپێی سەرچاوە
reports-holdings = بەڵگە پارێزراوەکان بەپێی سەرچاوە
reports-types = بەڵگە پارێزراوەکان بەپێی جۆر
reports-stages = دۆسیەکان بەپێی قۆناغ
reports-authority = دەسەڵات
reports-originator = سەرچاوە
reports-filed = داواکارییە پێشکەشکراوەکان
reports-finalised = تەواوکراوەکان
reports-open = کراوەکان
reports-withdrawn = کشێنراوەکان
reports-median_days = ناوەندی ڕۆژەکان تا تەواوبوون
reports-granted = ڕەزامەندی دراو
reports-refused = ڕەتکراوە
reports-conditional = مەرجدار
reports-median_days_decide = ناوەندی ڕۆژەکان تا بڕیار
reports-items = بەڵگەکان
reports-bytes = بایتەکان
reports-type = جۆر
reports-stage = قۆناغ
reports-count = دۆسیەکان
reports-none = لەم ماوەیەدا هیچ نییە.
reports-csv = داگرتن وەک CSV
reports-by_month = داواکارییەکان بەپێی مانگ
reports-month = مانگ
reports-finalised_in_month = تەواوکراو

## پشتگیریی قوربانیان

victims-title = پشتگیریی قوربانیان
victims-due = ئاگادارکردنەوە پێویستەکان
victims-as_of = تا ڕێکەوتی
victims-show = پیشاندان
victims-none = هیچ ئاگادارکردنەوەیەک پێویست نییە.
victims-status = دۆخ
victims-overdue = دواکەوتوو
victims-overdue_count =
    { $count ->
        [one] { $count } دواکەوتوو
       *[other] { $count } دواکەوتوو
    }
victims-pending = پێویستە
victims-pseudonym = ناوی خوازراو
victims-case = دۆسیە
victims-reason = هۆکار
victims-since = لە
victims-due_by = دوایین وادە
victims-language = زمان
victims-channel = ڕێگای پەیوەندی
victims-draft = ڕەشنووس
victims-reason-milestone = قۆناغێکی دۆسیە
victims-reason-information_request = داوای زانیاری
victims-reason-periodic = نوێکردنەوەی خولی
victims-channel-letter = نامە
victims-channel-email = ئیمەیڵ
victims-channel-phone = تەلەفۆن
victims-channel-in_person = ڕووبەڕوو
victims-channel-via_intermediary = لە ڕێگەی ناوەندگیرێکەوە
victims-lang-nl = هۆڵەندی
victims-lang-en = ئینگلیزی
victims-lang-ar = عەرەبی
victims-lang-fr = فەڕەنسی
victims-lang-ckb = کوردی (سۆرانی)
victims-lang-kmr = کوردی (کورمانجی)
victims-unknown = تۆمار نەکراوە
victims-draft_title = ڕەشنووسی ئاگادارکردنەوە
victims-draft_note = ڕەشنووسەکە بە زمانی کەسەکەیە. نووسینی لە تۆماری پاراستندا تۆمار دەکرێت، بەبێ ناوەڕۆکەکەی.
victims-covers = چی دەگرێتەوە
victims-covers_note = ئەگەر هیچ دیاری نەکرێت: هەموو هۆکارە پێویستەکانی ئەو ڕۆژە.
victims-milestones = قۆناغە ڕاگەیەندراوەکان
victims-record = تۆمارکردنی ئاگادارکردنەوەکە وەک نێردراو
victims-sent_at = ڕێکەوتی ناردن
victims-back = گەڕانەوە بۆ ئاگادارکردنەوە پێویستەکان
victims-person = تۆماری پەیوەندییەکان
victims-contact = زانیاریی پەیوەندی
victims-no_contact = هیچ زانیارییەکی پەیوەندی تۆمار نەکراوە.
victims-email = ناونیشانی ئیمەیڵ
victims-address = ناونیشانی پۆستە
victims-phone = ژمارەی تەلەفۆن
victims-intermediary = ناوەندگیر
victims-updates = دەیەوێت ئاگادار بکرێتەوە
victims-yes = بەڵێ
victims-no = نەخێر
victims-interval = مانگەکان لە نێوان دوو نوێکردنەوەدا
victims-cases = دۆسیەکان
victims-role = ڕۆڵ
victims-linked_on = شایەنی ئاگادارکردنەوەیە لە
victims-role-victim = قوربانی
victims-role-witness = شایەت
victims-role-victim_witness = قوربانی و شایەت
victims-entries = پەیوەندییەکان
victims-no_entries = هێشتا هیچ پەیوەندییەک نییە.
victims-date = ڕێکەوت
victims-kind = جۆر
victims-kind-notice = ئاگادارکردنەوە
victims-via = چۆن
victims-via-recorded = بە دەست تۆمارکراوە
victims-via-smtp = لەلایەن کۆگاکەوە بە ئیمەیڵ نێردراوە
victims-letter_kept = نامەکە هەڵگیراوە
victims-text = چی داوا کرا
victims-recorded = تۆمارکرا

## فۆرمی گشتیی ڕاپۆرتکردن

report-title = ڕاپۆرتکردنی زیان بە خەڵکی مەدەنی
report-intro = پێمان بڵێ چی ڕوویدا. هەموو ڕاپۆرتێک دەخوێندرێتەوە و هەڵدەسەنگێندرێت. تەنها ئەوەی لێرە دەینووسیت هەڵدەگرین: نە ناونیشانەکەت، نە وێبگەڕەکەت. تەنها ئەگەر دەتەوێت پەیوەندیت پێوە بکرێت، ڕێگایەکی پەیوەندی بنووسە.
report-date = ڕێکەوت
report-place = شوێن
report-lat = هێڵی پانی (ئارەزوومەندانە)
report-lon = هێڵی درێژی (ئارەزوومەندانە)
report-description = چی ڕوویدا
report-killed = ژمارەی کوژراوان
report-injured = ژمارەی برینداران
report-contact = چۆن پەیوەندیت پێوە بکەین (ئارەزوومەندانە)
report-attachments = وێنە، ڤیدیۆ یان بەڵگەنامە (تا ٥ پەڕگە، هەریەکە ٢٥ مێگابایت)
report-send = ناردنی ڕاپۆرت
report-received = ڕاپۆرتەکەت گەیشت
report-reference = ژمارەی ئاماژەکەی، بۆ ئەوەی ئەگەر سەبارەت بەوە نامەت بۆ نووسین ئاماژەی پێ بدەیت:
report-another = ڕاپۆرتکردنی شتێکی تر
report-problem = ڕاپۆرتەکە نەنێردرا:

## Web capture
nav-capture = گرتن
capture-title = گرتنی پەڕەیەکی وێب
capture-url = ناونیشانی پەڕەکە (http یان https)
capture-originator = سەرچاوە
capture-case = ژمارەی دۆسیە (ئارەزوومەندانە)
capture-note = بۆچی و چۆن پەڕەکە دەگیرێت (ئارەزوومەندانە)
capture-media = ڤیدیۆ و دەنگی پەڕەکەش هەڵبگرە
capture-start = گرتنی پەڕەکە
capture-busy_note = گرتن لە چەند چرکەیەکەوە تا خولەکێک یان دوو دەخایەنێت؛ ئەم پەڕەیە کراوە بهێڵەوە تا تەواو دەبێت.
capture-private_note = پەڕەکانی ناو تۆڕی خاوەنەکە خۆی لێرەوە ناگیرێن.
capture-failed = پەڕەکە نەگیرا
capture-view_title = گرتنی وێب
capture-url_asked = ناونیشانی داواکراو
capture-final_url = ناونیشانی کۆتایی
capture-http_status = دۆخی HTTP
capture-page_title = ناونیشانی پەڕە
capture-started = دەستپێک
capture-ended = کۆتایی
capture-operator = گیراوە لەلایەن
capture-tools = ئامرازەکان
capture-redirects = ئاراستەکردنەوەکان
capture-record = تۆماری گرتن
capture-timestamps = مۆری کاتی متمانەپێکراو
capture-tsa = دەزگا
capture-tsa_status = پشتڕاستکردنەوە
capture-gen_time = کات
capture-verified = پشتڕاستکرایەوە
capture-not_verified = پشتڕاست نەکرایەوە
capture-no_timestamps = هیچ دەزگایەکی مۆری کات وەڵامی ئەم گرتنەی نەدایەوە.
capture-errors = کێشەکان
capture-screenshot = وێنەی شاشە
capture-text = دەقی دیار
capture-certificate = بڕوانامەی ڕاژەکار
capture-no_certificate = بڕوانامە نییە (پەڕەکە بە HTTPS نەنێردرا).
capture-artefacts = پەڕگەکانی گرتن
capture-replay = پەڕە ئەرشیفکراوەکە، دووبارە پیشاندراو
capture-replay_note = لە فایلی WACZـی گرتنەکەوە بە ReplayWeb.page پیشان دەدرێت، کە ئەم ڕاژەکارە لە ناونیشانێکی جیاوە پێشکەشی دەکات؛ هیچ شتێک لە وێبی زیندووەوە ناهێنرێت. بەستەرەکەی بۆ یەک کاتژمێر کار دەکات: بۆ دووبارە پیشاندانەوە ئەم پەڕەیە نوێ بکەرەوە.
capture-replay_frame = دووبارە پیشاندانی پەڕە ئەرشیفکراوەکە

## Formatting and relative times
time-now = ئێستا
time-ago-minutes =
    { $count ->
        [one] { $count } خولەک لەمەوبەر
       *[other] { $count } خولەک لەمەوبەر
    }
time-in-minutes =
    { $count ->
        [one] دوای { $count } خولەک
       *[other] دوای { $count } خولەک
    }
time-ago-hours =
    { $count ->
        [one] { $count } کاتژمێر لەمەوبەر
       *[other] { $count } کاتژمێر لەمەوبەر
    }
time-in-hours =
    { $count ->
        [one] دوای { $count } کاتژمێر
       *[other] دوای { $count } کاتژمێر
    }
time-ago-days =
    { $count ->
        [one] { $count } ڕۆژ لەمەوبەر
       *[other] { $count } ڕۆژ لەمەوبەر
    }
time-in-days =
    { $count ->
        [one] دوای { $count } ڕۆژ
       *[other] دوای { $count } ڕۆژ
    }
copy-hash = لەبەرگرتنەوە
copy-hash_label = لەبەرگرتنەوەی هاشی تەواوی SHA-256
copy-done = لەبەرگیرایەوە
copy-selected = دیاری کرا: بۆ لەبەرگرتنەوە Ctrl+C دابگرە
zone-title = ناوچەی کات
zone-note = کاتەکان بە UTC هەڵدەگیرێن؛ ئەم هەڵبژاردنە تەنها شێوەی پیشاندانیان لەم وێبگەڕەدا دەگۆڕێت.
zone-choose = کاتەکان بەم ناوچەیە پیشان بدە
error-zone = ناوچەیەکی کات بەم ناوە نییە.

## Map
map-label = نەخشەی کارلێک: بە دوگمەکان، تایەی ماوس یان کلیلەکانی + و − گەورە و بچووکی بکەرەوە
map-zoom_in = گەورەکردن
map-zoom_out = بچووککردنەوە
map-reset_north = باکوور بۆ سەرەوە
map-close = داخستن
map-open = کردنەوە

## Civilian-harm reports
nav-harm = ڕاپۆرتی زیان
harm-title = ڕاپۆرتەکانی زیانی مەدەنییەکان
harm-filter = ئەنجامی هەڵسەنگاندن
harm-all = هەموو
harm-status-pending = هێشتا هەڵنەسەنگێندراوە
harm-status-credible = متمانەپێکراو
harm-status-not_credible = نامتمانەپێکراو
harm-status-duplicate = دووبارە
harm-status-insufficient_information = زانیاریی نەبەس
harm-map = شوێنە ڕاپۆرتکراوەکان
harm-unplaced =
    { $count ->
        [one] { $count } ڕاپۆرت شوێنی نەداوە و لەسەر نەخشە نییە.
       *[other] { $count } ڕاپۆرت شوێنیان نەداوە و لەسەر نەخشە نین.
    }
harm-list = ڕاپۆرتەکان
harm-none = هیچ ڕاپۆرتێک نییە.
harm-reference = ژمارەی ئاماژە
harm-received = وەرگیراوە
harm-attachments = پاشکۆکان
harm-pages = لاپەڕەکانی ڕاپۆرت
harm-previous = پێشوو
harm-next = دواتر
harm-report = ڕاپۆرت
harm-position = شوێنی دراو
harm-no_position = نەدراوە
harm-contact = پەیوەندیی ڕاپۆرتدەر
harm-no_contact = نەدراوە
harm-item = ڕاپۆرت وەک هەڵگیراوە
harm-no_attachments = هیچ
harm-assessments = هەڵسەنگاندنەکان
harm-not_assessed = هێشتا هەڵنەسەنگێندراوە.
harm-assessed_at = کاتی هەڵسەنگاندن
harm-assessed_by = لەلایەن
harm-outcome = ئەنجام
harm-area = ناوچە
harm-area_hint = ئەو ناوچەیەی پوختەی گشتی ناوی دەبات؛ هەرگیز شوێنی ورد نا.
harm-public_summary = پوختەی گشتی
harm-note = تێبینیی هەڵسەنگێنەر
harm-note_hint = مۆرکراو دەمێنێتەوە و هەرگیز بڵاو ناکرێتەوە؛ تۆماری پاراستن تەنها پەنجەمۆرەکەی هەڵدەگرێت.
harm-assess = تۆمارکردنی هەڵسەنگاندن
harm-duplicate_of = دووبارەی (ژمارەی ئاماژە)
harm-record = هەڵسەنگاندنەکە تۆمار بکە
harm-back = گەڕانەوە بۆ ڕاپۆرتەکان
harm-not_a_count = ژمارەیەکی تەواوی کەسان نییە
