"""The one definition of a disclosure: codelists, typed fields, notices, projects, parties.

Every stage (collectors, importers, the store, the site, search, Datasette) reads and
writes these models; nothing else defines what a disclosure is.
"""

from models.codelists import Kind, NoticeType, ProjectStatus, Role
from models.kinds import AREA_MODELS, Award, Lot
from models.notice import Notice, RegionRef, Source
from models.project import Project, ProjectParty, compile_project

__all__ = [
    "AREA_MODELS",
    "Award",
    "Kind",
    "Lot",
    "Notice",
    "NoticeType",
    "Project",
    "ProjectParty",
    "ProjectStatus",
    "RegionRef",
    "Role",
    "Source",
    "compile_project",
]
