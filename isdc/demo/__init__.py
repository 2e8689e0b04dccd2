"""Demo and benchmark data: ISDC Serpong's demo (``init-db --demo``) and bulk volumes."""

from isdc.demo.seed import DEMO_LOGINS, Demo, seed_demo

__all__ = ["DEMO_LOGINS", "Demo", "seed_demo"]
