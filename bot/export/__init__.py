"""Case export (desk only): a CSV for HR systems and Excel."""
