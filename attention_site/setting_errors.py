"""Stop a build over a bad setting with one clear message (what is wrong, and the fix), exit status 2.

Sphinx 9 prints any exception that reaches it, ``ConfigError`` included, with its versions, a
traceback and a request to report a bug at sphinx-doc. A maintainer's mistake in a setting is
not a bug of Sphinx: every setting the site checks is refused through :func:`stop_on_setting`,
which logs the message as one error and ends the build with status 2, the status
``sphinx-build`` gives a configuration error. Library callers see :class:`SystemExit` (code 2).
"""

from __future__ import annotations

from typing import NoReturn

from sphinx.util import logging

logger = logging.getLogger(__name__)

#: What ``sphinx-build`` returns for a configuration error.
EXIT_STATUS = 2


def stop_on_setting(message: str, subtype: str) -> NoReturn:
    """Log ``message`` (which names the setting and the fix) as one error and stop the build."""
    logger.error(message, type="attention_site", subtype=subtype)
    raise SystemExit(EXIT_STATUS)
