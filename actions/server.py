"""The action server, warm before it reports healthy: ``python -m actions.server --port 5055``.

``python -m rasa_sdk`` loads the embedding model and the index on the first question, which then takes
~15 s. This starts the same rasa-sdk server (same arguments, same app), but each worker loads the knowledge
base and answers one question in each language before it accepts connections, so ``/health`` answers only
when the first real answer will be as fast as the others.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import time
from functools import partial
from typing import Any, List, Optional

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app_for_serve, create_argument_parser, create_ssl_config
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic
from sanic.worker.loader import AppLoader
from sanic.worker.manager import WorkerManager

from actions.settings import get_settings

logger = logging.getLogger("actions.server")  # also when run as __main__

# Sanic shuts a worker down that has not acknowledged its start within 30 s (a class constant in tenths of a
# second, with no setting). The warm-up runs before that acknowledgement and, on two busy cores, loading the
# model and the index can take longer: the action server then refused to start. Two minutes.
WORKER_START_TENTHS = 1200

WARM_UP_QUESTIONS = (("商标侵权怎么举报？", "zh"), ("How do I report a counterfeit trademark?", "en"))


def warm_up() -> float:
    """Load the model and the index and answer a question in each language, and open the answer log's and
    the tickets' databases (opening and checking their migrations made the first answer 20 ms slower than
    the next); the seconds it took."""
    from actions.answer_log import answer_log
    from actions.knowledge_answer import knowledge_base
    from actions.ticket_status import ticket_store

    started = time.monotonic()
    base = knowledge_base()
    try:
        for text, language in WARM_UP_QUESTIONS:
            base.answer(text, language)
    except Exception as error:  # a missing index is reported per question, politely; serve anyway
        logger.error("knowledge base not warmed up: %s", error)
    for name, open_database in (("answer log", answer_log), ("tickets", ticket_store)):
        try:
            open_database()
        except Exception as error:  # a database that is down is retried on first use, as before
            logger.error("the %s database is not open yet: %s", name, error)
    seconds = time.monotonic() - started
    logger.info("knowledge base warm in %.1f s", seconds)
    return seconds


async def _warm_up_listener(app: Sanic, loop: Any) -> None:
    from actions.knowledge_answer import in_search_thread

    await in_search_thread(warm_up)  # the thread every search runs in (see there why)
    # The model, the index and the libraries live as long as the process; frozen, the collector stops
    # scanning them: full collections took 110-180 ms (collecting nothing), holding up every conversation.
    # A knowledge build replaced later is freed as before (by reference counts).
    gc.collect()
    gc.freeze()


def in_a_worker() -> bool:
    """Whether this process is one of Sanic's workers (Sanic names the processes it starts after the worker,
    "Sanic-Server-0-0"); its manager is the main process."""
    return multiprocessing.current_process().name.startswith("Sanic-")


def create_warm_app(actions_package: str, **kwargs: Any) -> Sanic:
    """rasa-sdk's app with the warm-up run before the worker starts serving. Sanic also builds the app in its
    manager process, which serves nothing: only a worker imports the actions (and with them numpy, faiss and
    the ticket store), which kept about 70 MB of the manager's memory for nothing."""
    executor = ActionExecutor()
    if in_a_worker():
        executor.register_package(actions_package)
    app = create_app_for_serve(executor, **kwargs)
    app.register_listener(_warm_up_listener, "before_server_start")
    return app


def main(argv: Optional[List[str]] = None) -> None:
    """As ``python -m rasa_sdk`` does (same arguments and logging), with :func:`create_warm_app`."""
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    loader = AppLoader(
        factory=partial(
            create_warm_app,
            args.actions_module or args.actions or "actions",
            cors_origins=args.cors,
            auto_reload=args.auto_reload,
            endpoints=args.endpoints,
        )
    )
    app = loader.load()
    app.prepare(
        host=get_settings().actions_host,
        port=args.port,
        ssl=create_ssl_config(args.ssl_certificate, args.ssl_keyfile, args.ssl_password),
        workers=utils.number_of_sanic_workers(),
    )
    # Sanic's single-process mode would save the manager process (about 180 MB of the tree) but answered
    # every action 15-20 ms slower here (measured with bench's chat latency, 1 and 8 users): not taken.
    WorkerManager.THRESHOLD = max(WorkerManager.THRESHOLD, WORKER_START_TENTHS)
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
