"""Driving simulator: simulation core (no pygame), front end, drivers and station client."""
