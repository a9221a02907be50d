"""`make eval`: answer quality offline (``knowledge.evaluate``) and over the REST channel of live servers.

It sits on top of the engine and the servers' launcher, which know nothing of it.
"""
