"""Typed service settings, read from ``FASHIONREC_*`` environment variables (or passed in directly)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What ``fashionrec serve`` needs; every field can be set as ``FASHIONREC_<NAME>``.

    Example:
        >>> Settings(index_dir="runs/index", api_key="secret").max_upload_bytes
        10485760
    """

    model_config = SettingsConfigDict(env_prefix="FASHIONREC_", extra="ignore")

    index_dir: Path = Field(Path("runs/index"), description="Folder written by `fashionrec index build`.")
    model: Path | None = Field(None, description="Checkpoint to tag uploads with; default: the index's model.")
    api_key: str | None = Field(None, description="Key for POST /api/items (header X-API-Key); unset: disabled.")
    max_upload_mb: float = Field(10, gt=0, description="Largest accepted upload, in MB.")
    max_pixels: int = Field(40_000_000, gt=0, description="Largest accepted image, in pixels (width x height).")
    # A 39-megapixel PNG of 150 KB held about 300 MB while it was decoded and searched, and four at once took the
    # server from 1,197 to 2,406 MB, eight 3,641 (stop 64); one at a time, about 300 MB at most.
    large_photo_pixels: int = Field(16_000_000, gt=0, description="A photo over this many pixels (width x height, "
                                    "read from its header) is decoded and searched while no more than "
                                    "large_photos_at_once others are; smaller ones go on beside them.")
    large_photos_at_once: int = Field(1, gt=0, description="How many large photos are decoded and searched at once; "
                                      "the next waits for its turn.")
    reports_dir: Path = Field(Path("runs"), description="Where eda/report.html and train/<run>/test/ live.")
    milvus_uri: str | None = Field(None, description="Milvus index: where its collection lives now "
                                   "(a Milvus Lite file or http://host:19530); default: as built.")
    milvus_token: str | None = Field(None, description="Milvus token (user:password or API key).")
    # uvicorn's 5 s default closed connections that clients were about to reuse: under 50 concurrent
    # clients on 2 cores, 1-14 photo uploads per 30 s run failed with a client ReadError; 0 at 30 s.
    keep_alive_s: int = Field(30, gt=0, description="Seconds an idle HTTP keep-alive connection stays open.")
    # uvicorn has no such limit: 400 connections that never finished their headers were all open 70 s later.
    header_timeout_s: float = Field(20, gt=0, allow_inf_nan=False, description="Seconds a connection may take "
                                    "to send a request's line and headers (from its opening, or from the first "
                                    "bytes of its next request) before it is closed.")

    reload_s: float = Field(10, ge=0, le=86400, allow_inf_nan=False,
                            description="Seconds between looks at the index folder: where another process rebuilt "
                            "it or added or removed products, the server loads it and serves it (0: it does not "
                            "look by itself; a change through its API still loads the folder first).")

    cors_origins: str = Field("", description="Origins whose web pages may call the API from the browser, "
                              "comma-separated (https://shop.example.com), or *; unset: same origin only.")

    # Printable ASCII: it goes into a header (another character stopped the app's start with a UnicodeEncodeError).
    frame_ancestors: str = Field("'self'", pattern=r"^[ -~]+$", description="Pages that may show the web UI in a "
                                 "frame (the CSP frame-ancestors value: 'self', https://shop.example.com, or *).")

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def upload_too_large(self) -> str:
        """What an upload over the limit is told, wherever it is caught."""
        return f"upload is over the limit of {self.max_upload_mb:g} MB (set FASHIONREC_MAX_UPLOAD_MB to change it)"
