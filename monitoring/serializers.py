"""The bodies of the health endpoints, as the schema describes them."""

from rest_framework import serializers

CHECK_HELP = "`ok`, `skipped` (e.g. the broker when tasks run in the web process) or `error: <why>`."


class LiveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok"])


class ChecksSerializer(serializers.Serializer):
    database = serializers.CharField(help_text=CHECK_HELP)
    cache = serializers.CharField(help_text=CHECK_HELP)
    broker = serializers.CharField(help_text=CHECK_HELP)


class ReadySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["ok", "degraded", "error"],
        help_text="`error` when the database fails, `degraded` when another check does.",
    )
    checks = ChecksSerializer()
