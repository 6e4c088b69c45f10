"""Render every city of a roster into one folder, refusing to overwrite unless forced."""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from sctemplates.layout import file_name
from sctemplates.model import Catalog
from sctemplates.roster import City, Roster
from sctemplates.render.city import DEFAULT_DEADLINE, now_iso, render_city

Progress = Callable[[City, Path], None]  # called once per finished workbook


def targets(roster: Roster, out_dir: Path) -> list[tuple[City, Path]]:
    return [(city, out_dir / file_name(city.code, city.name)) for city in roster.cities]


def refuse_existing(paths: list[Path]) -> None:
    existing = [p for p in paths if p.exists()]
    if existing:
        listing = "\n".join(f"  {p}" for p in existing)
        raise FileExistsError(
            f"以下 {len(existing)} 个文件已存在，未生成任何文件（如需覆盖请使用 --force）：\n{listing}"
        )


def render_all(catalog: Catalog, roster: Roster, out_dir, optional: Catalog | None = None,
               province=None, deadline: str | None = None, force: bool = False,
               progress: Progress | None = None, jobs: int = 1, previous=None) -> list[Path]:
    """One workbook per roster city in ``out_dir``; returns the paths in roster order.

    ``province`` defaults to sctemplates.province.default_province(roster) (no contacts);
    ``deadline`` defaults to the province's, then to 2016-12-30. All files share one
    generated_at. Raises FileExistsError before writing anything when a target exists.
    ``previous``: anything with ``for_city(code) -> PreviousValues`` (sceval.previous.load
    .PreviousRound): each template shows that city's previous values (issue 23).
    """
    if province is None:
        from sctemplates.province import default_province

        province = default_province(roster)
    deadline = deadline or getattr(province, "deadline", "") or DEFAULT_DEADLINE
    planned = targets(roster, Path(out_dir))
    if not force:
        refuse_existing([path for _city, path in planned])
    shared = dict(optional=optional, deadline=deadline, generated_at=now_iso())
    if jobs <= 1:
        for city, path in planned:
            render_city(catalog, city, province, path, **shared, previous=_of(previous, city))
            _report(progress, city, path)
    else:
        _render_parallel(catalog, province, planned, shared, progress, jobs, previous)
    return [path for _city, path in planned]


def _of(previous, city: City):
    return previous.for_city(city.code) if previous is not None else None


def _render_parallel(catalog, province, planned, shared, progress, jobs: int, previous=None) -> None:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(render_city, catalog, city, province, path, **shared,
                               previous=_of(previous, city)): (city, path)
                   for city, path in planned}
        for future in as_completed(futures):
            future.result()  # a worker's exception is a bug: let it surface
            _report(progress, *futures[future])


def _report(progress: Progress | None, city: City, path: Path) -> None:
    if progress is not None:
        progress(city, path)
