"""The application every door calls (Discord, ``careerbot ask``, ``careerbot chat``):
answering a question, marking progress, cooldowns, reminders' rules and their
scheduler. No discord.py here, and nothing from ``bot``: the console runs on it alone."""
