"""Reports of results: files, text and CSV tables, charts, report.html, tables.xlsx."""
