"""mediakpi: new-media team KPI workbook."""
