"""Awareness-raising (周知・啓発): weekly bilingual posts with a Got it button, and a welcome DM.

Nothing here is for other features; the app wires `bot.awareness.feature`, the CLI checks the
content with `bot.awareness.content.awareness_problems`.
"""
