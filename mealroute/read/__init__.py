"""From the coordinator's files to the domain: every table read, every problem said.

The input side, in the order data flows through it:

- ``sources.py`` finds which file or sheet is which table (by name, else by columns);
- ``csvfile.py`` and ``xlsx.py`` read a CSV or a workbook sheet, safely and bounded
  (``limits.py``);
- ``tables.py`` finds the header and footers and maps headers to the columns of
  ``columns.py`` (the alias table);
- ``rows.py`` and ``words.py`` turn one row's cells into typed values;
- ``load.py`` builds :class:`~mealroute.model.Station`, ``Worker`` and ``Client``
  (:func:`~mealroute.read.load.dataset_from_path` is the way in);
- ``checks.py`` looks across rows for ``mealroute validate``.

Nothing here raises for a problem in the data: each is an
:class:`~mealroute.model.Issue` in the language of :mod:`mealroute.messages.input`.
"""
