"""Rows of an import file as a stream: never the whole file in memory.

- CSV: UTF-8 (a byte-order mark, as Excel writes it, is skipped), comma or semicolon separated (the
  delimiter is sniffed from the header line), first line = column names.
- XLSX: the first worksheet, openpyxl in read-only mode (rows are parsed as they are read), first row =
  column names. Dates typed as Excel dates arrive as dates.
- JSON: an array of objects, decoded one object at a time from a text stream.

Every reader yields ``(row_number, mapping)``, row 1 being the first data row. Column names are matched
without regard to case or surrounding spaces.
"""

import csv
import io
import json
from datetime import date, datetime

CHUNK = 1 << 16


class UnreadableFile(Exception):
    """The file is not what its format says (bad encoding, not an array, not a workbook)."""


def iter_rows(path, file_format, skip=0):
    """``(row_number, {column: value})`` for each data row after the first ``skip`` rows."""
    reader = {"CSV": _csv_rows, "XLSX": _xlsx_rows, "JSON": _json_rows}[file_format]
    for number, row in reader(path):
        if number > skip:
            yield number, row


def count_rows(path, file_format, pause=lambda: None, every=5000):
    """The number of the last data row (blank lines are numbered but never processed); ``pause`` is
    called every ``every`` rows, so that a long count lets the other greenthreads run."""
    last = 0
    for last, _ in {"CSV": _csv_rows, "XLSX": _xlsx_raw_rows, "JSON": _json_rows}[file_format](path):
        if last % every == 0:
            pause()
    return last


def _header(names):
    return [str(name).strip().lower() if name is not None else "" for name in names]


def _csv_rows(path):
    try:
        with open(path, encoding="utf-8-sig", newline="") as text:
            first = text.readline()
            delimiter = ";" if first.count(";") > first.count(",") else ","
            text.seek(0)
            reader = csv.reader(text, delimiter=delimiter)
            header = _header(next(reader, []))
            for number, values in enumerate(reader, start=1):
                if not any(v.strip() for v in values):
                    continue  # a blank line (often the last one) is not a row
                yield number, dict(zip(header, values, strict=False))
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 text: {error.reason}") from None
    except csv.Error as error:
        raise UnreadableFile(f"not CSV: {error}") from None


def _open_sheet(path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl's own errors: the file is not a workbook
        raise UnreadableFile(f"not an XLSX workbook: {type(error).__name__}") from None
    return workbook, workbook.worksheets[0]


def _xlsx_raw_rows(path):
    workbook, sheet = _open_sheet(path)
    try:
        rows = sheet.iter_rows(values_only=True)
        next(rows, None)
        for number, values in enumerate(rows, start=1):
            if any(v not in (None, "") for v in values):
                yield number, values
    finally:
        workbook.close()


def _xlsx_rows(path):
    workbook, sheet = _open_sheet(path)
    try:
        rows = sheet.iter_rows(values_only=True)
        header = _header(next(rows, ()))
        for number, values in enumerate(rows, start=1):
            if any(v not in (None, "") for v in values):
                yield number, {k: _cell(v) for k, v in zip(header, values, strict=False)}
    finally:
        workbook.close()


def _cell(value):
    """An XLSX cell as the text a CSV would have held (dates as ISO dates, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if not isinstance(value, bool) else ("true" if value else "false")


def _json_rows(path):
    decoder = json.JSONDecoder()
    try:
        with open(path, encoding="utf-8-sig") as text:
            buffer, position = _fill(text, ""), 0
            buffer, position, _ = _skip(text, buffer, position)
            if buffer[position : position + 1] != "[":
                raise UnreadableFile("not a JSON array")
            position += 1
            number = 0
            while True:
                buffer, position, separated = _skip(text, buffer, position, "," if number else "")
                if buffer[position : position + 1] == "]":
                    return
                if position >= len(buffer):
                    raise UnreadableFile("the JSON array is not closed")
                if number and not separated:
                    raise UnreadableFile("elements of the JSON array must be separated by commas")
                item, position, buffer = _decode_one(decoder, text, buffer, position)
                number += 1
                yield number, item if isinstance(item, dict) else {"_not_an_object": item}
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 text: {error.reason}") from None


def _fill(text, buffer):
    return buffer + text.read(CHUNK)


def _skip(text, buffer, position, also=""):
    """Past whitespace (and, once, a separator in ``also``); reads more text when the buffer runs out.
    Returns ``(buffer, position, whether a separator was passed)``."""
    seen_separator = False
    while True:
        while position < len(buffer):
            char = buffer[position]
            if not (char.isspace() or (char in also and not seen_separator)):
                break
            seen_separator = seen_separator or char in also
            position += 1
        if position < len(buffer):
            return buffer, position, seen_separator
        more = text.read(CHUNK)
        if not more:
            return buffer, position, seen_separator
        buffer, position = buffer[position:] + more, 0


def _decode_one(decoder, text, buffer, position):
    """One JSON value from ``position``; reads more text while the value is incomplete."""
    buffer, position = buffer[position:], 0
    while True:
        try:
            item, end = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError as error:
            more = text.read(CHUNK)
            if not more:
                raise UnreadableFile(f"not JSON: {error.msg} near character {error.pos}") from None
            buffer += more
            continue
        if end == len(buffer):  # a number may go on in the next chunk
            more = text.read(CHUNK)
            if more:
                buffer += more
                continue
        return item, end, buffer


def sniff_format(head):
    """The format of a file from its first bytes (for a body sent without a telling Content-Type)."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        return "XLSX"
    if stripped.startswith(b"["):
        return "JSON"
    return "CSV"


__all__ = ["UnreadableFile", "count_rows", "io", "iter_rows", "sniff_format"]
