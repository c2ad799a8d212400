"""Values worked out once per class and kept on it, for what depends on the class alone."""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def per_class(instance: object, attribute: str, build: Callable[[], T]) -> T:
    """The value kept as `attribute` on the instance's own class, built on first use. A
    subclass gets its own, never its parent's."""
    cls = type(instance)
    value = cls.__dict__.get(attribute)
    if value is None:
        value = build()
        setattr(cls, attribute, value)
    return value
