"""``claimhouse validate`` and ``claimhouse parse``: the X12 engine on files from a terminal.

The engine (``edi``) is sans-I/O; this module does the file work: it reads each file in 1 MiB
chunks, decodes them, feeds the validator or the loop walker and writes acknowledgments.

Exit codes: 0 every file is clean, 1 at least one file has errors, 2 a file could not be read
(missing, unreadable, or not X12 at all).
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from edi.acknowledgments import AckControl, acknowledge, collect_context
from edi.errors import StrictModeError, X12Error
from edi.maps import resolve
from edi.validation import ValidationReport, validate
from edi.x12 import iter_segments, serialize
from edi.x12.segment import Segment
from edi.x12.tokenizer import Tokenizer
from edi.x12.walker import Loop, iter_loops

__all__ = ["register", "validate_command", "parse_command"]

CHUNK = 1 << 20                     # read files 1 MiB at a time
LARGE_FILE = 4 << 20                # a progress bar for files above 4 MiB
EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class _Progress:
    """Bytes read across all files, shown with tqdm on stderr when it helps."""

    def __init__(self, paths: list[Path], forced: bool) -> None:
        self.bar = None
        sizes = [p.stat().st_size for p in paths if p.is_file()]
        wanted = forced or (sys.stderr.isatty() and (len(paths) > 1 or
                                                     any(s > LARGE_FILE for s in sizes)))
        if wanted:
            from tqdm import tqdm
            self.bar = tqdm(total=sum(sizes), unit="B", unit_scale=True, file=sys.stderr,
                            desc="reading", leave=False)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def describe(self, name: str) -> None:
        if self.bar is not None:
            self.bar.set_description(name[-30:])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _chunks(path: Path, progress: _Progress | None = None) -> Iterator[str]:
    """The file's text, decoded 1 MiB at a time; bytes that are not UTF-8 become U+FFFD,
    which the validator then reports as an invalid character at its segment."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    with path.open("rb") as fh:
        while True:
            block = fh.read(CHUNK)
            if not block:
                break
            if progress is not None:
                progress.advance(len(block))
            yield decoder.decode(block)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


@dataclass(frozen=True, slots=True)
class _Outcome:
    path: Path
    report: ValidationReport | None
    problem: str = ""                   # why the file could not be read (or was stopped)
    stopped: bool = False               # --strict stopped reading at a defect

    @property
    def exit_code(self) -> int:
        if self.stopped:
            return EXIT_ERRORS
        if self.report is None or self.report.fatal is not None:
            return EXIT_UNREADABLE
        return EXIT_OK if self.report.ok else EXIT_ERRORS


# -- validate ------------------------------------------------------------------------------

def _summary(report: ValidationReport) -> str:
    sets = [t for i in report.interchanges for g in i.groups for t in g.transactions]
    accepted = sum(1 for t in sets if t.accepted)
    errors = sum(1 for d in report.defects if d.is_error)
    warnings = len(report.defects) - errors
    verdict = "OK" if report.ok else "ERRORS"
    if report.fatal is not None:
        verdict = "CANNOT BE READ as X12 (reading stopped)"
    return (f"{verdict}: {report.segment_count} segments, {len(sets)} transaction set(s), "
            f"{accepted} accepted, {len(sets) - accepted} rejected; {errors} error(s), "
            f"{warnings} warning(s)")


def _report_json(outcome: _Outcome) -> dict[str, Any]:
    report = outcome.report
    if report is None:
        return {"file": str(outcome.path), "ok": False, "readable": outcome.stopped,
                "error": outcome.problem}
    return {
        "file": str(outcome.path), "ok": report.ok, "readable": report.fatal is None,
        "segments": report.segment_count,
        "fatal": report.fatal.to_dict() if report.fatal else None,
        "interchanges": [{
            "control_number": i.isa.get(13).strip(), "sender": i.header.sender_id,
            "receiver": i.header.receiver_id,
            "defects": [d.to_dict() for d in i.defects],
            "groups": [{
                "functional_id": g.header.functional_id,
                "control_number": g.header.control_number, "version": g.header.version,
                "defects": [d.to_dict() for d in g.defects],
                "transactions": [{
                    "set_id": t.set_id, "control_number": t.control_number,
                    "implementation": t.implementation, "accepted": t.accepted,
                    "segments": t.segment_count, "claims": t.claim_count,
                    "defects": [d.to_dict() for d in t.defects],
                } for t in g.transactions],
            } for g in i.groups],
        } for i in report.interchanges],
        "defects": [d.to_dict() for d in report.defects],
    }


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary name and rename, so a reader never sees half an acknowledgment."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="ascii", errors="replace", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _free_name(directory: Path, stem: str, suffix: str) -> Path:
    """``stem.suffix``, or ``stem.2.suffix``... when an earlier acknowledgment has the name
    (two files of the same name, or a file sent twice): acknowledgments are never replaced."""
    target = directory / f"{stem}.{suffix}"
    n = 1
    while target.exists():
        n += 1
        target = directory / f"{stem}.{n}.{suffix}"
    return target


def _write_acks(outcome: _Outcome, ack_dir: Path, control: AckControl) -> tuple[list[Path], int]:
    """Write every TA1/999 the file calls for; returns the files and the next ISA13."""
    report = outcome.report
    assert report is not None
    context = None
    if any(d.path.file_position for d in report.defects):
        # A second streaming pass keeps the segments in error for IK404 and CTX.
        context = collect_context(iter_segments(_chunks(outcome.path), str(outcome.path)),
                                  report)
    written: list[Path] = []
    next_control = control.interchange_control
    for ack in acknowledge(report, control, context):
        suffix = "ta1" if ack.kind == "TA1" else "999"
        target = _free_name(ack_dir, f"{outcome.path.name}.{ack.acknowledges or 'unknown'}",
                            suffix)
        _write_atomically(target, serialize(ack.segments, line_breaks=True))
        written.append(target)
        next_control = ack.control_number + 1
    return written, next_control


def _print_words(outcome: _Outcome, out: TextIO) -> None:
    if outcome.report is None:
        what = "" if outcome.stopped else "cannot be read: "
        print(f"{outcome.path}: {what}{outcome.problem}", file=out)
        return
    report = outcome.report
    print(f"{outcome.path}: {_summary(report)}", file=out)
    for d in report.defects:
        print(f"  {d}", file=out)
    if report.fatal is not None and report.fatal not in report.defects:
        print(f"  {report.fatal}", file=out)


def _validate_one(path: Path, strict: bool, progress: _Progress) -> _Outcome:
    progress.describe(path.name)
    try:
        report = validate(_chunks(path, progress), str(path), strict=strict)
    except BrokenPipeError:
        raise
    except OSError as exc:
        return _Outcome(path, None, exc.strerror or str(exc))
    except StrictModeError as exc:
        # --strict: the first defect stops reading; it is the file's finding.
        return _Outcome(path, None, f"stopped at the first problem: {exc.defect}",
                        stopped=True)
    except X12Error as exc:
        return _Outcome(path, None, str(exc))
    return _Outcome(path, report)


def validate_command(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.files]
    out = sys.stdout
    ack_dir: Path | None = Path(args.ack) if args.ack else None
    if ack_dir is not None:
        try:
            ack_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"error: {ack_dir}: cannot create the acknowledgment folder "
                  f"({exc.strerror or exc}); nothing validated", file=sys.stderr)
            return EXIT_UNREADABLE
    control_number = args.control_number or (int(time.time()) % 900_000_000 + 1)
    worst = EXIT_OK
    progress = _Progress(paths, args.progress)
    try:
        for path in paths:
            outcome = _validate_one(path, args.strict, progress)
            worst = max(worst, outcome.exit_code)
            written: list[Path] = []
            if ack_dir is not None and outcome.report is not None and \
                    outcome.report.interchanges:
                control = AckControl(interchange_control=control_number,
                                     group_control=control_number,
                                     when=dt.datetime.now().replace(microsecond=0))
                try:
                    written, control_number = _write_acks(outcome, ack_dir, control)
                except OSError as exc:
                    # The report is still printed; the missing acknowledgment is an error.
                    print(f"error: {path}: cannot write its acknowledgment in {ack_dir} "
                          f"({exc.strerror or exc})", file=sys.stderr)
                    worst = max(worst, EXIT_UNREADABLE)
            if args.json:
                doc = _report_json(outcome)
                doc["acknowledgments"] = [str(p) for p in written]
                print(json.dumps(doc), file=out)
            else:
                _print_words(outcome, out)
                for p in written:
                    print(f"  acknowledgment written: {p}", file=out)
    finally:
        progress.close()
    return worst


# -- parse ---------------------------------------------------------------------------------

def _loop_json(loop: Loop) -> dict[str, Any]:
    return {"loop": loop.id, "name": loop.name,
            "segments": [[s.tag, *s.elements] for s in loop.segments],
            "children": [_loop_json(c) for c in loop.children]}


def _print_tree(loop: Loop, out: TextIO, depth: int = 0) -> None:
    pad = "  " * depth
    print(f"{pad}[{loop.id}] {loop.name}", file=out)
    merged: list[tuple[int, Segment | Loop]] = [(s.position, s) for s in loop.segments]
    merged += [(c.segments[0].position if c.segments else 0, c) for c in loop.children]
    for _, item in sorted(merged, key=lambda p: p[0]):
        if isinstance(item, Loop):
            _print_tree(item, out, depth + 1)
        else:
            print(f"{pad}  {item.to_text().rstrip(item.delimiters.segment)}", file=out)


def _one_set(first: Segment, rest: Iterator[Segment]) -> Iterator[Segment]:
    """ST and every following segment up to its SE (or the group's end)."""
    yield first
    for seg in rest:
        yield seg
        if seg.tag in ("SE", "GE", "IEA"):
            return


def _sets(segments: Iterable[Segment]) -> Iterator[tuple[str, str, Segment, Iterator[Segment]]]:
    """(GS08, ISA13, ST segment, the set's segments) as the file is read."""
    gs08 = isa13 = ""
    it = iter(segments)
    for seg in it:
        if seg.tag == "ISA":
            isa13 = seg.get(13).strip()
        elif seg.tag == "GS":
            gs08 = seg.get(8)
        elif seg.tag == "ST":
            yield gs08, isa13, seg, _one_set(seg, it)


def _noted_segments(chunks: Iterable[str], path: Path) -> Iterator[Segment]:
    """The file's segments; what the tokenizer tolerated while reading (a bare ST..SE read in
    a synthetic envelope, an ISA with blanks around its separators) is said on stderr as it
    is met, never silently."""
    tokenizer = Tokenizer(str(path))
    said = 0

    def news() -> None:
        nonlocal said
        for note in tokenizer.problems[said:]:
            print(f"{path}: {note.severity.value}: {note.message}", file=sys.stderr)
        said = len(tokenizer.problems)

    for chunk in chunks:
        segments = tokenizer.feed(chunk)
        news()
        yield from segments
    segments = tokenizer.close()
    news()
    yield from segments


def parse_command(args: argparse.Namespace) -> int:
    path = Path(args.file)
    out = sys.stdout
    status = EXIT_OK
    progress = _Progress([path], args.progress)
    try:
        for gs08, isa13, st, body in _sets(_noted_segments(_chunks(path, progress), path)):
            found = resolve(st.get(1), gs08, st.get(3))
            if found is None:
                print(f"{path}: transaction set {st.get(1)} {st.get(2)}: no definition for "
                      f"guide {st.get(3) or gs08!r}; skipped", file=sys.stderr)
                for _ in body:
                    pass
                status = EXIT_ERRORS
                continue
            for item in iter_loops(body, found.definition):
                if args.json:
                    print(json.dumps({
                        "file": str(path), "interchange": isa13, "transaction": st.get(2),
                        "set_id": st.get(1), "guide": found.definition.version,
                        "ancestors": [a.id for a in item.ancestors],
                        "tree": _loop_json(item.loop)}), file=out)
                else:
                    if item.ancestors:
                        print(" / ".join(a.id for a in item.ancestors), file=out)
                    _print_tree(item.loop, out, len(item.ancestors))
    except BrokenPipeError:
        raise
    except OSError as exc:
        print(f"{path}: cannot be read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except X12Error as exc:
        print(f"{path}: cannot be read as X12: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    finally:
        progress.close()
    return status


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    v = subparsers.add_parser(
        "validate", help="check X12 files and explain every problem found",
        description="Validate X12 005010 files (envelopes, guide rules, balancing). "
                    "Exit 0 clean, 1 errors, 2 a file cannot be read.")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--json", action="store_true", help="one JSON report per file, per line")
    v.add_argument("--ack", metavar="DIR", help="write the 999 and TA1 acknowledgments here")
    v.add_argument("--strict", action="store_true", help="stop a file at its first problem")
    v.add_argument("--control-number", type=int, default=0, metavar="N",
                   help="ISA13/GS06 of the first acknowledgment written (default: from the "
                        "clock)")
    v.add_argument("--progress", action="store_true",
                   help="show a progress bar even when stderr is not a terminal")
    v.set_defaults(handler=validate_command)

    p = subparsers.add_parser(
        "parse", help="print the loop tree of an X12 file",
        description="Print each transaction set's loop tree as it is read (claim by claim).")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON loop tree per line")
    p.add_argument("--progress", action="store_true",
                   help="show a progress bar even when stderr is not a terminal")
    p.set_defaults(handler=parse_command)

