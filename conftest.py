"""Fixtures shared by every app's tests (factories live in erdem/<app>/tests/factories.py)."""
