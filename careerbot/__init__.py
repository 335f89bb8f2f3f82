"""careerbot below and beside its Discord skin (``bot/``).

Floors, each importing only those under it: ``careerbot.cli`` (the ``careerbot``
command and the console) -> ``bot`` (Discord) -> ``careerbot.core`` (what every door
calls) -> ``careerbot.runtime`` (settings, logs, metrics, services, time) -> ``storage``
and ``knowledge``. ``tests/test_layout.py`` holds the floors in place.
"""
