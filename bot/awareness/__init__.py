"""Awareness-raising (周知・啓発): weekly bilingual posts with a Got it button, and a welcome DM."""
