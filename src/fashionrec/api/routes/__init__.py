"""One router per resource, collected here in the order the app includes them."""

from fashionrec.api.routes import edits, health, images, items, pages, recommend, search, stock

ALL_ROUTERS = [health.router, items.router, edits.router, stock.router, search.router, recommend.router, images.router,
               pages.router]
