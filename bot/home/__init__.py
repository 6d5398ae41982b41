"""The App Home: each person's own reports, and for desk staff the open cases."""
