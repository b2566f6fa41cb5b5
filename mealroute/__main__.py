"""``python -m mealroute``: the same as the ``mealroute`` command."""

from .launch import main

if __name__ == "__main__":
    main()
