"""Reads of a product the shop hides: the shop's alone, by its API key (stop 76).

A product the shop hides (a Shopify draft, a "Product Visible?" N; visibility.py) is never listed, and its page
``/item/{id}`` is a 404 for shoppers. Its own reads by id answered anyone, though: ``GET /api/items/{id}`` (its name,
price, photo address), its similar items and its photo ``/images/{id}.jpg``, by its number or its Handle (stop 75,
h75hidden and h75integ). Reads need no key by design (a shop front end, a CDN), so the key decides only for a hidden
product: sent (``X-API-Key``, the server's ``FASHIONREC_API_KEY``), the shop reads it, said hidden; without it the
read is a 404 as the page is, so that nothing of a draft reaches a shopper. Since stop 77 that 404 is word for word
an id never there's (``ItemTables.as_if_absent``), as Shopify's storefront answers a draft's address: stop 76's
"product 'red-dress' is hidden by the shop" told a guessed Handle of a draft from one never there. ``GET /api/stock``
and a profile's liked ids go by the key too (routes/stock.py, routes/recommend.py). A sold-out product is shown and
answered as before.
"""

from __future__ import annotations

import secrets
from contextlib import AbstractContextManager, nullcontext
from typing import Annotated

from fastapi import Depends, Header

from fashionrec.api.deps import SettingsDep
from fashionrec.visibility import answering_the_shop


def key_refused(settings, sent: str | None) -> str | None:
    """Why a request that sent ``sent`` as its ``X-API-Key`` is not the shop's (none configured, none sent, another
    one), as a reader of a hidden product is told; None where it is the server's key."""
    if not settings.api_key:
        return ("this server has no API key: start it with FASHIONREC_API_KEY=<secret> and send that in the "
                "X-API-Key header to read it")
    if not sent:
        return "send the server's key (its FASHIONREC_API_KEY) in the X-API-Key header to read it"
    if not secrets.compare_digest(sent.encode(), settings.api_key.encode()):
        return "the X-API-Key sent is not the server's (its FASHIONREC_API_KEY), which reads it"
    return None


def shop_refusal(settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None) -> str | None:
    """:func:`key_refused` of the request: None where the shop asks."""
    return key_refused(settings, x_api_key)


# None where the request carries the server's API key (the shop asks), else why not: what a hidden product's reads
# go by (:func:`hidden_to`).
ShopRefusal = Annotated[str | None, Depends(shop_refusal)]


def to_the_shop(refusal: str | None) -> AbstractContextManager:
    """Where the request is the shop's (``refusal`` None: its key sent), what its reads say of a hidden product is
    said as to the shop (a hidden product's variation id names its product, said hidden; an id's "did you mean"
    offers a hidden Handle, said hidden), as the CLI says it; else as to anyone. Entered inside ``answering``."""
    return answering_the_shop() if refusal is None else nullcontext()


def hidden_to(rec, item_id: int, typed: str, refusal: str | None) -> str | None:
    """Whether the caller may read product ``item_id`` (typed ``typed``): None where ``rec`` shows it; where the shop
    hides it, what an answer to the shop says of it (``refusal`` None: the key sent), else the :class:`NotFoundError`
    of an id the index never had, word for word (``rec.as_if_absent``): stop 76 said "product 'red-dress' is hidden
    by the shop: send the server's key ..." to anyone, so a draft's Handle guessed was told from one never there
    (stop 77). A key sent that is not the server's is no key: told so, a guessed key would be told a draft's id."""
    if not rec.is_hidden(item_id):
        return None
    if refusal is not None:
        raise rec.as_if_absent(typed, item_id)
    why = rec.item(item_id).get("hidden_by")
    return (f"product {rec.id_said(item_id)} is hidden by the shop ({why}): answered for the API key; a shopper "
            "gets a 404")
