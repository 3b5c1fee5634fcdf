"""A local cache of API answers, keyed by the query: a repeated query makes no request.

Each answer is one JSON file named by the SHA-256 of the endpoint and its
parameters (credentials left out), written atomically, so an interrupted run
resumes from the queries it finished. A file that no longer parses is
treated as missing (and replaced by the next fetch).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SECRET_PARAMS = frozenset({"subscription-key", "key", "token"})


class QueryCache:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    @staticmethod
    def key(url: str, params: Mapping[str, Any]) -> str:
        public = {k: v for k, v in sorted(params.items()) if k not in SECRET_PARAMS}
        text = json.dumps({"url": url, "params": public}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> Any | None:
        path = self.path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
            return None

    def put(self, key: str, value: Any) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(key)
        tmp = path.with_suffix(".part")
        tmp.write_text(json.dumps(value), encoding="utf-8")
        tmp.replace(path)
