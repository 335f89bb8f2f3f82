"""Generating ``knowledge/schema.json`` from the models the loader validates with.

Editors (VS Code's YAML extension and others) read a JSON Schema to check and
autocomplete corpus files as moderators type. Generating it from the same pydantic
models keeps the editor's idea of the format identical to the checker's; a test
fails if the committed file is stale. Regenerate with ``python -m knowledge.schema_json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from knowledge.models import CorpusFile

SCHEMA_PATH = Path(__file__).with_name("schema.json")
SCHEMA_ID = "https://github.com/careerbot/careerbot/knowledge/schema.json"


def build_schema() -> dict[str, Any]:
    schema = CorpusFile.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_schema() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema next to this module (or to the path given)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SCHEMA_PATH
    target.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
