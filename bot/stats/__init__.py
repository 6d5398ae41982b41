"""Monthly report: figures from the database only (no narrative), a channel post and a chart."""
