"""How much of a file mealroute reads, and the largest values it accepts.

A city's lists are a few thousand rows of a few dozen columns. Anything far beyond
these limits is a damaged or hostile file, and reading it would exhaust the
machine's memory instead of planning lunch, so it is refused with a message that
names the file, the sheet and the limit. The README's Input section lists them.
"""

from __future__ import annotations

MB = 1024 * 1024

# -- files
MAX_TEXT_BYTES = 20 * MB  # one CSV/TSV/TXT table
MAX_WORKBOOK_BYTES = 50 * MB  # one .xlsx file as stored (compressed)
MAX_WORKBOOK_UNPACKED = 100 * MB  # everything in it, as its zip directory declares
MAX_WORKBOOK_PARTS = 10_000  # files inside the .xlsx zip

# -- one table (a sheet or a text file)
MAX_ROWS = 100_000
MAX_COLUMNS = 200  # column GR
MAX_CELLS = 2_000_000  # cells with a value, merged ranges filled in
MAX_CELL_CHARS = 2_000  # longer cells are an error of their row

# -- values
MAX_CAPACITY = 200  # meals one worker carries on one trip
MAX_MEALS = 20  # meals for one client
