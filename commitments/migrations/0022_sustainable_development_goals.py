"""The seventeen Sustainable Development Goals with the United Nations' official short names
in Arabic, French and English (as the UN's pages in each language give them). Frozen here: the
list is the UN's, not the portal's."""

from django.db import migrations

NBSP = "\u00a0"

GOALS = [
    (1, "القضاء على الفقر", "Pas de pauvreté", "No poverty"),
    (2, "القضاء التام على الجوع", f"Faim «{NBSP}zéro{NBSP}»", "Zero hunger"),
    (3, "الصحة الجيدة والرفاه", "Bonne santé et bien-être", "Good health and well-being"),
    (4, "التعليم الجيد", "Éducation de qualité", "Quality education"),
    (5, "المساواة بين الجنسين", "Égalité entre les sexes", "Gender equality"),
    (
        6,
        "المياه النظيفة والنظافة الصحية",
        "Eau propre et assainissement",
        "Clean water and sanitation",
    ),
    (
        7,
        "طاقة نظيفة وبأسعار معقولة",
        "Énergie propre et d'un coût abordable",
        "Affordable and clean energy",
    ),
    (
        8,
        "العمل اللائق ونمو الاقتصاد",
        "Travail décent et croissance économique",
        "Decent work and economic growth",
    ),
    (
        9,
        "الصناعة والابتكار والهياكل الأساسية",
        "Industrie, innovation et infrastructure",
        "Industry, innovation and infrastructure",
    ),
    (10, "الحد من أوجه عدم المساواة", "Inégalités réduites", "Reduced inequalities"),
    (
        11,
        "مدن ومجتمعات محلية مستدامة",
        "Villes et communautés durables",
        "Sustainable cities and communities",
    ),
    (
        12,
        "الاستهلاك والإنتاج المسؤولان",
        "Consommation et production responsables",
        "Responsible consumption and production",
    ),
    (
        13,
        "العمل المناخي",
        "Mesures relatives à la lutte contre les changements climatiques",
        "Climate action",
    ),
    (14, "الحياة تحت الماء", "Vie aquatique", "Life below water"),
    (15, "الحياة في البر", "Vie terrestre", "Life on land"),
    (
        16,
        "السلام والعدل والمؤسسات القوية",
        "Paix, justice et institutions efficaces",
        "Peace, justice and strong institutions",
    ),
    (
        17,
        "عقد الشراكات لتحقيق الأهداف",
        "Partenariats pour la réalisation des objectifs",
        "Partnerships for the goals",
    ),
]


def seed(apps, schema_editor):
    Goal = apps.get_model("commitments", "SustainableDevelopmentGoal")
    for number, name_ar, name_fr, name_en in GOALS:
        Goal.objects.update_or_create(
            number=number, defaults={"name_ar": name_ar, "name_fr": name_fr, "name_en": name_en}
        )


def unseed(apps, schema_editor):
    apps.get_model("commitments", "SustainableDevelopmentGoal").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0021_sdg_and_programme_links")]

    operations = [migrations.RunPython(seed, unseed)]
