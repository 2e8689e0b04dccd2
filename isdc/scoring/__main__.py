"""`python -m isdc.scoring FILE [--json] [--lang id|en] [--rubric PATH]`."""

import sys

from isdc.scoring.cli import main

sys.exit(main())
