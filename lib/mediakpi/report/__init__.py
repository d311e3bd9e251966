"""Reports readers open: index, team report, data-quality page, private scorecards, the HR workbook.

`report.publish.publish` renders a period (the page modules: inputs, posts, team, person, workbook). This package file imports nothing, so that `report.html` (the table and
cell formatting every page uses) can serve the lab's widgets (`views.readable`) without pulling in the stages.
"""
