"""One extension per feature area, loaded by :class:`bot.client.CareerBot`.

Each package's ``setup`` adds its cog and registers its persistent components
(``DynamicItem`` classes) with the bot, and ``teardown`` removes them, so unloading an
area removes its buttons' handlers too.
"""
