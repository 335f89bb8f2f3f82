"""Reminders' rules: parsing what members type, quiet hours, and the scheduler that
delivers due reminders through an injected ``sender`` (the Discord sender and the
reminder message live in ``bot``)."""
