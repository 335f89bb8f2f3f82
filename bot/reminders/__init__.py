"""The reminder and digest messages as Discord lays them out. The reminders' rules and
scheduler are in :mod:`careerbot.core.reminders`; the Discord sender in
``bot/exts/reminders``."""
