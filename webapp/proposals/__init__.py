"""Proposals for the client (合作方案书), their branding and the links that send them."""
