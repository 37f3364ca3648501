"""Structured JSON logs (LOG-03): one object a line, user-supplied text escaped by json.dumps,
so a username holding CR/LF cannot forge a second log line."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    SKIP = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self.SKIP and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=True)


security_log = logging.getLogger("crossline.security")
