"""Excel cell values to numbers and back, for the spreadsheet functions.

A cell value is what xlwings hands a function: ``None`` for an empty cell, a
float, an int, a bool, a string (error values arrive as their text, such as
``"#N/A"``), or a 1-D or 2-D list of those for a range. This module reads such
values into float arrays with an outcome code per element (``metrics.OK``,
``BLANK`` or ``VALUE``), broadcasts a single cell against a range, and writes
results back in the shape the caller gave: a float, ``None`` for a blank, or
the error's text.
"""

import math
import re
from dataclasses import dataclass
from itertools import chain
from numbers import Real

import numpy as np

from leak_udfs import metrics
from leak_udfs.metrics import BLANK, OK, VALUE

_PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FAST_TYPES = frozenset((float, int))
_NESTED_TYPES = frozenset((list, tuple, np.ndarray))


class ShapeError(ValueError):
    """Arguments that are not ranges, or ranges of different shapes."""


@dataclass(frozen=True)
class Cells:
    """One argument read: numbers, outcome codes and the shape it came in."""

    values: np.ndarray
    codes: np.ndarray

    @property
    def ndim(self) -> int:
        return self.values.ndim

    @property
    def single(self) -> bool:
        return self.values.size == 1


def number(value) -> tuple[float, int]:
    """One cell value as ``(number, code)``; the number is NaN unless code is OK."""
    kind = type(value)
    if kind is float:
        return value, OK
    if value is None:
        return math.nan, BLANK
    if kind is str:
        text = value.strip()
        if not text:
            return math.nan, BLANK
        if _PLAIN_DECIMAL.fullmatch(text):
            return float(text), OK
        return math.nan, VALUE
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        return math.nan, VALUE
    try:
        return float(value), OK
    except OverflowError:
        return (math.inf if value > 0 else -math.inf), OK


def _flat_numbers(flat: list) -> tuple[np.ndarray, np.ndarray]:
    """Numbers and codes for a flat list of cell values, fast for plain numbers."""
    types = list(map(type, flat))
    kinds = set(types)
    if kinds & _NESTED_TYPES:
        raise ShapeError("a range nested deeper than rows of cells")
    codes = np.zeros(len(flat), dtype=np.int8)
    if kinds <= _FAST_TYPES:
        try:
            return np.array(flat, dtype=np.float64), codes
        except OverflowError:
            fast = np.zeros(len(flat), dtype=bool)
    else:
        fast = np.fromiter(map(_FAST_TYPES.__contains__, types), bool, len(flat))

    values = np.full(len(flat), np.nan)
    try:
        values[fast] = np.array(flat, dtype=object)[fast].astype(np.float64)
    except OverflowError:
        fast[:] = False
    for i in np.flatnonzero(~fast).tolist():
        values[i], codes[i] = number(flat[i])
    return values, codes


def read(value) -> Cells:
    """Read a scalar, a 1-D list or a 2-D list of rows of cell values."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        number_, code = number(value)
        return Cells(np.array(number_), np.array(code, dtype=np.int8))
    if not value:
        raise ShapeError("empty range")

    row_types = set(map(type, value))
    if row_types <= {list, tuple}:
        widths = set(map(len, value))
        if len(widths) != 1 or 0 in widths:
            raise ShapeError("rows of different lengths")
        flat = list(chain.from_iterable(value))
        shape = (len(value), widths.pop())
    else:
        flat = list(value)
        shape = (len(value),)

    values, codes = _flat_numbers(flat)
    return Cells(values.reshape(shape), codes.reshape(shape))


def broadcast(args: list[Cells]) -> tuple[int, ...]:
    """The result's shape: a single cell broadcasts against a range."""
    ranges = [a for a in args if not a.single]
    if not ranges:
        return (1,) * max(a.ndim for a in args)

    two_d = [a.values.shape for a in ranges if a.ndim == 2]
    shape = two_d[0] if two_d else ranges[0].values.shape
    for a in ranges:
        same = a.values.shape == shape
        as_line = a.ndim == 1 and len(shape) == 2 and a.values.size in shape
        if not (same or (as_line and 1 in shape)):
            raise ShapeError("ranges of different shapes")
    return shape


def _spread(a: Cells, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    if a.single:
        return a.values.reshape(()), a.codes.reshape(())
    return a.values.reshape(shape), a.codes.reshape(shape)


def write(results: np.ndarray, codes: np.ndarray):
    """Results back as cell values: a scalar, or nested lists of the same shape."""
    if results.ndim == 0:
        return _cell(float(results), int(codes))

    out = results.tolist()
    for index in zip(*np.nonzero(codes), strict=True):
        row = out
        for i in index[:-1]:
            row = row[i]
        row[index[-1]] = _cell(math.nan, int(codes[index]))
    return out


def _cell(result: float, code: int):
    # Known limit: classic xlwings cannot return a real error value, so errors
    # are returned as their text; the Office.js runtimes turn it into one.
    if code == OK:
        return result
    if code == BLANK:
        return None
    return metrics.ERROR_TEXT[code]


def evaluate(formula: metrics.Formula, *values):
    """A formula over cell values, keeping the spreadsheet contract."""
    if all(type(v) in _FAST_TYPES for v in values):
        try:
            return _cell(*formula.outcome_of_floats(*map(float, values)))
        except OverflowError:
            pass

    try:
        args = [read(v) for v in values]
        shape = broadcast(args)
    except ShapeError:
        return metrics.ERROR_TEXT[VALUE]

    spread = [_spread(a, shape) for a in args]
    numbers = [np.broadcast_to(v, shape) for v, _ in spread]
    read_codes = np.zeros(shape, dtype=np.int8)
    for _, c in spread:
        read_codes = np.maximum(read_codes, c)

    results, codes = formula.outcome(*numbers)
    return write(results, np.maximum(codes, read_codes))


def check(mqls, sqls, revenue=None, cost_per_mql=None):
    """``"OK"`` or a sentence per element, naming what is wrong with the inputs."""
    labels = list(metrics.LABELS.values())
    try:
        args = [read(v) for v in (mqls, sqls, revenue, cost_per_mql)]
        shape = broadcast(args)
    except ShapeError:
        return metrics.ERROR_TEXT[VALUE]

    grids = [
        (np.broadcast_to(v, shape), np.broadcast_to(c, shape))
        for v, c in (_spread(a, shape) for a in args)
    ]
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        cells = [(float(v[index]), int(c[index])) for v, c in grids]
        out[index] = _sentence(cells, labels)
    return out.item() if out.ndim == 0 else out.tolist()


def _sentence(cells: list[tuple[float, int]], labels: list[str]) -> str | None:
    for (_, code), label in zip(cells, labels, strict=True):
        if code == VALUE:
            return f"{label} is not a number."
    if any(code == BLANK for _, code in cells[:2]):
        return None
    numbers = [None if code == BLANK else value for value, code in cells]
    return metrics.problem(*numbers)
