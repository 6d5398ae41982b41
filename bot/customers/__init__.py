"""Customer register (desk only): records, identifiers, linked cases and measures."""
