"""The staff console: a web page where bureau staff keep the knowledge base and work the ticket queue.

Server-rendered pages (Starlette and Jinja2) over the same engines as the CLIs: ``knowledge`` for the
documents and the index, ``tickets`` for the tickets. Accounts, roles and the audit log live in
:mod:`staff.accounts`.
"""
