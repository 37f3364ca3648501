"""A first run writes an entity, a member and a link row per record or so (millions at national
scale), and every index on those tables costs each of those writes. These foreign keys are kept
for the record and never searched by, so they lose their indexes:

- an entity's created_run and updated_run, a member's run and a link's run: runs are never
  deleted, so SET_NULL never has to find the rows that point at one;
- a link's left and right force and its entities before: links are found through their entity,
  and forces and entities are retired, never deleted.

Only the indexes are dropped. Django's SQLite schema editor would rebuild each table to do
it (eight copies of the largest tables there are), so the database side drops the index by the
name Django gave it and the state side records the fields' new db_index.
"""

import django.db.models.deletion
from django.db import migrations, models

UNINDEXED = (("Entity", "created_run"), ("Entity", "updated_run"), ("EntityMember", "run"), ("EntityLink", "run"),
             ("EntityLink", "left_force"), ("EntityLink", "right_force"), ("EntityLink", "left_entity_before"),
             ("EntityLink", "right_entity_before"))


def _fields(apps):
    for model_name, field_name in UNINDEXED:
        model = apps.get_model("linkage", model_name)
        yield model, model._meta.get_field(field_name)


def drop_indexes(apps, schema_editor):
    for model, field in _fields(apps):
        name = schema_editor._create_index_name(model._meta.db_table, [field.column])
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def make_indexes(apps, schema_editor):
    for model, field in _fields(apps):
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):

    dependencies = [
        ('linkage', '0003_access_approvals_expire'),
        ('reference', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, make_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name='entity',
                    name='created_run',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='linkage.linkrun'),
                ),
                migrations.AlterField(
                    model_name='entity',
                    name='updated_run',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='linkage.linkrun'),
                ),
                migrations.AlterField(
                    model_name='entitylink',
                    name='left_entity_before',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='linkage.entity'),
                ),
                migrations.AlterField(
                    model_name='entitylink',
                    name='left_force',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.policeforce'),
                ),
                migrations.AlterField(
                    model_name='entitylink',
                    name='right_entity_before',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='linkage.entity'),
                ),
                migrations.AlterField(
                    model_name='entitylink',
                    name='right_force',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.policeforce'),
                ),
                migrations.AlterField(
                    model_name='entitylink',
                    name='run',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='linkage.linkrun'),
                ),
                migrations.AlterField(
                    model_name='entitymember',
                    name='run',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='linkage.linkrun'),
                ),
            ],
        ),
    ]
