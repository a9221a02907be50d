"""Launchers and process supervision: the pilot (``make run``, :mod:`bot.launch.pilot`), the production shape
(``make run-prod``, :mod:`bot.launch.production`), the local PostgreSQL/Redis/nginx they need
(:mod:`bot.launch.infra`), the chat page's static server (:mod:`bot.launch.webserver`), and the one
supervisor all of them start, watch and stop processes with (:mod:`bot.launch.supervisor`).

Standard library only: the launchers run on the system Python, before and outside the two virtual
environments they start processes from.
"""
