# كستوديا: الواجهة باللغة العربية. الرسائل نفسها الموجودة في الكتالوج الإنجليزي، لا أكثر ولا أقل.

## التطبيق والتنقل

nav-reports = التقارير
app = كستوديا
skip = انتقل إلى المحتوى
nav-dashboard = لوحة المعلومات
nav-items = المواد
nav-upload = رفع
nav-search = بحث
nav-requests = الطلبات
nav-witnesses = الشهود
nav-admin = الإدارة
signout = تسجيل الخروج
signin = تسجيل الدخول
signin-title = تسجيل الدخول إلى كستوديا
user = اسم المستخدم
password = كلمة المرور
totp = رمز التحقق الثاني (إن وُجد)
signin-failed = تعذّر تسجيل الدخول. تحقّق من اسم المستخدم وكلمة المرور والرمز.
nav-cases = القضايا
forbidden = لا يحق لك الاطلاع على هذه الصفحة.
nav-victims = دعم الضحايا
language = اللغة
col-id = المعرّف
col-time = الوقت
col-who = مَن
col-action = الإجراء
col-item = المادة
col-log = رقم السجل
log-pending = قيد التسجيل
col-name = الاسم
col-size = الحجم
col-stored = تاريخ الحفظ
col-details = التفاصيل
pages-label = الصفحات
pages-previous = → السابق
pages-next = التالي ←
language-title = لغة الواجهة
language-note = تُعرض الصفحات باللغة التي تختارها هنا؛ وتُحفظ مع حسابك وفي هذا المتصفح.
language-choose = اختيار
language-saved = حُفظت اللغة.
nav-language = اللغة
nav-label = القائمة الرئيسية
error = خطأ
error-bad_request = طلب غير صالح
error-forbidden = غير مسموح
error-not_found = غير موجود
error-conflict = تعارض
error-server = خطأ في الخادم
error-language = لغة غير معروفة.
error-not_sha256 = هذه ليست بصمة SHA-256.
error-strength = اختر ضعيف أو متوسط أو قوي.
error-page_number = رقم الصفحة ليس عددًا.
error-decision = اختر الموافقة أو الرفض.
error-org_kind = نوع منظمة غير معروف.
error-role = دور غير معروف.
error-precision = الدقة ليست عددًا.
error-lat_lon = أدخل خط العرض وخط الطول كليهما عددين، أو لا تُدخل أيًّا منهما.
error-assessment = اختر يدعم أو يناقض أو سياق.

## لوحة المعلومات

dash-holdings = المقتنيات
dash-by_originator = حسب الجهة المصدِرة
dash-by_kind = حسب النوع
dash-open_requests = الطلبات المفتوحة
dash-activity = آخر النشاطات
dash-none = لا شيء بعد.
dash-truncated = العدّ على أول 100٬000 مادة فقط.

## المواد

items-title = المواد
items-filter = تصفية
items-originator = الجهة المصدِرة
items-kind = النوع
items-path = الاسم يحتوي على
items-any = الكل
items-none = لا توجد مادة مطابقة مما يحق لك الاطلاع عليه.
items-count =
    { $count ->
        [zero] لا مواد
        [one] مادة واحدة
        [two] مادتان
        [few] { $count } مواد
        [many] { $count } مادة
       *[other] { $count } مادة
    }
item-facts = البيانات الأساسية
item-preview = معاينة
item-metadata = البيانات الوصفية
item-place = مكان الالتقاط
item-history = سجل العهدة
item-provenance = المصدر
item-download = تنزيل
item-purpose = الغرض (يُسجَّل في سجل العهدة)
item-verified = تم التحقق
item-not_rehashed = السجل مُثبَت؛ لم يُعَد حساب بصمة المحتوى
item-failed = فشل التحقق
item-deep = أعد حساب بصمة المحتوى الآن
item-text = النص المستخرج
item-no_preview = لا معاينة لهذا النوع؛ نزّله لعرضه.
item-regime = نظام المشاركة
item-path = المسار
item-collected_by = جمعها
item-collected_at = تاريخ الجمع
item-inside = ضمن
item-truncated = يُعرض الجزء الأول فقط.
item-extraction_failed = فشل الاستخراج:
item-redact = الحجب
item-redact_texts = النصوص المراد حجبها (سطر لكل نص)
item-redact_button = إنشاء نسخة محجوبة
item-rehashed = أُعيد حساب بصمة SHA-256 للمحتوى
item-preview_of = معاينة { $name }
item-first_page = الصفحة الأولى من { $name }
item-bytes =
    { $count ->
        [zero] لا بايت
        [one] بايت واحد
        [two] بايتان
        [few] { $count } بايتات
        [many] { $count } بايتًا
       *[other] { $count } بايت
    }
item-proven =
    { $count ->
        [zero] لم يُثبَت أي قيد عهدة في السجل الموقَّع ذي { $size } قيد
        [one] قيد عهدة واحد مُثبَت في السجل الموقَّع ذي { $size } قيد
        [two] قيدا عهدة مُثبَتان في السجل الموقَّع ذي { $size } قيد
        [few] { $count } قيود عهدة مُثبَتة في السجل الموقَّع ذي { $size } قيد
        [many] { $count } قيدًا مُثبَتًا في السجل الموقَّع ذي { $size } قيد
       *[other] { $count } قيد عهدة مُثبَت في السجل الموقَّع ذي { $size } قيد
    }

## البحث

search-title = بحث
search-query = عبارة البحث
search-help = كلمات، "عبارات"، AND / OR / NOT، بادئة*، تقريب~1، حقل:قيمة (language، type، originator، case).
search-results =
    { $count ->
        [zero] لا نتائج
        [one] نتيجة واحدة
        [two] نتيجتان
        [few] { $count } نتائج
        [many] { $count } نتيجة
       *[other] { $count } نتيجة
    }
search-cross_script = وُجد بكتابة أخرى
search-facets = تضييق النتائج
search-sort = الترتيب
search-relevance = الأكثر صلة
search-newest = الأحدث
search-oldest = الأقدم
search-none = لم يُعثر على شيء.

## طلبات المساعدة

req-title = طلبات المساعدة القضائية
req-new = تقديم طلب
req-authority = الجهة الطالبة
req-legal_basis = الأساس القانوني
req-case = مرجع القضية
req-suspects = المشتبه بهم (واحد في كل سطر)
req-crimes = الجرائم (واحدة في كل سطر)
req-places = الأماكن (واحد في كل سطر)
req-period = الفترة
req-text = المطلوب
req-deadline = الموعد النهائي (YYYY-MM-DD)
req-file = تقديم الطلب
req-state = الحالة
req-waiting = بانتظار
req-items = المواد
req-scope = إضافة مواد (SHA-256، واحدة في كل سطر)
req-scope-button = إضافة إلى الطلب
req-decide = قرار الموافقة
req-grant = موافقة
req-refuse = رفض
req-reason = السبب
req-finalise = إعداد حزمة الإفصاح
req-packages = الحزم
req-none = لا يوجد طلب لك دور فيه.
req-filed = تاريخ التقديم
req-states = مراحل الطلب
req-reason-awaiting = بانتظار موافقة
req-reason-refused = رفضته
req-reason-restricted = قصرته على أمناء الجهة الحافظة
req-reason-witness = موافقة الشاهد نفسه لا تشمل هذه الجهة المتلقية
req-reason-no_item = لا توجد مادة كهذه
state-filed = مقدَّم
state-awaiting_consent = بانتظار الموافقة
state-ready = جاهز
state-refused = مرفوض
state-withheld = محجوب
state-released = مُفصَح عنه
state-withdrawn = مسحوب
state-finalised = منجَز
waiting-holder = الجهة الحافظة
waiting-originators = الجهات المصدِرة
waiting-nobody = لا أحد
req-filed_by = { $at } بواسطة { $by }
req-finalise_note = يُعِدّ حزمة BagIt تضم كل مادة جاهزة للإفصاح مع إثباتاتها، لصالح { $authority }.
days-left =
    { $count ->
        [zero] لم يبقَ أي يوم
        [one] بقي يوم واحد
        [two] بقي يومان
        [few] بقيت { $count } أيام
        [many] بقي { $count } يومًا
       *[other] بقي { $count } يوم
    }

## الرفع

upload-title = رفع أدلة
upload-file = الملف
upload-originator = الجهة المصدِرة
upload-case = مرجع القضية (اختياري)
upload-note = ملاحظة الجمع (اختيارية)
upload-start = رفع
upload-needs_js = يتطلب الرفع تفعيل JavaScript (يُرسَل الملف على أجزاء يمكن استئنافها). بدونه، استخدم `custodia ingest` على الخادم.
upload-hashing = جارٍ حساب SHA-256 للملف…
upload-sending = جارٍ الإرسال… { $percent }%
upload-resuming = انقطع الاتصال؛ جارٍ الاستئناف…
upload-storing = جارٍ التحقق والحفظ…
upload-stored = حُفظ بوصفه العنصر { $sha256 }.
upload-nothing = لم يُحفظ شيء.
upload-failed = فشل الرفع: { $error }

## الشهود

wit-title = الشهود وتدابير الحماية
wit-none = لا يوجد شخص مسجَّل.
wit-identity = الهوية
wit-measures = تدابير الحماية
wit-scope = نطاق المشاركة
wit-statements = الإفادات
wit-withheld = محجوبة

## الإدارة

admin-title = الإدارة
admin-orgs = المنظمات
admin-users = المستخدمون
admin-cases = القضايا
admin-keys = المفاتيح ونقاط التدقيق
admin-sign = توقيع نقطة تدقيق الآن
admin-kind = النوع
admin-approved = جهة طالبة معتمدة
admin-added = أُضيف
admin-organisation = المنظمة
admin-roles = الأدوار
admin-add_org = إضافة منظمة
admin-add_user = إضافة مستخدم
admin-add = إضافة
admin-password_note = يستطيع المستخدم تسجيل الدخول بعد تعيين كلمة مرور له بالأمر `custodia user password` على الخادم.
admin-cli_note = تُدار الأدوار والقضايا والاعتمادات أيضًا بالأوامر `custodia user` و`custodia case` و`custodia org` على الخادم.
admin-origin = أصل السجل
admin-entries = القيود
admin-vkey = مفتاح التحقق
admin-checkpoint = آخر نقطة تدقيق موقَّعة
admin-vkey_text = مفتاح التحقق (نص)

## القضايا

case-title = القضية
cases-title = القضايا
cases-none = لا توجد قضية يحق لك الاطلاع على تحليلها.
case-file = ملف القضية
case-report_note = التحليل كما يحق لقارئه أن يراه: مصفوفة الإثبات، والتسلسل الزمني، والخريطة، وكل مادة مرتبطة مع قيد سجل العهدة الذي يثبت حفظها (تحقّق منه بالأمر `custodia log prove`، أو بـ `custodia-verify` على حزمة إفصاح).
case-matrix = مصفوفة الإثبات
case-gaps = الثغرات
case-no_gaps = لكل عنصر ما يدعمه.
case-no_charges = لم تُوجَّه أي تهمة بعد.
case-timeline = التسلسل الزمني
case-map = الخريطة
case-items = المواد
case-item = مادة
case-incident = واقعة
case-incidents = الوقائع
case-events =
    { $count ->
        [zero] لا أحداث
        [one] حدث واحد
        [two] حدثان
        [few] { $count } أحداث
        [many] { $count } حدثًا
       *[other] { $count } حدث
    }
case-undated =
    { $count ->
        [one] حدث واحد بلا تاريخ
        [two] حدثان بلا تاريخ
        [few] { $count } أحداث بلا تاريخ
        [many] { $count } حدثًا بلا تاريخ
       *[other] { $count } حدث بلا تاريخ
    }
case-more =
    { $count ->
        [one] وحدث آخر
        [two] وحدثان آخران
        [few] و{ $count } أحداث أخرى
        [many] و{ $count } حدثًا آخر
       *[other] و{ $count } حدث آخر
    }
case-places =
    { $count ->
        [zero] لا أماكن
        [one] مكان واحد
        [two] مكانان
        [few] { $count } أماكن
        [many] { $count } مكانًا
       *[other] { $count } مكان
    }
case-proof = إثبات العهدة
case-links = الروابط
case-element = الركن
case-text = ما يجب إثباته
case-status = الحالة
case-evidence = الأدلة
case-status-unproven = غير مثبت
case-status-weak = ضعيف
case-status-supported = مدعوم
case-status-contested = متنازع عليه
case-kind-material = مادي
case-kind-mental = معنوي
case-kind-contextual = سياقي
case-supports = يدعم
case-contradicts = يناقض
case-context = سياق
case-weak = ضعيف
case-medium = متوسط
case-strong = قوي
case-withheld = استُبعدت الروابط إلى مواد لا يحق لك الاطلاع عليها: الحالات والثغرات لا تحتسب إلا الروابط المعروضة.
case-add_charge = توجيه تهمة
case-crime = الجريمة
case-mode = شكل المسؤولية (اختياري)
case-suspect = المشتبه به
case-add_incident = إضافة واقعة
case-incident_title = العنوان
case-from = من (YYYY أو YYYY-MM أو YYYY-MM-DD)
case-to = إلى (اختياري)
case-place = المكان
case-lat = خط العرض
case-lon = خط الطول
case-precision = الدقة (بالأمتار)
case-description = الوصف
case-link_item = ربط بركن من أركان قضية
case-case = القضية
case-element_id = الركن (مثلًا 7(1)(a)/1)
case-assessment = التقييم
case-strength = القوة
case-excerpt = مقتطف
case-page = الصفحة
case-note = ملاحظة
case-unlink = إلغاء الربط
case-save = حفظ
case-export_ftm = تصدير FollowTheMoney
case-report = ملف القضية للطباعة
case-geojson = GeoJSON

## التقارير

reports-from = من
reports-to = إلى
reports-show = عرض
reports-period = الفترة:
reports-authorities = الطلبات حسب الجهة الطالبة
reports-consent = الموافقة حسب الجهة المصدِرة
reports-holdings = المقتنيات حسب الجهة المصدِرة
reports-types = المقتنيات حسب النوع
reports-stages = القضايا حسب المرحلة
reports-authority = الجهة
reports-originator = الجهة المصدِرة
reports-filed = الطلبات المقدَّمة
reports-finalised = المنجَزة
reports-open = المفتوحة
reports-withdrawn = المسحوبة
reports-median_days = وسيط الأيام حتى الإنجاز
reports-granted = موافَق
reports-refused = مرفوض
reports-conditional = مشروط
reports-median_days_decide = وسيط الأيام حتى القرار
reports-items = المواد
reports-bytes = البايتات
reports-type = النوع
reports-stage = المرحلة
reports-count = القضايا
reports-none = لا شيء في هذه الفترة.
reports-csv = تنزيل بصيغة CSV
reports-by_month = الطلبات حسب الشهر
reports-month = الشهر
reports-finalised_in_month = أُنجزت

## دعم الضحايا

victims-title = دعم الضحايا
victims-due = الإشعارات المستحقة
victims-as_of = اعتبارًا من
victims-show = عرض
victims-none = لا يوجد إشعار مستحق.
victims-status = الحالة
victims-overdue = متأخر
victims-overdue_count =
    { $count ->
        [one] إشعار واحد متأخر
        [two] إشعاران متأخران
        [few] { $count } إشعارات متأخرة
        [many] { $count } إشعارًا متأخرًا
       *[other] { $count } إشعار متأخر
    }
victims-pending = مستحق
victims-pseudonym = الاسم المستعار
victims-case = القضية
victims-reason = السبب
victims-since = منذ
victims-due_by = الموعد النهائي
victims-language = اللغة
victims-channel = وسيلة التواصل
victims-draft = صياغة مسودة
victims-reason-milestone = مرحلة في القضية
victims-reason-information_request = طلب معلومات
victims-reason-periodic = تحديث دوري
victims-channel-letter = رسالة بريدية
victims-channel-email = بريد إلكتروني
victims-channel-phone = هاتف
victims-channel-in_person = شخصيًا
victims-channel-via_intermediary = عبر وسيط
victims-lang-nl = الهولندية
victims-lang-en = الإنجليزية
victims-lang-ar = العربية
victims-lang-fr = الفرنسية
victims-lang-ckb = الكردية (السورانية)
victims-lang-kmr = الكردية (الكرمانجية)
victims-unknown = غير مسجَّل
victims-draft_title = مسودة إشعار
victims-draft_note = المسودة بلغة الشخص. تُسجَّل صياغتها في سجل العهدة، من دون محتواها.
victims-covers = ما يغطيه
victims-covers_note = إن لم تحدد شيئًا: كل الأسباب المستحقة في ذلك اليوم.
victims-milestones = المراحل المُبلَّغ عنها
victims-record = تسجيل الإشعار كمُرسَل
victims-sent_at = تاريخ الإرسال
victims-back = العودة إلى الإشعارات المستحقة
victims-person = سجل التواصل
victims-contact = بيانات التواصل
victims-no_contact = لا توجد بيانات تواصل مسجَّلة.
victims-email = عنوان البريد الإلكتروني
victims-address = العنوان البريدي
victims-phone = رقم الهاتف
victims-intermediary = الوسيط
victims-updates = يرغب في إبقائه على اطلاع
victims-yes = نعم
victims-no = لا
victims-interval = عدد الأشهر بين التحديثات
victims-cases = القضايا
victims-role = الصفة
victims-linked_on = يستحق الإشعارات منذ
victims-role-victim = ضحية
victims-role-witness = شاهد
victims-role-victim_witness = ضحية وشاهد
victims-entries = الاتصالات
victims-no_entries = لا يوجد تواصل بعد.
victims-date = التاريخ
victims-kind = النوع
victims-kind-notice = إشعار
victims-via = الطريقة
victims-via-recorded = مسجَّل يدويًا
victims-via-smtp = أُرسل بالبريد الإلكتروني من الخزنة
victims-letter_kept = الرسالة محفوظة
victims-text = ما طُلب
victims-recorded = سُجِّل

## استمارة الإبلاغ العامة

report-title = الإبلاغ عن ضرر لحق بالمدنيين
report-intro = أخبرنا بما حدث. كل بلاغ يُقرأ ويُقيَّم. لا نحتفظ إلا بما تكتبه هنا: لا عنوانك ولا متصفحك. اترك وسيلة اتصال فقط إن رغبت في أن نتواصل معك.
report-date = التاريخ
report-place = المكان
report-lat = خط العرض (اختياري)
report-lon = خط الطول (اختياري)
report-description = ماذا حدث
report-killed = عدد القتلى
report-injured = عدد الجرحى
report-contact = وسيلة الاتصال بك (اختياري)
report-attachments = صور أو فيديوهات أو وثائق (حتى 5 ملفات، 25 ميغابايت لكل منها)
report-send = إرسال البلاغ
report-received = تم استلام بلاغك
report-reference = رقمه المرجعي، لذكره إن راسلتنا بشأنه:
report-another = الإبلاغ عن أمر آخر
report-problem = لم يُرسَل البلاغ:

## Web capture
nav-capture = التقاط
capture-title = التقاط صفحة ويب
capture-url = عنوان الصفحة (http أو https)
capture-originator = الجهة المصدر
capture-case = مرجع القضية (اختياري)
capture-note = لماذا وكيف تُلتقط الصفحة (اختياري)
capture-media = الاحتفاظ أيضاً بمقاطع الفيديو والصوت في الصفحة
capture-start = التقاط الصفحة
capture-busy_note = يستغرق الالتقاط من بضع ثوانٍ إلى دقيقة أو دقيقتين؛ أبقِ هذه الصفحة مفتوحة حتى ينتهي.
capture-private_note = لا تُلتقط من هنا الصفحات الموجودة داخل شبكة الجهة الحائزة نفسها.
capture-failed = لم تُلتقط الصفحة
capture-view_title = التقاط ويب
capture-url_asked = العنوان المطلوب
capture-final_url = العنوان النهائي
capture-http_status = حالة HTTP
capture-page_title = عنوان الصفحة
capture-started = البدء
capture-ended = الانتهاء
capture-operator = التقطها
capture-tools = الأدوات
capture-redirects = عمليات إعادة التوجيه
capture-record = سجل الالتقاط
capture-timestamps = الطوابع الزمنية الموثوقة
capture-tsa = الجهة المانحة
capture-tsa_status = التحقق
capture-gen_time = الوقت
capture-verified = تم التحقق
capture-not_verified = لم يتم التحقق
capture-no_timestamps = لم تُجب أي جهة للطوابع الزمنية عن هذا الالتقاط.
capture-errors = مشكلات
capture-screenshot = لقطة الشاشة
capture-text = النص المرئي
capture-certificate = شهادة الخادم
capture-no_certificate = لا توجد شهادة (لم تُقدَّم الصفحة عبر HTTPS).
capture-artefacts = ملفات الالتقاط
capture-replay = الصفحة المؤرشفة، معادة العرض
capture-replay_note = تُعرض من ملف WACZ الخاص بالالتقاط عبر ReplayWeb.page، الذي يقدّمه هذا الخادم من عنوان منفصل؛ لا يُجلب شيء من الويب الحيّ. يبقى رابط العرض صالحاً ساعة واحدة: أعد تحميل هذه الصفحة لإعادة العرض.
capture-replay_frame = إعادة عرض الصفحة المؤرشفة

## Formatting and relative times
time-now = الآن
time-ago-minutes =
    { $count ->
        [zero] منذ { $count } دقيقة
        [one] منذ دقيقة
        [two] منذ دقيقتين
        [few] منذ { $count } دقائق
        [many] منذ { $count } دقيقة
       *[other] منذ { $count } دقيقة
    }
time-in-minutes =
    { $count ->
        [zero] بعد { $count } دقيقة
        [one] بعد دقيقة
        [two] بعد دقيقتين
        [few] بعد { $count } دقائق
        [many] بعد { $count } دقيقة
       *[other] بعد { $count } دقيقة
    }
time-ago-hours =
    { $count ->
        [zero] منذ { $count } ساعة
        [one] منذ ساعة
        [two] منذ ساعتين
        [few] منذ { $count } ساعات
        [many] منذ { $count } ساعة
       *[other] منذ { $count } ساعة
    }
time-in-hours =
    { $count ->
        [zero] بعد { $count } ساعة
        [one] بعد ساعة
        [two] بعد ساعتين
        [few] بعد { $count } ساعات
        [many] بعد { $count } ساعة
       *[other] بعد { $count } ساعة
    }
time-ago-days =
    { $count ->
        [zero] منذ { $count } يوم
        [one] منذ يوم
        [two] منذ يومين
        [few] منذ { $count } أيام
        [many] منذ { $count } يومًا
       *[other] منذ { $count } يوم
    }
time-in-days =
    { $count ->
        [zero] بعد { $count } يوم
        [one] بعد يوم
        [two] بعد يومين
        [few] بعد { $count } أيام
        [many] بعد { $count } يومًا
       *[other] بعد { $count } يوم
    }
copy-hash = نسخ
copy-hash_label = نسخ بصمة SHA-256 كاملةً
copy-done = نُسخت
copy-selected = حُدِّدت: اضغط Ctrl+C لنسخها
zone-title = المنطقة الزمنية
zone-note = تُحفظ الأوقات بالتوقيت العالمي المنسق (UTC)؛ لا يغيّر هذا الاختيار إلا طريقة عرضها في هذا المتصفح.
zone-choose = اعرض الأوقات بهذه المنطقة
error-zone = لا توجد منطقة زمنية بهذا الاسم.

## Map
map-label = خريطة تفاعلية: للتكبير والتصغير استخدم الأزرار أو عجلة الفأرة أو مفتاحي + و −
map-zoom_in = تكبير
map-zoom_out = تصغير
map-reset_north = توجيه الشمال إلى الأعلى
map-close = إغلاق
map-open = فتح

## Civilian-harm reports
nav-harm = بلاغات الأذى
harm-title = بلاغات الأذى اللاحق بالمدنيين
harm-filter = نتيجة التقييم
harm-all = الكل
harm-status-pending = لم يُقيَّم بعد
harm-status-credible = موثوق
harm-status-not_credible = غير موثوق
harm-status-duplicate = مكرر
harm-status-insufficient_information = معلومات غير كافية
harm-map = الأماكن المبلَّغ عنها
harm-unplaced =
    { $count ->
        [zero] لا بلاغ بلا موقع.
        [one] بلاغ واحد لم يذكر موقعًا فلا يظهر على الخريطة.
        [two] بلاغان لم يذكرا موقعًا فلا يظهران على الخريطة.
        [few] { $count } بلاغات لم تذكر موقعًا فلا تظهر على الخريطة.
        [many] { $count } بلاغًا لم تذكر موقعًا فلا تظهر على الخريطة.
       *[other] { $count } بلاغ لم تذكر موقعًا فلا تظهر على الخريطة.
    }
harm-list = البلاغات
harm-none = لا توجد بلاغات.
harm-reference = المرجع
harm-received = تاريخ الاستلام
harm-attachments = المرفقات
harm-pages = صفحات البلاغات
harm-previous = السابق
harm-next = التالي
harm-report = البلاغ
harm-position = الموقع المذكور
harm-no_position = لم يُذكر
harm-contact = وسيلة الاتصال بالمبلِّغ
harm-no_contact = لم تُذكر
harm-item = البلاغ كما حُفظ
harm-no_attachments = لا شيء
harm-assessments = التقييمات
harm-not_assessed = لم يُقيَّم بعد.
harm-assessed_at = تاريخ التقييم
harm-assessed_by = المقيِّم
harm-outcome = النتيجة
harm-area = المنطقة
harm-area_hint = المنطقة التي يذكرها العرض العام؛ لا المكان الدقيق أبدًا.
harm-public_summary = الملخص العام
harm-note = ملاحظة المقيِّم
harm-note_hint = تبقى مختومة ولا تُنشر أبدًا؛ لا يحفظ سجل العهدة إلا بصمتها.
harm-assess = تسجيل تقييم
harm-duplicate_of = مكرر للبلاغ (المرجع)
harm-record = تسجيل التقييم
harm-back = العودة إلى البلاغات
harm-not_a_count = ليس عددًا صحيحًا من الأشخاص
