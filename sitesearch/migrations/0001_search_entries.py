"""The search index (issue 19): the SearchEntry table, the triggers that keep it on every
source table, the GIN indexes, and the first fill from the existing rows (sitesearch.indexing;
PostgreSQL only; the demo's SQLite is kept by sitesearch.signals).

The fill runs before the GIN indexes are built, which are then built once; its duration on the
national data set is in docs/performance.md ("Search: the portal-wide search"). Writes to the
indexed tables wait for it."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

from sitesearch import indexing
from sitesearch.models import GIN_INDEXES


def forwards(apps, schema_editor):
    # SQLite (the demo): signals keep the index from the first row the demo loads; rows loaded
    # before are indexed by manage.py rebuild_search_index.
    if schema_editor.connection.vendor != "postgresql":
        return
    entry = apps.get_model("sitesearch", "SearchEntry")
    schema_editor.execute(indexing.install_sql())
    indexing.fill(schema_editor, entry, drop=False)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(indexing.uninstall_sql())


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('consultations', '0018_proposal_search_weighted'),
        ('commitments', '0027_proposal_moderation_roles'),
        ('opengov', '0002_search_engine'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('council', 'Council'), ('plan', 'Plan'), ('commitment', 'Commitment'), ('milestone', 'Milestone'), ('workshop', 'Workshop'), ('working_group', 'Working Group'), ('proposal', 'Proposal'), ('comment', 'Comment')], max_length=16, verbose_name='kind')),
                ('object_id', models.BigIntegerField(verbose_name='object id')),
                ('parent_id', models.BigIntegerField(blank=True, null=True, verbose_name='parent id')),
                ('reference', models.CharField(blank=True, max_length=32, verbose_name='reference')),
                ('title_ar', models.TextField(blank=True, verbose_name='title (Arabic)')),
                ('title_fr', models.TextField(blank=True, verbose_name='title (French)')),
                ('body_ar', models.TextField(blank=True, verbose_name='text (Arabic)')),
                ('body_fr', models.TextField(blank=True, verbose_name='text (French)')),
                ('language', models.CharField(blank=True, max_length=8, verbose_name='language')),
                ('date', models.DateField(blank=True, null=True, verbose_name='date')),
                ('visible', models.BooleanField(default=True, verbose_name='published')),
                ('document', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('name', models.TextField(blank=True, editable=False, verbose_name='normalised name')),
                ('council', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='consultations.council', verbose_name='council')),
                ('plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='consultations.actionplan', verbose_name='action plan')),
            ],
            options={
                'verbose_name': 'search entry',
                'verbose_name_plural': 'search entries',
                'ordering': ['kind', 'object_id'],
                'indexes': [models.Index(fields=['plan', 'kind'], name='searchentry_plan_idx'), models.Index(fields=['council', 'kind'], name='searchentry_council_idx')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='searchentry_unique_thing'), models.CheckConstraint(condition=models.Q(('kind__in', ('council', 'plan', 'commitment', 'milestone', 'workshop', 'working_group', 'proposal', 'comment'))), name='searchentry_kind_known')],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="searchentry", index=index) for index in GIN_INDEXES
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        ),
    ]
