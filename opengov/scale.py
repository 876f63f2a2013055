"""National-scale generated data: every Moroccan territorial collectivity with an action plan,
its workshops, working groups, proposals, commitments, milestones, indicators and comments,
in Arabic and French (the modeltranslation `_ar` / `_fr` columns).

What it guarantees:
- Reproducible: the same options (seed, base date, counts) give the same rows, ids included when
  the tables start empty. Every random choice comes from `random.Random` instances seeded from
  the seed (one per council, so the data does not depend on how rows are batched); every date is
  relative to the base date, never to the clock.
- Valid: each row satisfies the database constraints and the models' clean() (dates inside the
  plan's period, completion dates only on completed milestones and not after the base date,
  hidden comments with a reason, replies to published top-level comments of the same page...).
  Plans past consultation pass the adoption readiness checklist (every proposal answered, both
  languages filled, milestones inside the period, an indicator per commitment).
- Fast: rows are built as lists with ids assigned in order, so children link to parents without
  reading anything back, and written with binary COPY from a second thread while the next batch
  is generated. Into empty tables, b-tree indexes and foreign keys are dropped for the load and
  put back identical at the end (re-adding a foreign key checks every row). All of it runs in
  one transaction: nothing is left half-written on failure.
- Not generated: users (answered_by, moderated_by... stay empty), files (logos, documents,
  PDFs), simple-history rows.

`generate(options)` is the entry point; `flush()` empties the portal's tables; the functions
`*_rows` build the rows of one table each."""

from __future__ import annotations

import contextlib
import datetime
import random
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models, transaction
from django.utils.text import slugify

from commitments.models import (
    Comment,
    Commitment,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
)
from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
)

DEFAULT_SEED = 1
# A fixed default, so two runs without --base-date agree; it must not be after the day the data
# is generated (a milestone cannot be completed in the future).
DEFAULT_BASE_DATE = datetime.date(2026, 11, 1)
NATIONAL_COUNCILS = 1590
UTC = datetime.UTC
Stage = ActionPlan.Stage
D = datetime.date
DAY = datetime.timedelta(days=1)


class Random(random.Random):
    """random.Random with cheaper picks: the generator makes millions of them, and
    choice()/randint() cost several times more than one random() call."""

    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high], like randint()."""
        return low + int(self.random() * (high - low + 1))


# --- vocabulary: (Arabic, French) pairs ----------------------------------------------------------

# The 12 regions, as in consultations/fixtures/regions.json, with their seat.
REGIONS = [
    ("tanger-tetouan-al-hoceima", "TTA", "جهة طنجة تطوان الحسيمة",
     "Région Tanger-Tétouan-Al Hoceima", ("تطوان", "Tétouan")),
    ("oriental", "ORI", "جهة الشرق", "Région de l'Oriental", ("وجدة", "Oujda")),
    ("fes-meknes", "FES", "جهة فاس مكناس", "Région Fès-Meknès", ("فاس", "Fès")),
    ("rabat-sale-kenitra", "RSK", "جهة الرباط سلا القنيطرة", "Région Rabat-Salé-Kénitra",
     ("الرباط", "Rabat")),
    ("beni-mellal-khenifra", "BMK", "جهة بني ملال خنيفرة", "Région Béni Mellal-Khénifra",
     ("بني ملال", "Béni Mellal")),
    ("casablanca-settat", "CAS", "جهة الدار البيضاء سطات", "Région Casablanca-Settat",
     ("الدار البيضاء", "Casablanca")),
    ("marrakech-safi", "MAS", "جهة مراكش آسفي", "Région Marrakech-Safi", ("مراكش", "Marrakech")),
    ("draa-tafilalet", "DRT", "جهة درعة تافيلالت", "Région Drâa-Tafilalet",
     ("الرشيدية", "Errachidia")),
    ("souss-massa", "SOM", "جهة سوس ماسة", "Région Souss-Massa", ("أكادير", "Agadir")),
    ("guelmim-oued-noun", "GON", "جهة كلميم واد نون", "Région Guelmim-Oued Noun",
     ("كلميم", "Guelmim")),
    ("laayoune-sakia-el-hamra", "LSH", "جهة العيون الساقية الحمراء",
     "Région Laâyoune-Sakia El Hamra", ("العيون", "Laâyoune")),
    ("dakhla-oued-ed-dahab", "DOD", "جهة الداخلة وادي الذهب", "Région Dakhla-Oued Ed-Dahab",
     ("الداخلة", "Dakhla")),
]  # fmt: skip

# The 75 prefectures (P) and provinces, by region (same order as REGIONS).
PROVINCES = [
    [("P", "طنجة أصيلة", "Tanger-Assilah"), ("P", "المضيق الفنيدق", "M'diq-Fnideq"),
     ("", "تطوان", "Tétouan"), ("", "الفحص أنجرة", "Fahs-Anjra"), ("", "العرائش", "Larache"),
     ("", "الحسيمة", "Al Hoceima"), ("", "شفشاون", "Chefchaouen"), ("", "وزان", "Ouezzane")],
    [("P", "وجدة أنكاد", "Oujda-Angad"), ("", "الناظور", "Nador"), ("", "الدريوش", "Driouch"),
     ("", "جرادة", "Jerada"), ("", "بركان", "Berkane"), ("", "تاوريرت", "Taourirt"),
     ("", "جرسيف", "Guercif"), ("", "فجيج", "Figuig")],
    [("P", "فاس", "Fès"), ("P", "مكناس", "Meknès"), ("", "الحاجب", "El Hajeb"),
     ("", "إفران", "Ifrane"), ("", "مولاي يعقوب", "Moulay Yacoub"), ("", "صفرو", "Sefrou"),
     ("", "بولمان", "Boulemane"), ("", "تاونات", "Taounate"), ("", "تازة", "Taza")],
    [("P", "الرباط", "Rabat"), ("P", "سلا", "Salé"), ("P", "الصخيرات تمارة", "Skhirate-Témara"),
     ("", "القنيطرة", "Kénitra"), ("", "الخميسات", "Khémisset"), ("", "سيدي قاسم", "Sidi Kacem"),
     ("", "سيدي سليمان", "Sidi Slimane")],
    [("", "بني ملال", "Béni Mellal"), ("", "أزيلال", "Azilal"),
     ("", "الفقيه بن صالح", "Fquih Ben Salah"), ("", "خنيفرة", "Khénifra"),
     ("", "خريبكة", "Khouribga")],
    [("P", "الدار البيضاء", "Casablanca"), ("P", "المحمدية", "Mohammédia"),
     ("", "الجديدة", "El Jadida"), ("", "النواصر", "Nouaceur"), ("", "مديونة", "Médiouna"),
     ("", "بنسليمان", "Benslimane"), ("", "برشيد", "Berrechid"), ("", "سطات", "Settat"),
     ("", "سيدي بنور", "Sidi Bennour")],
    [("P", "مراكش", "Marrakech"), ("", "شيشاوة", "Chichaoua"), ("", "الحوز", "Al Haouz"),
     ("", "قلعة السراغنة", "El Kelâa des Sraghna"), ("", "الصويرة", "Essaouira"),
     ("", "الرحامنة", "Rehamna"), ("", "آسفي", "Safi"), ("", "اليوسفية", "Youssoufia")],
    [("", "الرشيدية", "Errachidia"), ("", "ورزازات", "Ouarzazate"), ("", "ميدلت", "Midelt"),
     ("", "تنغير", "Tinghir"), ("", "زاكورة", "Zagora")],
    [("P", "أكادير إداوتنان", "Agadir Ida-Outanane"),
     ("P", "إنزكان أيت ملول", "Inezgane-Aït Melloul"),
     ("", "اشتوكة أيت باها", "Chtouka-Aït Baha"), ("", "تارودانت", "Taroudant"),
     ("", "تيزنيت", "Tiznit"), ("", "طاطا", "Tata")],
    [("", "كلميم", "Guelmim"), ("", "آسا الزاك", "Assa-Zag"), ("", "طانطان", "Tan-Tan"),
     ("", "سيدي إفني", "Sidi Ifni")],
    [("", "العيون", "Laâyoune"), ("", "بوجدور", "Boujdour"), ("", "طرفاية", "Tarfaya"),
     ("", "السمارة", "Es-Semara")],
    [("", "وادي الذهب", "Oued Ed-Dahab"), ("", "أوسرد", "Aousserd")],
]  # fmt: skip

# Communes by region: the real count (1,503 in all), then a few real towns; the rest are rural
# communes named the way many are (Sidi…, Ouled…, Aït…) but drawn at random.
COMMUNES_PER_REGION = [146, 124, 194, 114, 135, 153, 251, 125, 175, 53, 20, 13]
TOWNS = [
    [("تطوان", "Tétouan"), ("طنجة", "Tanger"), ("الحسيمة", "Al Hoceima"), ("العرائش", "Larache"),
     ("القصر الكبير", "Ksar El Kébir"), ("شفشاون", "Chefchaouen"), ("وزان", "Ouezzane"),
     ("الفنيدق", "Fnideq"), ("المضيق", "M'diq"), ("أصيلة", "Asilah")],
    [("وجدة", "Oujda"), ("الناظور", "Nador"), ("بركان", "Berkane"), ("تاوريرت", "Taourirt"),
     ("جرسيف", "Guercif"), ("جرادة", "Jerada"), ("فجيج", "Figuig"), ("السعيدية", "Saïdia"),
     ("زايو", "Zaïo")],
    [("فاس", "Fès"), ("مكناس", "Meknès"), ("تازة", "Taza"), ("صفرو", "Sefrou"),
     ("إفران", "Ifrane"), ("الحاجب", "El Hajeb"), ("تاونات", "Taounate"), ("ميسور", "Missour")],
    [("الرباط", "Rabat"), ("سلا", "Salé"), ("القنيطرة", "Kénitra"), ("تمارة", "Témara"),
     ("الصخيرات", "Skhirate"), ("الخميسات", "Khémisset"), ("سيدي قاسم", "Sidi Kacem"),
     ("سيدي سليمان", "Sidi Slimane"), ("تيفلت", "Tiflet")],
    [("بني ملال", "Béni Mellal"), ("خريبكة", "Khouribga"), ("خنيفرة", "Khénifra"),
     ("الفقيه بن صالح", "Fquih Ben Salah"), ("أزيلال", "Azilal"), ("قصبة تادلة", "Kasba Tadla"),
     ("وادي زم", "Oued Zem")],
    [("الدار البيضاء", "Casablanca"), ("المحمدية", "Mohammédia"), ("الجديدة", "El Jadida"),
     ("سطات", "Settat"), ("برشيد", "Berrechid"), ("بنسليمان", "Benslimane"),
     ("سيدي بنور", "Sidi Bennour"), ("أزمور", "Azemmour"), ("مديونة", "Médiouna")],
    [("مراكش", "Marrakech"), ("آسفي", "Safi"), ("الصويرة", "Essaouira"),
     ("قلعة السراغنة", "El Kelâa des Sraghna"), ("اليوسفية", "Youssoufia"),
     ("ابن جرير", "Benguerir"), ("شيشاوة", "Chichaoua"), ("تحناوت", "Tahannaout")],
    [("الرشيدية", "Errachidia"), ("ورزازات", "Ouarzazate"), ("ميدلت", "Midelt"),
     ("تنغير", "Tinghir"), ("زاكورة", "Zagora"), ("أرفود", "Erfoud"), ("الريصاني", "Rissani")],
    [("أكادير", "Agadir"), ("إنزكان", "Inezgane"), ("أيت ملول", "Aït Melloul"),
     ("تارودانت", "Taroudant"), ("تيزنيت", "Tiznit"), ("طاطا", "Tata"), ("بيوكرى", "Biougra")],
    [("كلميم", "Guelmim"), ("طانطان", "Tan-Tan"), ("سيدي إفني", "Sidi Ifni"), ("أسا", "Assa")],
    [("العيون", "Laâyoune"), ("بوجدور", "Boujdour"), ("طرفاية", "Tarfaya"),
     ("السمارة", "Es-Semara"), ("المرسى", "El Marsa")],
    [("الداخلة", "Dakhla"), ("أوسرد", "Aousserd"), ("بئر كندوز", "Bir Gandouz")],
]  # fmt: skip
RURAL_PREFIXES = [("سيدي", "Sidi"), ("أولاد", "Ouled"), ("آيت", "Aït"), ("بني", "Beni"),
                  ("دار", "Dar"), ("عين", "Aïn")]  # fmt: skip
RURAL_ROOTS = [
    ("علي", "Ali"), ("أحمد", "Ahmed"), ("موسى", "Moussa"), ("يحيى", "Yahya"),
    ("ابراهيم", "Brahim"), ("حسان", "Hassane"), ("سعيد", "Said"), ("عمران", "Amrane"),
    ("عبد الله", "Abdallah"), ("بوزيد", "Bouzid"), ("رحال", "Rahal"), ("سليمان", "Slimane"),
    ("بوبكر", "Boubker"), ("الطيبي", "Taibi"), ("منصور", "Mansour"), ("العربي", "Larbi"),
    ("داود", "Daoud"), ("عياد", "Ayad"), ("يعقوب", "Yakoub"), ("غانم", "Ghanem"),
    ("حمو", "Hammou"), ("عمر", "Omar"), ("بوعلي", "Bouali"), ("عزوز", "Azzouz"),
    ("فرج", "Frej"), ("احسين", "Hcine"), ("مسعود", "Messaoud"), ("صالح", "Salah"),
    ("جابر", "Jaber"), ("قاسم", "Kacem"), ("بومدين", "Boumediane"), ("عيسى", "Issa"),
    ("الطاهر", "Tahar"), ("يوسف", "Youssef"), ("ميمون", "Mimoun"), ("لحسن", "Lahcen"),
]  # fmt: skip
RURAL_QUALIFIERS = [("", ""), ("", ""), ("", ""), (" العليا", " El Oulia"),
                    (" السفلى", " Es Soufla"), (" الشرقية", " Ech Charqia"),
                    (" الغربية", " El Gharbia")]  # fmt: skip

# Themes: the demo's slugs and names where they overlap (an existing theme is reused as it is).
THEMES = [
    ("transparency-digital", "الشفافية والحكامة الرقمية للإدارة",
     "Transparence et gouvernance numérique de l'administration"),
    ("access-information", "الولوج الرقمي إلى المعلومات", "Accès numérique à l'information"),
    ("participatory-democracy", "الديمقراطية التشاركية وآليات الحوار",
     "Démocratie participative et mécanismes de dialogue"),
    ("open-leadership", "القيادة المنفتحة والمشاركة المواطنة",
     "Leadership ouvert et participation citoyenne"),
    ("gender-inclusion", "النوع الاجتماعي والإدماج الاجتماعي", "Genre et inclusion sociale"),
    ("environment-climate", "الحكامة البيئية والمناخية",
     "Gouvernance environnementale et climatique"),
    ("economic-empowerment", "التمكين الاقتصادي", "Autonomisation économique"),
    ("migration", "إدماج الهجرة في التنمية", "Intégration de la migration dans le développement"),
    ("water-sanitation", "الماء والتطهير", "Eau et assainissement"),
    ("roads-mobility", "الطرق والتنقل", "Routes et mobilité"),
    ("youth", "الشباب", "Jeunesse"),
    ("digital-services", "الخدمات الرقمية", "Services numériques"),
]  # fmt: skip

THEME_NAMES = {slug: (ar, fr) for slug, ar, fr in THEMES}

# Municipal topics by theme: (Arabic, French with article, French after "de").
TOPICS = {
    "water-sanitation": [
        ("الماء الصالح للشرب", "l'eau potable", "de l'eau potable"),
        ("التطهير السائل", "l'assainissement liquide", "de l'assainissement liquide"),
        ("السقايات العمومية", "les bornes-fontaines", "des bornes-fontaines"),
    ],
    "roads-mobility": [
        ("الطرق القروية", "les routes rurales", "des routes rurales"),
        ("الإنارة العمومية", "l'éclairage public", "de l'éclairage public"),
        ("النقل المدرسي", "le transport scolaire", "du transport scolaire"),
        ("النقل الحضري", "le transport urbain", "du transport urbain"),
    ],
    "transparency-digital": [
        ("الميزانية الجماعية", "le budget communal", "du budget communal"),
        ("الصفقات العمومية", "les marchés publics", "des marchés publics"),
        ("محاضر الدورات", "les procès-verbaux des sessions", "des procès-verbaux des sessions"),
    ],
    "access-information": [
        ("الحق في الحصول على المعلومات", "le droit d'accès à l'information",
         "du droit d'accès à l'information"),
        ("البيانات المفتوحة", "les données ouvertes", "des données ouvertes"),
    ],
    "digital-services": [
        ("رخص التعمير", "les autorisations d'urbanisme", "des autorisations d'urbanisme"),
        ("الحالة المدنية", "l'état civil", "de l'état civil"),
        ("الخدمات الإدارية عن بعد", "les services administratifs en ligne",
         "des services administratifs en ligne"),
    ],
    "youth": [
        ("دور الشباب", "les maisons de jeunes", "des maisons de jeunes"),
        ("تشغيل الشباب", "l'emploi des jeunes", "de l'emploi des jeunes"),
        ("الملاعب الرياضية للقرب", "les terrains de sport de proximité",
         "des terrains de sport de proximité"),
    ],
    "gender-inclusion": [
        ("مشاركة النساء", "la participation des femmes", "de la participation des femmes"),
        ("ولوجيات الأشخاص في وضعية إعاقة",
         "l'accessibilité pour les personnes en situation de handicap",
         "de l'accessibilité pour les personnes en situation de handicap"),
    ],
    "environment-climate": [
        ("النفايات المنزلية", "les déchets ménagers", "des déchets ménagers"),
        ("المساحات الخضراء", "les espaces verts", "des espaces verts"),
        ("التكيف مع التغيرات المناخية", "l'adaptation au changement climatique",
         "de l'adaptation au changement climatique"),
    ],
    "economic-empowerment": [
        ("التعاونيات النسائية", "les coopératives féminines", "des coopératives féminines"),
        ("الأسواق الأسبوعية", "les souks hebdomadaires", "des souks hebdomadaires"),
        ("المقاولات الصغيرة جدا", "les très petites entreprises", "des très petites entreprises"),
    ],
    "participatory-democracy": [
        ("هيئات التشاور", "les instances consultatives", "des instances consultatives"),
        ("العرائض", "les pétitions", "des pétitions"),
        ("الميزانية التشاركية", "le budget participatif", "du budget participatif"),
    ],
    "open-leadership": [
        ("لقاءات المجلس مع المواطنين", "les rencontres du conseil avec les citoyens",
         "des rencontres du conseil avec les citoyens"),
        ("تتبع قرارات المجلس", "le suivi des décisions du conseil",
         "du suivi des décisions du conseil"),
    ],
    "migration": [
        ("إدماج المهاجرين", "l'intégration des migrants", "de l'intégration des migrants"),
        ("خدمات الاستقبال", "les services d'accueil", "des services d'accueil"),
    ],
}  # fmt: skip

# How a title starts; the French is followed by the topic's "de" form or its article form.
ACTIONS = [
    ("نشر معطيات", "Publier les données", "de"),
    ("رقمنة خدمات", "Numériser les services", "de"),
    ("تحسين تدبير", "Améliorer la gestion", "de"),
    ("إشراك المواطنين في تدبير", "Associer les citoyens à la gestion", "de"),
    ("تتبع مشاريع", "Suivre les projets", "de"),
    ("وضع مؤشرات لقياس جودة", "Mesurer la qualité", "de"),
    ("إحداث آلية للتشاور حول", "Créer un mécanisme de concertation sur", "art"),
    ("نشر تقارير دورية حول", "Publier des rapports périodiques sur", "art"),
    ("إطلاق منصة رقمية حول", "Lancer une plateforme numérique sur", "art"),
    ("تنظيم جلسات استماع عمومية حول", "Organiser des auditions publiques sur", "art"),
    ("إحداث شباك للشكايات حول", "Ouvrir un guichet de réclamations concernant", "art"),
    ("إعداد ميثاق للشفافية حول", "Adopter une charte de transparence concernant", "art"),
]

# Places within a council: (Arabic, French with article, French after "de").
PLACES = [
    ("الأحياء الهامشية", "les quartiers périphériques", "des quartiers périphériques"),
    ("الدواوير", "les douars", "des douars"),
    ("المدينة العتيقة", "la médina", "de la médina"),
    ("المراكز القروية", "les centres ruraux", "des centres ruraux"),
    ("الأحياء الجديدة", "les nouveaux quartiers", "des nouveaux quartiers"),
    ("المناطق الجبلية", "les zones de montagne", "des zones de montagne"),
    ("الأحياء الشعبية", "les quartiers populaires", "des quartiers populaires"),
]

# Sentences: {t} topic, {p} place (Arabic); {ta}/{td} topic and {pa}/{pd} place (French forms).
PROBLEMS = [
    ("يعاني سكان {p} من ضعف المعلومات المتاحة حول {t}.",
     "Les habitants {pd} manquent d'informations sur {ta}."),
    ("لا يعرف المواطنون كيف تتخذ القرارات بشأن {t}.",
     "Les citoyens ne savent pas comment sont prises les décisions concernant {ta}."),
    ("تبقى شكايات المواطنين بشأن {t} عدة أشهر دون جواب.",
     "Les réclamations des citoyens concernant {ta} restent des mois sans réponse."),
    ("لا تنشر أي معطيات محينة حول {t}.", "Aucune donnée à jour n'est publiée sur {ta}."),
    ("تبقى مشاركة النساء والشباب في {p} ضعيفة في القرارات المتعلقة بالمجلس.",
     "Les femmes et les jeunes {pd} participent peu aux décisions du conseil."),
    ("يصعب على سكان {p} تتبع المشاريع المبرمجة في مجال {t}.",
     "Les habitants {pd} peinent à suivre les projets programmés concernant {ta}."),
]  # fmt: skip
SUGGESTIONS = [
    ("نقترح نشر تقرير فصلي حول {t} على بوابة المجلس.",
     "Nous proposons de publier un rapport trimestriel sur {ta} sur le portail du conseil."),
    ("نقترح إحداث لجنة مختلطة لتتبع {t} تضم ممثلين عن المجتمع المدني.",
     "Nous proposons un comité mixte de suivi {td} avec des représentants de la société civile."),
    ("نوصي بتنظيم لقاءات تواصلية في {p} مرتين في السنة.",
     "Nous recommandons des rencontres d'information dans {pa} deux fois par an."),
    ("يمكن إطلاق خدمة رقمية لتلقي الطلبات والشكايات بشأن {t}.",
     "Un service en ligne pourrait recevoir les demandes et réclamations concernant {ta}."),
    ("نقترح إشراك جمعيات {p} في برمجة المشاريع.",
     "Nous proposons d'associer les associations {pd} à la programmation des projets."),
    ("يجب نشر المعطيات بالعربية والأمازيغية والفرنسية وبصيغة مفتوحة.",
     "Les données doivent être publiées en arabe, en amazighe et en français, en format ouvert."),
]  # fmt: skip
STATUS_QUO = [
    ("لا تنشر حاليا أي معطيات منتظمة حول {t}، وتعالج الشكايات ورقيا.",
     "Aucune donnée n'est publiée régulièrement sur {ta} ; les réclamations sont traitées "
     "sur papier."),
    ("توجد بعض المعطيات حول {t} لكنها متفرقة وغير محينة.",
     "Quelques données existent sur {ta}, dispersées et rarement mises à jour."),
    ("تتخذ القرارات بشأن {t} دون تشاور منتظم مع السكان.",
     "Les décisions concernant {ta} sont prises sans concertation régulière avec les habitants."),
]  # fmt: skip
EXPECTED = [
    ("معطيات محينة ومفتوحة حول {t} في متناول جميع المواطنين.",
     "Des données ouvertes et à jour sur {ta}, accessibles à tous."),
    ("تقليص آجال معالجة الشكايات وتتبع علني لكل طلب.",
     "Des délais de réponse réduits et un suivi public de chaque demande."),
    ("مشاركة أوسع للنساء والشباب في القرارات المتعلقة ب{t}.",
     "Une participation accrue des femmes et des jeunes aux décisions concernant {ta}."),
]  # fmt: skip
OGP_SENTENCES = {
    "transparency": (
        "يعزز الشفافية بنشر المعطيات والوثائق.",
        "Renforce la transparence par la publication des données et des documents.",
    ),
    "participation": (
        "يوسع المشاركة المواطنة بإشراك المجتمع المدني في التتبع.",
        "Élargit la participation citoyenne en associant la société civile au suivi.",
    ),
    "accountability": (
        "يقوي المساءلة عبر تقارير دورية وأجوبة علنية.",
        "Renforce la redevabilité par des rapports périodiques et des réponses publiques.",
    ),
    "technology_innovation": (
        "يعتمد أدوات رقمية مفتوحة.",
        "S'appuie sur des outils numériques ouverts.",
    ),
}  # fmt: skip
SERVICES = [
    ("مصلحة الشؤون الإدارية", "Service des affaires administratives"),
    ("مصلحة التعمير", "Service de l'urbanisme"),
    ("مصلحة الشؤون الاقتصادية والاجتماعية", "Service des affaires économiques et sociales"),
    ("مصلحة التواصل", "Service de la communication"),
    ("مصلحة نظم المعلومات", "Service des systèmes d'information"),
    ("مصلحة البيئة", "Service de l'environnement"),
    ("مصلحة الميزانية والمحاسبة", "Service du budget et de la comptabilité"),
    ("مصلحة الأشغال", "Service des travaux"),
]
PARTNERS = [
    ("جمعيات المجتمع المدني", "Associations de la société civile"),
    ("المصالح اللاممركزة", "Services déconcentrés"),
    ("الجامعة", "Université"),
    ("هيئة المساواة وتكافؤ الفرص ومقاربة النوع",
     "Instance de l'équité, de l'égalité des chances et de l'approche genre"),
    ("الوكالة الحضرية", "Agence urbaine"),
    ("الوكالة الجهوية لتنفيذ المشاريع", "Agence régionale d'exécution des projets"),
    ("وكالة التنمية الرقمية", "Agence de développement du digital"),
    ("غرفة التجارة والصناعة والخدمات", "Chambre de commerce, d'industrie et de services"),
]  # fmt: skip
MILESTONES = [
    ("إعداد دراسة تشخيصية حول {t}", "Réaliser un diagnostic sur {ta}"),
    ("تنظيم ورشات تشاورية مع المجتمع المدني",
     "Organiser des ateliers de concertation avec la société civile"),
    ("تطوير المنصة الرقمية واختبارها", "Développer et tester la plateforme numérique"),
    ("تكوين الموظفين المعنيين", "Former les agents concernés"),
    ("إطلاق الخدمة لفائدة المواطنين", "Lancer le service auprès des citoyens"),
    ("نشر أول تقرير للتتبع", "Publier le premier rapport de suivi"),
    ("تقييم النتائج ونشرها", "Évaluer les résultats et les publier"),
]  # fmt: skip
DELIVERABLES = [
    ("تقرير منشور على البوابة", "Rapport publié sur le portail"),
    ("محضر الورشة ولوائح الحضور", "Compte rendu de l'atelier et listes de présence"),
    ("منصة في الخدمة", "Plateforme en service"),
    ("دليل مبسط مطبوع ورقمي", "Guide simplifié imprimé et en ligne"),
    ("قرار المجلس منشور", "Délibération du conseil publiée"),
]
EVIDENCE = [
    ("نشر التقرير على بوابة المجلس", "Rapport publié sur le portail du conseil"),
    ("محضر موقع ولوائح الحضور", "Procès-verbal signé et listes de présence"),
    ("صور الورشة ومقال على الموقع", "Photos de l'atelier et article sur le site"),
]
INDICATORS = [
    # (Arabic, French, unit kind)
    ("عدد الوثائق المنشورة", "Nombre de documents publiés", "count"),
    ("نسبة الشكايات المعالجة داخل الأجل", "Part des réclamations traitées dans les délais", "pct"),
    ("عدد المشاركين في اللقاءات التشاورية",
     "Nombre de participants aux rencontres de concertation", "count"),
    ("متوسط مدة معالجة الطلبات", "Délai moyen de traitement des demandes", "days"),
    ("نسبة مشاركة النساء", "Part des femmes parmi les participants", "pct"),
    ("عدد الخدمات المرقمنة", "Nombre de services numérisés", "count"),
    ("عدد المستفيدين", "Nombre de bénéficiaires", "count"),
]  # fmt: skip
UNITS = {"count": ("عدد", "nombre"), "pct": ("نسبة مئوية", "pourcentage"), "days": ("يوم", "jours")}
SOURCES = [
    ("سجلات المجلس", "Registres du conseil"),
    ("تقارير المصلحة المعنية", "Rapports du service concerné"),
    ("إحصائيات البوابة", "Statistiques du portail"),
    ("استطلاع رأي", "Enquête d'opinion"),
]
VENUES = [
    ("مقر المجلس", "Siège du conseil"),
    ("دار الشباب", "Maison des jeunes"),
    ("المركز الجهوي للتكوين", "Centre régional de formation"),
    ("قاعة الاجتماعات بالعمالة", "Salle de réunion de la préfecture"),
    ("المركب الثقافي", "Complexe culturel"),
    ("دار المواطن", "Maison du citoyen"),
]
CHAIRS = [
    ("رئيس المجلس", "Le président du conseil"),
    ("نائب رئيس المجلس", "Le vice-président du conseil"),
    ("المدير العام للمصالح", "Le directeur général des services"),
    ("رئيسة لجنة المساواة", "La présidente de la commission de l'égalité"),
]
FIRST_NAMES = [
    ("فاطمة", "Fatima"), ("خديجة", "Khadija"), ("مريم", "Meryem"), ("سلمى", "Salma"),
    ("نادية", "Nadia"), ("زينب", "Zineb"), ("حنان", "Hanane"), ("سعاد", "Souad"),
    ("إيمان", "Imane"), ("أمينة", "Amina"), ("هند", "Hind"), ("ليلى", "Leila"),
    ("محمد", "Mohamed"), ("يوسف", "Youssef"), ("أحمد", "Ahmed"), ("عمر", "Omar"),
    ("كريم", "Karim"), ("رشيد", "Rachid"), ("حسن", "Hassan"), ("مصطفى", "Mustapha"),
    ("عبد الله", "Abdellah"), ("سعيد", "Said"), ("إدريس", "Driss"), ("أنس", "Anas"),
    ("ياسين", "Yassine"), ("حمزة", "Hamza"),
]  # fmt: skip
LAST_NAMES = [
    ("العلوي", "El Alaoui"), ("بنعلي", "Benali"), ("التازي", "Tazi"), ("الإدريسي", "El Idrissi"),
    ("بناني", "Bennani"), ("الفاسي", "El Fassi"), ("أمزيان", "Amziane"), ("أوحمو", "Ouhammou"),
    ("الشرقاوي", "Cherkaoui"), ("الزياني", "Zayani"), ("بوزيد", "Bouzid"), ("الحسني", "El Hassani"),
    ("المرابط", "Mrabet"), ("السوسي", "Soussi"), ("الريفي", "Rifi"), ("بلحاج", "Belhaj"),
    ("الكتاني", "Kettani"), ("الوزاني", "Ouazzani"),
]  # fmt: skip
ORGANISATIONS = [
    ("جمعية {x} للتنمية", "Association {x} pour le développement"),
    ("جمعية نساء {x}", "Association des femmes de {x}"),
    ("فضاء الشباب {x}", "Espace jeunesse de {x}"),
    ("تنسيقية جمعيات {x}", "Coordination des associations de {x}"),
    ("تعاونية {x}", "Coopérative {x}"),
]
RESPONSES_NOT_RETAINED = [
    ("لا يندرج ضمن اختصاصات المجلس؛ أحيل المقترح على المصالح اللاممركزة المعنية.",
     "Ne relève pas des compétences du conseil ; transmise aux services déconcentrés concernés."),
    ("تتطلب كلفة تفوق الإمكانيات المتاحة خلال مدة الخطة.",
     "Son coût dépasse les moyens disponibles pendant la durée du plan."),
    ("المقترح مشمول ببرنامج عمل المجلس الجاري.",
     "Déjà couverte par le programme d'action en cours du conseil."),
    ("سيدرس المقترح في خطة العمل المقبلة.", "Sera étudiée pour le prochain plan d'action."),
    ("لا يستجيب لمعايير الحكومة المنفتحة (الشفافية، المشاركة، المساءلة).",
     "Ne répond pas aux critères du gouvernement ouvert (transparence, participation, "
     "redevabilité)."),
]  # fmt: skip
COMMENT_SENTENCES = {
    "ar": [
        "أقترح نشر المعطيات حول {t} بشكل دوري على البوابة.",
        "يجب إشراك جمعيات {p} في تتبع هذا الالتزام.",
        "متى سيبدأ التنفيذ؟ سكان {p} ينتظرون تحسين {t}.",
        "فكرة جيدة، لكن يجب تحديد آجال واضحة ومؤشرات قابلة للقياس.",
        "أرجو أن تكون الوثائق متاحة بالعربية والأمازيغية والفرنسية.",
        "الولوج إلى الإنترنت ضعيف في {p}، يجب التفكير في الملصقات والإذاعة المحلية.",
        "نطالب بنشر الميزانية المخصصة لهذا الالتزام وتقارير تنفيذه.",
        "شكرا للمجلس على هذه المبادرة.",
        "ينبغي إدماج النساء والشباب في لجان التتبع.",
        "من هي الجهة المسؤولة عن {t}؟ دور المصالح اللاممركزة غير واضح.",
    ],
    "fr": [
        "Je propose de publier régulièrement les données sur {ta} sur le portail.",
        "Il faut associer les associations {pd} au suivi de cet engagement.",
        "Quand commence la mise en œuvre ? Les habitants {pd} attendent des progrès.",
        "Bonne idée, mais il faut des délais clairs et des indicateurs mesurables.",
        "Merci de publier les documents en arabe, en amazighe et en français.",
        "L'accès à internet est faible dans {pa} : pensez aux affiches et à la radio locale.",
        "Nous demandons la publication du budget de cet engagement et des rapports d'exécution.",
        "Merci au conseil pour cette initiative.",
        "Il faudrait intégrer des femmes et des jeunes dans les comités de suivi.",
        "Qui est responsable pour {ta} ? Le rôle des services déconcentrés n'est pas clair.",
    ],
}
OFFICIAL_REPLIES = {
    "ar": [
        "شكرا على ملاحظتكم، ستؤخذ بعين الاعتبار في الصيغة النهائية للخطة.",
        "سيتم نشر تقارير التتبع كل ستة أشهر على البوابة.",
        "أحيلت ملاحظتكم على المصلحة المعنية وستتوصلون بجواب مفصل.",
    ],
    "fr": [
        "Merci pour votre remarque : elle sera prise en compte dans la version finale du plan.",
        "Les rapports de suivi seront publiés tous les six mois sur le portail.",
        "Votre remarque a été transmise au service concerné, qui vous répondra en détail.",
    ],
}
HIDDEN_REASONS = {
    "ar": ["تعليق مسيء", "خارج الموضوع", "يتضمن معطيات شخصية", "إشهار"],
    "fr": ["Propos injurieux", "Hors sujet", "Contient des données personnelles", "Publicité"],
}
UPDATE_NOTES = [
    ("أنجزت المرحلة كما هو مبرمج.", "Étape réalisée comme prévu."),
    ("الأشغال جارية، مع تأخر طفيف.", "Travaux en cours, avec un léger retard."),
    ("تم تقديم النتائج في دورة المجلس.", "Résultats présentés en session du conseil."),
]

# Shares used below (they are the knobs of "realistic").
STAGE_WEIGHTS = [
    (Stage.IMPLEMENTATION, 45),
    (Stage.ADOPTED, 22),
    (Stage.CONSULTATION, 15),
    (Stage.PREPARATION, 13),
    (Stage.CLOSED, 5),
]
KIND_WEIGHTS = {
    Council.Kind.REGION: 3.0,
    Council.Kind.PREFECTURE_PROVINCE: 1.6,
    Council.Kind.COMMUNE: 1.0,
}


@dataclass(frozen=True)
class ScaleOptions:
    councils: int
    seed: int = DEFAULT_SEED
    plans_per_council: int = 1
    proposals_per_council: int = 300
    comments_per_council: int = 1250
    base_date: datetime.date = DEFAULT_BASE_DATE
    batch_councils: int = 100


# --- tables ------------------------------------------------------------------------------------

_REQUIRED = object()


class Table:
    """The rows of one table waiting to be copied, with ids assigned in order from `next_id`.

    Column list and defaults come from the model, so a field added later with a default (or
    nullable) is filled without touching this module (a callable default is called once, so
    every row shares its value)."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.name = model._meta.db_table
        # A search document is written by the database's trigger (consultations migration 0008).
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, SearchVectorField)]
        self.columns = [f.column for f in fields]
        self.index = {f.column: i for i, f in enumerate(fields)}
        self.template = [self._default(f) for f in fields]
        self.rows: list[list] = []
        self.types: list[str] | None = None
        self.first_id = self.next_id = 1
        self.written = 0
        self.seconds = 0.0

    @staticmethod
    def _default(field: models.Field):
        if field.primary_key:
            return _REQUIRED
        if field.null:
            return None
        if field.has_default():
            return field.get_default()
        if isinstance(field, models.CharField | models.TextField | models.FileField):
            return ""
        return _REQUIRED

    def add(self, **values) -> int:
        pk = self.next_id
        self.next_id += 1
        row = self.template.copy()
        row[0] = pk
        index = self.index
        for column, value in values.items():
            row[index[column]] = value
        if _REQUIRED in row:
            missing = [c for c, v in zip(self.columns, row, strict=True) if v is _REQUIRED]
            raise ValueError(f"{self.name}: no value for {', '.join(missing)}")
        self.rows.append(row)
        return pk

    def start_at(self, first_id: int) -> None:
        self.first_id = self.next_id = first_id

    @property
    def generated(self) -> int:
        return self.next_id - self.first_id

    def read_types(self, cursor) -> None:
        """The column types, from the catalogue (binary COPY needs them)."""
        cursor.execute(
            "SELECT attname, atttypid::regtype::text FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [self.name],
        )
        types = dict(cursor.fetchall())
        self.types = [types[column] for column in self.columns]

    def take(self) -> list[list]:
        rows, self.rows = self.rows, []
        return rows

    def copy(self, cursor, rows: list[list]) -> None:
        """COPY `rows` in PostgreSQL's binary format (an order of magnitude less client time
        than text: no datetime or number formatting). `cursor` may be a Django or a psycopg
        cursor."""
        if not rows:
            return
        started = time.perf_counter()
        if self.types is None:
            self.read_types(cursor)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with cursor.copy(f"COPY {self.name} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(self.types)
            for row in rows:
                copy.write_row(row)
        self.written += len(rows)
        self.seconds += time.perf_counter() - started

    def copy_rows(self, cursor) -> None:
        self.copy(cursor, self.take())


class CopyWriter:
    """COPY batches of rows from a second thread on the same connection (so in the same
    transaction) while the main thread generates the next batch: Python and the PostgreSQL
    backend then work at the same time. The main thread must not use the connection between
    submit() and wait(); at most one batch is in flight."""

    def __init__(self, raw_connection):
        self.raw = raw_connection
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def submit(self, batch: list[tuple[Table, list[list]]]) -> None:
        self.wait()
        self.thread = threading.Thread(target=self._run, args=(batch,), name="scale-copy")
        self.thread.start()

    def _run(self, batch) -> None:
        try:
            with self.raw.cursor() as cursor:
                for table, rows in batch:  # parents before children
                    table.copy(cursor, rows)
        except BaseException as error:  # handed to the main thread by wait()
            self.error = error

    def wait(self) -> None:
        """Block until the batch in flight is written; re-raise its error, if any."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def tr(field_name: str, pair: tuple[str, str]) -> dict:
    """A translated field's columns: Arabic, French, and the original column (which
    modeltranslation fills with the active language's value; Arabic is the default)."""
    ar, fr = pair
    return {field_name: ar, f"{field_name}_ar": ar, f"{field_name}_fr": fr}


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _of(name_fr: str) -> str:
    """French "de Tanger" but "d'Oujda", "d'Aït Baha"."""
    return f"d'{name_fr}" if _ascii(name_fr[0]) in "AEIOU" else f"de {name_fr}"


def _code_letters(name_fr: str) -> str:
    words = [w for w in slugify(name_fr).split("-") if w and w not in {"de", "des", "la", "el"}]
    if len(words) == 1:
        return words[0][:3].upper()
    return "".join(w[0] for w in words)[:3].upper()


# --- councils ----------------------------------------------------------------------------------


@dataclass
class CouncilSpec:
    kind: str
    region: int  # index in REGIONS
    name: tuple[str, str]
    city: tuple[str, str]
    slug: str = ""
    code: str = ""
    pk: int = 0


def national_councils(rng: Random) -> tuple[list, list, list]:
    """The 12 regions, 75 prefectures/provinces and 1,503 communes (regions, provinces,
    communes), names in both languages; communes beyond the real towns are drawn from `rng`."""
    regions = [
        CouncilSpec(Council.Kind.REGION, i, (ar, fr), city, slug, code)
        for i, (slug, code, ar, fr, city) in enumerate(REGIONS)
    ]
    provinces = []
    for region, rows in enumerate(PROVINCES):
        for prefecture, ar, fr in rows:
            name = (
                (f"عمالة {ar}", f"Préfecture {_of(fr)}")
                if prefecture
                else (f"إقليم {ar}", f"Province {_of(fr)}")
            )
            provinces.append(CouncilSpec(Council.Kind.PREFECTURE_PROVINCE, region, name, (ar, fr)))
    communes = []
    for region, count in enumerate(COMMUNES_PER_REGION):
        names = list(TOWNS[region])
        seen = set(names)
        while len(names) < count:
            prefix, root, qualifier = (
                rng.pick(RURAL_PREFIXES),
                rng.pick(RURAL_ROOTS),
                rng.pick(RURAL_QUALIFIERS),
            )
            name = (
                f"{prefix[0]} {root[0]}{qualifier[0]}",
                f"{prefix[1]} {root[1]}{qualifier[1]}",
            )
            if name not in seen:
                seen.add(name)
                names.append(name)
        communes.extend(
            CouncilSpec(
                Council.Kind.COMMUNE, region, (f"جماعة {ar}", f"Commune {_of(fr)}"), (ar, fr)
            )
            for ar, fr in names
        )
    return regions, provinces, communes


def _round_robin(specs: list[CouncilSpec], regions: set[int], count: int) -> list[CouncilSpec]:
    """`count` specs of the given regions, taken in turn from each region."""
    by_region: dict[int, list[CouncilSpec]] = {}
    for spec in specs:
        if spec.region in regions:
            by_region.setdefault(spec.region, []).append(spec)
    queues = [by_region[r] for r in sorted(by_region)]
    chosen: list[CouncilSpec] = []
    position = 0
    while len(chosen) < count and any(position < len(q) for q in queues):
        chosen.extend(q[position] for q in queues if position < len(q))
        position += 1
    return chosen[:count]


def choose_councils(count: int, rng: Random) -> list[CouncilSpec]:
    """`count` councils with the national mix of kinds (12 regions, 75 provinces, the rest
    communes at 1,590): regions first, then provinces and communes of those regions. Beyond
    1,590, extra rural communes are added."""
    regions, provinces, communes = national_councils(rng)
    n_regions = max(1, min(12, -(-count * 12 // NATIONAL_COUNCILS)))
    n_provinces = min(75, round(count * 75 / NATIONAL_COUNCILS))
    if count - n_regions >= 2:
        n_provinces = max(1, n_provinces)
    n_provinces = min(n_provinces, max(0, count - n_regions))
    chosen_regions = regions[:n_regions]
    region_ids = {r.region for r in chosen_regions}
    chosen_provinces = _round_robin(provinces, region_ids, n_provinces)
    n_communes = count - n_regions - len(chosen_provinces)
    chosen_communes = _round_robin(communes, region_ids, n_communes)
    extra = 0
    while len(chosen_communes) < n_communes:  # past the national count (or few regions)
        extra += 1
        base = rng.pick(communes[: sum(COMMUNES_PER_REGION[:n_regions])])
        chosen_communes.append(
            CouncilSpec(
                Council.Kind.COMMUNE,
                base.region,
                (f"{base.name[0]} {extra}", f"{base.name[1]} {extra}"),
                base.city,
            )
        )
    return [*chosen_regions, *chosen_provinces, *chosen_communes]


def council_rows(table: Table, specs: list[CouncilSpec], rng: Random, base: datetime.date) -> None:
    """Councils (regions before the others, so parent ids exist); slugs and codes are made
    unique against those already in the database."""
    taken_slugs = set(Council.objects.values_list("slug", flat=True))
    taken_codes = set(Council.objects.values_list("code", flat=True))
    region_pk: dict[int, int] = {}
    for spec in specs:
        # Communes by their town's name; prefectures and provinces prefixed (Tétouan is both).
        prefix = spec.name[1].split()[0].lower() + "-" if spec.kind != Council.Kind.COMMUNE else ""
        base_slug = spec.slug or slugify(_ascii(prefix + spec.city[1]))[:70]
        # Many communes share a name: the region's code tells them apart, then a number.
        slug, n = base_slug, 1
        if slug in taken_slugs:
            base_slug = slug = f"{base_slug}-{REGIONS[spec.region][1].lower()}"
        while slug in taken_slugs:
            n += 1
            slug = f"{base_slug}-{n}"
        taken_slugs.add(slug)
        letters = spec.code or (("P" if prefix else "") + _code_letters(spec.city[1]))
        code, n = letters, 1
        while code in taken_codes or len(code) < 2:
            n += 1
            code = f"{letters}{n}"
        taken_codes.add(code)
        spec.slug, spec.code = slug, code
        joined = base - datetime.timedelta(days=rng.between(700, 2000))
        created = _at(joined, rng.between(8, 17), rng.between(0, 59))
        spec.pk = table.add(
            created_at=created,
            updated_at=created,
            kind=spec.kind,
            **tr("name", spec.name),
            slug=slug,
            code=code,
            in_network_since=joined,
            contact_email=f"ogp.{code.lower()}@example.org",
            contact_phone=f"+212 5 {rng.between(20, 39)} {rng.between(10, 99)} "
            f"{rng.between(10, 99)} {rng.between(10, 99)}",
            parent_id=None if spec.kind == Council.Kind.REGION else region_pk[spec.region],
        )
        if spec.kind == Council.Kind.REGION:
            region_pk[spec.region] = spec.pk


# --- per-plan generation -----------------------------------------------------------------------

PROBLEM_TITLES = [
    ("ضعف المعلومات المتاحة حول {t}", "Peu d'informations disponibles sur {ta}"),
    ("تأخر معالجة الشكايات بشأن {t}",
     "Retards dans le traitement des réclamations concernant {ta}"),
    ("غياب التشاور حول {t}", "Absence de concertation sur {ta}"),
]  # fmt: skip
UNDER_REVIEW = ("قيد الدراسة من طرف المصالح التقنية.", "À l'étude par les services techniques.")
PROPOSAL_KINDS = [
    (Proposal.Kind.PROBLEM, 25),
    (Proposal.Kind.SOLUTION, 20),
    (Proposal.Kind.PROPOSAL, 40),
    (Proposal.Kind.RECOMMENDATION, 15),
]
OVERRIDE_REASONS = [
    "تقدير المنسق بعد زيارة ميدانية.",
    "Appréciation du coordinateur après une visite de terrain.",
]


def _fill(pair, topic, place) -> tuple[str, str]:
    ar, fr = pair
    return (
        ar.format(t=topic[0], p=place[0]),
        fr.format(ta=topic[1], td=topic[2], pa=place[1], pd=place[2]),
    )


def _title(rng: Random, topic) -> tuple[str, str]:
    ar, fr, form = rng.pick(ACTIONS)
    return f"{ar} {topic[0]}", f"{fr} {topic[2] if form == 'de' else topic[1]}"


def _weighted(rng: Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _day_between(rng: Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.between(0, (last - first).days))


def _person(rng: Random, language: str, full: bool = True) -> str:
    index = 0 if language == "ar" else 1
    first = rng.pick(FIRST_NAMES)[index]
    return f"{first} {rng.pick(LAST_NAMES)[index]}" if full else first


@dataclass
class PlanInfo:
    pk: int
    council: CouncilSpec
    stage: str
    start_year: int
    end_year: int
    opens: datetime.date | None
    closes: datetime.date | None
    created: datetime.date
    work_from: datetime.date
    work_to: datetime.date
    decided_to: datetime.date  # proposals are answered and commitments drafted by then
    changes: list[tuple[str, str, datetime.date]]
    themes: list[str]
    moderated: bool
    commitments: list[tuple[int, tuple]] = field(default_factory=list)  # (pk, topic)


def plan_periods(
    rng: Random, stage: str, base: datetime.date, count: int
) -> list[tuple[str, int, int]]:
    """(stage, start year, end year) of a council's plans, oldest first; the last one is in
    `stage`, the earlier ones are closed, each ending before the next starts and before the
    base date's year."""
    year, late = base.year, base.month >= 7
    if stage == Stage.PREPARATION:
        start = year + 1
    elif stage in (Stage.CONSULTATION, Stage.ADOPTED):
        start = year + 1 if late else year
    elif stage == Stage.IMPLEMENTATION:
        start = rng.pick([year - 1, year - 1, year - 2])
    else:
        start = rng.pick([year - 3, year - 4])
    years = 2 if rng.random() < 0.25 else 3
    if stage == Stage.IMPLEMENTATION and start + years - 1 < year:
        years = 3
    periods = [(stage, start, start + years - 1)]
    for _ in range(count - 1):
        # A closed plan ended before this year (a gap between plans happens).
        end = min(periods[0][1] - 1, year - 1)
        periods.insert(0, (Stage.CLOSED, end - 2, end))
    return periods


def plan_timeline(rng: Random, stage: str, start: int, end: int, base: datetime.date):
    """Consultation window, workshop window and stage changes of a plan, all up to `base`."""
    last = base - DAY
    changes: list[tuple[str, str, datetime.date]] = []

    def after(day: datetime.date, target: datetime.date) -> datetime.date:
        return max(day + DAY, min(target, last))

    if stage == Stage.PREPARATION:
        created = base - datetime.timedelta(days=rng.between(60, 200))
        work_from, work_to = created + datetime.timedelta(days=10), base - 3 * DAY
        return None, None, created, work_from, work_to, base - DAY, changes
    if stage == Stage.CONSULTATION:
        opens = base - datetime.timedelta(days=rng.between(3, 25))
        closes = base + datetime.timedelta(days=rng.between(10, 45))
    elif stage == Stage.ADOPTED:
        closes = base - datetime.timedelta(days=rng.between(15, 60))
        opens = closes - datetime.timedelta(days=rng.between(21, 45))
    else:
        opens = D(start - 1, rng.between(3, 9), rng.between(1, 28))
        closes = opens + datetime.timedelta(days=rng.between(21, 45))
    changes.append((Stage.PREPARATION, Stage.CONSULTATION, opens))
    if stage != Stage.CONSULTATION:
        adopted = after(closes, closes + datetime.timedelta(days=rng.between(5, 40)))
        changes.append((Stage.CONSULTATION, Stage.ADOPTED, adopted))
        if stage in (Stage.IMPLEMENTATION, Stage.CLOSED):
            started = after(adopted, D(start, 1, 2) + datetime.timedelta(days=rng.between(0, 45)))
            changes.append((Stage.ADOPTED, Stage.IMPLEMENTATION, started))
            if stage == Stage.CLOSED:
                closed = after(started, D(end + 1, 1, 15) + datetime.timedelta(rng.between(0, 60)))
                changes.append((Stage.IMPLEMENTATION, Stage.CLOSED, closed))
    work_to = opens - datetime.timedelta(days=rng.between(15, 30))
    work_from = work_to - datetime.timedelta(days=rng.between(60, 130))
    created = work_from - datetime.timedelta(days=rng.between(15, 60))
    return opens, closes, created, work_from, work_to, opens - DAY, changes


class Generator:
    """Builds the rows of every table, council by council, into `Table` buffers that
    `take_batch` hands over for copying. One `Random` per council: the rows do not depend on
    batching."""

    def __init__(self, options: ScaleOptions, themes: dict[str, int]):
        self.options = options
        self.base = options.base_date
        self.base_end = _at(options.base_date, 18)
        self.themes = themes
        self.tables = {
            "council": Table(Council),
            "plan": Table(ActionPlan),
            "stage_change": Table(PlanStageChange),
            "workshop": Table(Workshop),
            "working_group": Table(WorkingGroup),
            "proposal": Table(Proposal),
            "commitment": Table(Commitment),
            "source": Table(Commitment.source_proposals.through),
            "milestone": Table(Milestone),
            "milestone_update": Table(MilestoneUpdate),
            "indicator": Table(Indicator),
            "indicator_value": Table(IndicatorValue),
            "comment": Table(Comment),
        }
        self.kind_mean = 1.0

    def take_batch(self) -> list[tuple[Table, list[list]]]:
        """The rows built so far, table by table (parents before children)."""
        return [(table, table.take()) for table in self.tables.values()]

    # --- one council ------------------------------------------------------------------------

    def council(self, index: int, spec: CouncilSpec) -> None:
        """Every row below one council: its plans and all that hangs from them."""
        options = self.options
        rng = Random(f"{options.seed}:council:{index}")
        stage = _weighted(rng, STAGE_WEIGHTS)
        periods = plan_periods(rng, stage, self.base, options.plans_per_council)
        weight = KIND_WEIGHTS[spec.kind] / self.kind_mean
        proposals = options.proposals_per_council * weight * rng.uniform(0.75, 1.25)
        comments = options.comments_per_council * weight * rng.uniform(0.75, 1.25)
        # Plans in preparation get no comments: the others make up for them on average.
        prep_share = dict(STAGE_WEIGHTS)[Stage.PREPARATION] / sum(w for _s, w in STAGE_WEIGHTS)
        commented = (len(periods) - 1) + (1 - prep_share)
        predecessor = None
        for plan_stage, start, end in periods:
            plan = self.plan_rows(rng, spec, plan_stage, start, end, predecessor)
            self.stage_change_rows(rng, plan)
            n_proposals = round(proposals / len(periods))
            groups = self.workshop_rows(rng, plan, n_proposals)
            skeletons = self.proposal_skeletons(rng, plan, groups, n_proposals)
            links = self.link_sources(rng, plan, skeletons)
            proposal_pks = self.proposal_rows(rng, plan, groups, skeletons, links)
            self.commitment_rows(rng, plan, skeletons, links, proposal_pks)
            if plan.opens is not None:
                self.comment_rows(rng, plan, round(comments / commented))
            predecessor = plan.pk

    # --- plans ------------------------------------------------------------------------------

    def plan_rows(self, rng, council, stage, start, end, predecessor) -> PlanInfo:
        opens, closes, created, work_from, work_to, decided_to, changes = plan_timeline(
            rng, stage, start, end, self.base
        )
        themes = rng.sample(sorted(self.themes), rng.between(5, 8))
        intro = (
            f"تلتزم {council.name[0]} من خلال هذه الخطة بتعزيز الشفافية والمشاركة المواطنة "
            f"والمساءلة خلال الفترة {start}-{end}، بعد مسار للإعداد المشترك مع المجتمع المدني.",
            f"Par ce plan, {council.name[1]} s'engage pour la transparence, la participation "
            f"citoyenne et la redevabilité sur la période {start}-{end}, au terme d'une "
            "co-création avec la société civile.",
        )
        updated = changes[-1][2] if changes else created
        moderated = rng.random() < 0.7
        pk = self.tables["plan"].add(
            created_at=_at(created, 9),
            updated_at=_at(updated, 16),
            start_year=start,
            end_year=end,
            **tr(
                "title",
                (
                    f"خطة عمل {council.name[0]} للحكومة المنفتحة {start}-{end}",
                    f"Plan d'action pour un gouvernement ouvert {start}-{end} — {council.name[1]}",
                ),
            ),
            **tr("introduction", intro),
            stage=stage,
            consultation_opens_on=opens,
            consultation_closes_on=closes,
            comments_need_moderation=moderated,
            predecessor_id=predecessor,
            council_id=council.pk,
        )
        return PlanInfo(
            pk, council, stage, start, end, opens, closes, created, work_from, work_to,
            decided_to, changes, themes, moderated,
        )  # fmt: skip

    def stage_change_rows(self, rng, plan: PlanInfo) -> None:
        table = self.tables["stage_change"]
        for from_stage, to_stage, day in plan.changes:
            table.add(
                from_stage=from_stage,
                to_stage=to_stage,
                changed_at=_at(day, rng.between(9, 17), rng.between(0, 59)),
                plan_id=plan.pk,
            )

    # --- workshops and working groups ---------------------------------------------------------

    def workshop_rows(self, rng, plan: PlanInfo, n_proposals: int) -> list[dict]:
        """3-6 workshops with 4-5 working groups each; returns the groups (pk, workshop pk,
        theme, date) with how many proposals each will receive."""
        workshops = []
        days = sorted(
            _day_between(rng, plan.work_from, plan.work_to) for _ in range(rng.between(3, 6))
        )
        group_count = 0
        for day in days:
            n_groups = rng.between(4, 5)
            workshops.append((day, rng.sample(plan.themes, n_groups)))
            group_count += n_groups
        # Proposals spread over the groups (about one in eight is sent online instead).
        online = round(n_proposals * rng.uniform(0.08, 0.16))
        per_group = Counter(int(rng.random() * group_count) for _ in range(n_proposals - online))
        groups: list[dict] = []
        council = plan.council
        for number, (day, themes) in enumerate(workshops, 1):
            first = len(groups)
            received = sum(per_group[first + i] for i in range(len(themes)))
            counts = self._attendance(rng, council.kind)
            total = sum(counts.values()) - counts["participants_women"] - counts["participants_men"]
            theme = THEME_NAMES[themes[0]]
            if rng.random() < 0.7:
                kind = Workshop.Kind.CO_CREATION
                title = (
                    f"ورشة الإعداد المشترك رقم {number}: {theme[0]}",
                    f"Atelier de co-création n° {number} : {theme[1]}",
                )
            else:
                kind = Workshop.Kind.TERRITORIAL_CONSULTATION
                title = (
                    f"لقاء تشاوري ترابي موضوعاتي حول {theme[0]}",
                    f"Rencontre de concertation territoriale : {theme[1]}",
                )
            summary = (
                f"شارك في اللقاء {total} من ممثلي المجتمع المدني والمصالح اللاممركزة والمنتخبين "
                f"والمواطنين، توزعوا على {len(themes)} مجموعات عمل موضوعاتية. وثقت كل مجموعة "
                f"الإشكاليات والحلول والمقترحات ({received} مقترحا) وأحالتها على المجلس.",
                f"La rencontre a réuni {total} personnes (société civile, services déconcentrés, "
                f"élus, citoyens), réparties en {len(themes)} groupes de travail thématiques. "
                f"Chaque groupe a documenté problèmes, solutions et propositions ({received} en "
                "tout), transmis au conseil.",
            )
            ends_on = day + DAY if rng.random() < 0.1 else None
            workshop_pk = self.tables["workshop"].add(
                created_at=_at(day, 18),
                updated_at=_at(ends_on or day, 19),
                kind=kind,
                **tr("title", title),
                starts_on=day,
                ends_on=ends_on,
                **tr("venue", rng.pick(VENUES)),
                **tr("city", council.city),
                **tr("chaired_by", rng.pick(CHAIRS)),
                **tr("summary", summary),
                **counts,
                council_id=council.pk,
                plan_id=plan.pk,
            )
            language = rng.pick(("ar", "fr"))
            for position, slug in enumerate(themes, 1):
                theme = THEME_NAMES[slug]
                pk = self.tables["working_group"].add(
                    created_at=_at(day, 18),
                    updated_at=_at(day, 18),
                    **tr(
                        "title",
                        (f"المجموعة {position}: {theme[0]}", f"Groupe {position} : {theme[1]}"),
                    ),
                    facilitator=_person(rng, language),
                    rapporteur=_person(rng, language),
                    position=position,
                    theme_id=self.themes[slug],
                    workshop_id=workshop_pk,
                )
                groups.append(
                    {"pk": pk, "workshop": workshop_pk, "theme": slug, "day": day,
                     "count": per_group[len(groups)]}
                )  # fmt: skip
        return groups

    @staticmethod
    def _attendance(rng, kind: str) -> dict[str, int]:
        scale = {Council.Kind.REGION: 3, Council.Kind.PREFECTURE_PROVINCE: 2}.get(kind, 1)
        counts = {
            "participants_civil_society": rng.between(8, 40) * scale,
            "participants_deconcentrated_services": rng.between(2, 12) * scale,
            "participants_elected_members": rng.between(2, 10) * scale,
            "participants_academics": rng.between(0, 6) * scale,
            "participants_private_sector": rng.between(0, 8) * scale,
            "participants_citizens": rng.between(5, 60) * scale,
            "participants_other": rng.between(0, 4),
        }
        total = sum(counts.values())
        women = round(total * rng.uniform(0.28, 0.55))
        counts["participants_women"] = women
        counts["participants_men"] = total - women - rng.between(0, min(3, total - women))
        return counts

    # --- proposals ---------------------------------------------------------------------------

    def proposal_skeletons(self, rng, plan: PlanInfo, groups, n_proposals: int) -> list[list]:
        """[group index or None, theme slug, topic, kind] for each proposal of the plan."""
        skeletons = []
        for index, group in enumerate(groups):
            for _ in range(group["count"]):
                theme = group["theme"]
                skeletons.append([index, theme, rng.pick(TOPICS[theme]), None])
        for _ in range(n_proposals - len(skeletons)):
            theme = rng.pick(plan.themes)
            skeletons.append([None, theme, rng.pick(TOPICS[theme]), None])
        for skeleton in skeletons:
            skeleton[3] = _weighted(rng, PROPOSAL_KINDS)
        return skeletons

    def link_sources(self, rng, plan: PlanInfo, skeletons) -> list[tuple[str, list[int]]]:
        """Source proposals (indices into skeletons) of each commitment to be: one (retained)
        or several (merged), preferably of the commitment's theme."""
        n = rng.between(10, 30)
        themes = list(plan.themes)
        rng.shuffle(themes)
        pools: dict[str, list[int]] = {}
        for index, skeleton in enumerate(skeletons):
            pools.setdefault(skeleton[1], []).append(index)
        for pool in pools.values():
            rng.shuffle(pool)
        used: set[int] = set()
        links = []
        for position in range(n):
            theme = themes[position] if position < len(themes) else rng.pick(plan.themes)
            wanted = 1 if rng.random() < 0.3 else rng.between(2, 6)
            chosen: list[int] = []
            pool = pools.get(theme, [])
            while pool and len(chosen) < wanted:
                index = pool.pop()
                if index not in used:
                    chosen.append(index)
            if not chosen:
                others = [i for i in range(len(skeletons)) if i not in used]
                chosen = rng.sample(others, min(len(others), wanted))
            used.update(chosen)
            # The commitment's theme is its first source's (the intended one when it has none).
            links.append((skeletons[chosen[0]][1] if chosen else theme, chosen))
        return links

    def proposal_rows(self, rng, plan: PlanInfo, groups, skeletons, links) -> list[int]:
        table = self.tables["proposal"]
        source_of: dict[int, tuple[str, bool]] = {}
        code, year = plan.council.code, plan.start_year
        for position, (_theme, chosen) in enumerate(links, 1):
            for index in chosen:
                source_of[index] = (f"{code}-{year}-{position:02d}", len(chosen) > 1)
        answered_all = plan.stage not in (Stage.PREPARATION, Stage.CONSULTATION)
        last_workshop = max((g["day"] for g in groups), default=plan.work_to)
        pks = []
        for index, (group_index, theme, topic, kind) in enumerate(skeletons):
            place = rng.pick(PLACES)
            if kind == Proposal.Kind.PROBLEM:
                title = _fill(rng.pick(PROBLEM_TITLES), topic, place)
                body = _fill(rng.pick(PROBLEMS), topic, place)
            else:
                title = _title(rng, topic)
                problem = _fill(rng.pick(PROBLEMS), topic, place)
                suggestion = _fill(rng.pick(SUGGESTIONS), topic, place)
                body = (f"{problem[0]} {suggestion[0]}", f"{problem[1]} {suggestion[1]}")
            if group_index is not None:
                group = groups[group_index]
                created = _at(group["day"], rng.between(10, 17), rng.between(0, 59))
                links_ = {"working_group_id": group["pk"], "workshop_id": group["workshop"]}
            else:
                day = _day_between(rng, plan.created, plan.decided_to)
                created = _at(day, rng.between(7, 22), rng.between(0, 59))
                links_ = {"working_group_id": None, "workshop_id": None}
            if index in source_of:
                reference, merged = source_of[index]
                status = Proposal.Status.MERGED if merged else Proposal.Status.RETAINED
                response = (
                    (f"دمج المقترح مع مقترحات مماثلة في الالتزام {reference}.",
                     f"Proposition fusionnée avec des propositions proches dans l'engagement "
                     f"{reference}.")
                    if merged
                    else (f"تم الاحتفاظ بالمقترح وأدرج في الالتزام {reference}.",
                          f"Proposition retenue : elle est reprise dans l'engagement {reference}.")
                )  # fmt: skip
            elif answered_all:
                status, response = Proposal.Status.NOT_RETAINED, rng.pick(RESPONSES_NOT_RETAINED)
            else:
                weights = (
                    [(Proposal.Status.RECEIVED, 45), (Proposal.Status.UNDER_REVIEW, 40),
                     (Proposal.Status.NOT_RETAINED, 15)]
                    if plan.stage == Stage.PREPARATION
                    else [(Proposal.Status.RECEIVED, 5), (Proposal.Status.UNDER_REVIEW, 25),
                          (Proposal.Status.NOT_RETAINED, 70)]
                )  # fmt: skip
                status = _weighted(rng, weights)
                response = {
                    Proposal.Status.RECEIVED: None,
                    Proposal.Status.UNDER_REVIEW: UNDER_REVIEW if rng.random() < 0.3 else None,
                    Proposal.Status.NOT_RETAINED: rng.pick(RESPONSES_NOT_RETAINED),
                }[status]
            responded = None
            if response is not None:
                day = _day_between(rng, max(last_workshop, created.date()) + DAY, plan.decided_to)
                responded = max(created, _at(day, rng.between(9, 17), rng.between(0, 59)))
            organisation = rng.random() < 0.7
            language = "ar" if rng.random() < 0.6 else "fr"
            if organisation:
                pattern = rng.pick(ORGANISATIONS)[0 if language == "ar" else 1]
                submitted_by = pattern.format(x=plan.council.city[0 if language == "ar" else 1])
            else:
                submitted_by = _person(rng, language)
            pks.append(
                table.add(
                    created_at=created,
                    updated_at=responded or created,
                    kind=kind,
                    **tr("title", title),
                    **tr("body", body),
                    submitted_by=submitted_by,
                    status=status,
                    **(tr("response", response) if response else {"response": ""}),
                    responded_at=responded,
                    council_id=plan.council.pk,
                    plan_id=plan.pk,
                    theme_id=self.themes[theme],
                    **links_,
                )
            )
        return pks

    # --- commitments, milestones, indicators ---------------------------------------------------

    def commitment_rows(self, rng, plan: PlanInfo, skeletons, links, proposal_pks) -> None:
        table, sources = self.tables["commitment"], self.tables["source"]
        council = plan.council
        implementing = plan.stage in (Stage.IMPLEMENTATION, Stage.CLOSED)
        budget_scale = {Council.Kind.REGION: 8000, Council.Kind.PREFECTURE_PROVINCE: 3000}.get(
            council.kind, 1000
        )
        for position, (theme, chosen) in enumerate(links, 1):
            topic = skeletons[chosen[0]][2] if chosen else rng.pick(TOPICS[theme])
            place = rng.pick(PLACES)
            start = D(plan.start_year, rng.between(1, 6), rng.between(1, 28))
            end = D(plan.end_year, rng.between(7, 12), 28)
            created = _day_between(rng, plan.work_to + DAY, plan.decided_to)
            milestones = self._milestone_plan(rng, plan, start, end)
            withdrawn = implementing and rng.random() < 0.03
            statuses = [m[2] for m in milestones if m[2] != Milestone.Status.CANCELLED]
            if withdrawn:
                status = Commitment.Status.WITHDRAWN
            elif statuses and all(s == Milestone.Status.COMPLETED for s in statuses):
                status = Commitment.Status.COMPLETED
            elif any(s != Milestone.Status.NOT_STARTED for s in statuses):
                status = Commitment.Status.ONGOING
            else:
                status = Commitment.Status.NOT_STARTED
            values = {
                "transparency": rng.random() < 0.75,
                "participation": rng.random() < 0.6,
                "accountability": rng.random() < 0.5,
                "technology_innovation": rng.random() < 0.35,
            }
            if not any(values.values()):
                values["transparency"] = True
            relevance = [OGP_SENTENCES[name] for name, on in values.items() if on]
            partners = rng.sample(PARTNERS, rng.between(2, 3))
            lead = rng.pick(SERVICES)
            title = _title(rng, topic)
            suggestion = _fill(rng.pick(SUGGESTIONS), topic, place)
            contact = (rng.between(0, len(FIRST_NAMES) - 1), rng.between(0, len(LAST_NAMES) - 1))
            override = ""
            if implementing and rng.random() < 0.01:
                override = rng.pick(["limited", "substantial"])
            last_change = max(
                [created, *(m[3] or m[0] for m in milestones if m[2] != "not_started")]
            )
            pk = table.add(
                created_at=_at(created, 11),
                updated_at=_at(min(last_change, self.base), 12),
                reference=f"{council.code}-{plan.start_year}-{position:02d}",
                position=position,
                **tr("title", title),
                **tr("problem", _fill(rng.pick(PROBLEMS), topic, place)),
                **tr("status_quo", _fill(rng.pick(STATUS_QUO), topic, place)),
                **tr(
                    "description",
                    (
                        f"{title[0]} بشراكة مع {partners[0][0]}. {suggestion[0]}",
                        f"{title[1]}, en partenariat avec : {partners[0][1]}. {suggestion[1]}",
                    ),
                ),
                **tr("expected_results", _fill(rng.pick(EXPECTED), topic, place)),
                **tr(
                    "ogp_relevance",
                    (" ".join(s[0] for s in relevance), " ".join(s[1] for s in relevance)),
                ),
                **values,
                **tr("lead_agency", lead),
                **tr(
                    "partners",
                    ("، ".join(p[0] for p in partners), ", ".join(p[1] for p in partners)),
                ),
                contact_name=f"{FIRST_NAMES[contact[0]][1]} {LAST_NAMES[contact[1]][1]}",
                contact_email=f"{FIRST_SLUGS[contact[0]]}.{LAST_SLUGS[contact[1]]}@example.org",
                start_date=start,
                end_date=end,
                budget=None if rng.random() < 0.1 else rng.between(20, 1000) * budget_scale,
                status=status,
                plan_id=plan.pk,
                theme_id=self.themes[theme],
                completion_override=override,
                completion_override_reason=rng.pick(OVERRIDE_REASONS) if override else "",
            )
            plan.commitments.append((pk, topic))
            for index in chosen:
                sources.add(commitment_id=pk, proposal_id=proposal_pks[index])
            self.milestone_rows(rng, plan, pk, topic, milestones, created, withdrawn)
            self.indicator_rows(rng, plan, pk, start, created)

    def _milestone_plan(self, rng, plan: PlanInfo, start, end) -> list[tuple]:
        """3-5 consecutive (start, due, status, completed_on) between the commitment's dates;
        statuses follow the base date once the plan is implemented."""
        count = rng.between(3, 5)
        span = (end - start).days
        cuts = sorted(rng.sample(range(1, span), count - 1)) if span > count else []
        bounds = [0, *cuts, span]
        implementing = plan.stage in (Stage.IMPLEMENTATION, Stage.CLOSED)
        base = self.base
        milestones = []
        for i in range(count):
            first = start + datetime.timedelta(days=bounds[i] if i < len(bounds) - 1 else span)
            due = start + datetime.timedelta(days=bounds[i + 1] if i + 1 < len(bounds) else span)
            status, completed = Milestone.Status.NOT_STARTED, None
            if implementing:
                roll = rng.random()
                if due < base:
                    if roll < 0.75:
                        status = Milestone.Status.COMPLETED
                    elif roll < 0.88:
                        status = Milestone.Status.IN_PROGRESS
                    elif roll < 0.95:
                        status = Milestone.Status.NOT_STARTED
                    else:
                        status = Milestone.Status.CANCELLED
                    if status == Milestone.Status.COMPLETED:
                        completed = max(first, due - datetime.timedelta(days=rng.between(0, 30)))
                elif first <= base:
                    if roll < 0.6:
                        status = Milestone.Status.IN_PROGRESS
                    elif roll < 0.9:
                        status = Milestone.Status.NOT_STARTED
                    else:
                        status = Milestone.Status.COMPLETED
                        completed = _day_between(rng, first, base)
                elif roll < 0.03:
                    status = Milestone.Status.CANCELLED
            milestones.append((first, due, status, completed))
        return milestones

    def milestone_rows(self, rng, plan, commitment_pk, topic, milestones, created, withdrawn):
        table, updates = self.tables["milestone"], self.tables["milestone_update"]
        titles = sorted(rng.sample(range(len(MILESTONES)), len(milestones)))
        for (first, due, status, completed), title_index in zip(milestones, titles, strict=True):
            if withdrawn and status in (Milestone.Status.NOT_STARTED, Milestone.Status.IN_PROGRESS):
                status = Milestone.Status.CANCELLED
            evidence = rng.pick(EVIDENCE) if completed and rng.random() < 0.6 else None
            url = ""
            if completed and rng.random() < 0.4:
                url = f"https://data.example.org/{plan.council.code.lower()}/{commitment_pk}.pdf"
            changed = completed or (first if status == Milestone.Status.IN_PROGRESS else created)
            pk = table.add(
                created_at=_at(created, 11),
                updated_at=_at(max(created, min(changed, self.base)), 15),
                **tr("title", _fill(MILESTONES[title_index], topic, PLACES[0])),
                **tr("deliverable", rng.pick(DELIVERABLES)),
                start_date=first,
                due_date=due,
                status=status,
                completed_on=completed,
                **(tr("evidence", evidence) if evidence else {"evidence": ""}),
                evidence_url=url,
                commitment_id=commitment_pk,
            )
            if status in (Milestone.Status.COMPLETED, Milestone.Status.IN_PROGRESS):
                day = completed or _day_between(rng, first, min(self.base, first + 60 * DAY))
                updates.add(
                    created_at=_at(day, 14),
                    updated_at=_at(day, 14),
                    status=status,
                    completed_on=completed,
                    **tr("note", rng.pick(UPDATE_NOTES)),
                    evidence_url=url,
                    milestone_id=pk,
                )

    def indicator_rows(self, rng, plan: PlanInfo, commitment_pk, start, created) -> None:
        table, values = self.tables["indicator"], self.tables["indicator_value"]
        measured = plan.stage in (Stage.IMPLEMENTATION, Stage.CLOSED)
        for name_ar, name_fr, unit in rng.sample(INDICATORS, rng.between(1, 3)):
            if unit == "pct":
                baseline = rng.between(5, 60)
                target = min(100, baseline + rng.between(10, 40))
            elif unit == "days":
                baseline = rng.between(15, 90)
                target = max(1, baseline - rng.between(5, 60) // 2)
            else:
                baseline = rng.between(0, 50)
                target = baseline + rng.between(10, 200)
            latest = latest_on = None
            history = []
            if measured and rng.random() < 0.75 and start < self.base:
                steps = rng.between(1, 3)
                days = sorted(_day_between(rng, start, self.base - DAY) for _ in range(steps))
                for step, day in enumerate(days, 1):
                    share = rng.uniform(0.2, 1.0) * step / steps
                    value = Decimal(f"{baseline + (target - baseline) * share:.2f}")
                    history.append((day, value))
                latest_on, latest = history[-1]
            source = rng.pick(SOURCES)
            pk = table.add(
                created_at=_at(created, 11),
                updated_at=_at(latest_on or created, 16),
                **tr("name", (name_ar, name_fr)),
                **tr("unit", UNITS[unit]),
                baseline=baseline,
                target=target,
                latest_value=latest,
                latest_value_on=latest_on,
                **tr("source", source),
                commitment_id=commitment_pk,
            )
            for day, value in history:
                values.add(
                    created_at=_at(day, 16),
                    updated_at=_at(day, 16),
                    value=value,
                    measured_on=day,
                    source=source[0],
                    indicator_id=pk,
                )

    # --- comments ----------------------------------------------------------------------------

    def comment_rows(self, rng, plan: PlanInfo, count: int) -> None:
        """`count` comments made during the consultation, on the plan page (about a third) or
        on its commitments; mostly published, some pending, waiting or hidden; some replies to
        published comments of the same page; some with the council's official reply.

        The loop that makes most of the rows: kept to cheap operations."""
        if count <= 0 or not plan.commitments:
            return
        table = self.tables["comment"]
        add, random_ = table.add, rng.random
        first = _at(plan.opens, 8)
        last = _at(min(plan.closes, self.base - DAY), 22)
        span = max(1, int((last - first).total_seconds()))
        moments = sorted([int(random_() * span) for _ in range(count)])
        plan_topic = rng.pick(TOPICS[rng.pick(plan.themes)])
        pages = [(None, plan_topic), *plan.commitments]
        weights = [len(plan.commitments) * 0.5] + [random_() ** 2 + 0.05 for _ in plan.commitments]
        chosen_pages = rng.choices(range(len(pages)), weights, k=count)
        # Each page's sentences, formatted once per place and language.
        texts: dict[int, list] = {}
        published_top: dict[int, list[tuple[datetime.datetime, int]]] = {}
        in_consultation = plan.stage == Stage.CONSULTATION
        moderated = plan.moderated
        base_end = self.base_end
        second = datetime.timedelta(seconds=1)
        published_state, hidden_state = Comment.State.PUBLISHED, Comment.State.HIDDEN
        n_first, n_last = len(FIRST_NAMES), len(LAST_NAMES)
        for offset, page in zip(moments, chosen_pages, strict=True):
            created = first + offset * second
            commitment_pk, topic = pages[page]
            language = "ar" if random_() < 0.6 else "fr"
            index = 0 if language == "ar" else 1
            if page not in texts:
                texts[page] = [
                    [
                        [_format_sentence(s, topic, place) for s in COMMENT_SENTENCES[lang]]
                        for place in PLACES
                    ]
                    for lang in ("ar", "fr")
                ]
            sentences = texts[page][index][int(random_() * len(PLACES))]
            n = len(sentences)
            start = int(random_() * n)
            body = " ".join(sentences[(start + 3 * k) % n] for k in range(1 + int(random_() * 3)))
            i_first, i_last = int(random_() * n_first), int(random_() * n_last)
            author = FIRST_NAMES[i_first][index]
            if random_() < 0.5:
                author = f"{author} {LAST_NAMES[i_last][index]}"
            email = (
                f"{FIRST_SLUGS[i_first]}.{LAST_SLUGS[i_last]}{int(random_() * 999) + 1}@example.org"
            )
            parent = None
            candidates = published_top.get(page)
            if candidates and random_() < 0.18:
                published_at, parent_pk = candidates[int(random_() * len(candidates))]
                if published_at < created:
                    parent = parent_pk
            roll = random_()
            if roll < 0.05:
                state = Comment.State.PENDING
            elif roll < 0.11:
                state = hidden_state
            elif roll < 0.15 and in_consultation and moderated:
                state = Comment.State.CONFIRMED
            else:
                state = published_state
            confirmed = published = notified = replied = None
            updated = created
            reply = hidden_reason = ""
            if state != Comment.State.PENDING:
                confirmed = min(base_end, created + (120 + int(random_() * 36000)) * second)
                updated = confirmed
                if moderated:
                    notified = min(base_end, confirmed + 900 * second)
                if state == published_state or random_() < 0.5:
                    delay = 600 + int(random_() * 172000) if moderated else 0
                    published = updated = min(base_end, confirmed + delay * second)
                if state == hidden_state:
                    hidden_reason = rng.pick(HIDDEN_REASONS[language])
                elif state == published_state and parent is None and random_() < 0.12:
                    reply = rng.pick(OFFICIAL_REPLIES[language])
                    replied = updated = min(base_end, published + (1 + int(random_() * 10)) * DAY)
            pk = add(
                created_at=created,
                updated_at=updated,
                author_name=author,
                email=email,
                body=body,
                language=language,
                consent_at=created,
                state=state,
                confirmation_sent_at=created + 3 * second,
                confirmed_at=confirmed,
                published_at=published,
                moderators_notified_at=notified,
                hidden_reason=hidden_reason,
                official_reply=reply,
                replied_at=replied,
                client_hash=f"{rng.getrandbits(256):064x}",
                commitment_id=commitment_pk,
                parent_id=parent,
                plan_id=plan.pk,
            )
            if state == published_state and parent is None:
                published_top.setdefault(page, []).append((published, pk))


def _format_sentence(sentence: str, topic, place) -> str:
    return sentence.format(
        t=topic[0], p=place[0], ta=topic[1], td=topic[2], pa=place[1], pd=place[2]
    )


FIRST_SLUGS = [slugify(fr) for _ar, fr in FIRST_NAMES]
LAST_SLUGS = [slugify(fr) for _ar, fr in LAST_NAMES]


# --- the run -----------------------------------------------------------------------------------


def portal_models() -> list[type[models.Model]]:
    """Every table of the portal's data: both apps' models, their many-to-many tables and
    history tables."""
    found = []
    for label in ("consultations", "commitments"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            found.append(model)
    return found


def existing_data() -> dict[str, int]:
    """Rows already in the portal's tables (history excluded), by table; empty when none."""
    counts = {}
    for model in portal_models():
        if model._meta.db_table.split("_", 1)[1].startswith("historical"):
            continue
        count = model.objects.count() if model.objects.exists() else 0
        if count:
            counts[model._meta.db_table] = count
    return counts


def flush() -> None:
    """Empty every table of the portal's data (users stay) and restart their ids at 1."""
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in portal_models())
    with connection.cursor() as cursor:
        # TRUNCATE refuses a table with foreign-key checks still queued in this transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def _sequence_start(cursor, table: str) -> int:
    """The first id free after both the rows and the id sequence."""
    cursor.execute(
        f"SELECT COALESCE(MAX(id), 0), pg_get_serial_sequence(%s, 'id') FROM {table}",  # noqa: S608
        [table],
    )
    highest, sequence = cursor.fetchone()
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - catalogue name
    last_value, is_called = cursor.fetchone()
    return max(highest, last_value if is_called else last_value - 1) + 1


def _set_sequence(cursor, table: str, last_id: int) -> None:
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, true)", [table, max(1, last_id)]
    )


def theme_rows(table: Table, base: datetime.date) -> dict[str, int]:
    """The themes by slug: those in the database are reused as they are, the others added."""
    themes = dict(Theme.objects.filter(slug__in=[s for s, *_ in THEMES]).values_list("slug", "pk"))
    created = _at(base - 2000 * DAY, 9)
    for position, (slug, ar, fr) in enumerate(THEMES, 1):
        if slug not in themes:
            themes[slug] = table.add(
                created_at=created,
                updated_at=created,
                **tr("name", (ar, fr)),
                slug=slug,
                **tr("description", (f"محور {ar}", f"Axe « {fr} »")),
                position=position,
            )
    return themes


@contextlib.contextmanager
def indexes_rebuilt_after(cursor, tables: list[str]):
    """Drop the secondary b-tree indexes and the foreign keys of `tables` for a bulk load,
    then put back exactly the same definitions (read from the catalogue), all inside the
    caller's transaction: a failure puts everything back as it was.

    Building an index once over all rows is much cheaper than updating it row by row, and
    re-adding a foreign key checks every row in one join instead of one lookup per row, so
    nothing is left unchecked. Primary keys and unique constraints stay in place throughout."""
    cursor.execute(
        "SELECT format('ALTER TABLE %%I DROP CONSTRAINT %%I', c.conrelid::regclass::text, "
        "c.conname), format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', "
        "c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)) "
        "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) "
        "ORDER BY c.conrelid::regclass::text, c.conname",
        [tables],
    )
    foreign_keys = cursor.fetchall()
    # Only b-tree indexes: a full-text GIN index costs about the same built at once or row by
    # row (computing each tsvector dominates), and row by row that work overlaps with the
    # generation in Python instead of adding to the end.
    cursor.execute(
        "SELECT format('DROP INDEX %%I', i.indexrelid::regclass::text), "
        "pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
        "AND NOT i.indisunique AND am.amname = 'btree' "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "ORDER BY i.indexrelid::regclass::text",
        [tables],
    )
    indexes = cursor.fetchall()
    for drop, _add in foreign_keys:
        cursor.execute(drop)
    for drop, _create in indexes:
        cursor.execute(drop)
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _drop, create in indexes:
        cursor.execute(create)
    for _drop, add in foreign_keys:
        cursor.execute(add)


@dataclass
class Summary:
    rows: dict[str, int]
    seconds: dict[str, float]
    total_seconds: float


def generate(options: ScaleOptions, progress: Callable[[str], None] | None = None) -> Summary:
    """Write the generated data (one transaction; raises and writes nothing on error), then
    bump the data version so cached pages and open data are invalidated. The caller checks
    that the database is empty (or flushes it) first.

    Into empty tables the load runs without secondary indexes and foreign keys, rebuilt and
    checked at the end (see indexes_rebuilt_after); into tables that hold rows (--append),
    indexes stay and foreign keys are checked as each COPY ends, so readers are not locked out."""
    from opengov import dataversion

    started = time.perf_counter()
    progress = progress or (lambda _message: None)
    rng = Random(f"{options.seed}:national")
    specs = choose_councils(options.councils, rng)
    tables = [m._meta.db_table for m in GENERATED_MODELS]
    with transaction.atomic(), connection.cursor() as cursor:
        # Nobody else writes these tables meanwhile (reads go on): the ids we hand out stay ours.
        locked = [Theme._meta.db_table, *tables]
        cursor.execute(f"LOCK TABLE {', '.join(locked)} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        theme_table = Table(Theme)
        theme_table.start_at(_sequence_start(cursor, Theme._meta.db_table))
        themes = theme_rows(theme_table, options.base_date)
        theme_table.copy_rows(cursor)
        generator = Generator(options, themes)
        for table in generator.tables.values():
            table.start_at(_sequence_start(cursor, table.name))
            table.read_types(cursor)
        fresh = not any(m.objects.exists() for m in GENERATED_MODELS)
        kinds = Counter(spec.kind for spec in specs)
        generator.kind_mean = sum(KIND_WEIGHTS[k] * n for k, n in kinds.items()) / len(specs)
        council_rows(generator.tables["council"], specs, rng, options.base_date)
        with indexes_rebuilt_after(cursor, tables) if fresh else contextlib.nullcontext():
            writer = CopyWriter(connection.connection)
            try:
                for index, spec in enumerate(specs):
                    generator.council(index, spec)
                    done = index + 1
                    if done % options.batch_councils == 0 or done == len(specs):
                        writer.submit(generator.take_batch())
                        made = generator.tables
                        progress(
                            f"{done}/{len(specs)} councils · "
                            f"{made['proposal'].generated:,} proposals · "
                            f"{made['commitment'].generated:,} commitments · "
                            f"{made['comment'].generated:,} comments · "
                            f"{time.perf_counter() - started:.1f} s"
                        )
            finally:
                writer.wait()
            if fresh:
                progress("Building indexes and checking foreign keys…")
                rebuild_started = time.perf_counter()
        if fresh:
            progress(f"… done in {time.perf_counter() - rebuild_started:.1f} s")
        all_tables = [theme_table, *generator.tables.values()]
        for table in all_tables:
            if table.written:
                _set_sequence(cursor, table.name, table.next_id - 1)
        # The last step over the whole data set: when the models gain denormalised counters,
        # define refresh_counters() in this module; it runs here, inside the transaction.
        refresh_counters = globals().get("refresh_counters")
        if refresh_counters is not None:
            refresh_counters()
    dataversion.bump_on_change()
    # Fresh statistics, so that the planner knows the tables' new sizes at once.
    analyze_started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(t.name for t in all_tables)}")
    progress(f"Statistics updated (ANALYZE) in {time.perf_counter() - analyze_started:.1f} s")
    return Summary(
        rows={t.name: t.written for t in all_tables},
        seconds={t.name: t.seconds for t in all_tables},
        total_seconds=time.perf_counter() - started,
    )


GENERATED_MODELS = (
    Council,
    ActionPlan,
    PlanStageChange,
    Workshop,
    WorkingGroup,
    Proposal,
    Commitment,
    Commitment.source_proposals.through,
    Milestone,
    MilestoneUpdate,
    Indicator,
    IndicatorValue,
    Comment,
)


def refresh_counters() -> None:
    """The plans' denormalised proposal counters (consultations.counters), recounted after the
    bulk load (COPY bypasses the signals that keep them right)."""
    from consultations.counters import refresh_plan_counters

    refresh_plan_counters()
