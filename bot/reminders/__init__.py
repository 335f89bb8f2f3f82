"""Reminders: parsing what members type, building the reminder message, and the
scheduler that delivers due reminders. Pure modules except :mod:`scheduler`, which only
talks to storage and to an injected ``sender`` (the Discord part lives in
``bot/exts/reminders``)."""
