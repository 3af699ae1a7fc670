"""Curated realism data for the demo province (names, places, instruments). Plain Python, no Django imports."""
