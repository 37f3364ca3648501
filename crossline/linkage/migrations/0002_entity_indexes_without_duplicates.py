"""A run writes a member row per record and a link row per link (millions at national scale), and
every index on those tables costs each of those writes. These indexes only repeated others:

- member_by_return and link_by_entity: the same column as their foreign key's own index;
- the member's entity foreign key index: the first column of member_by_entity (entity, force);
- PostgreSQL's `_like` twins of the force foreign key indexes (varchar_pattern_ops, for LIKE
  queries, which nothing runs on force codes; equality is served by the plain index).
"""

import django.db.models.deletion
from django.db import migrations, models

FORCE_COLUMNS = (("EntityMember", "force"), ("EntityLink", "left_force"), ("EntityLink", "right_force"))


def _like_indexes(apps, schema_editor):
    for model_name, field_name in FORCE_COLUMNS:
        model = apps.get_model("linkage", model_name)
        yield model, model._meta.get_field(field_name)


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field in _like_indexes(apps, schema_editor):
        # The name PostgreSQL's schema editor gave it when it made it.
        name = schema_editor._create_index_name(model._meta.db_table, [field.column], suffix="_like")
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def make_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field in _like_indexes(apps, schema_editor):
        schema_editor.execute(schema_editor._create_like_index_sql(model, field))


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="entitylink", name="link_by_entity"),
        migrations.RemoveIndex(model_name="entitymember", name="member_by_return"),
        migrations.AlterField(
            model_name="entitymember",
            name="entity",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="members", to="linkage.entity"),
        ),
        migrations.RunPython(drop_like_indexes, make_like_indexes, elidable=True),
    ]
