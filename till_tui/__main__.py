import sys

from till_tui.cli import main

sys.exit(main())
