"""`Frozen`: the base of the values ``rfcauth parse`` builds, where `dataclasses` costs too much.

Importing `dataclasses` imports `inspect` and with it `ast`, `dis` and `tokenize`: about as
long as the interpreter takes to start, on a path (``rfcauth parse``) whose whole budget is
twice that. So the challenge layer's values, `rfcauth.Violation` and the command table's rows
derive from `Frozen` instead, and behave as ``@dataclass(frozen=True, slots=True,
kw_only=True)`` values do:

- a keyword-only ``__init__``, written out in each class (so mypy checks every call), that
  sets the fields with `set_field`;
- equality and hashing by the fields, in the order they are annotated, within one class;
- a dataclass-style ``repr``;
- assignment and deletion raise `dataclasses.FrozenInstanceError` (imported only then);
- pickling and `copy` rebuild the value field by field; ``copy.replace`` (Python 3.13) and
  `Frozen.__replace__` make a changed copy through ``__init__``, its checks included.

What they are not: dataclasses. `dataclasses.fields`, `asdict` and `replace` do not take them.
``tests/test_frozen.py`` holds every subclass to this list.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (~5 ms, see above)
if TYPE_CHECKING:
    from typing import ClassVar, Self

__all__ = ["Frozen", "set_field"]

#: How a `Frozen` value's ``__init__`` sets its own fields: ``set_field(self, "name", name)``.
set_field = object.__setattr__


class Frozen:
    """A frozen, slotted value: a subclass annotates its fields and names them in ``__slots__``."""

    __slots__ = ()
    __match_args__ = ()  # as a keyword-only dataclass: match by keyword

    _fields: ClassVar[tuple[str, ...]]

    def __init_subclass__(cls) -> None:
        """Record the fields: the class's annotations, in order; ``__slots__`` names them too."""
        super().__init_subclass__()
        fields = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063 - not inspect: above
        if set(cls.__dict__.get("__slots__", ())) != set(fields):
            raise TypeError(f"{cls.__qualname__}: __slots__ must name exactly its annotated fields")
        cls._fields = fields

    def _values(self) -> tuple[object, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        """Equal when `other` is of the same class and every field is equal."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        """The hash of the fields."""
        return hash(self._values())

    def __repr__(self) -> str:
        """``ClassName(field=value, ...)``, as a dataclass's."""
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse: the value is frozen."""
        raise _frozen_error(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        """Refuse: the value is frozen."""
        raise _frozen_error(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle and copy as (class, field values)."""
        return (_rebuild, (type(self), self._values()))

    def __replace__(self, **changes: object) -> Self:
        """A copy with `changes`, built through ``__init__`` (``copy.replace``, Python 3.13)."""
        values: dict[str, object] = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)


def _rebuild(cls: type[Frozen], values: tuple[object, ...]) -> Frozen:
    """The value of class `cls` with these field values (they come from a value: no checks)."""
    self = object.__new__(cls)
    for name, value in zip(cls._fields, values, strict=True):
        set_field(self, name, value)
    return self


def _frozen_error(message: str) -> AttributeError:
    from dataclasses import FrozenInstanceError  # noqa: PLC0415 - only on misuse

    return FrozenInstanceError(message)
