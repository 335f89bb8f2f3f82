"""The ``careerbot`` command (``main``), the Discord process's wiring and shutdown
(``run``) and the terminal conversation (``chat``): the top floor, which may use every
other."""
