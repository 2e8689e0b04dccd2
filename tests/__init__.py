"""ISDC Suite tests."""
