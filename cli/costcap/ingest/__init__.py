"""Ingest exports, logs and Batch output into the store: files -> reader -> records -> calls, all files in one
transaction, each file once, and never silent: a file that gives nothing is said and not stored.

Files read with the same reader and preset are read together: their records reach one SQL statement per batch, and
their identities, aggregates and spend are settled and counted once for the batch, so a folder of 20,000 small
rotated logs costs about what one big log does.
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from costcap import aggregates, identity, numbers
from costcap.errors import CostcapError, InputError
from costcap.ingest import files, infer, presets, readers, unwrap
from costcap.ingest.calls import CallSink, Tally
from costcap.ingest.records import WRAPPER_TIME, Options
from costcap.store import Store
from costcap.waits import Limits

PREVIEW_CALLS = 3
GROUP_FILES = 5_000  # files read together before their identities and aggregates are settled
GROUP_BYTES = 256 << 20
Progress = Callable[[int, int], None]


@dataclass
class Request:
    """What to ingest and how."""

    paths: list[str]
    kind: str = "auto"
    options: Options = field(default_factory=Options)
    skip_bad: bool = False
    # a pull: API rows replace every stored bucket that starts in [start, end), whatever source it came from
    replace_range: tuple[datetime, datetime] | None = None
    dry_run: bool = False  # read and check everything, store nothing
    force: bool = False  # re-read a file already stored: its earlier sources (by path or content) go first
    recursive: bool = False  # a folder's subfolders are read too
    limits: Limits = field(default_factory=Limits)  # how long a URL input may keep costcap waiting
    save_preset: Path | None = None  # write the mapping the call files were read with, as a preset file


@dataclass
class FileResult:
    """What one file added to the store."""

    path: str
    kind: str
    status: str  # ingested | appended | unchanged | not an input | passed over | nothing to store | unreadable | link followed
    rows: int = 0
    skipped: int = 0
    bad: int = 0
    duplicates: int = 0  # calls another source already holds; for exports, older rows of the same bucket replaced
    spend_usd: Decimal = Decimal(0)
    unpriced: int = 0
    unpriced_models: list[str] = field(default_factory=list)
    first_line: int = 1
    bad_examples: list[str] = field(default_factory=list)
    preset: str | None = None
    note: str | None = None
    reported_usd: Decimal | None = None  # what the writing tool said these calls cost (LiteLLM's spend)
    priced_where_reported: Decimal | None = None
    passed_over: dict[str, int] = field(default_factory=dict)  # records with tokens that are not calls, by reason
    unread: int = 0  # records that name token counts and gave no call
    unread_keys: list[str] = field(default_factory=list)
    disagreeing_parents: int = 0  # parent spans whose tokens differ from the sum of the calls beneath them
    naive_times: int = 0  # calls whose time had no offset and were read as UTC (no --tz)
    read_as: str | None = None  # where the records were found inside their wrapping
    inferred: list[str] = field(default_factory=list)  # what inferring the mapping chose (a mapping no preset gave)
    rounded_amounts: int = 0  # amounts with digits past the 18th decimal, rounded half to even
    largest_rounding_usd: float | None = None  # the most one of them moved
    field_keys: dict[str, str] = field(default_factory=dict)  # dry run: the key that fed each call field
    preview: list[dict] = field(default_factory=list)  # dry run: the first calls as they would be stored


def ingest(store: Store, request: Request, progress: Progress | None = None) -> list[FileResult]:
    """Ingest every file named; any error rolls the whole ingest back, and so does a dry run."""
    with _spool() as spool:
        items, aside = files.expand(request.paths, Path(spool), request.recursive, request.limits, request.skip_bad)
        what = f"the ingest of {numbers.counted(len(items), 'file')}"

        def attempt() -> tuple[_Run, list[FileResult]]:
            with store.transaction(commit=not request.dry_run, what=what):
                # what the store holds is read inside the transaction: on a team store another writer may have
                # committed a moment ago, and the commit must conflict with what this run saw, not an older state
                run = _Run(store, request, items, progress)
                found = run.all()
                aggregates.recount_runs(store)
            return run, found

        run, found = store.retried(attempt, what)
        if request.save_preset is not None:
            run.save_preset(request.save_preset)
        return found + [FileResult(a.path, a.kind, a.status, note=a.note) for a in aside]


@contextmanager
def _spool():
    """A private temporary folder for stdin and fetched objects, deleted afterwards."""
    try:
        folder = tempfile.TemporaryDirectory(prefix="costcap-")
    except OSError as exc:
        raise CostcapError(f"cannot make a temporary folder in {tempfile.gettempdir()} ({exc.strerror or exc}); free "
                           "space there or point TMPDIR at a writable folder") from None  # fmt: skip
    with folder as path:
        yield path


@dataclass
class _Ready:
    """A file checked and given its source id, waiting to be read."""

    item: files.Input
    reader: readers.Reader
    head_text: str
    result: FileResult
    source_id: int
    document_id: int
    sha256: str
    path: str
    skip_bytes: int = 0
    lines_before: int = 0
    mapping: presets.Mapping = field(default_factory=lambda: presets.Mapping(presets.presets()[presets.BASE]))
    sample: list[dict] = field(default_factory=list)
    unwrapper: unwrap.Unwrapper | None = None

    def joins(self, group: list[_Ready]) -> bool:
        """Whether this file can be read in the same batch as `group`: same reader and mapping, room left."""
        if not group:
            return True
        first = group[0]
        size = sum(r.item.size for r in group)
        return (self.reader.name, self.mapping.preset) == (first.reader.name, first.mapping.preset) and (
            len(group) < GROUP_FILES and size + self.item.size <= GROUP_BYTES)  # fmt: skip


NO_PRIOR = (None, 0, 0, None, None)  # a path the store has not read: (sha256, bytes, lines, kind, document_id)


@dataclass
class _Known:
    """What the store holds, by content and by path: an ingest checks each file against it."""

    by_sha: dict[str, int] = field(default_factory=dict)
    latest: dict[str, tuple] = field(default_factory=dict)  # path -> (sha256, bytes, lines, kind, document_id)
    by_id: dict[int, tuple] = field(default_factory=dict)  # the same, per source

    @classmethod
    def load(cls, store: Store) -> _Known:
        known = cls()
        for source_id, path, *digest in store.rows("ingest/list_source_digests"):
            known.by_sha.setdefault(digest[0], source_id)
            known.latest[path] = known.by_id.setdefault(source_id, tuple(digest))
        return known


class _Run:
    """One ingest: each file checked in turn, call files read in batches, summaries loaded one by one."""

    def __init__(self, store: Store, request: Request, items: list[files.Input], progress: Progress | None):
        self.store, self.request, self.items = store, request, items
        self.progress = _Bytes(progress, sum(i.size for i in items))
        self.known = _Known.load(store)
        self.next_id = store.rows("ingest/next_source_id")[0][0]
        self.group: list[_Ready] = []
        self.mappings: dict[str, presets.Mapping] = {}  # file -> the mapping its calls were read with

    def all(self) -> list[FileResult]:
        results = []
        for item in self.items:
            ready = self._check(item)
            if isinstance(ready, FileResult):
                results.append(ready)
                self.progress.add(item.size)
                continue
            results.append(ready.result)
            if ready.reader.calls:
                if not ready.joins(self.group):
                    self._read_group()
                self.group.append(ready)
            else:
                self._read_group()
                self._load_summary(ready)
                self.progress.add(item.size)
        self._read_group()
        return results

    def _check(self, item: files.Input) -> _Ready | FileResult:
        """Which reader takes the file, and whether the store holds it already; a new source id if not."""
        found = self._reader(item)
        if isinstance(found, FileResult):
            return found
        reader, head_text = found
        if reader.note:
            return FileResult(item.name, reader.name, "passed over", note=reader.note(head_text))
        path = _stored_path(item)
        if self.request.force:
            self._read_group()
            self._forget_earlier(item, path)
        prior = self.known.latest.get(path) or NO_PRIOR
        grows = reader.appends and prior[3] == reader.name
        content = files.digest(item, prior[1] if grows else None)
        item.limit = content.size  # read what was hashed, no more: the stored size and lines then match the read
        sha = files.source_sha(content.sha256, item.partition)
        held = self.known.by_sha.get(sha)
        if held is not None:
            return self._unchanged(item, reader, path, held)
        appended = (
            grows
            and content.prefix_sha256 is not None
            and files.source_sha(content.prefix_sha256, item.partition) == prior[0]
            and content.size > prior[1]
        )
        source_id, self.next_id = self.next_id, self.next_id + 1
        result = FileResult(
            item.name, reader.name, "appended" if appended else "ingested", first_line=prior[2] + 1 if appended else 1
        )
        ready = _Ready(item, reader, head_text, result, source_id, prior[4] if appended else source_id, sha, path,
                       prior[1] if appended else 0, prior[2] if appended else 0)  # fmt: skip
        self.known.by_sha[sha] = source_id
        self.known.latest[path] = self.known.by_id[source_id] = (
            sha,
            content.size,
            ready.lines_before,
            reader.name,
            ready.document_id,
        )
        if reader.calls and reader.sample is not None:
            self._read_with(ready, [{**item.partition, **r} for r in reader.sample(head_text)])
        return ready

    def _read_with(self, ready: _Ready, sample: list[dict]) -> None:
        """How a call file's records are read: out of their wrapping, with a shipped preset or a mapping inferred
        from their keys."""
        if not ready.reader.preset:
            ready.unwrapper, sample = unwrap.unwrapper_for(sample)
            if ready.unwrapper is not None:
                ready.result.read_as = ready.unwrapper.describe()
        preset, inferred = _preset(ready.reader, self.request.options, sample)
        ready.sample, ready.mapping = sample, presets.Mapping(preset, self.request.options.fields)
        ready.result.preset = preset.name
        self.mappings[ready.item.name] = ready.mapping
        if inferred is not None:
            ready.result.inferred = [
                *(f"{name} <- {keys[0]}" for name, keys in inferred.fields.items()),
                *inferred.notes,
            ]

    def save_preset(self, path: Path) -> None:
        """--save-preset: the one mapping the call files were read with, as a preset file --preset reads back."""
        distinct = list(
            {repr(m.preset.fields) + repr(m.overrides): (name, m) for name, m in self.mappings.items()}.values()
        )
        if not distinct:
            raise CostcapError(f"--save-preset {path}: no file was read as calls, so there is no mapping to save")
        if len(distinct) > 1:
            raise CostcapError(f"--save-preset {path}: the files were read with {len(distinct)} different mappings; "
                               "save one file's at a time")  # fmt: skip
        name, mapping = distinct[0]
        presets.save(mapping, path, name)

    def _reader(self, item: files.Input) -> tuple[readers.Reader, str] | FileResult:
        raw = files.head(item)
        binary = readers.binary_kind(raw)
        kind = self.request.kind
        try:
            if binary is not None and binary.head_text is not None and kind in ("auto", binary.name):
                return binary, binary.head_text(item)
            head_text = readers.decode_head(item.name, raw, lenient=self.request.skip_bad)
            return (
                readers.detect(item.name, head_text) if kind == "auto" else readers.forced(item.name, head_text, kind)
            ), head_text
        except readers.UnknownKind as exc:
            if item.explicit:
                raise
            return FileResult(item.name, "unknown", "not an input", note=exc.what)

    def _unchanged(self, item: files.Input, reader: readers.Reader, path: str, held: int) -> FileResult:
        """Content the store holds already: nothing is read again; a new path is noted as another copy of it."""
        if path not in self.known.latest:
            self.store.execute("ingest/insert_source_copy", source_id=held, path=path)
            self.known.latest[path] = self.known.by_id.get(held, ("", 0, 0, reader.name, held))
            return FileResult(item.name, reader.name, "unchanged", note="the same content as a stored source: kept as "
                              "another copy of it, nothing added")  # fmt: skip
        return FileResult(item.name, reader.name, "unchanged")

    def _forget_earlier(self, item: files.Input, path: str) -> None:
        """--force: the sources of this path, and of this content under any path, are taken out before it is re-read."""
        from costcap import sources

        sha = files.source_sha(files.digest(item).sha256, item.partition)
        for source_id in sources.holding(self.store, path, sha):
            sources.remove(self.store, source_id)
        self.known = _Known.load(self.store)

    def _read_group(self) -> None:
        """Read the waiting call files together, then settle, count and price them as one batch."""
        group, self.group = self.group, []
        if not group:
            return
        tallies, reads = self._read_records(group)
        ids = [r.source_id for r in group]
        if any(r.mapping.keys("span_id") for r in group):
            self._pass_over_parents(group, tallies)
        for source_id, naive in self.store.rows("ingest/count_naive_times", sources=ids):
            next(r for r in group if r.source_id == source_id).result.naive_times = naive
        identity.settle_new(self.store, ids)
        counted = dict(self.store.rows("ingest/count_source_calls", sources=ids))
        copies = dict(self.store.rows("ingest/count_source_copies", sources=ids))
        for ready in group:
            _tell(ready, tallies[ready.source_id], reads[ready.source_id], counted, copies)
        kept = [r for r in group if r.result.status in ("ingested", "appended")]
        aggregates.count_sources(self.store, [r.source_id for r in kept])
        self._record(kept, {r.source_id: reads[r.source_id] for r in kept})
        self._add_spend({r.source_id: r.result for r in kept})
        if self.request.dry_run:
            for ready in kept:
                ready.result.field_keys = _fed_by(ready.mapping, ready.sample)
                ready.result.preview = self.store.dicts(
                    "ingest/preview_calls", source_id=ready.source_id, limit=PREVIEW_CALLS
                )

    def _pass_over_parents(self, group: list[_Ready], tallies: dict[int, Tally]) -> None:
        """A trace's parent spans repeat the tokens of the calls beneath them: passed over, and said where they differ."""
        ids = [r.source_id for r in group]
        kinds = sorted(infer.vocabulary().model_request_kinds)
        for source_id, _, disagreeing in self.store.rows("ingest/pass_over_parent_spans", sources=ids, kinds=kinds):
            next(r for r in group if r.source_id == source_id).result.disagreeing_parents = disagreeing
        for source_id, reason, count in self.store.rows("ingest/passed_calls", sources=ids):
            tallies[source_id].passed[reason] = tallies[source_id].passed.get(reason, 0) + count
            tallies[source_id].calls -= count
        self.store.execute("ingest/delete_bad_calls", sources=ids)
        self.store.execute("ingest/clear_trace_spans")

    def _read_records(self, group: list[_Ready]) -> tuple[dict[int, Tally], dict[int, int]]:
        sink = CallSink(self.store, group[0].mapping, self.request.options, self.request.skip_bad)
        reads = {}
        try:
            for ready in group:
                sink.open(ready.source_id, ready.item.name, ready.document_id, ready.item.partition)
                reject = functools.partial(sink.reject, ready.source_id)
                reads[ready.source_id] = 0
                assert ready.reader.batches is not None, "only call readers are grouped"
                for lines, records, count, size in ready.reader.batches(
                    ready.item, ready.skip_bytes, ready.result.first_line, reject
                ):
                    sink.add(ready.source_id, *unwrap.apply_batch(ready.unwrapper, lines, records))
                    reads[ready.source_id] += count
                    self.progress.add(size)
        finally:
            tallies = sink.close()
        return tallies, reads

    def _record(self, kept: list[_Ready], reads: dict[int, int]) -> None:
        if not kept:
            return
        # a call source holds its counted rows and those another source counts; an export, the rows it stored
        rows = [(r.source_id, r.path, r.sha256, r.result.kind, r.result.rows + (r.result.duplicates if r.reader.calls else 0), r.result.skipped,
                 r.result.bad, r.result.duplicates, r.item.limit or r.item.size, r.lines_before + reads[r.source_id],
                 r.result.first_line, r.document_id) for r in kept]  # fmt: skip
        names = ("source_id", "path", "sha256", "kind", "rows", "skipped", "bad", "duplicates", "bytes", "lines",
                 "first_line", "document_id")  # fmt: skip
        self.store.execute(
            "ingest/insert_sources",
            **{name: list(column) for name, column in zip(names, zip(*rows, strict=False), strict=False)},
        )
        for r in kept:
            digest = (
                r.sha256,
                r.item.limit or r.item.size,
                r.lines_before + reads[r.source_id],
                r.result.kind,
                r.document_id,
            )
            self.known.latest[r.path] = self.known.by_id[r.source_id] = digest

    def _load_summary(self, ready: _Ready) -> None:
        """An export or API page: its own reader stores its rows."""
        result = ready.result
        assert ready.reader.load is not None, "only export readers load"
        rows, skipped, duplicates, table = ready.reader.load(
            self.store, ready.item, ready.head_text, ready.source_id, self.request.options.now
        )
        result.rows, result.skipped, result.duplicates = rows, skipped, duplicates
        if self.request.replace_range and table:
            start, end = self.request.replace_range
            query = "ingest/replace_cost_range" if table == "costs" else "ingest/replace_usage_range"
            result.duplicates += self.store.rows(query, source_id=ready.source_id, range_start=start, range_end=end)[0][
                0
            ]
        if not rows:
            result.status, result.note = "nothing to store", "only empty buckets: no usage or cost in it"
            return
        if table == "costs":
            [(rounded, largest)] = self.store.rows("ingest/count_export_rounded_amounts")
            result.rounded_amounts, result.largest_rounding_usd = rounded, largest if rounded else None
        self._record([ready], {ready.source_id: rows + skipped})
        query = "ingest/source_billed" if table == "costs" else "ingest/source_usage_spend"
        found = self.store.dicts(query, source_id=ready.source_id)[0]
        result.spend_usd, result.unpriced = Decimal(found["spend_usd"]), found["unpriced"]
        result.unpriced_models = list(found["unpriced_models"] or [])

    def _add_spend(self, by_id: dict[int, FileResult]) -> None:
        """Each new source's spend: its counted calls priced, unpriced models named, a log's own cost beside it."""
        if not by_id:
            return
        for found in self.store.dicts("ingest/sources_calls_spend", sources=list(by_id)):
            result = by_id[found["source_id"]]
            result.spend_usd, result.unpriced = Decimal(found["spend_usd"]), found["unpriced"]
            result.unpriced_models = list(found["unpriced_models"] or [])
            result.reported_usd = found.get("reported_usd")
            result.priced_where_reported = found.get("priced_where_reported")


class _Bytes:
    """Progress over the bytes of every file of the ingest."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def add(self, size: int) -> None:
        self.done += size
        if self.progress:
            self.progress(min(self.done, self.total), self.total)


def _tell(ready: _Ready, tally: Tally, read: int, counted: dict[int, int], copies: dict[int, int]) -> None:
    """What one file of a batch gave: its counted calls, the calls other sources hold too, bad and skipped lines."""
    result = ready.result
    result.rows, result.duplicates = counted.get(ready.source_id, 0), copies.get(ready.source_id, 0)
    result.bad, result.bad_examples, result.passed_over = tally.bad, tally.bad_examples, tally.passed
    result.unread, result.unread_keys = tally.unread, tally.unread_keys
    result.skipped = read - tally.calls - tally.bad
    _never_silent(ready.item, ready.reader, ready.mapping, tally, result)


def _stored_path(item: files.Input) -> str:
    if item.url:
        return item.url
    return item.name if item.name == "<stdin>" else str(item.path.resolve())


def _preset(
    reader: readers.Reader, options: Options, sample: list[dict]
) -> tuple[presets.Preset, infer.Inferred | None]:
    """The preset named, the reader's own, the first whose keys the records carry, or, where none of them finds a
    token count, a mapping inferred from the records' keys."""
    if options.preset:
        return presets.named(options.preset), None
    picked = presets.named(reader.preset) if reader.preset else presets.pick(sample)
    if picked.every_record:
        return picked, None
    if infer.reads_tokens(presets.Mapping(picked, options.fields), sample):
        return infer.supplemented(picked, presets.Mapping(picked, options.fields), sample)
    if picked.name != presets.BASE and not reader.preset:
        return picked, None  # its own keys told it apart
    inferred = infer.infer(sample)
    return (infer.preset(inferred), inferred) if inferred.reads_tokens else (picked, None)


def _never_silent(
    item: files.Input, reader: readers.Reader, mapping: presets.Mapping, tally: Tally, result: FileResult
) -> None:
    """A file that gave no call: an error when it holds token counts, else said, and in either case not stored."""
    if tally.calls:
        if not result.rows:
            result.note = f"all {result.duplicates} calls are held by other sources already: kept as another holder, nothing added"
        return
    if tally.bad:
        result.status, result.note = "nothing to store", "every call in it was a bad line"
        return
    if tally.token_keys:
        others = ", ".join(p for p in presets.presets() if p != mapping.preset.name)
        raise InputError(
            item.name, None,
            f"it holds token counts ({', '.join(tally.token_keys)}) but no call could be read with the "
            f"{mapping.preset.name} preset",
            f"map the keys, e.g. --field input_tokens=KEY --field output_tokens=KEY, check them with --dry-run and keep "
            f"them with --save-preset FILE; or pass --preset with one of: {others}",
        )  # fmt: skip
    result.status = "not an input"
    result.note = f"read as {reader.name}: no call and no token counts in it; nothing stored"


def _fed_by(mapping: presets.Mapping, sample: list[dict]) -> dict[str, str]:
    """For each call field, the key that fed it in the first records (the first key present, as SQL picks it)."""
    fed = {}
    for name in presets.call_fields():
        for record in sample:
            key = next((k for k in mapping.keys(name) if presets.lookup(record, k) is not None), None)
            if key:
                fed[name] = "the wrapper's time" if key == WRAPPER_TIME else key
                break
    return fed
