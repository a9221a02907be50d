"""Custom actions run by the Rasa SDK action server (``python -m actions.server``).

The SDK imports every submodule of this package at start-up and registers each ``Action`` subclass.
"""

from actions.log_setup import configure as _configure_logging

_configure_logging()
