"""What can go wrong with input, as values: a Failure names file, line, column, value and rule."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Failure:
    file: str
    line: int  # physical line in the file; 1 is the header (0: the file as a whole)
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: column {_shown(self.column)}, value {_shown(self.value)}: {self.rule}"


SHOWN = 120  # characters of a value printed in a report; an enormous field is cut, its length given


def _shown(text: str) -> str:
    """repr() (control and format characters escaped, so a value cannot drive the terminal or reorder the line),
    with digits that are not ASCII escaped too ('D015\\uff10': they look like 0-9), cut when enormous."""
    if len(text) <= SHOWN:
        return _escaped(text)
    return f"{_escaped(text[:SHOWN])}… ({len(text):,} characters)"


def _escaped(text: str) -> str:
    shown = repr(text)
    if shown.isascii():
        return shown
    return "".join(f"\\u{ord(ch):04x}" if not ch.isascii() and ch.isdigit() else ch for ch in shown)


class ValidationFailed(Exception):
    """The data failed validation (exit 1). Carries every failure found, not just the first."""

    exit_code = 1

    def __init__(self, failures: list[Failure]):
        self.failures = sorted(set(failures))
        super().__init__(f"{len(self.failures)} validation failure(s)")

    def report(self) -> str:
        lines = [f"validation failed: {len(self.failures)} problem(s); the warehouse was not changed"]
        lines += [f"  {f}" for f in self.failures]
        return "\n".join(lines)


class InputError(Exception):
    """Unreadable or unusable input: missing file, wrong encoding, no header (exit 2)."""

    exit_code = 2


class WarehouseUnwritable(InputError):
    """The warehouse cannot be written where it is asked for: a read-only folder, a full disk, a folder in place of
    the file (exit 2). Nothing published is changed."""


class CoverageShrank(Exception):
    """The new warehouse would hold less than half the rows of a table the published one has (exit 1): a SIPRI
    folder missing or emptied, a file cut short. Nothing is published; `--allow-shrink` publishes it anyway."""

    exit_code = 1

    def __init__(self, lost: list[tuple[str, int, int]], sipri_dir: str | None):
        self.lost, self.sipri_dir = lost, sipri_dir
        super().__init__(self.report())

    def report(self) -> str:
        tables = "; ".join(f"{table}: {after:,} rows, {before:,} published" for table, before, after in self.lost)
        where = f"SIPRI exports read from {self.sipri_dir}" if self.sipri_dir else "no SIPRI export was read"
        return (
            f"coverage shrank: {tables} ({where}); the published warehouse was not changed. Run with "
            "--allow-shrink to publish it all the same"
        )
