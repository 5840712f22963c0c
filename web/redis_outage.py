"""Redis only spares the site work, so the site carries on when Redis fails.

Every command the site sends Redis goes through `outage.attempt()`, which
gives None instead of raising: the page is then read and rendered from the
database, and a write Redis lost (a page, a version token) only costs work
later. A Redis that does not answer (stopped, stuck, unreachable) costs the
request that finds out one timeout (REDIS_CLIENT_OPTIONS in settings); this
process then leaves it alone for RETRY_SECONDS, so the requests in between do
not each wait for it. A Redis that answers with an error (a write refused
because it is full) costs no wait and is asked again at once.
"""

import logging
from time import monotonic

import redis

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5
DID_NOT_ANSWER = (redis.ConnectionError, redis.TimeoutError)


class Outage:
    def __init__(self):
        # Until this moment (monotonic()), Redis is not asked anything.
        self.until = 0.0

    def attempt(self, doing, command, *args, **kwargs):
        """`command(*args, **kwargs)`, or None if it failed (logged, saying
        what the site was `doing`) or Redis is being left alone."""
        if monotonic() < self.until:
            return None
        try:
            return command(*args, **kwargs)
        except Exception as error:
            if isinstance(error, DID_NOT_ANSWER):
                self.until = monotonic() + RETRY_SECONDS
            logger.exception("Redis failed to %s; going on without it", doing)
            return None


outage = Outage()
