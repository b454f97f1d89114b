import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
	sys.path.insert(0, str(REPO))

# Set by scripts/test.sh for the integration and browser tests.
SITE = os.environ.get("MD_SITE")
SITES_PATH = os.environ.get("MD_SITES_PATH")
