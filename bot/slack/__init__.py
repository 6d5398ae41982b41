"""The Slack surface every feature shares: clients, Block Kit, limits, mrkdwn, links, replies,
errors, who is staff, who a user is, and the TTL cache those lookups use."""
