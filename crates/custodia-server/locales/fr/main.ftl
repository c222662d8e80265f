# Custodia : l'interface en français. Exactement les messages du catalogue anglais.

## Application et navigation

nav-reports = Rapports
app = Custodia
skip = Aller au contenu
nav-dashboard = Tableau de bord
nav-items = Pièces
nav-upload = Téléverser
nav-search = Recherche
nav-requests = Demandes
nav-witnesses = Témoins
nav-admin = Administration
signout = Se déconnecter
signin = Se connecter
signin-title = Se connecter à Custodia
user = Nom d'utilisateur
password = Mot de passe
totp = Code du second facteur (si vous en avez un)
signin-failed = La connexion a échoué. Vérifiez le nom d'utilisateur, le mot de passe et le code.
nav-cases = Affaires
forbidden = Vous n'avez pas accès à cette page.
nav-victims = Soutien aux victimes
language = Langue
col-id = Identifiant
col-time = Date et heure
col-who = Qui
col-action = Action
col-item = Pièce
col-log = N° au journal
log-pending = en attente
col-name = Nom
col-size = Taille
col-stored = Conservée le
col-details = Détails
pages-label = Pages
pages-previous = ← Précédente
pages-next = Suivante →
language-title = Langue de l'interface
language-note = Les pages s'affichent dans la langue choisie ici ; elle est conservée avec votre compte et dans ce navigateur.
language-choose = Choisir
language-saved = Langue enregistrée.
nav-language = Langue
nav-label = Menu principal
error = Erreur
error-bad_request = Demande incorrecte
error-forbidden = Accès refusé
error-not_found = Introuvable
error-conflict = Conflit
error-server = Erreur du serveur
error-language = Langue inconnue.
error-not_sha256 = Ce n'est pas une empreinte SHA-256.
error-strength = Choisissez faible, moyenne ou forte.
error-page_number = La page n'est pas un nombre.
error-decision = Choisissez accorder ou refuser.
error-org_kind = Catégorie d'organisation inconnue.
error-role = Rôle inconnu.
error-precision = La précision n'est pas un nombre.
error-lat_lon = Donnez la latitude et la longitude, toutes deux en nombres, ou aucune des deux.
error-assessment = Choisissez étaye, contredit ou contexte.

## Tableau de bord

dash-holdings = Fonds
dash-by_originator = Par source
dash-by_kind = Par type
dash-open_requests = Demandes en cours
dash-activity = Activité récente
dash-none = Rien pour l'instant.
dash-truncated = Décompte limité aux 100 000 premières pièces.

## Pièces

items-title = Pièces
items-filter = Filtrer
items-originator = Source
items-kind = Type
items-path = Le nom contient
items-any = toutes
items-none = Aucune pièce visible pour vous ne correspond.
items-count =
    { $count ->
        [one] { $count } pièce
       *[other] { $count } pièces
    }
item-facts = Caractéristiques
item-preview = Aperçu
item-metadata = Métadonnées
item-place = Lieu de capture
item-history = Historique de conservation
item-provenance = Provenance
item-download = Télécharger
item-purpose = Motif (consigné dans le journal de conservation)
item-verified = Vérifiée
item-not_rehashed = Journal prouvé ; contenu non réempreint
item-failed = Échec de la vérification
item-deep = Recalculer l'empreinte du contenu maintenant
item-text = Texte extrait
item-no_preview = Pas d'aperçu pour ce type ; téléchargez la pièce pour la consulter.
item-regime = Régime
item-path = Chemin
item-collected_by = Collectée par
item-collected_at = Collectée le
item-inside = Contenue dans
item-truncated = Seul le début est affiché.
item-extraction_failed = Échec de l'extraction :
item-redact = Caviarder
item-redact_texts = Texte à occulter (un par ligne)
item-redact_button = Faire une copie caviardée
item-rehashed = empreinte SHA-256 du contenu recalculée
item-preview_of = Aperçu de { $name }
item-first_page = Première page de { $name }
item-bytes =
    { $count ->
        [one] { $count } octet
       *[other] { $count } octets
    }
item-proven =
    { $count ->
        [one] { $count } entrée de conservation prouvée dans le journal signé de { $size } entrées
       *[other] { $count } entrées de conservation prouvées dans le journal signé de { $size } entrées
    }

## Recherche

search-title = Recherche
search-query = Requête
search-help = Mots, « expressions » entre guillemets droits, AND / OR / NOT, préfixe*, approché~1, champ:valeur (language, type, originator, case).
search-results =
    { $count ->
        [one] { $count } résultat
       *[other] { $count } résultats
    }
search-cross_script = trouvé dans une autre écriture
search-facets = Affiner
search-sort = Trier
search-relevance = Pertinence
search-newest = Plus récentes
search-oldest = Plus anciennes
search-none = Aucun résultat.

## Demandes d'entraide

req-title = Demandes d'entraide
req-new = Déposer une demande
req-authority = Autorité requérante
req-legal_basis = Fondement juridique
req-case = Référence de l'affaire
req-suspects = Suspects (un par ligne)
req-crimes = Crimes (un par ligne)
req-places = Lieux (un par ligne)
req-period = Période
req-text = Objet de la demande
req-deadline = Échéance (AAAA-MM-JJ)
req-file = Déposer la demande
req-state = État
req-waiting = En attente de
req-items = Pièces
req-scope = Ajouter des pièces (SHA-256, une par ligne)
req-scope-button = Ajouter à la demande
req-decide = Décision de consentement
req-grant = Accorder
req-refuse = Refuser
req-reason = Motif
req-finalise = Constituer le paquet de communication
req-packages = Paquets
req-none = Aucune demande à laquelle vous prenez part.
req-filed = Déposée
req-states = États successifs
req-reason-awaiting = en attente du consentement de
req-reason-refused = refusée par
req-reason-restricted = réservée aux gardiens du dépositaire par
req-reason-witness = le consentement propre du témoin ne s'étend pas à ce destinataire
req-reason-no_item = aucune pièce de ce nom
state-filed = déposée
state-awaiting_consent = en attente de consentement
state-ready = prête
state-refused = refusée
state-withheld = retenue
state-released = communiquée
state-withdrawn = retirée
state-finalised = clôturée
waiting-holder = le dépositaire
waiting-originators = les sources
waiting-nobody = personne
req-filed_by = { $at } par { $by }
req-finalise_note = Constitue un paquet BagIt de toutes les pièces prêtes à être communiquées, avec leurs preuves, pour { $authority }.
days-left =
    { $count ->
        [one] { $count } jour restant
       *[other] { $count } jours restants
    }

## Téléversement

upload-title = Téléverser des éléments de preuve
upload-file = Fichier
upload-originator = Source
upload-case = Référence de l'affaire (facultatif)
upload-note = Note de collecte (facultatif)
upload-start = Téléverser
upload-needs_js = Le téléversement nécessite JavaScript (le fichier est envoyé par morceaux, avec reprise). Sans lui, utilisez `custodia ingest` sur le serveur.
upload-hashing = Calcul du SHA-256 du fichier…
upload-sending = Envoi… { $percent } %
upload-resuming = Connexion perdue ; reprise…
upload-storing = Vérification et enregistrement…
upload-stored = Enregistré comme élément { $sha256 }.
upload-nothing = Rien n’a été enregistré.
upload-failed = Échec du téléversement : { $error }

## Témoins

wit-title = Témoins et mesures de protection
wit-none = Aucune personne enregistrée.
wit-identity = Identité
wit-measures = Mesures de protection
wit-scope = Étendue du partage
wit-statements = Déclarations
wit-withheld = masquée

## Administration

admin-title = Administration
admin-orgs = Organisations
admin-users = Utilisateurs
admin-cases = Affaires
admin-keys = Clés et points de contrôle
admin-sign = Signer un point de contrôle maintenant
admin-kind = Catégorie
admin-approved = Requérant agréé
admin-added = Ajouté
admin-organisation = Organisation
admin-roles = Rôles
admin-add_org = Ajouter une organisation
admin-add_user = Ajouter un utilisateur
admin-add = Ajouter
admin-password_note = L'utilisateur peut se connecter une fois son mot de passe défini avec `custodia user password` sur le serveur.
admin-cli_note = Les rôles, les affaires et les agréments se gèrent aussi avec `custodia user`, `custodia case` et `custodia org` sur le serveur.
admin-origin = Origine du journal
admin-entries = Entrées
admin-vkey = Clé de vérification
admin-checkpoint = Dernier point de contrôle signé
admin-vkey_text = Clé de vérification (texte)

## Affaires

case-title = Affaire
cases-title = Affaires
cases-none = Aucune affaire dont vous pouvez lire l'analyse.
case-file = Dossier de l'affaire
case-report_note = L'analyse telle que son lecteur peut la voir : la matrice de preuve, la chronologie, la carte, et chaque pièce liée avec l'entrée du journal de conservation qui prouve sa préservation (à vérifier avec `custodia log prove`, ou `custodia-verify` sur un paquet de communication).
case-matrix = Matrice de preuve
case-gaps = Lacunes
case-no_gaps = Chaque élément est étayé.
case-no_charges = Aucune charge retenue pour l'instant.
case-timeline = Chronologie
case-map = Carte
case-items = Pièces
case-item = Pièce
case-incident = Fait
case-incidents = Faits
case-events =
    { $count ->
        [one] { $count } événement
       *[other] { $count } événements
    }
case-undated =
    { $count ->
        [one] { $count } sans date
       *[other] { $count } sans date
    }
case-more =
    { $count ->
        [one] et { $count } autre
       *[other] et { $count } autres
    }
case-places =
    { $count ->
        [one] { $count } lieu
       *[other] { $count } lieux
    }
case-proof = Preuve de conservation
case-links = Liens
case-element = Élément
case-text = Ce qui doit être prouvé
case-status = Statut
case-evidence = Éléments de preuve
case-status-unproven = Non prouvé
case-status-weak = Faible
case-status-supported = Étayé
case-status-contested = Contesté
case-kind-material = matériel
case-kind-mental = psychologique
case-kind-contextual = contextuel
case-supports = étaye
case-contradicts = contredit
case-context = contexte
case-weak = faible
case-medium = moyenne
case-strong = forte
case-withheld = Les liens vers des pièces que vous ne pouvez pas voir sont omis : statuts et lacunes ne comptent que les liens affichés.
case-add_charge = Retenir une charge
case-crime = Crime
case-mode = Mode de responsabilité (facultatif)
case-suspect = Suspect
case-add_incident = Ajouter un fait
case-incident_title = Intitulé
case-from = Du (AAAA, AAAA-MM ou AAAA-MM-JJ)
case-to = Au (facultatif)
case-place = Lieu
case-lat = Latitude
case-lon = Longitude
case-precision = Précision (mètres)
case-description = Description
case-link_item = Lier à un élément d'une affaire
case-case = Affaire
case-element_id = Élément (p. ex. 7(1)(a)/1)
case-assessment = Appréciation
case-strength = Force probante
case-excerpt = Extrait
case-page = Page
case-note = Note
case-unlink = Délier
case-save = Enregistrer
case-export_ftm = Export FollowTheMoney
case-report = Dossier imprimable
case-geojson = GeoJSON

## Rapports

reports-from = Du
reports-to = Au
reports-show = Afficher
reports-period = Période :
reports-authorities = Demandes par autorité requérante
reports-consent = Consentement par originateur
reports-holdings = Fonds par originateur
reports-types = Fonds par type
reports-stages = Affaires par stade
reports-authority = Autorité
reports-originator = Originateur
reports-filed = Demandes déposées
reports-finalised = Finalisées
reports-open = Ouvertes
reports-withdrawn = Retirées
reports-median_days = Médiane des jours jusqu'à la finalisation
reports-granted = Accordé
reports-refused = Refusé
reports-conditional = Sous conditions
reports-median_days_decide = Médiane des jours jusqu'à la décision
reports-items = Éléments
reports-bytes = Octets
reports-type = Type
reports-stage = Stade
reports-count = Affaires
reports-none = Rien pour cette période.
reports-csv = Télécharger en CSV
reports-by_month = Demandes par mois
reports-month = Mois
reports-finalised_in_month = Finalisées

## Soutien aux victimes

victims-title = Soutien aux victimes
victims-due = Notifications dues
victims-as_of = À la date du
victims-show = Afficher
victims-none = Aucune notification n'est due.
victims-status = État
victims-overdue = En retard
victims-overdue_count =
    { $count ->
        [one] { $count } en retard
       *[other] { $count } en retard
    }
victims-pending = À faire
victims-pseudonym = Pseudonyme
victims-case = Affaire
victims-reason = Motif
victims-since = Depuis
victims-due_by = Échéance
victims-language = Langue
victims-channel = Moyen de contact
victims-draft = Rédiger
victims-reason-milestone = Étape de l'affaire
victims-reason-information_request = Demande d'information
victims-reason-periodic = Point périodique
victims-channel-letter = Courrier
victims-channel-email = Courriel
victims-channel-phone = Téléphone
victims-channel-in_person = En personne
victims-channel-via_intermediary = Par un intermédiaire
victims-lang-nl = Néerlandais
victims-lang-en = Anglais
victims-lang-ar = Arabe
victims-lang-fr = Français
victims-lang-ckb = Kurde (sorani)
victims-lang-kmr = Kurde (kurmandji)
victims-unknown = non renseigné
victims-draft_title = Projet de notification
victims-draft_note = Le projet est rédigé dans la langue de la personne. Sa rédaction est consignée dans le journal de conservation, sans son contenu.
victims-covers = Ce qu'elle couvre
victims-covers_note = Aucune case cochée : tous les motifs dus ce jour-là.
victims-milestones = Étapes annoncées
victims-record = Enregistrer la notification comme envoyée
victims-sent_at = Envoyée le
victims-back = Retour aux notifications dues
victims-person = Journal des contacts
victims-contact = Coordonnées
victims-no_contact = Aucune coordonnée enregistrée.
victims-email = Adresse électronique
victims-address = Adresse postale
victims-phone = Numéro de téléphone
victims-intermediary = Intermédiaire
victims-updates = Souhaite être tenu(e) informé(e)
victims-yes = Oui
victims-no = Non
victims-interval = Mois entre deux points
victims-cases = Affaires
victims-role = Qualité
victims-linked_on = Notifications dues depuis
victims-role-victim = Victime
victims-role-witness = Témoin
victims-role-victim_witness = Victime et témoin
victims-entries = Contacts
victims-no_entries = Aucun contact pour l'instant.
victims-date = Date
victims-kind = Type
victims-kind-notice = Notification
victims-via = Comment
victims-via-recorded = enregistrée à la main
victims-via-smtp = envoyée par courriel depuis le coffre
victims-letter_kept = lettre conservée
victims-text = Ce qui a été demandé
victims-recorded = Enregistré

## Formulaire public de signalement

report-title = Signaler un dommage causé à des civils
report-intro = Dites-nous ce qui s'est passé. Chaque signalement est lu et évalué. Nous ne gardons que ce que vous écrivez ici : ni votre adresse, ni votre navigateur. Ne laissez un contact que si vous souhaitez être joint.
report-date = Date
report-place = Lieu
report-lat = Latitude (facultatif)
report-lon = Longitude (facultatif)
report-description = Ce qui s'est passé
report-killed = Personnes tuées
report-injured = Personnes blessées
report-contact = Comment vous joindre (facultatif)
report-attachments = Photos, vidéos ou documents (jusqu'à 5 fichiers de 25 Mio chacun)
report-send = Envoyer le signalement
report-received = Votre signalement a été reçu
report-reference = Sa référence, à citer si vous nous écrivez à son sujet :
report-another = Signaler autre chose
report-problem = Le signalement n'a pas été envoyé :

## Web capture
nav-capture = Capturer
capture-title = Capturer une page web
capture-url = Adresse de la page (http ou https)
capture-originator = Origine
capture-case = Référence de l'affaire (facultatif)
capture-note = Pourquoi et comment la page est capturée (facultatif)
capture-media = Conserver aussi la vidéo et le son de la page
capture-start = Capturer la page
capture-busy_note = La capture prend de quelques secondes à une ou deux minutes ; gardez cette page ouverte jusqu'à la fin.
capture-private_note = Les pages du réseau propre du détenteur ne sont pas capturées d'ici.
capture-failed = La page n'a pas été capturée
capture-view_title = Capture web
capture-url_asked = Adresse demandée
capture-final_url = Adresse finale
capture-http_status = Statut HTTP
capture-page_title = Titre de la page
capture-started = Début
capture-ended = Fin
capture-operator = Capturée par
capture-tools = Outils
capture-redirects = Redirections
capture-record = Fiche de capture
capture-timestamps = Horodatages de confiance
capture-tsa = Autorité
capture-tsa_status = Vérification
capture-gen_time = Heure
capture-verified = Vérifié
capture-not_verified = Non vérifié
capture-no_timestamps = Aucune autorité d'horodatage n'a répondu pour cette capture.
capture-errors = Problèmes
capture-screenshot = Capture d'écran
capture-text = Texte visible
capture-certificate = Certificat du serveur
capture-no_certificate = Pas de certificat (la page n'a pas été servie en HTTPS).
capture-artefacts = Fichiers de la capture
capture-replay = La page archivée, rejouée
capture-replay_note = Rejouée depuis le WACZ de la capture par ReplayWeb.page, servi par ce serveur depuis une adresse distincte ; rien n'est chargé depuis le web en direct. Le lien reste valable une heure : rechargez cette page pour rejouer à nouveau.
capture-replay_frame = Relecture de la page archivée

## Formatting and relative times
time-now = à l'instant
time-ago-minutes =
    { $count ->
        [one] il y a { $count } minute
       *[other] il y a { $count } minutes
    }
time-in-minutes =
    { $count ->
        [one] dans { $count } minute
       *[other] dans { $count } minutes
    }
time-ago-hours =
    { $count ->
        [one] il y a { $count } heure
       *[other] il y a { $count } heures
    }
time-in-hours =
    { $count ->
        [one] dans { $count } heure
       *[other] dans { $count } heures
    }
time-ago-days =
    { $count ->
        [one] il y a { $count } jour
       *[other] il y a { $count } jours
    }
time-in-days =
    { $count ->
        [one] dans { $count } jour
       *[other] dans { $count } jours
    }
copy-hash = Copier
copy-hash_label = Copier l'empreinte SHA-256 complète
copy-done = Copié
copy-selected = Sélectionné : appuyez sur Ctrl+C pour copier
zone-title = Fuseau horaire
zone-note = Les heures sont enregistrées en UTC ; ce choix ne change que leur affichage dans ce navigateur.
zone-choose = Afficher les heures dans ce fuseau
error-zone = Ce fuseau horaire n'existe pas.

## Map
map-label = Carte interactive : zoomez avec les boutons, la molette de la souris ou les touches + et −
map-zoom_in = Zoom avant
map-zoom_out = Zoom arrière
map-reset_north = Nord en haut
map-close = Fermer
map-open = Ouvrir

## Civilian-harm reports
nav-harm = Signalements
harm-title = Signalements d'atteintes aux civils
harm-filter = Conclusion
harm-all = Toutes
harm-status-pending = Pas encore évalué
harm-status-credible = Crédible
harm-status-not_credible = Non crédible
harm-status-duplicate = Doublon
harm-status-insufficient_information = Informations insuffisantes
harm-map = Lieux signalés
harm-unplaced =
    { $count ->
        [one] { $count } signalement ne donne pas de position et n'est pas sur la carte.
       *[other] { $count } signalements ne donnent pas de position et ne sont pas sur la carte.
    }
harm-list = Signalements
harm-none = Aucun signalement.
harm-reference = Référence
harm-received = Reçu
harm-attachments = Pièces jointes
harm-pages = Pages de signalements
harm-previous = Précédente
harm-next = Suivante
harm-report = Signalement
harm-position = Position donnée
harm-no_position = aucune
harm-contact = Contact de l'auteur
harm-no_contact = aucun
harm-item = Le signalement tel que conservé
harm-no_attachments = aucune
harm-assessments = Évaluations
harm-not_assessed = Pas encore évalué.
harm-assessed_at = Évalué
harm-assessed_by = Par
harm-outcome = Conclusion
harm-area = Zone
harm-area_hint = La zone que nomme l'aperçu public ; jamais le lieu exact.
harm-public_summary = Résumé public
harm-note = Note de l'évaluateur
harm-note_hint = Conservée scellée, jamais publiée ; le journal de conservation n'en garde que l'empreinte.
harm-assess = Enregistrer une évaluation
harm-duplicate_of = Doublon de (référence)
harm-record = Enregistrer l'évaluation
harm-back = Retour aux signalements
harm-not_a_count = n'est pas un nombre entier de personnes
