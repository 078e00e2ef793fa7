"""The web UI: server-rendered pages (Jinja2) on top of the same recommender the API uses."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from fashionrec.api.deps import FILTER_KEYS, ServiceDep, SettingsDep
from fashionrec.api.reports import SERVABLE, eda_dir, find_model_report, markdown_to_html, safe_file
from fashionrec.api.schemas import to_item, to_rec
from fashionrec.catalog import ATTRIBUTES
from fashionrec.errors import NotFoundError

WEB = Path(__file__).resolve().parents[2] / "web"
templates = Jinja2Templates(directory=WEB / "templates")
router = APIRouter(include_in_schema=False)
PAGE_SIZE = 24
# What shoppers read instead of the catalogue's column names.
LABELS = {"gender": "Gender", "masterCategory": "Category", "subCategory": "Group",
          "articleType": "Type", "baseColour": "Colour", "usage": "Usage", "season": "Season"}
templates.env.globals["labels"] = LABELS


@router.get("/", response_class=HTMLResponse)
def catalogue_page(
    request: Request,
    service: ServiceDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
):
    # Filters come straight from the query string; a value the catalogue lacks is dropped with a notice
    # rather than an error page, since it usually comes from an old bookmark.
    chosen, notices = {}, []
    for key in FILTER_KEYS:
        value = (request.query_params.get(key) or "").strip()
        if not value:
            continue
        if value in service.filter_values.get(key, []):
            chosen[key] = value
        else:
            notices.append(f"No {key} called {value!r}; that filter was ignored.")
    with service.lock.read():
        total, items = service.rec.browse(chosen or None, q.strip() or None, offset=(page - 1) * PAGE_SIZE,
                                          limit=PAGE_SIZE)
        if q.strip() and total == 0 and page == 1:
            # Shoppers type descriptions ("red cotton t-shirt for men"), which no product name contains:
            # answer with the semantic text search instead of an empty page.
            items = [r.item for r in service.rec.search_text(q.strip(), k=PAGE_SIZE, filters=chosen or None)]
            total = len(items)
            if items:
                notices.append(f"No product name contains {q.strip()!r}; these are the closest matches.")
    pages = max(1, -(-total // PAGE_SIZE))

    def page_url(n: int) -> str:
        return "/?" + urlencode({**chosen, **({"q": q} if q else {}), "page": n})

    return templates.TemplateResponse(request, "catalogue.html", {
        "items": [to_item(d) for d in items], "total": total, "page": page, "pages": pages,
        "prev_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
        "filters": {k: service.filter_values.get(k, []) for k in FILTER_KEYS},
        "chosen": chosen, "q": q, "notices": notices,
    })


@router.get("/item/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int, service: ServiceDep):
    with service.lock.read():
        try:
            raw = service.rec.item(item_id)
        except NotFoundError as e:
            return templates.TemplateResponse(request, "message.html", {"title": "Not found", "message": str(e)},
                                              status_code=404)
        similar = [to_rec(r) for r in service.rec.similar(item_id, k=8)]
        outfit = [to_rec(r) for r in service.rec.complete_the_look(item_id, k=4)]
    item = to_item(raw, item_id)
    rows = []
    for head in ATTRIBUTES:
        true = getattr(item, head, None)
        pred = item.predicted.get(head)
        rows.append({"name": head, "true": true, "pred": pred,
                     "match": None if (true is None or pred is None) else (true == pred.label)})
    return templates.TemplateResponse(request, "item.html", {
        "item": item, "rows": rows, "similar": similar, "outfit": outfit})


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, settings: SettingsDep):
    return templates.TemplateResponse(request, "upload.html", {"max_mb": settings.max_upload_mb})


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, service: ServiceDep, settings: SettingsDep):
    model = find_model_report(settings.reports_dir, service.rec.tagger.name, service.rec.tagger.path)
    return templates.TemplateResponse(request, "reports.html", {
        "eda": eda_dir(settings.reports_dir) is not None,
        "model": model,
        "model_html": markdown_to_html(model.markdown) if model else None,
        "model_name": service.rec.tagger.name,
        "reports_dir": str(settings.reports_dir),
    })


@router.get("/reports/eda")
def eda_root() -> RedirectResponse:
    return RedirectResponse("/reports/eda/report.html")


def _serve(path: Path | None, what: str) -> FileResponse:
    if path is None:
        raise NotFoundError(f"no such {what} file")
    return FileResponse(path, media_type=SERVABLE[path.suffix.lower()])


@router.get("/reports/eda/{name}")
def eda_file(name: str, settings: SettingsDep) -> FileResponse:
    return _serve(safe_file(eda_dir(settings.reports_dir), name), "EDA report")


@router.get("/reports/model/{name}")
def model_file(name: str, service: ServiceDep, settings: SettingsDep) -> FileResponse:
    model = find_model_report(settings.reports_dir, service.rec.tagger.name, service.rec.tagger.path)
    return _serve(safe_file(model.folder if model else None, name), "model report")
