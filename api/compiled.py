"""Querysets compiled to SQL once per shape, then run again with other parameter values.

Turning a queryset into SQL (`only()`, `select_related()`, ordering, slicing) costs the
ORM more CPU than PostgreSQL spends answering a lookup by primary key. For a hot read
whose SQL depends only on its shape, `CompiledQuery` keeps what the ORM worked out (the
SQL, the columns each model takes, the converters) and builds the same model instances
from new rows, as Django's ModelIterable does (Django 5.2; the tests of each caller
compare its instances with the ORM's).
"""

from collections.abc import Sequence

from django.db import connections
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.query import get_related_populators


class CompiledQuery:
    """`queryset` compiled once; `run(params)` gives its instances for other values of
    its parameters, in the order the SQL takes them. The queryset is built with example
    values, which `example_params` shows. Related objects come as the queryset asks:
    `select_related` from the same row, prefetches by their own queries. Querysets with
    annotations, extra selects or known related objects are refused: their rows need more
    than the models' columns."""

    def __init__(self, queryset: QuerySet) -> None:
        query = queryset.query
        if query.annotation_select or query.extra_select or queryset._known_related_objects:
            raise ValueError("CompiledQuery takes querysets of model columns only.")
        self.db = queryset.db
        self.prefetches = queryset._prefetch_related_lookups
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, self.example_params = compiler.as_sql()
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        select_fields = klass_info["select_fields"]
        self.start, self.end = select_fields[0], select_fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, self.db)
        self.converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])

    def run(self, params: Sequence) -> list[Model]:
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        instances = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters.items():
                    for converter in converters:
                        row[position] = converter(row[position], expression, connection)
            instance = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, instance)
            instances.append(instance)
        if self.prefetches and instances:
            prefetch_related_objects(instances, *self.prefetches)
        return instances
