"""The Rasa side of the assistant: NLU components, training data, endpoints and the launcher.

This package must stay importable without Rasa installed: the launcher (`python -m bot.launch.pilot`)
runs on the system Python before any virtual environment exists.
"""
