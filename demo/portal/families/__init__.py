"""The imitation portal's source families, one module each, registered by spider name.

Each module declares one family on :class:`demo.portal.base.Family` (its routes, where a copy's
page lives, its rendering); :mod:`demo.portal.app` assembles the server from :data:`FAMILIES`.
Every spider of ``collectors/spiders/`` has its family here (``tests/test_portal.py`` checks it).
"""

from __future__ import annotations

from demo.portal.base import Family
from demo.portal.families.ccgp import Ccgp
from demo.portal.families.epoint import Epoint
from demo.portal.families.exchange import Exchange
from demo.portal.families.ggzy import Ggzy
from demo.portal.families.landchina import Landchina
from demo.portal.families.mnr import Mnr
from demo.portal.families.ocds import Ocds

FAMILIES: dict[str, type[Family]] = {f.name: f for f in (Ggzy, Epoint, Ccgp, Landchina, Mnr, Exchange, Ocds)}
