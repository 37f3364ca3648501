"""Reading an .xlsx workbook as a stream of rows: fast, in flat memory, honest about formulas.

    workbook = Workbook(file)                  # raises RejectedFile if the package is damaged
    workbook.sheet_names                       # as named in the workbook, in order
    for row_number, cells in workbook.rows(sheet, stop_after=None): ...
        # cells: [(column number, value), ...] for the cells that hold something

Why not openpyxl: in read-only mode it spends some 200 µs a row in Python, so a 100,000-row
return took 20 s or more just to read. Why not python-calamine: it builds a whole sheet as a
dense grid before giving a single row, so memory grows with the file, and a 6 KB workbook with
one cell in A1 and one in XFD1048576 asks it for 550 GB and aborts the process (measured with
0.9.1: a web worker killed, not an exception); and it gives a formula's cached value as data.

So each worksheet is inflated in 64 KB pieces and fed to expat (C), whose handlers here keep
one row at a time. Only the shared strings table is held whole, as every xlsx reader must: it is
the file's own dictionary of text, bounded by the upload limits. The small parts (relationships,
workbook, styles) go through defusedxml.ElementTree; the large ones through expat with
defusedxml's own guards installed, and stricter still: a document type declaration (which
SpreadsheetML never has) rejects the file, so no entity can ever be defined or expanded (IN-02).

Values are those openpyxl gives (the tests pin them): shared and inline text, numbers as int or
float, a number in a date style as a datetime (time, timedelta), booleans, ISO dates, `CellError`
for an error value, and `Formula` for any cell with an `f` element, whatever value it has cached
(IN-04). Rows are numbered as in the spreadsheet; a row with no values is not given.
"""

import posixpath
import zipfile
from collections.abc import Iterator
from typing import BinaryIO
from xml.parsers import expat

import defusedxml.ElementTree
from defusedxml.expatreader import DefusedExpatParser
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601

from crossline.returns.safety import MAX_EXCEL_ROWS

MAX_ROWS = MAX_EXCEL_ROWS  # Excel's own limits: a "row 99,999,999" is a forged file
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 100_000  # Excel holds at most 32,767 characters in a cell
MAX_SMALL_PART_BYTES = 10 * 1024 * 1024  # relationships, workbook, styles: a few KB in a real file
CHUNK_BYTES = 64 * 1024
DATES_REMEMBERED = 20_000

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _PHONETIC, _SHARED_ITEM = (
    f"{MAIN} {name}" for name in ("row", "c", "v", "is", "t", "rPh", "si"))
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


class Damaged(Exception):  # noqa: N818 - what the reader makes of it: the file is damaged
    """The workbook breaks a rule of the format; the message says which."""


def _columns() -> dict[str, int]:
    letters = {}
    for index in range(1, MAX_COLUMNS + 1):
        letters[get_column_letter(index)] = index
    return letters


_COLUMN_NUMBERS = _columns()
_DIGITS = "0123456789"


def _column_number(reference: str) -> int:
    number = _COLUMN_NUMBERS.get(reference.rstrip(_DIGITS))
    if number is None:  # "$A$1", "a1": allowed, if unusual
        number = _COLUMN_NUMBERS.get(reference.rstrip(_DIGITS).strip("$").upper())
        if number is None:
            raise Damaged(f"a cell reference {reference[:20]!r} that is not a column of a worksheet")
    return number


def _defused_expat() -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    guard = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.StartDoctypeDeclHandler = guard.defused_start_doctype_decl
    parser.EntityDeclHandler = guard.defused_entity_decl
    parser.UnparsedEntityDeclHandler = guard.defused_unparsed_entity_decl
    parser.ExternalEntityRefHandler = guard.defused_external_entity_ref_handler
    parser.buffer_text = True
    parser.buffer_size = CHUNK_BYTES
    return parser


class Workbook:
    def __init__(self, file: BinaryIO):
        self.archive = zipfile.ZipFile(file)
        self.members = {info.filename: info for info in self.archive.infolist()}
        workbook_path = self._office_document()
        relationships = self._relationships(workbook_path)
        tree = self._small_xml(workbook_path)
        self.epoch = WINDOWS_EPOCH
        self.sheets: dict[str, tuple[str, str]] = {}  # name -> (kind, part)
        for element in tree.iter():
            tag = element.tag
            if tag == f"{{{MAIN}}}workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904
            elif tag == f"{{{MAIN}}}sheet":
                name = element.get("name")
                target = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
                if name is None or target not in relationships:
                    raise Damaged("a sheet without a name or a part")
                self.sheets[name] = relationships[target]
        self.sheet_names = list(self.sheets)
        styles = next((part for kind, part in relationships.values() if kind == "styles"), None)
        self.date_styles, self.timedelta_styles = self._styles(styles)
        self._shared_strings_part = next(
            (part for kind, part in relationships.values() if kind == "sharedStrings"), None)
        self._shared_strings: list[str] | None = None

    # --- the package ----------------------------------------------------------------------------
    def _member(self, part: str) -> zipfile.ZipInfo:
        info = self.members.get(part)
        if info is None:
            raise Damaged(f"the part {part[:100]!r} is missing")
        return info

    def _small_xml(self, part: str):
        info = self._member(part)
        if info.file_size > MAX_SMALL_PART_BYTES:
            raise Damaged(f"the part {part[:100]!r} is implausibly large")
        return defusedxml.ElementTree.fromstring(self.archive.read(info), forbid_dtd=True)

    def _office_document(self) -> str:
        if "_rels/.rels" in self.members:
            for element in self._small_xml("_rels/.rels").iter(_PACKAGE_RELS):
                if element.get("Type", "").endswith("/officeDocument"):
                    return _resolve("", element.get("Target", ""))
        return "xl/workbook.xml"

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """The relationships of `part`: id -> (kind, the part it names)."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        found = {}
        if rels in self.members:
            for element in self._small_xml(rels).iter(_PACKAGE_RELS):
                if element.get("TargetMode") == "External":
                    continue
                kind = element.get("Type", "").rsplit("/", 1)[-1]
                found[element.get("Id")] = (kind, _resolve(folder, element.get("Target", "")))
        return found

    def _styles(self, part: str | None) -> tuple[frozenset[int], frozenset[int]]:
        """The cell styles (by index) that show a number as a date, and those that show a duration."""
        if part is None or part not in self.members:
            return frozenset(), frozenset()
        tree = self._small_xml(part)
        custom = {element.get("numFmtId"): element.get("formatCode")
                  for element in tree.iter(f"{{{MAIN}}}numFmt")}
        dates, durations = set(), set()
        cell_styles = tree.find(f"{{{MAIN}}}cellXfs")
        for index, style in enumerate(cell_styles.iter(f"{{{MAIN}}}xf") if cell_styles is not None else ()):
            format_id = style.get("numFmtId", "0")
            code = custom.get(format_id)
            if code is None and format_id.isdigit():
                code = BUILTIN_FORMATS.get(int(format_id))
            if is_date_format(code):
                dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
        return frozenset(dates), frozenset(durations)

    def kind(self, sheet: str) -> str:
        return self.sheets[sheet][0]

    def close(self) -> None:
        self.archive.close()

    # --- text ------------------------------------------------------------------------------------
    def shared_strings(self) -> list[str]:
        if self._shared_strings is None:
            self._shared_strings = [] if self._shared_strings_part is None else list(
                self._read_shared_strings(self._shared_strings_part))
        return self._shared_strings

    def _read_shared_strings(self, part: str) -> Iterator[str]:
        strings: list[str] = []
        parts: list[str] = []
        capture = False
        phonetic = 0

        def start(name, attrs):
            nonlocal capture, phonetic
            if name == _TEXT:
                capture = not phonetic
            elif name == _SHARED_ITEM:
                parts.clear()
            elif name == _PHONETIC:
                phonetic += 1

        def end(name):
            nonlocal capture, phonetic
            if name == _TEXT:
                capture = False
            elif name == _SHARED_ITEM:
                # As openpyxl reads them, so that text reads the same as it always has.
                strings.append("".join(parts).replace("x005F_", ""))
            elif name == _PHONETIC:
                phonetic -= 1

        def text(data):
            if capture:
                parts.append(data)

        parser = _defused_expat()
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        with self.archive.open(self._member(part)) as stream:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                parser.Parse(chunk, False)
                yield from strings
                strings.clear()
            parser.Parse(b"", True)
        yield from strings

    # --- rows ------------------------------------------------------------------------------------
    def rows(self, sheet: str, *, formula, cell_error, position: list) -> Iterator[tuple[int, list]]:
        """(row number, [(column, value), ...]) for each row of `sheet` that holds a value.
        `formula(text)` and `cell_error(text)` make the values that stand for those cells;
        `position[0]` follows the row being read, for error messages."""
        kind, part = self.sheets[sheet]
        shared = self.shared_strings()
        reader = _SheetReader(self, shared, formula, cell_error, position)
        with self.archive.open(self._member(part)) as stream:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                reader.parser.Parse(chunk, False)
                if reader.ready:
                    yield from reader.ready
                    reader.ready.clear()
            reader.parser.Parse(b"", True)
        yield from reader.ready


def _resolve(folder: str, target: str) -> str:
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path)


class _SheetReader:
    """The expat handlers for one worksheet. The hot path of reading an xlsx return: 20 cells a
    row, a few callbacks a cell; state lives in closure cells, the common elements come first."""

    def __init__(self, workbook: Workbook, shared: list[str], formula, cell_error, position: list):
        self.ready: list[tuple[int, list]] = []
        ready = self.ready
        date_styles, timedelta_styles, epoch = workbook.date_styles, workbook.timedelta_styles, workbook.epoch
        shared_formulas: dict[str, tuple[str, str]] = {}
        dates: dict[tuple[str, str], object] = {}  # a return repeats its dates: each converted once
        row_number = 0
        cells: list = []
        in_row = in_cell = in_inline = False
        phonetic = 0
        column = 0
        cell_type = cell_style = reference = None
        value_text: str | None = None
        inline_text: list[str] | None = None
        formula_attrs: dict | None = None
        formula_text = ""
        parts: list[str] = []
        capture = False

        def start(name, attrs):
            nonlocal row_number, cells, in_row, in_cell, in_inline, phonetic, column, cell_type, cell_style
            nonlocal reference, value_text, inline_text, formula_attrs, capture
            if name == _CELL:
                if not in_row:
                    return
                reference = attrs.get("r")
                column = _column_number(reference) if reference else column + 1
                if column > MAX_COLUMNS:
                    raise Damaged("a cell beyond the last column a worksheet can have")
                cell_type = attrs.get("t", "n")
                cell_style = attrs.get("s")
                value_text = inline_text = formula_attrs = None
                in_cell = True
            elif name == _VALUE:
                if in_cell:
                    parts.clear()
                    capture = True
            elif name == _INLINE:
                if in_cell:
                    in_inline = True
                    inline_text = []
            elif name == _TEXT:
                if in_inline and not phonetic:
                    parts.clear()
                    capture = True
            elif name == _ROW:
                number = attrs.get("r")
                number = _row_number(number) if number else row_number + 1
                if number <= row_number:
                    raise Damaged(f"row {number} comes after row {row_number}")
                if number > MAX_ROWS:
                    raise Damaged("more rows than Excel allows")
                row_number = position[0] = number
                cells = []
                column = 0
                in_row = True
            elif in_cell and name.rpartition(" ")[2] == "f":
                # Any f element, in whatever namespace: a formula, never its cached value (IN-04).
                formula_attrs = attrs
                parts.clear()
                capture = True
            elif name == _PHONETIC:
                phonetic += 1

        def end(name):
            nonlocal in_row, in_cell, in_inline, phonetic, value_text, formula_text, capture
            if name == _CELL:
                if not in_cell:
                    return
                in_cell = False
                if formula_attrs is not None:
                    cells.append((column, formula(self._formula(formula_text, formula_attrs, reference, row_number,
                                                                column, shared_formulas))))
                    return
                if cell_type == "inlineStr":
                    value = "".join(inline_text) if inline_text is not None else None
                    if value:
                        cells.append((column, value))
                    return
                if not value_text:
                    return
                if cell_type == "n":
                    if cell_style is not None and int(cell_style) in date_styles:
                        value = dates.get((value_text, cell_style))
                        if value is None:
                            value = _date_value(value_text, epoch, int(cell_style) in timedelta_styles, cell_error)
                            if len(dates) < DATES_REMEMBERED:
                                dates[value_text, cell_style] = value
                    else:
                        value = _number(value_text)
                elif cell_type == "s":
                    index = int(value_text)
                    if index < 0:
                        raise IndexError(index)
                    value = shared[index]
                    if not value:
                        return
                elif cell_type == "str":
                    value = value_text
                elif cell_type == "b":
                    value = bool(int(value_text))
                elif cell_type == "e":
                    value = cell_error(value_text)
                elif cell_type == "d":
                    value = from_ISO8601(value_text)
                else:
                    value = value_text
                cells.append((column, value))
            elif name == _VALUE:
                if capture:
                    capture = False
                    value_text = "".join(parts)
                    if len(value_text) > MAX_CELL_CHARS:
                        raise Damaged("a cell longer than any spreadsheet cell can be")
            elif name == _TEXT:
                if capture:
                    capture = False
                    inline_text.append("".join(parts))
                    if sum(map(len, inline_text)) > MAX_CELL_CHARS:
                        raise Damaged("a cell longer than any spreadsheet cell can be")
            elif name == _INLINE:
                in_inline = False
            elif name == _ROW:
                if cells:
                    ready.append((row_number, cells))
                in_row = False
            elif name == _PHONETIC:
                phonetic -= 1
            elif capture and in_cell and name.rpartition(" ")[2] == "f":
                capture = False
                formula_text = "".join(parts)

        def text(data):
            if capture:
                parts.append(data)

        self.parser = _defused_expat()
        self.parser.StartElementHandler, self.parser.EndElementHandler = start, end
        self.parser.CharacterDataHandler = text

    @staticmethod
    def _formula(text: str, attrs: dict, reference: str | None, row: int, column: int,
                 shared_formulas: dict[str, tuple[str, str]]) -> str:
        """The formula as written in Excel, for the error message: "=" and its text. A cell that
        shares another's formula has no text of its own: the first cell's formula, moved."""
        coordinate = reference or f"{get_column_letter(column)}{row}"
        if attrs.get("t") != "shared":
            return f"={text}"
        index = attrs.get("si", "")
        if text:
            shared_formulas.setdefault(index, (f"={text}", coordinate))
            return f"={text}"
        if index in shared_formulas:
            formula, origin = shared_formulas[index]
            try:
                return Translator(formula, origin).translate_formula(coordinate)
            except Exception:  # noqa: BLE001 - only a message is at stake; the cell is refused either way
                return formula
        return "=(a shared formula)"


def _number(text: str) -> int | float:
    return float(text) if "." in text or "e" in text or "E" in text else int(text)  # as openpyxl


def _date_value(text: str, epoch, duration: bool, cell_error):
    number = _number(text)
    try:
        return from_excel(number, epoch, timedelta=duration)
    except (OverflowError, ValueError):
        return cell_error("#VALUE!")  # as openpyxl: a date beyond any calendar


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)  # as openpyxl: "5.0" is row 5
        if not number.is_integer():
            raise Damaged(f"a row numbered {text[:20]!r}") from None
        return int(number)
