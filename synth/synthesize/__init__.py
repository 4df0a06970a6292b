"""Synthesis: findings across sources and the cited answer."""
