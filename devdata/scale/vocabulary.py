"""Vocabulary of the texts, as (Arabic, French) pairs: themes, topics, problems and suggestions,
commitments, milestones, indicators, people, comments and replies; and the weights of stages and
kinds."""

from __future__ import annotations

from consultations.models import Council

from .tables import Stage

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
